"""Reading a frozen, validated configuration object from a TOML file.

:func:`trajectory.config.load_config`, :func:`assessment.config.load_assess_config`
and :func:`assessment.marketing_config.load_marketing_config` read their files, refuse
unknown keys and check the time zone the same way; the steps live here once.
"""

from __future__ import annotations

__all__ = ["check_known", "check_timezone", "load_toml_config", "read_toml"]

import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from trajectory.errors import ConfigError

T = TypeVar("T")


def read_toml(path: str | Path) -> dict[str, Any]:
    """The top-level table of a TOML file; a missing or malformed file is a :class:`ConfigError`."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            return dict(tomllib.load(fh))
    except FileNotFoundError as exc:
        raise ConfigError(f"{p}: no such file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from exc


def load_toml_config(
    path: str | Path | None,
    default: Callable[[], T],
    from_mapping: Callable[[Mapping[str, Any]], T],
) -> T:
    """``default()`` without a path, else ``from_mapping`` of the file; errors name the file."""
    if path is None:
        return default()
    data = read_toml(path)
    try:
        return from_mapping(data)
    except ConfigError as exc:
        raise ConfigError(f"{Path(path)}: {exc}") from exc


def check_known(data: Mapping[str, Any], known: Iterable[str]) -> None:
    """A :class:`ConfigError` naming every key of ``data`` that is not a known setting."""
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(unknown)}")


def check_timezone(timezone: Any) -> None:
    """A :class:`ConfigError` unless ``timezone`` names an IANA time zone."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise ConfigError(f"timezone: unknown IANA time zone {timezone!r}") from exc
