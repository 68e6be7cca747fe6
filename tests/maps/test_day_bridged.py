"""Bridged time on the map (issue 13, item 3): a stay that bridges a GPS gap has a dashed
ring and says how long the GPS did not see it, and where its arrival may lie."""

from __future__ import annotations

import re

from maps.day import render_day
from maps.day_bridged import bridged_rows
from maps.i18n import labels
from trajectory.testing import generate_day, verify_generated


def test_a_bridged_stay_is_drawn_and_told_apart() -> None:
    result = verify_generated(generate_day("phone_gap", 3))
    stays = result.to_dict()["stay_points"]
    bridged = [s for s in stays if s["bridged_s"]]
    seen = [s for s in stays if not s["bridged_s"]]
    assert bridged and seen
    page = render_day(result, tiles="none")
    assert len(re.findall(r'"className": "tc-stay tc-bridged"', page)) == len(bridged)
    assert "GPS gap inside the stay (bridged)" in page and "Arrival between" in page
    zh = render_day(result, lang="zh", tiles="none")
    assert "停留中的GPS中断（已衔接）" in zh and "虚线圈" in zh
    text = labels("en")
    assert bridged_rows(seen[0], text) == []
    widened = next(s for s in stays if s["arrival_earliest"] not in (None, s["arrival"]))
    rows = dict(bridged_rows(widened, text))
    assert rows["Arrival between"].count(":") == 2
    gap = dict(bridged_rows(bridged[0], text))["GPS gap inside the stay (bridged)"]
    assert gap == f"{bridged[0]['bridged_s'] / 60:.0f} min"


def test_results_stored_before_the_fields_show_nothing_new() -> None:
    old = {"arrival": "2026-11-20T08:00:00+08:00", "departure": "2026-11-20T08:20:00+08:00"}
    assert bridged_rows(old, labels("en")) == []
