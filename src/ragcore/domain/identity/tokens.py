"""API key tokens: ``rc_live_<id>_<secret>``, the id 12 lowercase hex, the secret 32 random bytes
(43 URL-safe base64 characters). Only the sha256 hex of the whole token is stored."""

import hashlib
import hmac
import re
import secrets

PREFIX = "rc_live_"
ID_LENGTH = 12
SECRET_BYTES = 32
_TOKEN = re.compile(r"rc_live_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
_DUMMY_HASH = "0" * 64


def new_token() -> tuple[str, str]:
    """A fresh (key id, token) pair."""
    key_id = secrets.token_hex(ID_LENGTH // 2)
    return key_id, f"{PREFIX}{key_id}_{secrets.token_urlsafe(SECRET_BYTES)}"


def token_hash(token: str) -> str:
    """sha256 hex of ``token`` (64 characters): enough for a 256-bit random secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def key_id_of(token: str) -> str | None:
    """The key id of a well-formed token; None for anything else (wrong prefix, length, alphabet)."""
    match = _TOKEN.fullmatch(token)
    return match.group(1) if match else None


def matches(token: str, stored_hash: str | None) -> bool:
    """Constant-time comparison of ``token``'s hash with ``stored_hash`` (None: compares with a dummy)."""
    return hmac.compare_digest(token_hash(token), stored_hash or _DUMMY_HASH) and stored_hash is not None
