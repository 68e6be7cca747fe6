"""AssessConfig: seed defaults, TOML, unknown keys and bad values rejected with the key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.config import AssessConfig, assess_config_from_mapping, load_assess_config
from trajectory.errors import ConfigError


class TestAssessConfig:
    def test_seed_defaults(self) -> None:
        cfg = load_assess_config(None)
        assert (cfg.target_min_boxes, cfg.tier2_min_boxes, cfg.tier1_min_boxes) == (5, 30, 100)
        assert cfg.reassign_after_months == 2

    def test_toml(self, tmp_path: Path) -> None:
        path = tmp_path / "assess.toml"
        path.write_text(
            'timezone = "Asia/Urumqi"\nl1_min_amount = 50000\nactivation_period_days = 14\n'
        )
        cfg = load_assess_config(path)
        assert (cfg.timezone, cfg.l1_min_amount, cfg.activation_period_days) == (
            "Asia/Urumqi",
            50000.0,
            14,
        )

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"colour": 1}, "unknown setting"),
            ({"timezone": "Mars/Base"}, "timezone"),
            ({"target_min_boxes": 0}, "target_min_boxes"),
            ({"target_min_boxes": 2.5}, "target_min_boxes"),
            ({"tier2_min_boxes": 100}, "tier2_min_boxes"),
            ({"l1_min_amount": "lots"}, "l1_min_amount"),
            ({"l2_min_amount": 200_000}, "l2_min_amount"),
            ({"declaration_days": True}, "declaration_days"),
        ],
    )
    def test_bad_values(self, data: dict[str, object], message: str) -> None:
        with pytest.raises(ConfigError, match=message):
            assess_config_from_mapping(data)

    def test_file_errors_name_the_file(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigError, match="no such file"):
            load_assess_config(tmp_path / "none.toml")
        bad = tmp_path / "bad.toml"
        bad.write_text("reassign_after_months = -1\n")
        with pytest.raises(ConfigError, match=r"bad.toml: reassign_after_months"):
            load_assess_config(bad)

    def test_to_dict_round_trips(self) -> None:
        cfg = AssessConfig(l2_min_amount=5000.0)
        assert assess_config_from_mapping(cfg.to_dict()) == cfg
