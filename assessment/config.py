"""Assessment parameters: one frozen, validated parameter object.

The seed (``../shared/seed/README.md``, "Target customers and rights", "Buyer
classification") fixes some numbers: a target customer has a single order of at
least 5 boxes; grades split at 30 and 100 boxes; a target customer not activated
within 2 months is reassigned.  It does **not** fix the thresholds between the
statuses (regular L1/L2/L3, warning period, activation period) nor the period a
declaration is matched over; those defaults are ours and the README lists them as
assumptions to confirm.  ``load_assess_config(path)`` reads a TOML file in which
every key is optional.
"""

from __future__ import annotations

__all__ = ["AssessConfig", "assess_config_from_mapping", "load_assess_config"]

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from trajectory.errors import ConfigError
from trajectory.tomlconfig import check_known, check_timezone, load_toml_config


@dataclass(frozen=True)
class AssessConfig:
    """Parameters of the buyer and order rules.

    Attributes
    ----------
    timezone
        IANA zone whose calendar decides dates and months (naive times in the
        files are read in it).  Default ``Asia/Shanghai``.
    target_min_boxes
        A buyer with one non-cancelled order of at least this many boxes of
        platform-listed products is a target customer.  Seed: 5.
    tier1_min_boxes, tier2_min_boxes
        Grade by the largest single order of one SKU ever: tier 1 from
        ``tier1_min_boxes`` (seed: 100), tier 2 from ``tier2_min_boxes`` (seed:
        30), tier 3 below.
    reassign_after_months
        Calendar months after assignment by which a target buyer must be
        activated; later it is due for reassignment.  Seed: 2.
    activation_period_days
        Days after activation during which a buyer is in its activation period
        (assumption; default 30: one month to build the ordering habit).
    regular_min_orders
        Delivered orders last calendar month that make an activated buyer
        past its activation period *regular*; fewer puts it in the warning
        period (assumption; default 1).
    l1_min_amount, l2_min_amount
        Last calendar month's delivered turnover (yuan) for regular L1 and L2;
        regular buyers below ``l2_min_amount`` are L3 (assumption; defaults
        100,000 and 20,000 yuan).
    declaration_days
        Days a declaration covers, the declaration day included, when its row
        gives no ``period_end`` (assumption; default 5, the seed's "close an
        order in 5 days").
    regular_measure
        What sets the regular (常客) level: ``turnover`` (last month's delivered amount
        against ``l1_min_amount``/``l2_min_amount``, default) or ``frequency`` (last
        month's delivered orders against ``l1_min_orders``/``l2_min_orders``): 常客 reads
        as "frequent customer", so order frequency is offered (assumption to confirm).
    l1_min_orders, l2_min_orders
        With ``regular_measure = "frequency"``: delivered orders last month for regular
        L1 and L2 (assumption; defaults 8 and 4: about twice and once a week).
    regular_lookback_days
        The 5-day assessment does not count an order of a buyer that was already a
        regular: one with ``regular_min_orders`` delivered orders in this many days
        before the window (assumption; default 30).
    """

    timezone: str = "Asia/Shanghai"
    target_min_boxes: int = 5
    tier1_min_boxes: int = 100
    tier2_min_boxes: int = 30
    reassign_after_months: int = 2
    activation_period_days: int = 30
    regular_min_orders: int = 1
    l1_min_amount: float = 100_000.0
    l2_min_amount: float = 20_000.0
    declaration_days: int = 5
    regular_measure: str = "turnover"
    l1_min_orders: int = 8
    l2_min_orders: int = 4
    regular_lookback_days: int = 30

    def __post_init__(self) -> None:
        _validate(self)

    def replace(self, **changes: Any) -> AssessConfig:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_INTS = (
    "target_min_boxes",
    "tier1_min_boxes",
    "tier2_min_boxes",
    "reassign_after_months",
    "activation_period_days",
    "regular_min_orders",
    "declaration_days",
    "l1_min_orders",
    "l2_min_orders",
    "regular_lookback_days",
)
_AMOUNTS = ("l1_min_amount", "l2_min_amount")


def _validate(cfg: AssessConfig) -> None:
    check_timezone(cfg.timezone)
    for name in _INTS:
        value = getattr(cfg, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name}: expected a whole number >= 1, got {value!r}")
    for name in _AMOUNTS:
        value = getattr(cfg, name)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise ConfigError(f"{name}: expected an amount > 0 (yuan), got {value!r}")
    if cfg.tier2_min_boxes >= cfg.tier1_min_boxes:
        raise ConfigError(
            f"tier2_min_boxes ({cfg.tier2_min_boxes}) must be below tier1_min_boxes "
            f"({cfg.tier1_min_boxes})"
        )
    if cfg.regular_measure not in ("turnover", "frequency"):
        raise ConfigError(
            f"regular_measure: expected 'turnover' or 'frequency', got {cfg.regular_measure!r}"
        )
    if cfg.l2_min_orders >= cfg.l1_min_orders:
        raise ConfigError("l2_min_orders must be below l1_min_orders")
    if cfg.l2_min_amount >= cfg.l1_min_amount:
        raise ConfigError(
            f"l2_min_amount ({cfg.l2_min_amount}) must be below l1_min_amount ({cfg.l1_min_amount})"
        )


def load_assess_config(path: str | Path | None) -> AssessConfig:
    """Read a TOML configuration file; ``None`` gives the defaults.

    Examples
    --------
    >>> load_assess_config(None).target_min_boxes
    5
    """
    return load_toml_config(path, AssessConfig, assess_config_from_mapping)


def assess_config_from_mapping(data: Mapping[str, Any]) -> AssessConfig:
    """Build an :class:`AssessConfig` from plain values (TOML, JSON); unknown keys are errors."""
    check_known(data, (f.name for f in fields(AssessConfig)))
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "regular_measure":
            kwargs[key] = str(value)
        elif key == "timezone":
            if not isinstance(value, str):
                raise ConfigError('timezone: expected a string such as "Asia/Shanghai"')
            kwargs[key] = value
        elif key in _AMOUNTS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{key}: expected a number, got {value!r}")
            kwargs[key] = float(value)
        else:
            kwargs[key] = value
    return AssessConfig(**kwargs)
