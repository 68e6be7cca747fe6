"""The daily scorecard of every field manager: trajectory verdicts, marketing, chat, orders.

:func:`daily_scorecards` runs every rule of :mod:`assessment.marketing`,
:mod:`assessment.corroboration` and :mod:`assessment.chat` over one local day for
all managers at once (set operations over the day's frames) and turns each failed
item into a one-line "what to fix tomorrow".  :func:`orders_closed` gives the
non-cancelled orders of the buyers a manager holds and their match class against
the manager's declarations (part 1's classes ``sku``/``product``/``buyer``, or
``undeclared``).
"""

from __future__ import annotations

__all__ = [
    "CHECKS",
    "ITEMS",
    "SCORECARD_COLUMNS",
    "Scorecards",
    "daily_scorecards",
    "orders_closed",
]

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from assessment import chat, corroboration, marketing
from assessment.config import AssessConfig
from assessment.fixes import CHECKS, ITEMS, add_fixes
from assessment.io import Dataset
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import METHODS, MarketingData
from assessment.schema import CANCELLED_STATUSES

_CLASS_RANK = {"undeclared": 0, "buyer": 1, "product": 2, "sku": 3}
SCORECARD_COLUMNS: tuple[str, ...] = (
    "manager_id", "team_id", "date", "status", *CHECKS,
    *(f"target_{m}" for m in METHODS), *(f"done_{m}" for m in METHODS), "below_target",
    "chat_buyers", "chat_not_admitted", "outside_windows", "short_windows",
    "onsite_claims", "corroborated", "doubtful", "contradicted", "unknown",
    "summary_onsite", "stays", "customers", "reports_timely", "reports_late",
    "reports_missing", "reports_bad_tags", "hours_missing", "summary_present", "sections_ok",
    "counts_agree", "purposes", "missed", "results_missing",
    "reasons_missing", "keywords_missing", "help_plans_missing", "manager_help",
    "orders_closed", "best_class",
    "score", "items_due", "items_met", "passed", "failed_items", "fix_tomorrow", "others_owe",
)  # fmt: skip


@dataclass(frozen=True)
class Scorecards:
    """One day's scorecards (``cards``: :data:`SCORECARD_COLUMNS`) and the detail behind
    them: annotated ``records``, ``episodes``, ``reports``, ``purposes``, ``orders``."""

    date: dt.date
    cards: pd.DataFrame
    records: pd.DataFrame
    episodes: pd.DataFrame
    reports: pd.DataFrame
    purposes: pd.DataFrame
    orders: pd.DataFrame


def daily_scorecards(
    data: Dataset,
    mk: MarketingData,
    results: Iterable[Mapping[str, Any]],
    day: dt.date,
    *,
    config: MarketingConfig,
    assess_config: AssessConfig,
    managers: Sequence[str] | None = None,
) -> Scorecards:
    """Every field manager's scorecard for local ``day``.

    Parameters
    ----------
    data
        Part 1's dataset (people, buyers, orders, declarations).
    mk
        Marketing data (windows, keywords, records, chat reports, summaries, help plans).
    results
        Stored verification results (``DayResult.to_dict()``) of that day; others ignored.
    managers
        Only these managers (default: every field manager, and anyone with records).
    """
    tz = config.timezone
    stamp = pd.Timestamp(day)
    bodies = [dict(b) for b in results if b.get("date") == day.isoformat()]
    rec = mk.marketing.assign(date=marketing.local_day(mk.marketing["slot_start"], tz))
    rec = rec.loc[rec["date"] == stamp]
    reports = mk.chat_reports.assign(date=marketing.local_day(mk.chat_reports["sent_at"], tz))
    reports = reports.loc[reports["date"] == stamp]
    people = data.people
    ids = set(people.loc[people["role"] == "field_manager", "person_id"]) | set(rec["manager_id"])
    if managers is not None:
        ids &= set(managers)
        bodies = [b for b in bodies if b["manager_id"] in ids]
    rec = rec.loc[rec["manager_id"].isin(ids)].reset_index(drop=True)
    reports = reports.loc[reports["manager_id"].isin(ids)].reset_index(drop=True)
    base = pd.DataFrame({"manager_id": pd.Series(sorted(ids), dtype=object), "date": stamp})
    base["date"] = base["date"].astype("datetime64[ns]")
    team = people.set_index("person_id")["team_id"]
    base["team_id"] = base["manager_id"].map(team)
    rec, purposes, chat_counts = _marketing_control(rec, data, mk, config)
    # the track
    days = corroboration.days_from_results(bodies)
    stays = corroboration.stays_from_results(bodies)
    onsite = corroboration.corroborate(
        rec, data.buyers, days, stays, corroboration.stores_from_results(bodies)
    )
    rec = rec.join(onsite[["corroboration", "why", "stay_id", "visit_end"]])
    episodes, reports, hourly, summary = _chat_checks(base, rec, reports, mk, people, config)
    orders = orders_closed(data, base[["manager_id", "date"]], assess_config)
    counts = _counts(rec, purposes, episodes, reports, orders)
    cards = _assemble(base, counts, orders, chat_counts, hourly, summary, days)
    cards = add_fixes(cards, config)[list(SCORECARD_COLUMNS)]
    return Scorecards(day, cards, rec, episodes, reports, purposes, orders)


def _chat_checks(
    base: pd.DataFrame,
    rec: pd.DataFrame,
    reports: pd.DataFrame,
    mk: MarketingData,
    people: pd.DataFrame,
    config: MarketingConfig,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Customer episodes (timeliness), the reports (tags), hourly reports and the daily
    summaries (with the managers' help where targets were missed)."""
    episodes = chat.check_timeliness(chat.customer_episodes(rec, config), reports, config)
    reports = chat.check_report_tags(reports, mk.keywords, config)
    hourly = chat.check_hourly(base, reports, config)
    summary = chat.check_daily_summaries(base, rec, mk.summaries, reports, config)
    below = summary.loc[summary["below_target"], ["manager_id", "date"]]
    summary["manager_help"] = False
    summary.loc[below.index, "manager_help"] = marketing.manager_help(
        below, mk.help_plans, people, config
    )
    return episodes, reports, hourly, summary


def _marketing_control(
    rec: pd.DataFrame, data: Dataset, mk: MarketingData, config: MarketingConfig
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The day's records checked (methods, windows, reasons), their purposes (with help
    plans) and the chat buyers counted per manager."""
    tz = config.timezone
    rec = marketing.check_methods(rec, data.buyers)
    # only effective windows (each >= 2 h) count; a buyer without one is master data to fix
    rec["window"] = marketing.slot_windows(rec, marketing.effective_windows(mk.windows, config), tz)
    rec = marketing.check_reasons(rec, config)
    windows = marketing.check_windows(mk.windows, config)
    rec["window_short"] = rec["buyer_id"].isin(windows.loc[windows["short"], "buyer_id"]) | (
        rec["window"] == "no_window"
    )
    purposes = marketing.check_purposes(rec, tz)
    plans = marketing.check_help_plans(mk.help_plans, data.people)
    # a plan counts when its helper is one the scheme names (帮扶人)
    purposes["help_plan"] = marketing.buyer_help(
        purposes, plans.loc[plans["helper_listed"]], config
    )
    return rec, purposes, marketing.chat_buyer_counts(rec, tz)


def orders_closed(
    data: Dataset,
    manager_days: pd.DataFrame,
    assess_config: AssessConfig,
    extra: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Non-cancelled orders placed on each (manager_id, date) by buyers the manager holds
    (current manager or activator), one row per order: ``order_id, buyer_id, placed_at,
    boxes, amount, match_class`` (best over its lines and the manager's declarations
    whose period covers the day: ``sku``, ``product``, ``buyer``, else ``undeclared``).
    ``extra``: more (manager_id, buyer_id) pairs to include (the buyers it marketed)."""
    tz = assess_config.timezone
    lines = data.orders.loc[~data.orders["status"].isin(CANCELLED_STATUSES)]
    lines = lines.assign(date=marketing.local_day(lines["placed_at"], tz))
    held = _held(data, extra)
    mine = manager_days.merge(held, on="manager_id").merge(lines, on=["buyer_id", "date"])
    decl = data.declarations
    end = decl["period_end"].fillna(
        decl["declared_on"] + pd.Timedelta(days=assess_config.declaration_days - 1)
    )
    decl = decl.assign(period_end=end)
    cols = ["manager_id", "buyer_id", "declared_on", "period_end", "product", "brand",
            "net_weight_g"]  # fmt: skip
    mine = mine.reset_index(drop=True)
    mine["lid"] = np.arange(len(mine))
    pairs = mine.merge(decl[cols], on=["manager_id", "buyer_id"], suffixes=("", "_d"))
    live = (pairs["declared_on"] <= pairs["date"]) & (pairs["date"] <= pairs["period_end"])
    pairs = pairs.loc[live]
    same_product = pairs["product_d"].notna() & (pairs["product"] == pairs["product_d"])
    same_brand = pairs["brand_d"].notna() & (pairs["brand"] == pairs["brand_d"])
    same_weight = pairs["net_weight_g_d"].isna() | (
        pairs["net_weight_g"] == pairs["net_weight_g_d"]
    )
    level = np.select([same_product & same_brand & same_weight, same_product], [3, 2], 1)
    best = pd.Series(level, index=pairs["lid"].to_numpy()).groupby(level=0).max()
    mine["level"] = best.reindex(mine["lid"]).fillna(0).astype(np.int64).to_numpy()
    out = (
        mine.groupby(["manager_id", "date", "order_id"], sort=True)
        .agg(
            buyer_id=("buyer_id", "first"),
            placed_at=("placed_at", "min"),
            boxes=("boxes", "sum"),
            amount=("amount", "sum"),
            level=("level", "max"),
        )
        .reset_index()
    )
    names = np.array(["undeclared", "buyer", "product", "sku"], dtype=object)
    out["match_class"] = names[out["level"].to_numpy(np.int64)]
    return out.drop(columns="level")


# ------------------------------------------------------------------ private


def _held(data: Dataset, extra: pd.DataFrame | None) -> pd.DataFrame:
    """(buyer_id, manager_id) pairs: current manager, activator, and ``extra``."""
    b = data.buyers
    parts = [
        b[["buyer_id", "manager_id"]],
        b[["buyer_id", "activated_by"]].rename(columns={"activated_by": "manager_id"}),
    ]
    if extra is not None:
        parts.append(extra[["buyer_id", "manager_id"]])
    return pd.concat(parts).dropna().drop_duplicates()


def _count(frame: pd.DataFrame, mask: pd.Series | None, name: str) -> pd.Series:
    key = ["manager_id", "date"]
    sub = frame if mask is None else frame.loc[mask]
    out: pd.Series = sub.groupby(key).size().rename(name)
    return out


def _counts(
    rec: pd.DataFrame,
    purposes: pd.DataFrame,
    episodes: pd.DataFrame,
    reports: pd.DataFrame,
    orders: pd.DataFrame,
) -> list[pd.Series]:
    """Every count of a scorecard, each a Series by (manager_id, date) named as its column."""
    key = ["manager_id", "date"]
    cust = reports.loc[reports["kind"] == "customer"]
    missed = purposes.loc[~purposes["met"]]
    return [
        _count(rec, rec["chat_not_admitted"], "chat_not_admitted"),
        _count(rec, rec["window"] == "outside", "outside_windows"),
        rec.loc[rec["window_short"]].groupby(key)["buyer_id"].nunique().rename("short_windows"),
        _count(rec, rec["method"] == "onsite", "onsite_claims"),
        *(_count(rec, rec["corroboration"] == c, c) for c in corroboration.CORROBORATION),
        _count(episodes, None, "customers"),
        *(
            _count(episodes, episodes["report_status"] == s, f"reports_{s}")
            for s in ("timely", "late", "missing")
        ),
        _count(cust, ~cust["tags_ok"], "reports_bad_tags"),
        _count(purposes, None, "purposes"),
        _count(missed, None, "missed"),
        _count(rec, rec["result_missing"], "results_missing"),
        _count(rec, rec["reason_missing"], "reasons_missing"),
        _count(rec, rec["keywords_missing"], "keywords_missing"),
        _count(missed, ~missed["help_plan"], "help_plans_missing"),
        _count(orders, None, "orders_closed"),
    ]


def _assemble(
    base: pd.DataFrame,
    counts: list[pd.Series],
    orders: pd.DataFrame,
    chat_counts: pd.DataFrame,
    hourly: pd.DataFrame,
    summary: pd.DataFrame,
    days: pd.DataFrame,
) -> pd.DataFrame:
    """One row per manager of ``base``: the counts (0 when none), the best order class,
    chat buyers, missing hours, the daily summary and the day's verdicts."""
    key = ["manager_id", "date"]
    table = pd.concat(counts, axis=1)
    names = [str(c.name) for c in counts]
    cards = base.merge(table.reset_index(), on=key, how="left") if len(table) else base.copy()
    for name in names:
        cards[name] = cards[name].fillna(0).astype(np.int64) if name in cards else 0
    best = orders.assign(rank=orders["match_class"].map(_CLASS_RANK))
    best = best.sort_values("rank").drop_duplicates(key, keep="last")[[*key, "match_class"]]
    cards = cards.merge(best.rename(columns={"match_class": "best_class"}), on=key, how="left")
    cards = cards.merge(chat_counts[[*key, "chat_buyers"]], on=key, how="left")
    cards["chat_buyers"] = cards["chat_buyers"].fillna(0).astype(np.int64)
    cards = cards.merge(hourly[[*key, "hours_missing"]], on=key, how="left")
    keep = [*key, *(f"target_{m}" for m in METHODS), *(f"done_{m}" for m in METHODS),
            "below_target", "actual_onsite", "summary_present", "sections_ok", "counts_agree",
            "manager_help"]  # fmt: skip
    cards = cards.merge(summary[keep], on=key, how="left")
    cards = cards.rename(columns={"actual_onsite": "summary_onsite"})
    cards = cards.merge(days[[*key, "status", *CHECKS, "stays"]], on=key, how="left")
    cards["status"] = cards["status"].fillna("no_result")
    for c in CHECKS:
        cards[c] = cards[c].fillna("no_result")
    cards["stays"] = cards["stays"].astype("Int64")
    cards["summary_onsite"] = cards["summary_onsite"].astype("Int64")
    return cards
