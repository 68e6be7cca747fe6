"""``trajcheck db/teams/keys``: teams and API keys from the command line (SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from api.cli.main import main
from api.db import make_engine
from api.db.keys import ApiKey, find_key
from api.db.teams import manager_team


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("TRAJCHECK_DATABASE_URL", raising=False)
    return f"sqlite:///{tmp_path / 'cli.db'}"


def find(url: str, secret: str) -> ApiKey | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return find_key(conn, secret)
    finally:
        engine.dispose()


def test_teams_and_keys(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database-url", url]
    code, out, _ = run(["teams", "create", "north", "--name", "北区", *db], capsys)
    assert code == 0 and json.loads(out) == {"team_id": "north", "name": "北区"}
    assert run(["teams", "create", "south", *db], capsys)[0] == 0
    code, out, _ = run(["teams", "list", *db], capsys)
    assert [t["team_id"] for t in json.loads(out)] == ["north", "south"]

    code, out, err = run(
        ["keys", "create", "--role", "supervisor", "--team", "north", "--name", "Li", *db], capsys
    )
    assert code == 0, err
    created = json.loads(out)
    secret = created["key"]
    assert secret.startswith("tc_") and len(secret) > 40
    assert (created["role"], created["team_ids"], created["name"]) == (
        "supervisor",
        ["north"],
        "Li",
    )
    assert "shown once" in err
    key = find(url, secret)
    assert key is not None and key.role == "supervisor" and key.team_ids == ("north",)

    code, out, _ = run(["keys", "create", "--role", "platform", *db], capsys)
    platform = json.loads(out)
    assert code == 0 and platform["team_ids"] == []

    code, out, _ = run(["keys", "list", *db], capsys)
    assert code == 0
    assert secret not in out and platform["key"] not in out
    assert secret[12:] not in out
    listed = json.loads(out)
    assert [k["key_id"] for k in listed] == [created["key_id"], platform["key_id"]]
    assert all("key" not in k and k["revoked_at"] is None for k in listed)
    assert listed[0]["prefix"] == secret[:10]

    code, out, _ = run(["keys", "revoke", str(created["key_id"]), *db], capsys)
    assert code == 0 and "revoked" in out
    assert find(url, secret) is None
    assert find(url, platform["key"]) is not None
    code, out, _ = run(["keys", "list", *db], capsys)
    assert json.loads(out)[0]["revoked_at"] is not None
    code, _, err = run(["keys", "revoke", str(created["key_id"]), *db], capsys)
    assert code == 2 and err == f"trajcheck: error: no live key {created['key_id']}\n"


def test_keys_are_stored_hashed(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["keys", "create", "--role", "admin", "--database-url", url], capsys)
    secret = json.loads(out)["key"]
    raw = Path(url.removeprefix("sqlite:///")).read_bytes()
    wal = Path(url.removeprefix("sqlite:///") + "-wal")
    raw += wal.read_bytes() if wal.exists() else b""
    assert secret.encode() not in raw and secret[12:].encode() not in raw


def test_key_errors(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database-url", url]
    code, out, err = run(["keys", "create", "--role", "supervisor", *db], capsys)
    assert (code, out) == (2, "") and err == "trajcheck: error: a supervisor key needs --team\n"
    code, out, err = run(["keys", "create", "--role", "supervisor", "--team", "ghost", *db], capsys)
    assert (code, out) == (2, "") and err == "trajcheck: error: no team 'ghost'\n"
    with pytest.raises(SystemExit):
        main(["keys", "create", "--role", "root", *db])
    capsys.readouterr()
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM api_keys")).scalar_one() == 0
    finally:
        engine.dispose()


def test_teams_assign_and_db_upgrade(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database-url", url]
    code, out, _ = run(["db", "upgrade", *db], capsys)
    assert code == 0 and "up to date" in out
    assert run(["teams", "create", "north", *db], capsys)[0] == 0
    code, out, _ = run(["teams", "assign", "north", "m1", "m2", *db], capsys)
    assert code == 0 and json.loads(out) == {"team_id": "north", "managers": ["m1", "m2"]}
    code, _, err = run(["teams", "assign", "ghost", "m3", *db], capsys)
    assert code == 2 and "no team 'ghost'" in err
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = manager_team(conn, "m1")
            assert found is not None and found[1] == "north"
            assert manager_team(conn, "m3") is None
    finally:
        engine.dispose()


def test_database_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "env" / "from-env.db"
    monkeypatch.setenv("TRAJCHECK_DATABASE_URL", f"sqlite:///{target}")
    code, _, _ = run(["teams", "create", "east"], capsys)
    assert code == 0 and target.is_file()
