"""Response bodies of the duties beside the scorecard: the management center's keyword
queue, a supervisor's daily help, the chat-buyer trend (issue 15, items 6, 7, 12)."""

from __future__ import annotations

__all__ = [
    "AgencyConflict",
    "AgencyOut",
    "ChatTrendOut",
    "ChatWeek",
    "HelpOwed",
    "HelpPlanOut",
    "KeywordQueueOut",
    "QueuedReason",
    "SupervisorHelpOut",
]

from pydantic import BaseModel, Field


class QueuedReason(BaseModel):
    manager_id: str
    team_id: str | None
    date: str = Field(description="local day of the slot")
    buyer_id: str
    slot_start: str = Field(description="ISO 8601 in the configured timezone")
    purpose: str
    reason: str = Field(description="the manager's concrete reason")
    suggested: list[str] = Field(description="taxonomy keywords, best first")


class KeywordQueueOut(BaseModel):
    first: str
    last: str
    total: int
    agreement: float = Field(
        description="share of the keyed reasons (leave-one-out) whose top suggestion is one "
        "of the keywords the management center chose"
    )
    tried: int = Field(description="how many keyed reasons the agreement was measured on")
    items: list[QueuedReason]


class HelpOwed(BaseModel):
    supervisor_id: str
    supervisor_role: str = Field(description="district_gm or city_director")
    manager_id: str
    team_id: str | None
    date: str
    gap: str = Field(description="what the manager missed, per method (onsite +2)")
    helped: bool = Field(description="a district GM or city director entered help in time")
    helped_by_you: bool
    helpers: str = Field(description="who helped, ;-joined")
    actions: str = Field(description="their actions, ;-joined")


class HelpPlanOut(BaseModel):
    date: str
    helper_id: str
    helper_role: str | None
    buyer_id: str | None
    manager_id: str | None
    actions: str | None
    completion_plan: str | None
    helper_listed: bool = Field(
        description="the helper is one the scheme lists (自助联盟人 大区经理 城市总监 行政区总经理)"
    )
    gap_keywords: str | None
    gap_causes: str | None = Field(description="method / process / norm (方法/流程/规范), ;-joined")
    gap_unsorted: int = Field(description="gap keywords that are none of the three")


class SupervisorHelpOut(BaseModel):
    supervisor_id: str
    first: str
    last: str
    due: int = Field(description="manager-days below target this supervisor owed help")
    helped: int
    open: int
    items: list[HelpOwed]
    plans: list[HelpPlanOut] = Field(description="the help plans this supervisor entered")


class ChatWeek(BaseModel):
    manager_id: str
    team_id: str | None
    week: str = Field(description="the Monday of the week")
    days: int = Field(description="days with marketing records that week")
    chat_buyers: int = Field(description="distinct buyers marketed by chat that week")
    daily_max: int
    change: int | None = Field(description="against the manager's previous week with records")
    trend: str = Field(description="rising, flat, falling or first")


class ChatTrendOut(BaseModel):
    first: str
    last: str
    total: int
    items: list[ChatWeek]


class AgencyConflict(BaseModel):
    source: str = Field(description="order or declaration")
    buyer_id: str
    brand: str = Field(description="the brand the buyer is regional agent for")
    ref: str = Field(description="the order id, or the declaring manager and day")
    boxes: int
    manager_id: str | None = Field(description="the buyer's current manager")
    team_id: str | None


class AgencyOut(BaseModel):
    as_of: str | None
    total: int
    items: list[AgencyConflict]
