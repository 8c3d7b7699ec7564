"""Identities and access in the composition root: stores (SQL or memory, as the catalog), services."""

from dependency_injector import containers, providers

from ragcore.adapters.memory_identity import MemoryAccessStore, MemoryAuditLog, MemoryIdentityStore
from ragcore.adapters.passwords import Argon2PasswordHasher
from ragcore.adapters.sql.identity import SqlIdentityStore
from ragcore.adapters.sql.identity_access import SqlAccessStore
from ragcore.adapters.sql.identity_audit import SqlAuditLog
from ragcore.app.settings import Settings
from ragcore.domain.identity.audit import Auditor
from ragcore.domain.identity.authenticate import Authenticator
from ragcore.domain.identity.policy import AccessPolicy
from ragcore.domain.identity.service import IdentityService


class Identity(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)
    stores = providers.DependenciesContainer()
    catalog = settings.provided.storage.catalog  # identities live where the collections catalog lives
    identities = providers.Selector(
        catalog,
        sql=providers.Singleton(SqlIdentityStore, stores.engine),
        memory=providers.Singleton(MemoryIdentityStore),
    )
    access = providers.Selector(
        catalog,
        sql=providers.Singleton(SqlAccessStore, stores.engine),
        memory=providers.Singleton(MemoryAccessStore, identities),
    )
    audit_log = providers.Selector(
        catalog,
        sql=providers.Singleton(SqlAuditLog, stores.engine),
        memory=providers.Singleton(MemoryAuditLog),
    )
    auditor = providers.Singleton(Auditor, log=audit_log, clock=stores.clock)
    users = providers.Singleton(
        IdentityService, identities=identities, hasher=providers.Singleton(Argon2PasswordHasher), auditor=auditor,
        clock=stores.clock,
    )
    authenticator = providers.Singleton(Authenticator, identities=identities, auditor=auditor, clock=stores.clock)
    policy = providers.Singleton(AccessPolicy, access=access, auditor=auditor, clock=stores.clock)
