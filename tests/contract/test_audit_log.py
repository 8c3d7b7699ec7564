"""Contract of AuditLog on every adapter: memory, SQLite, MariaDB, PostgreSQL."""

from datetime import timedelta

from conftest import T0
from ragcore.domain.identity.models import AuditEvent, AuditQuery


def event(n: int, actor: str = "u1", target: str = "collection:a") -> AuditEvent:
    return AuditEvent(id=f"e{n}", at=T0 + timedelta(seconds=n, microseconds=n), actor=actor, action="grant.add",
                      target=target, request_id=f"r{n}", detail="user:bob read")


def test_events_round_trip_newest_first(audit_log) -> None:
    for n in (1, 3, 2):
        audit_log.append(event(n))
    assert audit_log.query(AuditQuery()) == [event(3), event(2), event(1)]


def test_actor_and_target_filters(audit_log) -> None:
    audit_log.append(event(1, actor="u1", target="key:k1"))
    audit_log.append(event(2, actor="u2", target="key:k1"))
    audit_log.append(event(3, actor="u1", target="user:bob"))
    assert [e.id for e in audit_log.query(AuditQuery(actor="u1"))] == ["e3", "e1"]
    assert [e.id for e in audit_log.query(AuditQuery(target="key:k1"))] == ["e2", "e1"]
    assert [e.id for e in audit_log.query(AuditQuery(actor="u1", target="key:k1"))] == ["e1"]


def test_time_range_is_inclusive_and_limit_keeps_the_newest(audit_log) -> None:
    for n in range(1, 6):
        audit_log.append(event(n))
    since, until = event(2).at, event(4).at
    assert [e.id for e in audit_log.query(AuditQuery(since=since, until=until))] == ["e4", "e3", "e2"]
    assert [e.id for e in audit_log.query(AuditQuery(limit=2))] == ["e5", "e4"]
