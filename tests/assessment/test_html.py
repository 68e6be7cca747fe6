"""HTML tables: every string escaped, labels in both languages, sorting and filtering (browser)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from assessment.buyers import assess_buyers
from assessment.html import render_buyers, render_orders
from assessment.io import read_dataset
from assessment.orders import match_declarations, summarise_matches
from maps.i18n import TABLE
from tests.helpers.assess import buyer, dataset, order
from tests.helpers.samples import SAMPLE

AS_OF = dt.date(2026, 12, 1)
LABELS = TABLE["assessment"]
TZ = "Asia/Shanghai"
EVIL = '<img src=x onerror="alert(1)">&'


def evil_table() -> pd.DataFrame:
    data = dataset(
        [buyer("B1", name=EVIL), buyer("B2", name="ok")],
        [order("O1", "B1", "2026-11-10", 30, product=EVIL, brand="LEAD")],
    )
    table = assess_buyers(data, as_of=AS_OF)
    table.loc[0, "team_id"] = "<b>team</b>"
    return table


class TestRender:
    def test_every_string_is_escaped(self) -> None:
        page = render_buyers(evil_table(), as_of=AS_OF, timezone=TZ)
        assert "<img" not in page and "<b>team" not in page
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;" in page
        assert '<option value="&lt;b&gt;team&lt;/b&gt;">' in page  # filter options too

    @pytest.mark.parametrize("lang", ["en", "zh"])
    def test_labels(self, lang: str) -> None:
        page = render_buyers(evil_table(), as_of=AS_OF, timezone=TZ, lang=lang)
        words = LABELS[lang]
        assert f'<html lang="{lang}">' in page
        for key in ("buyers_title", "grade", "status", "tier2", "regular_l3", "exclusive"):
            assert words[key] in page, key

    def test_both_languages_have_the_same_keys(self) -> None:
        assert set(LABELS["en"]) == set(LABELS["zh"])

    def test_cells_carry_raw_values_for_sorting_and_filtering(self) -> None:
        page = render_buyers(evil_table(), as_of=AS_OF, timezone=TZ, lang="zh")
        assert 'data-col="status" data-sort="regular_l3"' in page
        assert 'data-col="max_sku_boxes" data-sort="30" class="num">30<' in page
        assert 'data-col="turnover" data-sort="3000" class="num">3,000.00<' in page
        assert re.search(r'<tr class="as-row" data-key="B2">', page)

    def test_orders_page_has_three_tables(self) -> None:
        data, _ = read_dataset(SAMPLE)
        matches = match_declarations(data.declarations, data.orders, data.people)
        page = render_orders(
            matches,
            summarise_matches(matches, "manager_id"),
            summarise_matches(matches, "team_id"),
            timezone=TZ,
            lang="zh",
        )
        assert page.count('<table class="as-table"') == 3
        assert "买家及单品品牌匹配" in page and "未匹配" in page  # issue 15: the scheme's words


# ------------------------------------------------------------------ in a browser

CHROMIUM = Path(os.environ.get("TRAJCHECK_CHROMIUM", "/usr/bin/chromium"))


@pytest.fixture(scope="module")
def page_of(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    reason = None
    if not CHROMIUM.is_file():
        reason = f"no Chromium at {CHROMIUM}"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "Playwright is not installed"
    if reason is not None:
        if os.environ.get("TRAJCHECK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (TRAJCHECK_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    data, _ = read_dataset(SAMPLE)
    path = tmp_path_factory.mktemp("html") / "buyers.html"
    path.write_text(render_buyers(assess_buyers(data, as_of=AS_OF), as_of=AS_OF, timezone=TZ))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        yield page
        browser.close()
    assert not errors


@pytest.mark.browser
def test_sort_and_filter_in_a_browser(page_of: Any) -> None:
    page = page_of

    def column(name: str) -> list[str]:
        cells = page.locator(f'tbody tr:not(.as-hidden) td[data-col="{name}"]')
        return [str(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.sort)")]

    page.click('th[data-col="turnover"]')
    values = [float(v) for v in column("turnover")]
    assert values == sorted(values)
    page.click('th[data-col="turnover"]')
    values = [float(v) for v in column("turnover")]
    assert values == sorted(values, reverse=True)
    page.select_option('select[data-col="rights"]', "due")
    assert set(column("rights")) == {"due"}
    shown = int(page.locator(".as-shown").text_content() or "0")
    assert shown == len(column("rights")) > 0
    page.select_option('select[data-col="rights"]', "")
    page.fill('input[type="search"]', "B002")
    assert column("buyer_id") == ["B002"]
