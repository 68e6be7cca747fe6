"""batch.files: output names and atomic writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from batch.files import day_stem, write_text_atomic


class TestDayStem:
    @pytest.mark.parametrize(
        ("manager_id", "stem"),
        [
            ("M3946", "M3946"),
            ("007", "007"),
            ("a_b-c", "a_b-c"),
            ("a/b", "a%2Fb"),
            ("..", "%2E%2E"),
            ("x y", "x%20y"),
            ("张三", "%E5%BC%A0%E4%B8%89"),
        ],
    )
    def test_encodes_unsafe_bytes(self, manager_id: str, stem: str) -> None:
        assert day_stem(manager_id) == stem

    def test_distinct_ids_give_distinct_names(self) -> None:
        ids = ["a/b", "a%2Fb", "a.b", "a_b", "A_B", "a b", "a%20b"]
        assert len({day_stem(i) for i in ids}) == len(ids)


class TestWriteTextAtomic:
    def test_writes_and_leaves_no_temporary_file(self, tmp_path: Path) -> None:
        target = tmp_path / "sub" / "r.json"
        write_text_atomic(target, "new")
        assert target.read_text(encoding="utf-8") == "new"
        assert sorted(p.name for p in target.parent.iterdir()) == ["r.json"]

    def test_permissions_follow_the_umask(self, tmp_path: Path) -> None:
        import os

        mask = os.umask(0o022)
        os.umask(mask)
        target = write_text_atomic(tmp_path / "r.json", "x")
        assert target.stat().st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0o600

    def test_failed_write_keeps_the_old_file(self, tmp_path: Path) -> None:
        target = tmp_path / "r.json"
        target.write_text("old", encoding="utf-8")
        with pytest.raises(TypeError):
            write_text_atomic(target, 123)  # type: ignore[arg-type]
        assert target.read_text(encoding="utf-8") == "old"
        assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
