"""Contract of AccessStore (collection owners, grants) on every adapter: memory, SQLite, MariaDB, PostgreSQL."""


from conftest import T0
from ragcore.domain.identity.models import Grant


def grant(collection_id: str, user_id: str, permission: str = "read") -> Grant:
    return Grant(collection_id=collection_id, user_id=user_id, permission=permission, created_at=T0)


def test_the_owner_is_recorded_and_replaced(access) -> None:
    assert access.owner("c1") is None
    access.set_owner("c1", "u1")
    access.set_owner("c1", "u2")
    assert access.owner("c1") == "u2"


def test_a_grant_is_replaced_not_duplicated(access) -> None:
    access.put_grant(grant("c1", "u1", "read"))
    access.put_grant(grant("c1", "u1", "write"))
    assert access.grants(collection_id="c1") == [grant("c1", "u1", "write")]


def test_grants_are_filtered_by_collection_and_user_and_ordered(access) -> None:
    for collection_id, user_id in (("c2", "u1"), ("c1", "u2"), ("c1", "u1")):
        access.put_grant(grant(collection_id, user_id))
    assert [(g.collection_id, g.user_id) for g in access.grants()] == [("c1", "u1"), ("c1", "u2"), ("c2", "u1")]
    assert [g.collection_id for g in access.grants(user_id="u1")] == ["c1", "c2"]
    assert [g.user_id for g in access.grants(collection_id="c1", user_id="u2")] == ["u2"]


def test_removing_a_grant_says_whether_there_was_one(access) -> None:
    access.put_grant(grant("c1", "u1"))
    assert access.remove_grant("c1", "u1") is True
    assert access.remove_grant("c1", "u1") is False
    assert access.grants() == []


def test_accessible_maps_collections_to_the_strongest_level(access) -> None:
    access.set_owner("c1", "u1")
    access.put_grant(grant("c1", "u1", "read"))  # an owner's grant does not lower the owner
    access.put_grant(grant("c2", "u1", "write"))
    access.put_grant(grant("c3", "u1", "read"))
    access.put_grant(grant("c4", "u2", "write"))
    assert access.accessible("u1") == {"c1": "owner", "c2": "write", "c3": "read"}
    assert access.accessible("nobody") == {}


def test_forgetting_a_collection_drops_its_owner_and_grants_only(access) -> None:
    access.set_owner("c1", "u1")
    access.set_owner("c2", "u1")
    access.put_grant(grant("c1", "u2"))
    access.put_grant(grant("c2", "u2"))
    access.forget_collection("c1")
    assert (access.owner("c1"), access.owner("c2")) == (None, "u1")
    assert [g.collection_id for g in access.grants()] == ["c2"]
