"""Chat-report compliance (seed 2.7): per-customer reports, hourly reports, the daily summary.

* A **customer episode** is a run of consecutive marketing slots of one buyer in a
  manager's day; it ends at the last slot's end, or later when a stay at the buyer
  lasted beyond it (the track's departure, from :func:`assessment.corroboration.corroborate`).
  Its report is **timely** when sent after that end and before the next customer's
  first slot (the day's last customer: within ``report_grace_minutes``).
* A report's **tags** are ``;``-separated keywords: at least ``min_tag_keywords``, every
  one in the taxonomy, and a keyword that needs leaf detail names product, brand and
  net weight (``产品:猪五花肉/双汇/10kg``).
* **Hourly**: one report in each working hour ``[work_start_hour, work_end_hour)``.
* **Daily summary**: present, with its results (actual counts by method equal to the
  distinct buyers marketed by that method); problems, suggestions and experience are
  reported as they occur (按实际发生), so an empty section is fine.
"""

from __future__ import annotations

__all__ = [
    "EPISODE_STATUSES",
    "check_daily_summaries",
    "check_hourly",
    "check_report_tags",
    "check_timeliness",
    "customer_episodes",
]

import numpy as np
import pandas as pd

from assessment.marketing import local_day
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import METHODS, split_keywords

EPISODE_STATUSES: tuple[str, ...] = ("timely", "late", "early", "missing")
#: leaf detail: product/brand/net weight with a unit
_LEAF_RE = r"^[^/]+/[^/]+/\s*\d+(?:\.\d+)?\s*(?:kg|g|公斤|千克|克|斤|jin)$"


def customer_episodes(marketing: pd.DataFrame, config: MarketingConfig) -> pd.DataFrame:
    """Runs of consecutive slots of one buyer per manager-day.

    ``marketing`` needs ``manager_id, buyer_id, date, slot_start, slot_end`` and may
    have ``visit_end`` (defaults to ``slot_end``).  Columns out: ``manager_id, date,
    buyer_id, episode, start, end, deadline`` (the next customer's first slot start,
    or ``end`` + ``report_grace_minutes`` for the day's last).
    """
    m = marketing.copy()
    if "visit_end" not in m:
        m["visit_end"] = m["slot_end"]
    m["visit_end"] = m["visit_end"].fillna(m["slot_end"])
    m = m.sort_values(["manager_id", "date", "slot_start"], kind="stable")
    day = ["manager_id", "date"]
    prev_buyer = m.groupby(day)["buyer_id"].shift()
    new = (m["buyer_id"] != prev_buyer) | prev_buyer.isna()
    m["episode"] = new.groupby([m["manager_id"], m["date"]]).cumsum().astype(np.int64)
    ep = (
        m.groupby([*day, "episode"], sort=True)
        .agg(buyer_id=("buyer_id", "first"), start=("slot_start", "min"), end=("visit_end", "max"))
        .reset_index()
    )
    nxt = ep.groupby(day)["start"].shift(-1)
    grace = pd.Timedelta(minutes=config.report_grace_minutes)
    ep["deadline"] = nxt.where(nxt.notna(), ep["end"] + grace)
    return ep[["manager_id", "date", "buyer_id", "episode", "start", "end", "deadline"]]


def check_timeliness(
    episodes: pd.DataFrame, reports: pd.DataFrame, config: MarketingConfig
) -> pd.DataFrame:
    """Each episode with ``reports`` (customer reports for that buyer that day) and
    ``report_status``: ``timely``, ``late`` (only after the deadline), ``early`` (only
    before the episode ended) or ``missing``."""
    cust = reports.loc[reports["kind"] == "customer", ["manager_id", "buyer_id", "sent_at"]]
    cust = cust.assign(date=local_day(cust["sent_at"], config.timezone))
    ep = episodes.reset_index(drop=True).copy()
    ep["eid"] = np.arange(len(ep))
    pairs = ep.merge(cust, on=["manager_id", "date", "buyer_id"], how="inner")
    timely = (pairs["sent_at"] >= pairs["end"]) & (pairs["sent_at"] < pairs["deadline"])
    late = pairs["sent_at"] >= pairs["deadline"]
    early = pairs["sent_at"] < pairs["end"]
    n = len(ep)
    counts = np.bincount(pairs["eid"].to_numpy(np.int64), minlength=n)

    def flag(mask: pd.Series) -> np.ndarray:
        out = np.zeros(n, dtype=bool)
        out[pairs.loc[mask, "eid"].to_numpy(np.int64)] = True
        return out

    is_timely, is_late, is_early = flag(timely), flag(late), flag(early)
    ep["reports"] = counts
    ep["report_status"] = np.select(
        [is_timely, is_late, is_early], ["timely", "late", "early"], "missing"
    )
    return ep.drop(columns="eid")


def check_report_tags(
    reports: pd.DataFrame, keywords: pd.DataFrame, config: MarketingConfig
) -> pd.DataFrame:
    """Each report with ``tags_n``, ``unknown_tags`` (not in the taxonomy; text),
    ``leaf_missing`` (keywords that need product/brand/net weight and lack it; text)
    and ``tags_ok`` (enough tags, none unknown, none incomplete)."""
    out = reports.copy()
    tags = split_keywords(out["tags"]).rename("tag")
    long = tags.explode().dropna().to_frame()
    parts = long["tag"].astype(str).str.split(r"\s*[:：]\s*", n=1, regex=True, expand=True)
    # no tag at all: split gives a frame without columns
    long["keyword"] = parts[0].str.strip() if 0 in parts.columns else pd.Series(dtype=object)
    long["detail"] = parts[1] if 1 in parts.columns else None
    tax = keywords[["keyword", "needs_leaf"]].drop_duplicates("keyword")
    long = long.reset_index().merge(tax, on="keyword", how="left").set_index("index")
    unknown = long["needs_leaf"].isna()
    needs = long["needs_leaf"].eq(True)
    detail = long["detail"].fillna("").astype(str).str.strip()
    incomplete = needs & ~detail.str.match(_LEAF_RE)
    idx = out.index
    out["tags_n"] = tags.str.len().astype(np.int64)
    out["unknown_tags"] = (
        long.loc[unknown, "keyword"].groupby(level=0).agg(";".join).reindex(idx).fillna("")
    )
    out["leaf_missing"] = (
        long.loc[incomplete, "keyword"].groupby(level=0).agg(";".join).reindex(idx).fillna("")
    )
    out["tags_ok"] = (
        (out["tags_n"] >= config.min_tag_keywords)
        & (out["unknown_tags"] == "")
        & (out["leaf_missing"] == "")
    )
    return out


def check_hourly(
    manager_days: pd.DataFrame, reports: pd.DataFrame, config: MarketingConfig
) -> pd.DataFrame:
    """Per manager-day of ``manager_days`` (``manager_id, date``): ``hours_due``,
    ``hours_reported`` (working hours holding at least one hourly report),
    ``hours_missing`` and ``hourly_extra`` (reports beyond one an hour, or outside
    working hours)."""
    hourly = reports.loc[reports["kind"] == "hourly", ["manager_id", "sent_at"]]
    local = hourly["sent_at"].dt.tz_convert(config.timezone)
    hourly = hourly.assign(
        date=local.dt.tz_localize(None).dt.normalize().astype("datetime64[ns]"),
        hour=local.dt.hour,
    )
    in_hours = (hourly["hour"] >= config.work_start_hour) & (hourly["hour"] < config.work_end_hour)
    key = ["manager_id", "date"]
    stats = hourly.groupby(key).size().rename("n").to_frame()
    covered = hourly.loc[in_hours].groupby(key)["hour"].nunique()
    stats["hours_reported"] = covered.reindex(stats.index).fillna(0).astype(np.int64)
    out = manager_days[key].drop_duplicates().merge(stats.reset_index(), on=key, how="left")
    due = config.work_end_hour - config.work_start_hour
    out["hours_due"] = due
    out["hours_reported"] = out["hours_reported"].fillna(0).astype(np.int64)
    out["hours_missing"] = due - out["hours_reported"]
    out["hourly_extra"] = (out["n"].fillna(0).astype(np.int64) - out["hours_reported"]).clip(0)
    return out.drop(columns="n")


def check_daily_summaries(
    manager_days: pd.DataFrame,
    marketing: pd.DataFrame,
    summaries: pd.DataFrame,
    reports: pd.DataFrame,
    config: MarketingConfig,
) -> pd.DataFrame:
    """Per manager-day: ``summary_present`` (a summary row or a daily chat report),
    ``sections_ok`` (a summary row with its results; problems, suggestions and experience
    are reported as they occur, 按实际发生: empty is fine), ``done_<method>``
    (distinct buyers marketed), ``target_<method>``/``actual_<method>`` (the summary's;
    targets default to the configuration's), ``counts_agree``."""
    key = ["manager_id", "date"]
    base = manager_days[key].drop_duplicates().reset_index(drop=True)
    done = (
        marketing.groupby([*key, "method"])["buyer_id"]
        .nunique()
        .unstack("method")
        .reindex(columns=list(METHODS))
        .fillna(0)
        .astype(np.int64)
        .add_prefix("done_")
        .reset_index()
    )
    daily = reports.loc[reports["kind"] == "daily", ["manager_id", "sent_at"]]
    daily = daily.assign(date=local_day(daily["sent_at"], config.timezone))
    has_daily = daily.groupby(key).size().rename("daily_reports").reset_index()
    s = summaries.drop(columns=["source_row"], errors="ignore")
    out = base.merge(done, on=key, how="left").merge(s, on=key, how="left")
    out = out.merge(has_daily, on=key, how="left")
    for m in METHODS:
        out[f"done_{m}"] = out[f"done_{m}"].fillna(0).astype(np.int64)
        out[f"target_{m}"] = out[f"target_{m}"].fillna(config.targets[m]).astype(np.int64)
    has_row = out["actual_onsite"].notna()
    out["summary_present"] = has_row | (out["daily_reports"].fillna(0) > 0)
    out["sections_ok"] = has_row
    agree = has_row.copy()
    for m in METHODS:
        agree &= out[f"actual_{m}"].fillna(-1).astype(np.int64) == out[f"done_{m}"]
    out["counts_agree"] = agree
    out["below_target"] = np.logical_or.reduce(
        [out[f"done_{m}"] < out[f"target_{m}"] for m in METHODS]
    )
    return out.drop(columns=["daily_reports"])
