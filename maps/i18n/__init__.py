"""Every supervisor-facing word of the pages, in English and Chinese: one table.

The table has one section (area) per group of pages, each a module holding ``EN`` and
``ZH`` with the same keys (``tests/maps/test_i18n.py`` checks it):

=============  ==========================================================
``day``        the day map report (:mod:`maps.day`); the team pages share it
``team``       the team index and overview map (:mod:`maps.team`)
``assessment`` the assessment tables (:mod:`assessment.html`)
``scorecard``  the daily scorecards and the 5-day assessment
=============  ==========================================================

Only the pages' own words are translated: reason sentences of the checks come
from ``trajectory.checks`` and stay in English, as the contract JSON has them.
"""

from __future__ import annotations

__all__ = ["AREAS", "LABELS", "LANGS", "TABLE", "Area", "Lang", "label", "labels"]

from collections.abc import Mapping
from typing import Literal

from maps.i18n import assessment, day, scorecard, team

Lang = Literal["en", "zh"]
Area = Literal["day", "team", "assessment", "scorecard"]

#: Languages the pages are written in.
LANGS: tuple[str, ...] = ("en", "zh")
#: The sections of the table.
AREAS: tuple[str, ...] = ("day", "team", "assessment", "scorecard")

#: area -> language -> key -> words; in each area both languages have the same keys.
TABLE: dict[str, dict[str, dict[str, str]]] = {
    "day": {"en": day.EN, "zh": day.ZH},
    "team": {"en": team.EN, "zh": team.ZH},
    "assessment": {"en": assessment.EN, "zh": assessment.ZH},
    "scorecard": {"en": scorecard.EN, "zh": scorecard.ZH},
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
