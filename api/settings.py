"""Service settings: one :class:`Settings`, read from the environment (``TRAJCHECK_*``) by
pydantic-settings when the caller builds it, and handed to :func:`api.main.create_app`."""

from __future__ import annotations

__all__ = ["Settings"]

import ipaddress
from pathlib import Path

from pydantic import Field, field_validator
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
    assess_config_file: Path | None = Field(
        default=None,
        description="the assessment TOML (thresholds, timezone); TRAJCHECK_ASSESS_CONFIG_FILE",
    )
    assess_marketing_config_file: Path | None = Field(
        default=None,
        description="the marketing TOML (targets, working hours, help-plan deadline); "
        "TRAJCHECK_ASSESS_MARKETING_CONFIG_FILE",
    )
    max_body_bytes: int = Field(
        default=32 * 1024 * 1024, gt=0, description="largest request body accepted (413 above)"
    )
    max_points_per_request: int = Field(
        default=200_000, gt=0, description="most GPS points in one ingest request (413 above)"
    )
    max_tasks_per_request: int = Field(default=10_000, gt=0)
    max_stores_per_request: int = Field(default=100_000, gt=0)
    max_import_rows: int = Field(
        default=100_000,
        gt=0,
        description="most rows in one assessment or marketing import, JSON or CSV (413 above, "
        "counted before the rows are parsed)",
    )
    max_problems: int = Field(
        default=1000,
        gt=0,
        description="most rejected rows an answer lists (rejected_total counts them all)",
    )
    naive_timezone: str | None = Field(
        default=None,
        description="IANA zone in which timestamps without a UTC offset are read; "
        "unset (the default) rejects them",
    )
    daily_at: str | None = Field(
        default=None,
        description="HH:MM local time (the verification config's time zone) at which "
        "trajcheck serve runs the daily run for yesterday; unset (the default): no scheduler",
    )
    daily_out: Path = Field(
        default=Path("out/daily"),
        description="folder of the scheduled daily runs: one sub-folder per date, "
        "last-run.json and the lock",
    )
    daily_workers: int | None = Field(
        default=None, gt=0, description="processes of a scheduled run (default: every core)"
    )
    daily_maps: bool = Field(default=True, description="scheduled runs render map reports")
    session_hours: int = Field(
        default=12,
        gt=0,
        le=24 * 30,
        description="lifetime of a browser session (POST /v1/session); revoking the key ends it",
    )
    trusted_proxies: str = Field(
        default="127.0.0.1",
        description="comma-separated IPs or networks of TLS-terminating proxies whose "
        "X-Forwarded-Proto/-For are believed (the session cookie is Secure when the proxy "
        "says https); empty: none, '*': any",
    )
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        """Every entry an IP address or network (or ``*``); a typo must not trust nobody."""
        for part in (p.strip() for p in value.split(",")):
            if part and part != "*":
                try:
                    ipaddress.ip_network(part, strict=False)
                except ValueError:
                    raise ValueError(f"not an IP address or network: {part!r}") from None
        return ",".join(p.strip() for p in value.split(",") if p.strip())

    @field_validator("daily_at", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        """``06:30`` (24-hour); an empty value means unset."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        hour, sep, minute = text.partition(":")
        if not (sep and hour.isdigit() and minute.isdigit() and len(minute) == 2):
            raise ValueError(f"expected HH:MM (24-hour local time), got {text!r}")
        if not (0 <= int(hour) <= 23 and 0 <= int(minute) <= 59):
            raise ValueError(f"expected HH:MM between 00:00 and 23:59, got {text!r}")
        return f"{int(hour):02d}:{minute}"
