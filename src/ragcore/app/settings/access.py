"""Access settings (docs/security.md): authentication mode, CORS, rate limits, the compute service's token."""

import ipaddress
from typing import Annotated, Literal

from pydantic import field_validator
from pydantic_settings import NoDecode

from ragcore.app.settings.groups import Group, split_list

AuthMode = Literal["required", "disabled"]


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ::1)."""
    try:
        return host == "localhost" or ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class AccessSettings(Group):
    """Who may call the API and the compute service, and how often."""

    # unset: disabled when `serve` binds loopback, required otherwise
    auth: AuthMode | None = None
    cors_origins: Annotated[list[str], NoDecode] = []  # allowed browser origins; empty: CORS off
    rate_limit_search: str = "120/minute"  # per API key ("limits" notation: N/second|minute|hour|day)
    rate_limit_answers: str = "30/minute"  # per API key
    rate_limit_upload: str = "60/minute"  # per API key, per upload request
    rate_limit_auth_failures: str = "20/minute"  # failed authentications per client address
    compute_token: str | None = None  # shared bearer token of the compute service (sent and checked)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        return split_list(value)

    def auth_mode(self, host: str) -> AuthMode:
        """``auth`` when set; otherwise "disabled" on a loopback ``host``, else "required"."""
        return self.auth or ("disabled" if is_loopback(host) else "required")
