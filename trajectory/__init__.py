"""trajcheck's verification core: a manager-day's GPS track and task list -> DayResult.
Imports nothing of ours (not api, maps, assessment, batch); trajectory.testing is test data."""

from trajectory.config import ExemptPlace, VerifyConfig, load_config
from trajectory.errors import ConfigError, InputError, RowProblem, TrajcheckError
from trajectory.io import read_tasks, read_track
from trajectory.pipeline import verify_day
from trajectory.result import CheckResult, DayResult, StayPoint, StoreVisit

__all__ = [
    "CheckResult",
    "ConfigError",
    "DayResult",
    "ExemptPlace",
    "InputError",
    "RowProblem",
    "StayPoint",
    "StoreVisit",
    "TrajcheckError",
    "VerifyConfig",
    "load_config",
    "read_tasks",
    "read_track",
    "verify_day",
]
