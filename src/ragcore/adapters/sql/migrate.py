"""Schema migrations without an alembic.ini: the app upgrades its database at start-up."""

from pathlib import Path

from alembic import command
from alembic.config import Config

from ragcore.adapters.sql.engine import unavailable_on_driver_errors

# src/ragcore/adapters/sql/migrate.py -> src/ragcore/migrations (shipped as package data)
MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(url: str) -> Config:
    """Alembic configuration for the packaged migrations against ``url``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation: a literal "%" (URL-encoded password) must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str) -> None:
    """Migrate the database at ``url`` to the newest revision; raises Unavailable if unreachable."""
    with unavailable_on_driver_errors():
        command.upgrade(alembic_config(url), "head")
