"""What to fix tomorrow: each failed item of a daily scorecard and its one-line fix.

:func:`add_fixes` reads the counts and verdicts of :func:`assessment.scorecard.daily_scorecards`
and adds ``failed_items`` and ``fix_tomorrow`` (lists in :data:`ITEMS` order) and
``passed`` (no item failed).
"""

from __future__ import annotations

__all__ = ["CHECKS", "ITEMS", "add_fixes"]

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from assessment.marketing_data import METHODS

CHECKS = ("on_time_arrival", "trajectory_clear", "visit_count_match")
#: Failed items, in the order a scorecard lists them.
ITEMS: tuple[str, ...] = (
    "no_track", *CHECKS, "targets", "chat_not_admitted", "outside_windows", "short_windows",
    "contradicted", "summary_onsite", "customer_reports", "report_tags", "hourly_reports",
    "daily_summary", "results_missing", "duplicate_results", "reasons_missing",
    "help_plans_missing", "manager_help_missing",
)  # fmt: skip
#: (failed mask, fix text or texts) of each item.
Fixes = dict[str, tuple[Any, Any]]
Text = Callable[[str], pd.Series]


def add_fixes(cards: pd.DataFrame) -> pd.DataFrame:
    """``cards`` with ``failed_items`` and ``fix_tomorrow`` (lists, in :data:`ITEMS`
    order) and ``passed``."""
    c = cards
    n = len(c)

    def s(col: str) -> pd.Series:
        # a missing count (no result: no stays) reads "n/a", not NaN through the whole text
        out: pd.Series = c[col].astype(str).fillna("n/a")
        return out

    fixes = {**_track_fixes(c, s), **_marketing_fixes(c, s), **_chat_fixes(c, s)}
    failed = np.zeros((n, len(ITEMS)), dtype=bool)
    texts = np.empty((n, len(ITEMS)), dtype=object)
    for j, item in enumerate(ITEMS):
        mask, text = fixes[item]
        failed[:, j] = np.asarray(mask, dtype=bool)
        texts[:, j] = text if isinstance(text, str) else np.asarray(text, dtype=object)
    names = np.array(ITEMS, dtype=object)
    out = cards.copy()
    out["failed_items"] = [list(names[row]) for row in failed]
    out["fix_tomorrow"] = [list(t[row]) for t, row in zip(texts, failed, strict=True)]
    out["passed"] = pd.Series(~failed.any(axis=1), index=out.index)
    return out


def _track_fixes(c: pd.DataFrame, s: Text) -> Fixes:
    """The track's items: no track, the three checks, contradicted visits, the summary's
    on-site count against the records and the stays."""
    summary_onsite = c["summary_onsite"].astype("Float64")
    onsite_mismatch = summary_onsite.notna() & (
        (summary_onsite != c["onsite_claims"]) | (summary_onsite != c["stays"].astype("Float64"))
    )
    return {
        "no_track": (
            c["status"] == "no_result",
            "No verified GPS track: keep the phone on and uploading the whole working day.",
        ),
        "on_time_arrival": (
            c["on_time_arrival"] == "fail",
            "Late at the first on-site customer: be there before the deadline.",
        ),
        "trajectory_clear": (
            c["trajectory_clear"] == "fail",
            "Unclear track: stop only at task-list customers and explain every other stop.",
        ),
        "visit_count_match": (
            c["visit_count_match"] == "fail",
            "Stays and reported visits differ: report exactly the on-site visits you made.",
        ),
        "contradicted": (
            c["contradicted"] > 0,
            s("contradicted") + " claimed on-site visit(s) contradicted by the track: record "
            "only visits you made.",
        ),
        "summary_onsite": (
            onsite_mismatch.fillna(False).to_numpy(bool),
            "Summary says " + s("summary_onsite") + " on-site visits, records "
            + s("onsite_claims") + ", track " + s("stays") + " stays: make them agree.",
        ),
    }  # fmt: skip


def _marketing_fixes(c: pd.DataFrame, s: Text) -> Fixes:
    """The marketing items: targets, chat admission, windows, results, reasons, help."""
    gaps = pd.Series([""] * len(c), index=c.index, dtype=object)
    for m in METHODS:
        gap = (c[f"target_{m}"] - c[f"done_{m}"]).clip(lower=0)
        gaps = gaps + np.where(gap > 0, f"{m} +" + gap.astype(str) + " ", "")
    return {
        "targets": (
            c["below_target"].eq(True),
            "Below target (" + gaps.str.strip() + "): plan more customers per method.",
        ),
        "chat_not_admitted": (
            c["chat_not_admitted"] > 0,
            "Chat used with " + s("chat_not_admitted") + " buyer(s) not admitted to chat: "
            "phone or visit them instead.",
        ),
        "outside_windows": (
            c["outside_windows"] > 0,
            s("outside_windows") + " slot(s) outside the buyer's effective window: book slots "
            "inside it.",
        ),
        "short_windows": (
            c["short_windows"] > 0,
            s("short_windows") + " buyer(s) with less than 2 h of effective windows: find and "
            "record their reachable hours.",
        ),
        "results_missing": (
            c["results_missing"] > 0,
            s("results_missing") + " slot(s) without a result: write one result per purpose.",
        ),
        "duplicate_results": (
            c["duplicate_results"] > 0,
            s("duplicate_results") + " purpose(s) with several results: one result per purpose.",
        ),
        "reasons_missing": (
            c["reasons_missing"] > 0,
            s("reasons_missing") + " missed goal(s) without a concrete reason and keyword: "
            "state why.",
        ),
        "help_plans_missing": (
            c["help_plans_missing"] > 0,
            s("help_plans_missing") + " missed goal(s) without a help plan: agree one by the "
            "next working day.",
        ),
        "manager_help_missing": (
            c["below_target"].eq(True)
            & ~c["manager_help"].eq(True),
            "Targets missed and no help entry from the district GM or city director: ask for it.",
        ),
    }  # fmt: skip


def _chat_fixes(c: pd.DataFrame, s: Text) -> Fixes:
    """The chat items: customer reports, their tags, hourly reports, the daily summary."""
    return {
        "customer_reports": (
            c["customers"] > c["reports_timely"],
            (c["customers"] - c["reports_timely"]).astype(str) + " of " + s("customers")
            + " customer reports not timely (late " + s("reports_late") + ", missing "
            + s("reports_missing") + "): report each customer right after marketing it, "
            "before the next.",
        ),
        "report_tags": (
            c["reports_bad_tags"] > 0,
            s("reports_bad_tags") + " report(s) with poor tags: >= 2 taxonomy keywords, "
            "products down to product/brand/net weight.",
        ),
        "hourly_reports": (
            c["hours_missing"] > 0,
            s("hours_missing") + " working hour(s) without an hourly report: report every hour.",
        ),
        "daily_summary": (
            ~(c["summary_present"].eq(True)
              & c["sections_ok"].eq(True)
              & c["counts_agree"].eq(True)),
            "Daily summary missing, incomplete or its counts differ from the records: send "
            "results, problems, suggestions and experience.",
        ),
    }  # fmt: skip
