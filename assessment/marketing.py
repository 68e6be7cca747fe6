"""Daily marketing control: method admission, effective windows, results and help plans.

Pure, vectorised functions over the validated frames of
:mod:`assessment.marketing_data` (merges, group-bys and interval comparisons; no
Python loop over records).  None mutates its input.  Seed: "Marketing" in
``../shared/seed/README.md``.
"""

from __future__ import annotations

__all__ = [
    "GAP_CAUSES",
    "HELPER_ROLES",
    "PLAN_HELPERS",
    "buyer_help",
    "chat_buyer_counts",
    "check_help_plans",
    "check_methods",
    "check_purposes",
    "check_reasons",
    "check_windows",
    "effective_windows",
    "help_deadline",
    "local_day",
    "manager_help",
    "slot_windows",
]

import numpy as np
import pandas as pd

from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import split_keywords

#: Who gives a field manager who missed targets the daily help (seed: district GM or city director).
HELPER_ROLES: tuple[str, ...] = ("district_gm", "city_director")


def local_day(instants: pd.Series, timezone: str) -> pd.Series:
    """Local calendar day (naive midnight, ``datetime64[ns]``) of UTC instants."""
    out: pd.Series = instants.dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
    return out.astype("datetime64[ns]")


def check_methods(records: pd.DataFrame, buyers: pd.DataFrame) -> pd.DataFrame:
    """Each record with ``chat_admitted`` (its buyer's) and ``chat_not_admitted``.

    Chat marketing is only for buyers the company admitted to chat; a chat record
    for any other buyer (or an unknown one) is ``chat_not_admitted``.
    """
    admitted = buyers.set_index("buyer_id")["chat_admitted"].astype(bool)
    out = records.copy()
    out["chat_admitted"] = out["buyer_id"].map(admitted).eq(True)
    out["chat_not_admitted"] = (out["method"] == "chat") & ~out["chat_admitted"]
    return out


def chat_buyer_counts(records: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """Distinct buyers marketed by chat per manager and local day, with the change from the
    manager's previous day that has records (the seed: "should keep rising").

    Columns: ``manager_id, date, chat_buyers, change`` (NaN on a manager's first day).
    """
    days = records.assign(date=local_day(records["slot_start"], timezone))
    chat = days.loc[days["method"] == "chat"]
    counts = chat.groupby(["manager_id", "date"])["buyer_id"].nunique().rename("chat_buyers")
    every = days[["manager_id", "date"]].drop_duplicates()
    out = every.merge(counts.reset_index(), on=["manager_id", "date"], how="left")
    out["chat_buyers"] = out["chat_buyers"].fillna(0).astype(np.int64)
    out = out.sort_values(["manager_id", "date"]).reset_index(drop=True)
    out["change"] = out.groupby("manager_id")["chat_buyers"].diff()
    return out


def check_windows(windows: pd.DataFrame, config: MarketingConfig) -> pd.DataFrame:
    """Per buyer: ``windows`` (count), ``window_minutes`` (the union, overlaps counted once),
    ``effective`` (windows of at least ``config.min_window_minutes`` each: the seed's
    有效营销时段, *each* >= 2 h; two 1-hour windows do not make one), ``short_n`` (windows
    below it) and ``short`` (some window is short, or none is effective)."""
    if windows.empty:
        return pd.DataFrame(
            {
                "buyer_id": pd.Series(dtype=object),
                "windows": pd.Series(dtype=np.int64),
                "window_minutes": pd.Series(dtype=np.int64),
                "effective": pd.Series(dtype=np.int64),
                "short_n": pd.Series(dtype=np.int64),
                "short": pd.Series(dtype=bool),
            }
        )
    w = windows.sort_values(["buyer_id", "start_min"])
    # union of intervals: a new run starts where start > running max of earlier ends
    running = w.groupby("buyer_id")["end_min"].cummax()
    prev_end = running.groupby(w["buyer_id"]).shift()
    new_run = (w["start_min"] > prev_end) | prev_end.isna()
    run = new_run.cumsum()
    runs = w.groupby(["buyer_id", run]).agg(start=("start_min", "min"), end=("end_min", "max"))
    runs["minutes"] = runs["end"] - runs["start"]
    total = runs.groupby(level="buyer_id")["minutes"].sum()
    count = w.groupby("buyer_id").size()
    long = effective_windows(w, config).groupby("buyer_id").size()
    out = pd.DataFrame({"windows": count, "window_minutes": total}).reset_index()
    out["effective"] = out["buyer_id"].map(long).fillna(0).astype(np.int64)
    out["short_n"] = out["windows"] - out["effective"]
    out["short"] = (out["short_n"] > 0) | (out["effective"] == 0)
    return out


def effective_windows(windows: pd.DataFrame, config: MarketingConfig) -> pd.DataFrame:
    """The windows that are effective marketing windows: each at least
    ``config.min_window_minutes`` long (the seed: 每个有效营销时段 >= 2 小时)."""
    length = windows["end_min"] - windows["start_min"]
    out: pd.DataFrame = windows.loc[length >= config.min_window_minutes]
    return out


def slot_windows(records: pd.DataFrame, windows: pd.DataFrame, timezone: str) -> pd.Series:
    """Per record: ``inside`` (the slot lies within one of its buyer's windows on its local
    day), ``outside`` or ``no_window`` (the buyer has none); indexed like ``records``."""
    local_start = records["slot_start"].dt.tz_convert(timezone)
    local_end = records["slot_end"].dt.tz_convert(timezone)
    midnight = local_start.dt.normalize()
    rec = pd.DataFrame(
        {
            "rid": np.arange(len(records)),
            "buyer_id": records["buyer_id"].to_numpy(object),
            "s": ((local_start - midnight).dt.total_seconds() / 60).to_numpy(float),
            "e": ((local_end - midnight).dt.total_seconds() / 60).to_numpy(float),
        }
    )
    pairs = rec.merge(windows[["buyer_id", "start_min", "end_min"]], on="buyer_id", how="inner")
    inside = (pairs["s"] >= pairs["start_min"]) & (pairs["e"] <= pairs["end_min"])
    any_inside = inside.groupby(pairs["rid"]).any()
    has = np.zeros(len(records), dtype=bool)
    has[pairs["rid"].to_numpy(np.int64)] = True
    ok = np.zeros(len(records), dtype=bool)
    ok[any_inside.index.to_numpy(np.int64)] = any_inside.to_numpy(bool)
    status = np.where(~has, "no_window", np.where(ok, "inside", "outside"))
    return pd.Series(status, index=records.index, dtype=object)


def check_reasons(records: pd.DataFrame, config: MarketingConfig) -> pd.DataFrame:
    """Each record with ``result_missing`` (no result), ``reason_concrete``,
    ``reason_keywords_n``, ``reason_missing`` (a missed goal without a concrete reason: the
    manager's duty; a met goal never is) and ``keywords_missing`` (a concrete reason the
    management center has not keyed yet: 管理中心将原因转换成关键词, not the manager's)."""
    out = records.copy()
    result = out["result"].fillna("").astype(str).str.strip()
    out["result_missing"] = result == ""
    reason = out["reason"].fillna("").astype(str).str.strip()
    vague = reason.str.lower().isin([v.lower() for v in config.vague_reasons])
    out["reason_concrete"] = (reason.str.len() >= config.min_reason_chars) & ~vague
    out["reason_keywords_n"] = split_keywords(out["reason_keywords"]).str.len().astype(np.int64)
    missed = ~out["goal_met"].astype(bool)
    out["reason_missing"] = missed & ~out["reason_concrete"]
    out["keywords_missing"] = missed & out["reason_concrete"] & (out["reason_keywords_n"] < 1)
    return out


def check_purposes(records: pd.DataFrame, timezone: str) -> pd.DataFrame:
    """One row per (manager, buyer, local day, purpose): ``slots``, ``met`` (any slot met
    it: a missed goal may get further slots the same day) and ``results`` (slots that
    report the goal met).  The seed (日营销结果管控): slots of different purposes may
    differ, a miss may get more slots, different slots may have different results; so
    several "met" results of one purpose are fine (no ``duplicate_result`` rule)."""
    key = ["manager_id", "buyer_id", "date", "purpose"]
    days = records.assign(
        date=local_day(records["slot_start"], timezone),
        purpose=records["purpose"].astype(str).str.strip(),
        met=records["goal_met"].astype(bool),
    )
    out = days.groupby(key, sort=True).agg(slots=("met", "size"), results=("met", "sum"))
    out = out.reset_index()
    out["met"] = out["results"] > 0
    return out


def help_deadline(days: pd.Series, config: MarketingConfig) -> pd.Series:
    """The last local day a help plan for a miss on ``days`` may carry: ``days`` plus
    ``config.help_plan_working_days`` working days (``weekmask``), vectorised."""
    d = days.to_numpy("datetime64[D]")
    out = np.busday_offset(
        d, config.help_plan_working_days, roll="forward", weekmask=config.weekmask
    )
    return pd.Series(out.astype("datetime64[ns]"), index=days.index)


def buyer_help(purposes: pd.DataFrame, plans: pd.DataFrame, config: MarketingConfig) -> pd.Series:
    """Per purpose row: whether its buyer has a help plan dated from the day of the miss up
    to :func:`help_deadline` (only meaningful where ``met`` is false)."""
    deadline = help_deadline(purposes["date"], config)
    rows = pd.DataFrame(
        {
            "pid": np.arange(len(purposes)),
            "buyer_id": purposes["buyer_id"].to_numpy(object),
            "day": purposes["date"].to_numpy("datetime64[ns]"),
            "deadline": deadline.to_numpy("datetime64[ns]"),
        }
    )
    with_buyer = plans.loc[plans["buyer_id"].notna(), ["buyer_id", "date"]]
    pairs = rows.merge(with_buyer, on="buyer_id", how="inner")
    ok = (pairs["date"] >= pairs["day"]) & (pairs["date"] <= pairs["deadline"])
    found = np.zeros(len(purposes), dtype=bool)
    found[pairs.loc[ok, "pid"].to_numpy(np.int64)] = True
    return pd.Series(found, index=purposes.index)


def manager_help(
    below: pd.DataFrame, plans: pd.DataFrame, people: pd.DataFrame, config: MarketingConfig
) -> pd.Series:
    """Per (manager_id, date) row of ``below``: whether a district GM or city director
    (by ``helper_role`` and the people table) entered a help plan for that manager dated
    from that day up to :func:`help_deadline`."""
    roles = people.set_index("person_id")["role"]
    helped = plans.loc[plans["manager_id"].notna(), ["manager_id", "date", "helper_id"]].copy()
    helper_role = helped["helper_id"].map(roles)
    declared = plans.loc[helped.index, "helper_role"]
    helped = helped.loc[helper_role.isin(HELPER_ROLES) | declared.isin(HELPER_ROLES)]
    rows = pd.DataFrame(
        {
            "rid": np.arange(len(below)),
            "manager_id": below["manager_id"].to_numpy(object),
            "day": below["date"].to_numpy("datetime64[ns]"),
            "deadline": help_deadline(below["date"], config).to_numpy("datetime64[ns]"),
        }
    )
    pairs = rows.merge(helped[["manager_id", "date"]], on="manager_id", how="inner")
    ok = (pairs["date"] >= pairs["day"]) & (pairs["date"] <= pairs["deadline"])
    found = np.zeros(len(below), dtype=bool)
    found[pairs.loc[ok, "rid"].to_numpy(np.int64)] = True
    return pd.Series(found, index=below.index)


#: Who may help a buyer whose goal was missed
#: (帮扶人: 自助联盟人、大区经理、城市总监、行政区总经理).
PLAN_HELPERS: tuple[str, ...] = (
    "self_help_member", "regional_manager", "city_director", "district_gm",
)  # fmt: skip
#: Gap causes (差异原因分析: 方法、流程、规范), keyword -> cause.
GAP_CAUSES: dict[str, str] = {
    "方法": "method", "流程": "process", "规范": "norm",
    "method": "method", "process": "process", "norm": "norm",
}  # fmt: skip


def check_help_plans(plans: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Each plan with ``helper_listed`` (the helper, by the people table or the row's
    role, is one of :data:`PLAN_HELPERS`), ``gap_causes`` (its gap keywords sorted into
    method / process / norm, ``;``-joined) and ``gap_unsorted`` (keywords that are none)."""
    roles = people.set_index("person_id")["role"]
    role = plans["helper_id"].map(roles)
    out = plans.copy()
    out["helper_listed"] = role.isin(PLAN_HELPERS) | plans["helper_role"].isin(PLAN_HELPERS)
    words = split_keywords(plans["gap_keywords"]).explode().astype(object)
    causes = words.str.strip().str.lower().map(GAP_CAUSES)
    sorted_ = causes.dropna().groupby(level=0).unique().map(lambda c: ";".join(sorted(c)))
    out["gap_causes"] = sorted_.reindex(plans.index)
    out["gap_unsorted"] = (
        (words.notna() & causes.isna())
        .groupby(level=0)
        .sum()
        .reindex(plans.index, fill_value=0)
        .astype(np.int64)
    )
    return out
