"""The checks' reasons in the page's language, from their code and values (issue 16)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from maps.day import render_day
from maps.i18n import LABELS
from maps.reasons import check_reason
from trajectory.checks import COUNT_DETAILS, REASON_PARTS, REASONS, reason_text
from trajectory.result import CHECK_NAMES, DayResult
from trajectory.testing.evaluation import verify_generated
from trajectory.testing.scenarios import generate_day

EN, ZH = LABELS["en"], LABELS["zh"]
#: One example of the values of every reason code.
EXAMPLES: dict[str, dict[str, Any]] = {
    "on_time_arrival.no_onsite_task": {},
    "on_time_arrival.on_time": {"store": "S1", "arrival": "07:09", "deadline": "07:30"},
    "on_time_arrival.gap_spans_deadline": {
        "store": "S1", "arrival": "07:41", "earliest": "07:12", "deadline": "07:30",
    },
    "on_time_arrival.late": {
        "store": "S1", "arrival": "08:31", "late_min": "62", "deadline": "07:30",
    },
    "on_time_arrival.no_gps": {},
    "on_time_arrival.first_store_ambiguous": {"store": "S1"},
    "on_time_arrival.first_store_unseen": {"store": "S1"},
    "on_time_arrival.gps_starts_late": {"store": "S1", "first_fix": "08:02", "deadline": "07:30"},
    "on_time_arrival.not_visited": {"store": "S1"},
    "trajectory_clear.nothing_to_check": {},
    "trajectory_clear.no_gps": {},
    "trajectory_clear.clear": {"onsite": 9},
    "trajectory_clear.problems": {
        "unmatched": [3, 6], "not_visited": ["S2"], "ambiguous": ["S4", "S5"],
        "unseen": ["S7"], "no_gps": [],
    },
    "trajectory_clear.uncertain": {
        "unmatched": [], "not_visited": [], "ambiguous": [], "unseen": ["S7"], "no_gps": ["S8"],
    },
    "visit_count_match.no_gps": {},
    "visit_count_match.match": {"stays": 9, "reported": 9, "revisits": 0, "unmatched": 0},
    "visit_count_match.mismatch": {"stays": 9, "reported": 7, "revisits": 1, "unmatched": 1},
    "visit_count_match.count_uncertain": {
        "stays": 8, "reported": 9, "revisits": 2, "unmatched": 0, "low": 8, "high": 10,
    },
}  # fmt: skip
#: Latin words a Chinese reason may hold besides the ids in its values.
ALLOWED = {"GPS"}


def _check(key: str) -> tuple[str, dict[str, Any]]:
    name, code = key.split(".")
    values = EXAMPLES[key]
    return name, {
        "reason": reason_text(name, code, values),
        "reason_code": code,
        "reason_values": values,
    }


def _latin_words(text: str, values: dict[str, Any]) -> set[str]:
    ids = {
        str(v) for value in values.values() for v in (value if isinstance(value, list) else [value])
    }
    return {w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text) if w not in ids | ALLOWED}


def test_every_code_has_an_example() -> None:
    codes = {*REASONS, "trajectory_clear.problems", "trajectory_clear.uncertain"}
    assert set(EXAMPLES) == codes


def test_english_labels_are_the_contract_sentences() -> None:
    """The page's English is the result JSON's ``reason``, word for word."""
    for key, sentence in REASONS.items():
        assert EN["reason_" + key.replace(".", "_")] == sentence, key
    for key, part in REASON_PARTS.items():
        assert EN[f"reason_part_{key}"] == part, key
    for key, part in COUNT_DETAILS.items():
        assert EN[f"reason_detail_{key}"] == part, key


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_written_in_each_language(key: str) -> None:
    name, check = _check(key)
    assert check_reason(name, check, EN) == check["reason"]
    zh = check_reason(name, check, ZH)
    assert zh != check["reason"] and re.search(r"[\u4e00-\u9fff]", zh), zh
    assert _latin_words(zh, check["reason_values"]) == set(), zh
    assert "{" not in zh and "}" not in zh


def test_chinese_lists_and_details() -> None:
    name, check = _check("trajectory_clear.problems")
    assert check_reason(name, check, ZH) == (
        "2 个停留点不在任何任务门店（停留点 3、6）；1 家到店门店未拜访（S2）；"
        "门店 S4、S5 与已拜访的相邻门店距离过近，GPS 无法区分；"
        "门店 S7 可能在 GPS 信号中断期间被拜访。"
    )
    name, check = _check("visit_count_match.mismatch")
    assert check_reason(name, check, ZH) == (
        "9 个停留点（1 次重复到访已拜访门店、1 个不在任务门店），上报到店拜访 7 次。"
    )


@pytest.mark.parametrize(
    "check",
    [
        {"reason": "Stored before issue 16."},  # no code
        {"reason": "Stored before issue 16.", "reason_code": "new_code", "reason_values": {}},
        {"reason": "Stored before issue 16.", "reason_code": "late", "reason_values": {"x": 1}},
    ],
)
def test_unknown_or_missing_code_shows_the_stored_sentence(check: dict[str, Any]) -> None:
    assert check_reason("on_time_arrival", check, ZH) == "Stored before issue 16."


@cache
def _generated(scenario: str, seed: int) -> DayResult:
    return verify_generated(generate_day(scenario, seed))


SCENARIOS = [("compliant", 1), ("late", 2), ("skipped_store", 3), ("extra_stop", 4),
             ("market", 5), ("revisit", 6), ("market", 7)]  # fmt: skip


@pytest.mark.parametrize(("scenario", "seed"), SCENARIOS)
def test_verified_days_carry_codes_that_give_their_reasons(scenario: str, seed: int) -> None:
    result = _generated(scenario, seed)
    data = result.to_dict()
    for name in CHECK_NAMES:
        check = data["checks"][name]
        assert check["reason_code"] is not None, (name, check)
        assert check_reason(name, check, EN) == check["reason"]
        values = check["reason_values"]
        assert _latin_words(check_reason(name, check, ZH), values) == set()


def test_from_dict_is_the_inverse_of_to_dict_with_and_without_codes() -> None:
    data = _generated("skipped_store", 3).to_dict()
    assert DayResult.from_dict(data).to_dict() == data
    old = {**data, "checks": {
        n: {k: v for k, v in c.items() if k not in ("reason_code", "reason_values")}
        for n, c in data["checks"].items()
    }}  # fmt: skip
    back = DayResult.from_dict(old)
    assert all(c.reason_code is None for c in back.checks.values())
    assert back.to_dict() == old
    page = render_day(back, lang="zh")  # a stored result without codes: English reasons
    assert data["checks"]["trajectory_clear"]["reason"] in page
