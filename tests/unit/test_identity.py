"""Identity use cases over in-memory stores: users, keys, authentication, the access policy."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from ragcore.adapters.memory_identity import MemoryAccessStore, MemoryAuditLog, MemoryIdentityStore
from ragcore.domain.errors import Conflict, Forbidden, Invalid, NotFound, Unauthenticated
from ragcore.domain.identity.audit import Auditor
from ragcore.domain.identity.authenticate import Authenticator
from ragcore.domain.identity.models import AuditQuery, Principal
from ragcore.domain.identity.policy import AccessPolicy
from ragcore.domain.identity.service import IdentityService
from ragcore.domain.identity.tokens import key_id_of, new_token, token_hash
from tests.unit.fakes import FixedClock

OPERATOR = Principal.operator()
UNAUTHENTICATED = "a valid API key is required: Authorization: Bearer rc_live_..."


class PlainHasher:
    """Records what it hashed; "h:" + password."""

    def hash(self, password: str) -> str:
        return f"h:{password}"

    def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == f"h:{password}"


@pytest.fixture
def ids() -> SimpleNamespace:
    clock, store, log = FixedClock(), MemoryIdentityStore(), MemoryAuditLog()
    access = MemoryAccessStore(store)
    auditor = Auditor(log=log, clock=clock)
    return SimpleNamespace(
        clock=clock, store=store, log=log, access=access,
        users=IdentityService(identities=store, hasher=PlainHasher(), auditor=auditor, clock=clock),
        auth=Authenticator(identities=store, auditor=auditor, clock=clock),
        policy=AccessPolicy(access=access, auditor=auditor, clock=clock),
    )


def login(ids, name: str, role: str = "member") -> Principal:
    token = ids.users.create_user(OPERATOR, name, role=role)[1].token
    return ids.auth.authenticate(token)


def test_tokens_have_the_prefix_a_short_id_and_256_random_bits() -> None:
    key_id, token = new_token()
    assert token.startswith(f"rc_live_{key_id}_") and len(key_id) == 12 and len(token) == 8 + 12 + 1 + 43
    assert key_id_of(token) == key_id
    assert [key_id_of(t) for t in ("", "rc_live_", f"rc_test_{token[8:]}", token + "x", token[:-1])] == [None] * 5


def test_a_new_user_gets_a_first_key_with_the_role_s_scopes(ids) -> None:
    admin, issued = ids.users.create_user(OPERATOR, "root", role="admin", password="correct horse battery")
    member_key = ids.users.create_user(OPERATOR, "amy")[1]
    assert issued.key.scopes == ("read", "write", "admin") and member_key.key.scopes == ("read", "write")
    assert issued.key.key_hash == token_hash(issued.token) and issued.token not in repr(ids.store.list_keys())
    assert ids.users.verify_password("root", "correct horse battery") == admin
    assert ids.users.verify_password("root", "wrong horse battery") is None


def test_only_admins_manage_users(ids) -> None:
    amy = login(ids, "amy")
    with pytest.raises(Forbidden) as info:
        ids.users.create_user(amy, "eve")
    assert info.value.message == "this needs an admin user's key with the 'admin' scope"


@pytest.mark.parametrize(("name", "role", "password", "code"), [
    ("", "member", None, "invalid_user_name"), ("-x", "member", None, "invalid_user_name"),
    ("bob", "owner", None, "invalid_role"), ("bob", "member", "short", "weak_password"),
])
def test_bad_user_input_is_invalid(ids, name, role, password, code) -> None:
    with pytest.raises(Invalid) as info:
        ids.users.create_user(OPERATOR, name, role=role, password=password)
    assert info.value.code == code


def test_a_taken_user_name_is_a_conflict(ids) -> None:
    ids.users.create_user(OPERATOR, "amy")
    with pytest.raises(Conflict) as info:
        ids.users.create_user(OPERATOR, "amy")
    assert info.value.code == "user_exists"


def test_key_scopes_never_exceed_the_caller_s_or_the_user_s_role(ids) -> None:
    amy = login(ids, "amy")
    with pytest.raises(Forbidden) as admin_scope:
        ids.users.create_key(amy, name="k", scopes=["admin"])
    read_only = ids.auth.authenticate(ids.users.create_key(amy, name="ro", scopes=["read"]).token)
    with pytest.raises(Forbidden) as wider:
        ids.users.create_key(read_only, name="k", scopes=["read", "write"])
    with pytest.raises(Invalid) as unknown:
        ids.users.create_key(amy, name="k", scopes=["read", "delete"])
    assert (admin_scope.value.message, wider.value.message, unknown.value.code) == (
        "only admin users may hold admin-scoped keys", "a key cannot create a key with scopes it does not have",
        "invalid_scopes")


def test_members_cannot_make_or_see_keys_of_others(ids) -> None:
    amy, bob = login(ids, "amy"), login(ids, "bob")
    with pytest.raises(Forbidden):
        ids.users.create_key(amy, name="k", scopes=["read"], user_name="bob")
    with pytest.raises(NotFound) as info:
        ids.users.revoke_key(amy, bob.key_id)
    assert (info.value.code, info.value.message) == ("key_not_found", f"key {bob.key_id!r} does not exist")
    assert [k.user_id for k in ids.users.list_keys(amy)] == [amy.user.id]


def test_an_expiry_in_the_past_is_invalid(ids) -> None:
    with pytest.raises(Invalid) as info:
        ids.users.create_key(OPERATOR, name="k", scopes=["read"], user_name=login(ids, "amy").user.name,
                             expires_at=ids.clock.now())
    assert info.value.code == "invalid_expiry"


def _failure_reasons(ids) -> list[str]:
    return [e.detail for e in ids.log.query(AuditQuery(limit=1000)) if e.action == "auth.failure"][::-1]


def test_every_authentication_failure_is_the_same_error_and_an_audited_reason(ids) -> None:
    amy = ids.users.create_user(OPERATOR, "amy")[1]
    revoked = ids.users.create_key(OPERATOR, name="r", scopes=["read"], user_name="amy")
    ids.users.revoke_key(OPERATOR, revoked.key.id)
    expiring = ids.users.create_key(OPERATOR, name="e", scopes=["read"], user_name="amy",
                                    expires_at=ids.clock.now() + timedelta(seconds=10))
    ids.clock.advance(10)
    bob = ids.users.create_user(OPERATOR, "bob")[1]
    ids.users.delete_user(OPERATOR, "bob")
    unknown = amy.token[:-1] + ("A" if amy.token[-1] != "A" else "B")
    for token in ("garbage", unknown, revoked.token, expiring.token, bob.token):
        with pytest.raises(Unauthenticated) as info:
            ids.auth.authenticate(token, client="10.0.0.9")
        ids.clock.advance(1)  # the audit log lists newest first, by time
        assert (info.value.code, info.value.message) == ("unauthenticated", UNAUTHENTICATED)
    assert _failure_reasons(ids) == [f"{r} from 10.0.0.9" for r in (
        "malformed_key", "unknown_key", "revoked_key", "expired_key", "unknown_key")]


def test_last_used_is_written_at_most_once_a_minute(ids) -> None:
    issued = ids.users.create_user(OPERATOR, "amy")[1]
    ids.auth.authenticate(issued.token)
    first = ids.store.get_key(issued.key.id).last_used_at
    ids.clock.advance(30)
    ids.auth.authenticate(issued.token)
    assert ids.store.get_key(issued.key.id).last_used_at == first
    ids.clock.advance(30)
    ids.auth.authenticate(issued.token)
    assert ids.store.get_key(issued.key.id).last_used_at == first + timedelta(seconds=60)


def test_the_policy_hides_forbids_and_lets_through(ids) -> None:
    owner, reader, stranger = (login(ids, n) for n in ("olga", "rita", "xena"))
    admin = login(ids, "root", "admin")
    ids.policy.created(owner, "c1", "manuals")
    ids.policy.grant(owner, "c1", "manuals", reader.user, "read")
    missing = NotFound("collection 'manuals' does not exist", code="collection_not_found")
    with pytest.raises(NotFound) as hidden:
        ids.policy.require(stranger, "c1", "read", missing)
    with pytest.raises(Forbidden) as forbidden:
        ids.policy.require(reader, "c1", "write", missing)
    for principal, need in ((reader, "read"), (owner, "manage"), (admin, "manage"), (OPERATOR, "manage")):
        ids.policy.require(principal, "c1", need, missing)
    assert hidden.value is missing
    assert forbidden.value.message == "you may not write this collection (your access: read)"
    assert ids.policy.visible(stranger, ["c1", "c2"], str) == []
    assert ids.policy.visible(reader, ["c1", "c2"], str) == ["c1"]


def test_deleting_a_user_drops_its_grants(ids) -> None:
    owner, reader = login(ids, "olga"), login(ids, "rita")
    ids.policy.grant(owner, "c1", "manuals", reader.user, "write")
    ids.users.delete_user(OPERATOR, "rita")
    assert ids.policy.grants("c1") == []
