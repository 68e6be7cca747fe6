"""trajcheck map reports: HTML pages drawn from a verified day, never recomputing it.

``render_day`` / ``write_day`` draw one manager-day (:mod:`maps.day`); the team's
day (an index of every manager and an overview map of every stay) is drawn by
:mod:`maps.team`; the labels in English and Chinese live in :mod:`maps.i18n`.
"""

from __future__ import annotations

__all__ = ["render_day", "write_day"]

from maps.day import render_day, write_day
