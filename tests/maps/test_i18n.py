"""The one label table: every area has the same keys in English and Chinese."""

from __future__ import annotations

import re

import pytest

from maps.i18n import AREAS, LABELS, LANGS, TABLE, label, labels


@pytest.mark.parametrize("area", AREAS)
def test_every_key_exists_in_both_languages(area: str) -> None:
    en, zh = (TABLE[area][lang] for lang in LANGS)
    assert set(en) - set(zh) == set(), f"{area}: missing in zh"
    assert set(zh) - set(en) == set(), f"{area}: missing in en"


@pytest.mark.parametrize("area", AREAS)
def test_every_label_is_words_with_the_same_placeholders(area: str) -> None:
    en, zh = TABLE[area]["en"], TABLE[area]["zh"]
    for key, words in en.items():
        assert words.strip() and zh[key].strip(), (area, key)
        assert re.findall(r"\{\w+\}", words) == re.findall(r"\{\w+\}", zh[key]), (area, key)


def test_the_table_has_every_area() -> None:
    assert set(TABLE) == set(AREAS)
    assert LABELS is TABLE["day"]


class TestLabels:
    def test_by_area(self) -> None:
        assert labels("zh")["on_time_arrival"] == "准时到达"
        assert labels("en", "team")["team_title"] == "Team day report"
        assert labels("en", "scorecard")["on_time_arrival"] == "on time"

    @pytest.mark.parametrize("bad", ["fr", "EN", ""])
    def test_unknown_language(self, bad: str) -> None:
        with pytest.raises(ValueError, match="lang must be one of en, zh"):
            labels(bad)

    def test_unknown_area(self) -> None:
        with pytest.raises(ValueError, match="area"):
            labels("en", "nowhere")  # type: ignore[arg-type]


class TestLabel:
    def test_column_specific_value_first(self) -> None:
        # issue 15: the scheme's own words, (7) 买家及单品匹配
        assert label("zh", "product", "match", area="assessment") == "买家及单品匹配"
        assert label("zh", "product", area="assessment") == "商品"

    def test_unknown_key_is_shown_as_it_is(self) -> None:
        assert label("en", "<no such key>", area="assessment") == "<no such key>"
