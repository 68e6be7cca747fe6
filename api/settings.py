"""Service settings, read from the environment (``TRAJCHECK_*``) by pydantic-settings."""

from __future__ import annotations

__all__ = ["Settings", "get_settings"]

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """What ``trajcheck serve`` reads from the environment.

    Every field is ``TRAJCHECK_<NAME>`` in upper case, e.g.
    ``TRAJCHECK_DATABASE_URL=postgresql+psycopg://127.0.0.1:5432/test``.
    """

    model_config = SettingsConfigDict(env_prefix="TRAJCHECK_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///trajcheck.db",
        description="SQLAlchemy URL; SQLite (WAL) by default, PostgreSQL via "
        "postgresql+psycopg://host:port/db",
    )
    config_file: Path | None = Field(
        default=None, description="TOML verification config (trajcheck verify --config)"
    )
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024, gt=0, description="largest request body accepted (413 above)"
    )
    max_points_per_request: int = Field(
        default=200_000, gt=0, description="most GPS points in one ingest request (413 above)"
    )
    max_tasks_per_request: int = Field(default=10_000, gt=0)
    max_stores_per_request: int = Field(default=100_000, gt=0)
    naive_timezone: str | None = Field(
        default=None,
        description="IANA zone in which timestamps without a UTC offset are read; "
        "unset (the default) rejects them",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read once)."""
    return Settings()
