"""PasswordHasher with argon2id (argon2-cffi, its recommended parameters, RFC 9106 low-memory profile)."""

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    def __init__(self) -> None:
        self._argon2 = _Argon2()

    def hash(self, password: str) -> str:
        """An argon2id PHC string, e.g. ``$argon2id$v=19$m=65536,t=3,p=4$...``."""
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
