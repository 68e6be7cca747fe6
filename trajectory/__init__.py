"""trajcheck's verification core: a manager-day's GPS track and task list -> DayResult.
Imports nothing of ours (not api, maps, assessment, batch); trajectory.testing is test data.

The names below load on first use (PEP 562), so ``import trajectory.errors`` (every
command line tool does) does not pay for pandas, numba and SciPy."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trajectory.config import ExemptPlace, VerifyConfig, load_config
    from trajectory.errors import ConfigError, InputError, RowProblem, TrajcheckError
    from trajectory.io import read_tasks, read_track
    from trajectory.known_places import KnownPlaces, read_known_places
    from trajectory.pipeline import verify_day
    from trajectory.result import CheckResult, DayResult, StayPoint, StoreVisit

#: public name -> the module that defines it
_HOME = {
    "CheckResult": "trajectory.result",
    "ConfigError": "trajectory.errors",
    "DayResult": "trajectory.result",
    "ExemptPlace": "trajectory.config",
    "InputError": "trajectory.errors",
    "KnownPlaces": "trajectory.known_places",
    "RowProblem": "trajectory.errors",
    "StayPoint": "trajectory.result",
    "StoreVisit": "trajectory.result",
    "TrajcheckError": "trajectory.errors",
    "VerifyConfig": "trajectory.config",
    "load_config": "trajectory.config",
    "read_known_places": "trajectory.known_places",
    "read_tasks": "trajectory.io",
    "read_track": "trajectory.io",
    "verify_day": "trajectory.pipeline",
}

__all__ = [
    "CheckResult",
    "ConfigError",
    "DayResult",
    "ExemptPlace",
    "InputError",
    "KnownPlaces",
    "RowProblem",
    "StayPoint",
    "StoreVisit",
    "TrajcheckError",
    "VerifyConfig",
    "load_config",
    "read_known_places",
    "read_tasks",
    "read_track",
    "verify_day",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'trajectory' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
