"""Column names of the track and task-list tables, and their validation.

These constants are the vocabulary every reader, writer and test shares.
"""

from __future__ import annotations

__all__ = [
    "METHODS",
    "TASK_COLUMNS",
    "TASK_OPTIONAL_COLUMNS",
    "TRACK_COLUMNS",
    "TRACK_OPTIONAL_COLUMNS",
]

#: Required columns of a GPS track (one row per fix).
TRACK_COLUMNS: tuple[str, ...] = ("manager_id", "timestamp", "lat", "lon")
#: Optional columns of a GPS track: horizontal accuracy (metres, 68 %) and speed (m/s).
TRACK_OPTIONAL_COLUMNS: tuple[str, ...] = ("accuracy_m", "speed_mps")
#: Required columns of a task list (one row per task-list store).
TASK_COLUMNS: tuple[str, ...] = (
    "manager_id",
    "date",
    "seq",
    "store_id",
    "store_name",
    "lat",
    "lon",
    "method",
)
#: Optional task-list columns. ``market_id`` selects a per-market arrival deadline.
TASK_OPTIONAL_COLUMNS: tuple[str, ...] = ("reported_visited", "market_id")
#: Allowed values of ``method``; only ``onsite`` tasks are expected on the track.
METHODS: tuple[str, ...] = ("onsite", "phone", "chat")
