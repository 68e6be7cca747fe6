"""maps.html: the one escaper, the page shell and the badges every page shares."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from maps.html import (
    PAGE_CSS,
    SORT_SCRIPT,
    SORTABLE_CSS,
    escape,
    hhmm,
    render_page,
    rows_table,
    status_badge,
)


class TestEscape:
    @pytest.mark.parametrize("empty", [None, math.nan, pd.NA])
    def test_missing_is_empty(self, empty: object) -> None:
        assert escape(empty) == ""

    def test_html_and_template_literal_characters(self) -> None:
        assert escape("<a href='x'>\"&`${x}\\</a>") == (
            "&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&#96;&#36;{x}&#92;&lt;/a&gt;"
        )

    def test_numbers_as_text(self) -> None:
        assert escape(3) == "3" and escape(2.5) == "2.5"


class TestRenderPage:
    def test_skeleton(self) -> None:
        page = render_page("<T>", "<p>body</p>", lang="zh")
        assert page.startswith('<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">')
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
        assert "<title>&lt;T&gt;</title>" in page
        assert PAGE_CSS in page
        assert "<body>\n<p>body</p>\n</body></html>\n" in page
        assert "<script" not in page and SORTABLE_CSS not in page

    def test_sortable_adds_the_shared_css_and_script_before_the_page_script(self) -> None:
        page = render_page(
            "t", "", lang="en", css="td{x:1}", sortable=True, script="<script>1</script>"
        )
        assert page.index(PAGE_CSS) < page.index(SORTABLE_CSS) < page.index("td{x:1}")
        assert page.index(SORT_SCRIPT) < page.index("<script>1</script>") < page.index("</body>")
        assert "table[data-sortable]" in SORT_SCRIPT


def test_hhmm() -> None:
    assert hhmm("2026-11-20T08:05:00+08:00") == "08:05"
    assert hhmm(None) == "–"


def test_status_badge_and_rows_table() -> None:
    badge = status_badge("fail", {"fail": "未通过"}, reason='a "b"')
    assert badge == (
        '<span class="tc-badge" style="background:#d73027" title="a &quot;b&quot;">未通过</span>'
    )
    assert status_badge("odd", {}) == '<span class="tc-badge" style="background:#999">odd</span>'
    assert (
        rows_table([("<k>", "<b>v</b>")])
        == "<table><tr><th>&lt;k&gt;</th><td><b>v</b></td></tr></table>"
    )
