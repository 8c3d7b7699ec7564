"""Turning a bearer token into the acting principal; every failure is one Unauthenticated kind."""

from datetime import timedelta

from ragcore.domain.errors import Unauthenticated
from ragcore.domain.identity.audit import Auditor
from ragcore.domain.identity.models import ApiKey, Principal
from ragcore.domain.identity.tokens import key_id_of, matches
from ragcore.domain.ports import Clock, IdentityStore

TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is written at most this often per key


class Authenticator:
    def __init__(self, *, identities: IdentityStore, auditor: Auditor, clock: Clock) -> None:
        self._identities = identities
        self._auditor = auditor
        self._clock = clock

    def authenticate(self, token: str, *, request_id: str = "", client: str = "") -> Principal:
        """The principal of an API key token.

        Raises Unauthenticated "unauthenticated" (one message for every kind, so nothing leaks which
        part was wrong) for a malformed or unknown token, a revoked or expired key, or a deleted user;
        the kind is audited as "auth.failure" with ``client`` (the caller's address).
        """
        key_id = key_id_of(token)
        key = self._identities.get_key(key_id) if key_id else None
        reason = _key_problem(token, key, self._clock.now())
        user = self._identities.get_user(key.user_id) if key and reason is None else None
        if reason is None and user is None:
            reason = "deleted_user"
        if reason is not None or key is None or user is None:
            self._fail(reason or "unknown_key", key_id, request_id, client)
        now = self._clock.now()
        if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
            self._identities.touch_key(key.id, now)
        return Principal(user=user, scopes=frozenset(key.scopes), actor=user.id, key_id=key.id,
                         request_id=request_id)

    def _fail(self, reason: str, key_id: str | None, request_id: str, client: str) -> None:
        target = f"key:{key_id}" if key_id else "key:?"
        self._auditor.record(None, "auth.failure", target, detail=f"{reason} from {client}", request_id=request_id)
        raise Unauthenticated("a valid API key is required: Authorization: Bearer rc_live_...")


def _key_problem(token: str, key: ApiKey | None, now) -> str | None:
    """Why ``key`` does not authenticate ``token`` (None: it does). The hash is always compared."""
    if not matches(token, key.key_hash if key else None):
        return "unknown_key" if key_id_of(token) else "malformed_key"
    if key is not None and key.revoked_at is not None:
        return "revoked_key"
    if key is not None and key.expires_at is not None and key.expires_at <= now:
        return "expired_key"
    return None
