"""Contract of IdentityStore (users, API keys) on every adapter: memory, SQLite, MariaDB, PostgreSQL."""

from datetime import timedelta

import pytest

from conftest import T0
from ragcore.domain.errors import Conflict
from ragcore.domain.identity.models import ApiKey, Grant, User


def user(name: str = "alice", uid: str = "u1", **kw) -> User:
    return User(id=uid, name=name, role=kw.pop("role", "member"), created_at=T0, **kw)


def key(kid: str = "0123456789ab", uid: str = "u1", **kw) -> ApiKey:
    return ApiKey(id=kid, user_id=uid, name=kw.pop("name", "laptop"), key_hash="f" * 64,
                  scopes=kw.pop("scopes", ("read", "write")), created_at=kw.pop("created_at", T0), **kw)


def test_a_user_round_trips_by_id_and_by_exact_name(identities) -> None:
    alice = user(password_hash="$argon2id$v=19$m=65536,t=3,p=4$abc$def", role="admin")
    identities.add_user(alice)
    assert identities.get_user("u1") == alice
    assert identities.get_user_by_name("alice") == alice
    assert identities.get_user_by_name("Alice") is None
    assert identities.get_user("nope") is None


def test_a_taken_name_is_a_conflict(identities) -> None:
    identities.add_user(user())
    with pytest.raises(Conflict) as info:
        identities.add_user(user(uid="u2"))
    assert (info.value.code, info.value.message) == ("user_exists", "user 'alice' already exists")


def test_users_are_listed_by_name(identities) -> None:
    for uid, name in (("u1", "zoe"), ("u2", "Bob"), ("u3", "amy")):
        identities.add_user(user(name, uid))
    assert [u.name for u in identities.list_users()] == ["Bob", "amy", "zoe"]


def test_a_key_round_trips_with_microsecond_times(identities) -> None:
    expires = T0 + timedelta(days=30, microseconds=7)
    stored = key(scopes=("read", "write", "admin"), expires_at=expires)
    identities.add_key(stored)
    assert identities.get_key("0123456789ab") == stored
    assert identities.get_key("ffffffffffff") is None


def test_a_taken_key_id_is_a_conflict(identities) -> None:
    identities.add_key(key())
    with pytest.raises(Conflict) as info:
        identities.add_key(key(name="other"))
    assert info.value.code == "key_exists"


def test_keys_are_listed_oldest_first_per_user_or_all(identities) -> None:
    identities.add_key(key("bbbbbbbbbbbb", created_at=T0 + timedelta(seconds=1)))
    identities.add_key(key("aaaaaaaaaaaa", created_at=T0 + timedelta(seconds=2)))
    identities.add_key(key("cccccccccccc", uid="u2"))
    assert [k.id for k in identities.list_keys("u1")] == ["bbbbbbbbbbbb", "aaaaaaaaaaaa"]
    assert [k.id for k in identities.list_keys()] == ["cccccccccccc", "bbbbbbbbbbbb", "aaaaaaaaaaaa"]


def test_revoking_keeps_the_first_revocation_time(identities) -> None:
    identities.add_key(key())
    first = identities.revoke_key("0123456789ab", T0 + timedelta(hours=1))
    again = identities.revoke_key("0123456789ab", T0 + timedelta(hours=2))
    assert first.revoked_at == again.revoked_at == T0 + timedelta(hours=1)
    assert identities.revoke_key("ffffffffffff", T0) is None


def test_touch_sets_last_used(identities) -> None:
    identities.add_key(key())
    identities.touch_key("0123456789ab", T0 + timedelta(minutes=5))
    identities.touch_key("ffffffffffff", T0)  # absent: no error
    assert identities.get_key("0123456789ab").last_used_at == T0 + timedelta(minutes=5)


def test_removing_a_user_removes_its_keys_and_grants_only(identities, access) -> None:
    identities.add_user(user())
    identities.add_user(user("bob", "u2"))
    identities.add_key(key())
    identities.add_key(key("cccccccccccc", uid="u2"))
    access.put_grant(Grant(collection_id="c1", user_id="u1", permission="read", created_at=T0))
    access.put_grant(Grant(collection_id="c1", user_id="u2", permission="write", created_at=T0))
    identities.remove_user("u1")
    identities.remove_user("u1")  # absent: no error
    assert identities.get_user("u1") is None and identities.get_key("0123456789ab") is None
    assert [k.id for k in identities.list_keys()] == ["cccccccccccc"]
    assert [g.user_id for g in access.grants(collection_id="c1")] == ["u2"]
