"""trajcheck's HTML pages: map reports and tables drawn from verified days, never recomputing.
maps imports trajectory only (never assessment, batch or api).

``render_day`` / ``write_day`` draw one manager-day (:mod:`maps.day`); the team's
day (an index of every manager and an overview map of every stay) is drawn by
:mod:`maps.team`.  Every page shares one escaper and page shell (:mod:`maps.html`)
and one label table in English and Chinese (:mod:`maps.i18n`).
"""

from __future__ import annotations

__all__ = ["render_day", "write_day"]

from maps.day import render_day, write_day
