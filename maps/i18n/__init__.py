"""Every supervisor-facing word of the pages, in English and Chinese: one table.

The table has one section (area) per group of pages, each a module holding ``EN`` and
``ZH`` with the same keys (``tests/maps/test_i18n.py`` checks it):

=============  ==========================================================
``day``        the day map report (:mod:`maps.day`) and the checks' reasons
               (:mod:`maps.i18n.reasons`); the team pages share it
``team``       the team index and overview map (:mod:`maps.team`)
``assessment`` the assessment tables (:mod:`assessment.html`)
``scorecard``  the daily scorecards and the 5-day assessment, their fixes and reasons
               (:mod:`maps.i18n.scorecard_text`)
``duties``     others' duties beside the scorecard: keyword queue, supervisor's help, chat trend
``week``       the manager's week page and its recurring places (:mod:`maps.week`)
=============  ==========================================================

The checks' reasons are written from their ``reason_code`` and ``reason_values`` by
:mod:`maps.reasons` with the labels of :mod:`maps.i18n.reasons` (part of ``day``); a
result stored without a code shows its English ``reason``.
"""

from __future__ import annotations

__all__ = ["AREAS", "LABELS", "LANGS", "TABLE", "Area", "Lang", "label", "labels"]

from collections.abc import Mapping
from typing import Literal

from maps.i18n import (
    assessment,
    day,
    duties,
    footprints,
    known,
    reasons,
    scorecard,
    scorecard_text,
    team,
    week,
)

Lang = Literal["en", "zh"]
Area = Literal["day", "team", "assessment", "scorecard", "duties", "week"]

#: Languages the pages are written in.
LANGS: tuple[str, ...] = ("en", "zh")
#: The sections of the table.
AREAS: tuple[str, ...] = ("day", "team", "assessment", "scorecard", "duties", "week")

#: area -> language -> key -> words; in each area both languages have the same keys.
TABLE: dict[str, dict[str, dict[str, str]]] = {
    "day": {
        "en": {**day.EN, **reasons.EN, **known.DAY_EN, **footprints.DAY_EN},
        "zh": {**day.ZH, **reasons.ZH, **known.DAY_ZH, **footprints.DAY_ZH},
    },
    "team": {"en": {**team.EN, **known.TEAM_EN}, "zh": {**team.ZH, **known.TEAM_ZH}},
    "assessment": {"en": assessment.EN, "zh": assessment.ZH},
    "scorecard": {
        "en": {**scorecard.EN, **scorecard_text.EN},
        "zh": {**scorecard.ZH, **scorecard_text.ZH},
    },
    "duties": {"en": duties.EN, "zh": duties.ZH},
    "week": {"en": week.EN, "zh": week.ZH},
}
#: The day report's labels by language (the ``day`` area).
LABELS: dict[str, dict[str, str]] = TABLE["day"]


def labels(lang: str, area: Area = "day") -> Mapping[str, str]:
    """The labels of one language in one area of the table.

    Parameters
    ----------
    lang
        ``"en"`` or ``"zh"``.
    area
        One of :data:`AREAS`.

    Raises
    ------
    ValueError
        For any other language or area.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    if area not in TABLE:
        raise ValueError(f"area must be one of {', '.join(AREAS)}, got {area!r}")
    return TABLE[area][lang]


def label(lang: str, key: str, column: str | None = None, *, area: Area) -> str:
    """One label, or ``key`` itself when the area has none.

    A value's label may depend on its column: ``"<column>:<key>"`` (``match:product``)
    is looked up before ``key``.
    """
    words = labels(lang, area)
    if column is not None and f"{column}:{key}" in words:
        return words[f"{column}:{key}"]
    return words.get(key, key)
