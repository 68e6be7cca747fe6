"""Parameters of the marketing, chat-report and scorecard rules: one frozen, validated object.

The seed fixes the >= 2 h effective window, the >= 2 tag keywords, one hourly
report per working hour and the 5-day assessment; the other numbers below are our
reading (the README lists them as assumptions to confirm).  Read from a TOML file
of its own (``--marketing-config``), every key optional.
"""

from __future__ import annotations

__all__ = ["ITEM_WEIGHTS", "MarketingConfig", "load_marketing_config"]


from dataclasses import dataclass, field, fields
from pathlib import Path

from trajectory.errors import ConfigError
from trajectory.tomlconfig import check_known, check_timezone, read_toml

#: Weight of each of the field manager's own scorecard items (our reading: the track and
#: honest visits weigh most, then targets and customer reports; assumptions to confirm).
ITEM_WEIGHTS: dict[str, float] = {
    "no_track": 3.0, "on_time_arrival": 2.0, "trajectory_clear": 2.0,
    "visit_count_match": 2.0, "contradicted": 3.0, "summary_onsite": 1.0, "targets": 2.0,
    "chat_not_admitted": 1.0, "outside_windows": 1.0, "results_missing": 1.0,
    "reasons_missing": 1.0, "customer_reports": 2.0, "report_tags": 1.0,
    "hourly_reports": 1.0, "daily_summary": 1.0,
}  # fmt: skip


@dataclass(frozen=True)
class MarketingConfig:
    """Parameters of :mod:`assessment.marketing`, :mod:`assessment.chat`, the scorecards.

    Attributes
    ----------
    timezone
        IANA zone of the working day (slot times, hours, dates).
    min_window_minutes
        A buyer's effective windows must total at least this much a day (seed: 2 h).
    help_plan_working_days
        A buyer with a missed goal must get a help plan dated no later than this
        many working days after the miss (default 1: by the next working day).
    weekmask
        Working days, NumPy ``busday`` notation (default Monday to Friday).
    work_start_hour, work_end_hour
        Working hours ``[start, end)``: one hourly chat report is due in each.
    min_tag_keywords
        Tag keywords a customer report needs (seed: 2).
    min_reason_chars
        A reason is concrete when it has at least this many characters and is not
        one of ``vague_reasons``.
    vague_reasons
        Reasons that say nothing (``无``, ``其他``, ``n/a`` ...), compared lowercased.
    report_grace_minutes
        After the day's last customer, its report is timely within this many minutes.
    target_onsite, target_phone, target_chat
        Daily targets by method when a manager's summary gives none.
    five_days
        Working days of the assessment (seed: 5).
    min_days_passed
        Of those, how many daily scorecards must pass for an overall pass (with a
        new order from the manager's own marketing and no contradicted visit).
    pass_score
        A daily scorecard passes when the weight of the manager's items met is at least
        this share of the weight of the items due (0-1).
    top_fixes
        Fixes shown first on a scorecard (the weightiest); the rest are folded.
    item_weights
        Overrides of :data:`ITEM_WEIGHTS` (a TOML table ``[item_weights]``).
    """

    timezone: str = "Asia/Shanghai"
    min_window_minutes: int = 120
    help_plan_working_days: int = 1
    weekmask: str = "Mon Tue Wed Thu Fri"
    work_start_hour: int = 8
    work_end_hour: int = 18
    min_tag_keywords: int = 2
    min_reason_chars: int = 4
    vague_reasons: tuple[str, ...] = ("无", "没有", "其他", "其它", "不知道", "n/a", "na", "none",
                                      "other", "-", "/")  # fmt: skip
    report_grace_minutes: int = 60
    target_onsite: int = 8
    target_phone: int = 6
    target_chat: int = 6
    five_days: int = 5
    min_days_passed: int = 3
    pass_score: float = 0.75
    top_fixes: int = 3
    item_weights: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_timezone(self.timezone)
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "int" and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigError(f"{f.name}: expected a whole number, got {value!r}")
        lows = {
            "min_window_minutes": 1,
            "help_plan_working_days": 0,
            "min_tag_keywords": 1,
            "min_reason_chars": 1,
            "report_grace_minutes": 0,
            "target_onsite": 0,
            "target_phone": 0,
            "target_chat": 0,
            "five_days": 1,
            "min_days_passed": 0,
            "work_start_hour": 0,
            "top_fixes": 0,
        }
        for name, low in lows.items():
            if getattr(self, name) < low:
                raise ConfigError(f"{name}: expected >= {low}, got {getattr(self, name)!r}")
        if not self.work_start_hour < self.work_end_hour <= 24:
            raise ConfigError("work_start_hour < work_end_hour <= 24 expected")
        if not 0.0 <= float(self.pass_score) <= 1.0:
            raise ConfigError(f"pass_score: expected 0-1, got {self.pass_score!r}")
        unknown = set(self.item_weights) - set(ITEM_WEIGHTS)
        if unknown:
            raise ConfigError(f"item_weights: unknown item(s) {sorted(unknown)}")
        if any(float(v) < 0 for v in self.item_weights.values()):
            raise ConfigError("item_weights: expected weights >= 0")
        if self.min_days_passed > self.five_days:
            raise ConfigError("min_days_passed must not exceed five_days")
        days = self.weekmask.split()
        names = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
        if not days or not set(days) <= names:
            raise ConfigError(f"weekmask: expected day names such as 'Mon Tue', got {days!r}")

    @property
    def weights(self) -> dict[str, float]:
        """Every own item's weight: :data:`ITEM_WEIGHTS` with ``item_weights`` applied."""
        return {**ITEM_WEIGHTS, **{k: float(v) for k, v in self.item_weights.items()}}

    @property
    def targets(self) -> dict[str, int]:
        return {"onsite": self.target_onsite, "phone": self.target_phone, "chat": self.target_chat}


def load_marketing_config(
    path: str | Path | None, *, timezone: str | None = None
) -> MarketingConfig:
    """A marketing TOML (top-level keys; None: defaults); unknown keys are errors.

    ``timezone`` (the assessment's own) is used unless the file sets one.
    """
    data = {} if path is None else read_toml(path)
    try:
        check_known(data, (f.name for f in fields(MarketingConfig)))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if "vague_reasons" in data:
        data["vague_reasons"] = tuple(str(v) for v in data["vague_reasons"])
    if timezone is not None:
        data.setdefault("timezone", timezone)
    return MarketingConfig(**data)
