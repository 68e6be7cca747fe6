"""What to fix tomorrow: each failed item of a daily scorecard and its one-line fix.

:func:`add_fixes` reads the counts and verdicts of :func:`assessment.scorecard.daily_scorecards`
and scores the field manager's own items (:data:`OWN_ITEMS`: items met out of items due,
each weighted by ``MarketingConfig.weights``, passed from ``pass_score``); what others
owe (:data:`OTHERS_ITEMS`: buyer master data, the management center's keywords, the
supervisors' help) is listed in ``others_owe`` and never scored (seed: a duty of the
supervisor, the management center or the buyer's data is reported beside the manager's
scorecard, never failed on it).
"""

from __future__ import annotations

__all__ = ["CHECKS", "ITEMS", "OTHERS_ITEMS", "OWN_ITEMS", "add_fixes"]

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import METHODS

CHECKS = ("on_time_arrival", "trajectory_clear", "visit_count_match")
#: The field manager's own items, scored (seed: what the manager did).
OWN_ITEMS: tuple[str, ...] = (
    "no_track", *CHECKS, "contradicted", "summary_onsite", "targets", "chat_not_admitted",
    "outside_windows", "results_missing", "reasons_missing", "customer_reports",
    "report_tags", "hourly_reports", "daily_summary",
)  # fmt: skip
#: What others owe (buyer master data, the management center, the supervisors): shown
#: beside the scorecard, never scored.
OTHERS_ITEMS: tuple[str, ...] = (
    "short_windows", "keywords_missing", "help_plans_missing", "manager_help_missing",
)  # fmt: skip
#: Every item, in the order a scorecard lists them.
ITEMS: tuple[str, ...] = (*OWN_ITEMS, *OTHERS_ITEMS)
#: (failed mask, fix text or texts) of each item.
Fixes = dict[str, tuple[Any, Any]]
Text = Callable[[str], pd.Series]


def add_fixes(cards: pd.DataFrame, config: MarketingConfig | None = None) -> pd.DataFrame:
    """``cards`` with the score of the manager's own items: ``items_due``, ``items_met``,
    ``score`` (weight met / weight due, 1.0 when nothing is due), ``passed`` (score >=
    ``config.pass_score``), ``failed_items`` and ``fix_tomorrow`` (own items, weightiest
    first) and ``others_owe`` (items of :data:`OTHERS_ITEMS` open, not scored)."""
    cfg = config or MarketingConfig()
    c = cards
    n = len(c)

    def s(col: str) -> pd.Series:
        # a missing count (no result: no stays) reads "n/a", not NaN through the whole text
        out: pd.Series = c[col].astype(str).fillna("n/a")
        return out

    fixes = {**_track_fixes(c, s), **_marketing_fixes(c, s), **_chat_fixes(c, s)}
    due = _due(c)
    weights = cfg.weights
    order = sorted(OWN_ITEMS, key=lambda i: (-weights[i], OWN_ITEMS.index(i)))
    failed = np.zeros((n, len(ITEMS)), dtype=bool)
    texts = np.empty((n, len(ITEMS)), dtype=object)
    for j, item in enumerate([*order, *OTHERS_ITEMS]):
        mask, text = fixes[item]
        failed[:, j] = np.asarray(mask, dtype=bool) & due.get(item, np.ones(n, dtype=bool))
        texts[:, j] = text if isinstance(text, str) else np.asarray(text, dtype=object)
    k = len(OWN_ITEMS)
    w = np.array([weights[i] for i in order], dtype=float)
    due_own = np.column_stack([due.get(i, np.ones(n, dtype=bool)) for i in order])
    due_w = (due_own * w).sum(axis=1)
    met_w = (due_own & ~failed[:, :k]) @ w
    names = np.array([*order, *OTHERS_ITEMS], dtype=object)
    out = cards.copy()
    out["items_due"] = due_own.sum(axis=1).astype(np.int64)
    out["items_met"] = (due_own & ~failed[:, :k]).sum(axis=1).astype(np.int64)
    out["score"] = np.round(np.where(due_w > 0, met_w / np.where(due_w > 0, due_w, 1), 1.0), 3)
    out["failed_items"] = [list(names[:k][row]) for row in failed[:, :k]]
    out["fix_tomorrow"] = [list(t[:k][row]) for t, row in zip(texts, failed[:, :k], strict=True)]
    out["others_owe"] = [list(t[k:][row]) for t, row in zip(texts, failed[:, k:], strict=True)]
    out["passed"] = pd.Series(out["score"] >= cfg.pass_score, index=out.index)
    return out


def _due(c: pd.DataFrame) -> dict[str, np.ndarray]:
    """Which items are due on each card (others always are): a track check only with a
    verdict, record items only with records, report items only with customers."""
    records = (c["purposes"] > 0).to_numpy(bool)
    out = {chk: c[chk].isin(("pass", "fail")).to_numpy(bool) for chk in CHECKS}
    out["contradicted"] = (c["onsite_claims"] > 0).to_numpy(bool)
    out["summary_onsite"] = c["summary_onsite"].notna().to_numpy(bool)
    out["chat_not_admitted"] = (c["chat_buyers"] > 0).to_numpy(bool)
    out["outside_windows"] = records
    out["results_missing"] = records
    out["reasons_missing"] = (c["missed"] > 0).to_numpy(bool)
    out["customer_reports"] = (c["customers"] > 0).to_numpy(bool)
    out["report_tags"] = (c["customers"] > 0).to_numpy(bool)
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
            "Buyer data: " + s("short_windows") + " buyer(s) without a valid effective window "
            "(each >= 2 h): survey and record their reachable hours.",
        ),
        "results_missing": (
            c["results_missing"] > 0,
            s("results_missing") + " slot(s) without a result: write one result per purpose.",
        ),
        "reasons_missing": (
            c["reasons_missing"] > 0,
            s("reasons_missing") + " missed goal(s) without a concrete reason: state why.",
        ),
        "keywords_missing": (
            c["keywords_missing"] > 0,
            "Management center: " + s("keywords_missing") + " reason(s) to turn into keywords.",
        ),
        "help_plans_missing": (
            c["help_plans_missing"] > 0,
            "Helper: " + s("help_plans_missing") + " missed goal(s) without a help plan by the "
            "next working day.",
        ),
        "manager_help_missing": (
            c["below_target"].eq(True)
            & ~c["manager_help"].eq(True),
            "Supervisor: targets missed and no help entry from the district GM or city director.",
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
