"""Duties that are not the field manager's, and the chat-buyer trend, as reports.

Seed ("Marketing", "Help plan"): the logistics district GM or city director helps the
field managers who missed targets every day (物流行政区总经理或城市总监每日对未达成目标的
驻场经理帮扶): that is the *supervisor's* duty, reported on the supervisor's own page
(:func:`supervisor_help`), never failed on the manager's scorecard.  The management
center turns reasons into keywords (管理中心将原因转换成关键词): its queue over a range of
days is :func:`keyword_queue_between`.  The number of chat buyers should keep rising
(需不断提高聊一聊买家数): :func:`chat_trend` counts them per manager and week.

Pure and vectorised (merges and group-bys; the reporting chain is walked one level at
a time, never one person at a time).  None mutates its input.
"""

from __future__ import annotations

__all__ = [
    "AGENCY_COLUMNS",
    "HELP_COLUMNS",
    "PLAN_COLUMNS",
    "TREND_COLUMNS",
    "agency_report",
    "chat_trend",
    "helper_plans",
    "keyword_queue_between",
    "supervisor_help",
    "supervisor_help_between",
    "supervisors_of",
    "working_days_between",
]

import datetime as dt

import numpy as np
import pandas as pd

from assessment.agency import agency_conflicts
from assessment.config import AssessConfig
from assessment.io import Dataset
from assessment.keywords import keyword_queue
from assessment.marketing import (
    HELPER_ROLES,
    check_help_plans,
    check_reasons,
    help_deadline,
    local_day,
)
from assessment.marketing_config import MarketingConfig
from assessment.marketing_data import METHODS, MarketingData
from assessment.scorecard import daily_scorecards

#: The reporting chain is walked up this many levels at most (a loop in it stops there).
MAX_CHAIN = 8
#: Columns of :func:`supervisor_help`.
HELP_COLUMNS: tuple[str, ...] = (
    "supervisor_id", "supervisor_role", "manager_id", "team_id", "date", "gap",
    "helped", "helped_by_you", "helpers", "actions",
)  # fmt: skip
#: Columns of :func:`helper_plans`.
PLAN_COLUMNS: tuple[str, ...] = (
    "date", "helper_id", "helper_role", "buyer_id", "manager_id", "actions",
    "completion_plan", "helper_listed", "gap_keywords", "gap_causes", "gap_unsorted",
)  # fmt: skip
#: Columns of :func:`agency_report`.
AGENCY_COLUMNS: tuple[str, ...] = (
    "source", "buyer_id", "brand", "ref", "boxes", "manager_id", "team_id",
)  # fmt: skip
#: Columns of :func:`chat_trend`.
TREND_COLUMNS: tuple[str, ...] = (
    "manager_id", "team_id", "week", "days", "chat_buyers", "daily_max", "change", "trend",
)  # fmt: skip


def supervisors_of(people: pd.DataFrame) -> pd.DataFrame:
    """Every field manager's supervisors who owe the daily help: each district GM or city
    director (:data:`assessment.marketing.HELPER_ROLES`) up its ``reports_to`` chain.

    Columns ``manager_id, supervisor_id, supervisor_role``, nearest supervisor first.
    """
    boss = people.set_index("person_id")["reports_to"]
    role = people.set_index("person_id")["role"]
    managers = people.loc[people["role"] == "field_manager", "person_id"].astype(object)
    current = managers.reset_index(drop=True)
    found = []
    for level in range(MAX_CHAIN):
        current = current.map(boss)
        if current.isna().all():
            break
        roles = current.map(role)
        hit = roles.isin(HELPER_ROLES)
        found.append(
            pd.DataFrame(
                {
                    "manager_id": managers.to_numpy(object)[hit.to_numpy(bool)],
                    "supervisor_id": current[hit].to_numpy(object),
                    "supervisor_role": roles[hit].to_numpy(object),
                    "level": level,
                }
            )
        )
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in
                             ("manager_id", "supervisor_id", "supervisor_role")})  # fmt: skip
    out = pd.concat(found).drop_duplicates(["manager_id", "supervisor_id"])
    out = out.sort_values(["manager_id", "level"], kind="stable")
    return out.drop(columns="level").reset_index(drop=True)


def supervisor_help(
    cards: pd.DataFrame,
    plans: pd.DataFrame,
    people: pd.DataFrame,
    config: MarketingConfig,
    *,
    supervisor_id: str | None = None,
) -> pd.DataFrame:
    """The daily help owed: one row per supervisor and manager-day below target.

    Parameters
    ----------
    cards
        Daily scorecards (:func:`assessment.scorecard.daily_scorecards`), any days:
        ``below_target``, ``manager_help`` and the targets and counts per method; a
        manager-day without records and without a summary is not counted (no data).
    plans
        Help plans (``help_plans``); an entry for the manager (``manager_id``) by a
        district GM or city director, dated from the day to the next working day
        (:func:`assessment.marketing.help_deadline`), is the help.
    supervisor_id
        Only this supervisor's rows.

    Returns
    -------
    pandas.DataFrame
        :data:`HELP_COLUMNS`: ``gap`` (what was missed, ``onsite +1``), ``helped`` (by
        either supervisor: the scheme says GM *or* director), ``helped_by_you``,
        ``helpers`` and ``actions`` (``;``-joined).
    """
    keep = ["manager_id", "team_id", "date", "manager_help",
            *(f"target_{m}" for m in METHODS), *(f"done_{m}" for m in METHODS)]  # fmt: skip
    # a day without records or summary has no data (leave, holiday, not imported yet)
    active = (cards["purposes"] > 0) | cards["summary_present"].eq(True)
    below = cards.loc[cards["below_target"].eq(True) & active, keep]
    rows = below.merge(supervisors_of(people), on="manager_id")
    if supervisor_id is not None:
        rows = rows.loc[rows["supervisor_id"] == supervisor_id]
    rows = rows.reset_index(drop=True)
    gap = pd.Series("", index=rows.index, dtype=object)
    for m in METHODS:
        short = (rows[f"target_{m}"] - rows[f"done_{m}"]).clip(lower=0)
        gap = gap + np.where(short > 0, f"{m} +" + short.astype(str) + " ", "")
    rows["gap"] = gap.str.strip()
    rows["helped"] = rows["manager_help"].eq(True)
    helpers, actions = _help_given(rows, plans, people, config)
    rows["helpers"] = helpers
    rows["actions"] = actions
    rows["helped_by_you"] = [
        sid in h.split(";") for sid, h in zip(rows["supervisor_id"], helpers, strict=True)
    ]
    rows["date"] = pd.to_datetime(rows["date"]).astype("datetime64[ns]")
    out = rows.sort_values(["supervisor_id", "date", "manager_id"], kind="stable")
    return out[list(HELP_COLUMNS)].reset_index(drop=True)


def helper_plans(
    plans: pd.DataFrame, people: pd.DataFrame, helper_id: str, first: dt.date, last: dt.date
) -> pd.DataFrame:
    """The help plans ``helper_id`` entered on local days ``first .. last``, checked by
    :func:`assessment.marketing.check_help_plans` (帮扶人 one the scheme lists; 差异原因
    sorted into method / process / norm): :data:`PLAN_COLUMNS`, oldest first."""
    checked = check_help_plans(plans, people)
    when = checked["date"].between(pd.Timestamp(first), pd.Timestamp(last))
    mine = checked.loc[(checked["helper_id"] == helper_id) & when, list(PLAN_COLUMNS)]
    return mine.sort_values(["date", "manager_id", "buyer_id"], kind="stable").reset_index(
        drop=True
    )


def agency_report(
    data: Dataset, *, as_of: dt.date | None = None, timezone: str = "Asia/Shanghai"
) -> pd.DataFrame:
    """Every order line and declaration supplying a regional agent its own brand
    (老一批代理品牌: 平台不向厂家区域代理商供应其代理品牌的商品), placed or declared up to
    local day ``as_of`` (default: all), with the buyer's current manager and team:
    :data:`AGENCY_COLUMNS`."""
    orders, decl = data.orders, data.declarations
    if as_of is not None:
        orders = orders.loc[local_day(orders["placed_at"], timezone) <= pd.Timestamp(as_of)]
        decl = decl.loc[decl["declared_on"] <= pd.Timestamp(as_of)]
    out = agency_conflicts(orders, decl, data.buyers)
    holder = data.buyers.set_index("buyer_id")["manager_id"]
    out["manager_id"] = out["buyer_id"].map(holder)
    out["team_id"] = out["manager_id"].map(data.people.set_index("person_id")["team_id"])
    return (
        out[list(AGENCY_COLUMNS)].sort_values(["buyer_id", "source", "ref"]).reset_index(drop=True)
    )


def working_days_between(first: dt.date, last: dt.date, weekmask: str) -> list[dt.date]:
    """The working days (``weekmask``) from ``first`` to ``last``, both included."""
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1, dtype="datetime64[D]")
    return [dt.date.fromisoformat(str(d)) for d in days[np.is_busday(days, weekmask=weekmask)]]


def supervisor_help_between(
    data: Dataset,
    mk: MarketingData,
    first: dt.date,
    last: dt.date,
    supervisor_id: str,
    *,
    config: MarketingConfig,
    assess_config: AssessConfig,
) -> pd.DataFrame:
    """:func:`supervisor_help` of ``supervisor_id`` over the working days ``first .. last``:
    the daily scorecards of the managers it supervises (their targets; the track is not
    needed), then the help owed and given."""
    chain = supervisors_of(data.people)
    managers = chain.loc[chain["supervisor_id"] == supervisor_id, "manager_id"].tolist()
    days = working_days_between(first, last, config.weekmask)
    if not managers or not days:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in HELP_COLUMNS})
    cards = pd.concat(
        [
            daily_scorecards(data, mk, [], day, config=config, assess_config=assess_config,
                             managers=managers).cards
            for day in days
        ]
    )  # fmt: skip
    return supervisor_help(cards, mk.help_plans, data.people, config, supervisor_id=supervisor_id)


def chat_trend(
    records: pd.DataFrame, people: pd.DataFrame, timezone: str
) -> pd.DataFrame:  # fmt: skip
    """Distinct chat buyers per manager and week (需不断提高聊一聊买家数).

    One row per manager and week (Monday) with records: ``days`` with records,
    ``chat_buyers`` (distinct buyers marketed by chat that week), ``daily_max`` (the
    most on one day), ``change`` from the manager's previous week with records (NA on
    its first) and ``trend``: ``rising``, ``flat``, ``falling`` or ``first``.
    """
    day = local_day(records["slot_start"], timezone)
    week = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    rec = records.assign(date=day, week=week)
    key = ["manager_id", "week"]
    every = rec.groupby(key)["date"].nunique().rename("days")
    chat = rec.loc[rec["method"] == "chat"]
    weekly = chat.groupby(key)["buyer_id"].nunique().rename("chat_buyers")
    daily = chat.groupby([*key, "date"])["buyer_id"].nunique().groupby(level=key).max()
    out = pd.concat([every, weekly, daily.rename("daily_max")], axis=1).reset_index()
    for c in ("chat_buyers", "daily_max"):
        out[c] = out[c].fillna(0).astype(np.int64)
    out = out.sort_values(key).reset_index(drop=True)
    out["change"] = out.groupby("manager_id")["chat_buyers"].diff().astype("Int64")
    out["trend"] = np.select(
        [out["change"].isna().to_numpy(bool), (out["change"] > 0).fillna(False).to_numpy(bool),
         (out["change"] < 0).fillna(False).to_numpy(bool)],
        ["first", "rising", "falling"], "flat",
    )  # fmt: skip
    out["team_id"] = out["manager_id"].map(people.set_index("person_id")["team_id"])
    out["week"] = out["week"].astype("datetime64[ns]")
    out["days"] = out["days"].astype(np.int64)
    return out[list(TREND_COLUMNS)]


def keyword_queue_between(
    mk: MarketingData,
    people: pd.DataFrame,
    first: dt.date,
    last: dt.date,
    config: MarketingConfig,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The management center's queue for local days ``first .. last``.

    Returns the queue (:func:`assessment.keywords.keyword_queue` with ``date`` and
    ``team_id``, oldest first) and every record of those days checked by
    :func:`assessment.marketing.check_reasons` (for :func:`~assessment.keywords.top1_agreement`).
    """
    rec = mk.marketing.assign(date=local_day(mk.marketing["slot_start"], config.timezone))
    rec = rec.loc[rec["date"].between(pd.Timestamp(first), pd.Timestamp(last))]
    checked = check_reasons(rec.reset_index(drop=True), config)
    queue = keyword_queue(checked, mk.keywords)
    queue.insert(2, "date", local_day(queue["slot_start"], config.timezone))
    queue.insert(1, "team_id", queue["manager_id"].map(people.set_index("person_id")["team_id"]))
    queue = queue.sort_values(["slot_start", "manager_id"], kind="stable").reset_index(drop=True)
    return queue, checked


# ------------------------------------------------------------------ private


def _help_given(
    rows: pd.DataFrame, plans: pd.DataFrame, people: pd.DataFrame, config: MarketingConfig
) -> tuple[list[str], list[str]]:
    """Per row: the helpers (district GM or city director) who entered a help plan for the
    manager from the day to its deadline, and their actions, each ``;``-joined."""
    roles = people.set_index("person_id")["role"]
    mine = plans.loc[plans["manager_id"].notna()]
    by_role = mine["helper_id"].map(roles).isin(HELPER_ROLES) | mine["helper_role"].isin(
        HELPER_ROLES
    )
    mine = mine.loc[by_role, ["manager_id", "date", "helper_id", "actions"]]
    frame = pd.DataFrame(
        {
            "rid": np.arange(len(rows)),
            "manager_id": rows["manager_id"].to_numpy(object),
            "day": pd.to_datetime(rows["date"]).to_numpy("datetime64[ns]"),
            "deadline": help_deadline(pd.to_datetime(rows["date"]), config).to_numpy(
                "datetime64[ns]"
            ),
        }
    )
    pairs = frame.merge(mine, on="manager_id")
    pairs = pairs.loc[(pairs["date"] >= pairs["day"]) & (pairs["date"] <= pairs["deadline"])]
    grouped = pairs.groupby("rid")
    helpers = grouped["helper_id"].agg(lambda s: ";".join(sorted(set(map(str, s)))))
    actions = grouped["actions"].agg(lambda s: ";".join(dict.fromkeys(map(str, s.dropna()))))
    n = len(rows)
    return (
        helpers.reindex(range(n), fill_value="").tolist(),
        actions.reindex(range(n), fill_value="").tolist(),
    )
