"""Identities and access: users, API keys, collection owners and grants, the audit log."""
