"""trajcheck's verification core.

Read a manager's GPS track and task list for one day, clean the track, detect
stay points, match them to the task-list stores and run the assessment
scheme's three checks::

    from trajectory import read_track, read_tasks, verify_day, load_config
    result = verify_day(read_track("track.csv"), read_tasks("tasks.csv"), load_config(None))
    result.to_dict()["checks"]
"""

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
