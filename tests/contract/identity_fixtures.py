"""Fixtures of the identity ports (memory and every SQL backend), imported by their contract suites."""

import pytest

from ragcore.adapters.memory_identity import MemoryAccessStore, MemoryAuditLog, MemoryIdentityStore
from ragcore.adapters.sql.identity import SqlIdentityStore
from ragcore.adapters.sql.identity_access import SqlAccessStore
from ragcore.adapters.sql.identity_audit import SqlAuditLog


@pytest.fixture
def identity_stores(backend: str, request: pytest.FixtureRequest) -> tuple:
    """(IdentityStore, AccessStore) sharing one backend: removing a user also drops its grants."""
    if backend == "memory":
        identities = MemoryIdentityStore()
        return identities, MemoryAccessStore(identities)
    engine = request.getfixturevalue("sql_engine")
    return SqlIdentityStore(engine), SqlAccessStore(engine)


@pytest.fixture
def identities(identity_stores: tuple):
    return identity_stores[0]


@pytest.fixture
def access(identity_stores: tuple):
    return identity_stores[1]


@pytest.fixture
def audit_log(backend: str, request: pytest.FixtureRequest):
    if backend == "memory":
        return MemoryAuditLog()
    return SqlAuditLog(request.getfixturevalue("sql_engine"))
