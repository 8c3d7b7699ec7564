"""Validation rules of identities: user and key names, passwords, admin-only use cases."""

import re

from ragcore.domain.errors import Forbidden, Invalid
from ragcore.domain.identity.models import Principal

_USER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
MIN_PASSWORD = 12
MAX_PASSWORD = 1024


def validate_user_name(name: str) -> str:
    """1-64 characters: letters, digits, ``.``, ``_``, ``@``, ``-``, not starting with punctuation."""
    if not _USER_NAME.fullmatch(name):
        raise Invalid("a user name is 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit",
                      code="invalid_user_name")
    return name


def validate_key_name(name: str) -> str:
    """1-100 printable characters, not blank."""
    if not name.strip() or len(name) > 100 or not name.isprintable():
        raise Invalid("a key name is 1-100 printable characters", code="invalid_key_name")
    return name


def validate_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid(f"a password has {MIN_PASSWORD} to {MAX_PASSWORD} characters", code="weak_password")
    return password


def require_admin(actor: Principal) -> None:
    """Raises Forbidden unless ``actor`` is an admin acting with the ``admin`` scope (or unrestricted)."""
    if not actor.is_admin:
        raise Forbidden("this needs an admin user's key with the 'admin' scope", code="forbidden")
