"""The manager's week page (issue 17 item 2) of a manager with 30 days: goal under 1 s.

30 generated days of one manager in one city (``trajectory.testing.week.generate_week``,
scenario ``extra_stop``: 8-12 stays a day, one or two unexplained), a breakfast before
work on 22 of them, verified once.  Measured, best of ``--repeat`` runs:

* ``summarize_week``: the day rows and the recurring places (DBSCAN, haversine);
* ``render_week``: the folium page (en);
* the command line's work: reading the 30 result files from a folder, the summary and
  the page (``trajcheck week`` without interpreter start-up);
* the service: ``GET /v1/managers/{id}/weeks/{date}.html?days=30`` on SQLite through
  FastAPI's TestClient (authentication, the stored bodies, the summary and the page).

Usage::

    python -m benchmarks.week                         # prints the lines (~20 s)
    python -m benchmarks.week --out benchmarks/results/week.md

(``-m``: run as a script, ``benchmarks/assessment.py`` would shadow the ``assessment``
package the service imports.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sklearn

from api.cli.week import read_manager_results
from maps.week import render_week
from trajectory.testing import verify_generated
from trajectory.testing.week import generate_week
from trajectory.week import summarize_week

MANAGER = "M1"
FIRST = dt.date(2026, 11, 1)
N_DAYS = 30


def month() -> list[dict[str, Any]]:
    """The 30 verified days (breakfast on every day but Thursdays and Sundays)."""
    dates = [(FIRST + dt.timedelta(days=k)).isoformat() for k in range(N_DAYS)]
    breakfast = [d for d in dates if dt.date.fromisoformat(d).weekday() not in (3, 6)]
    days = generate_week(dates, manager_id=MANAGER, breakfast_dates=breakfast)
    return [verify_generated(day).to_dict() for day in days]


def best(fn: Callable[[], Any], repeat: int) -> float:
    """Best wall time (s) of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    last = FIRST + dt.timedelta(days=N_DAYS - 1)
    return summarize_week(
        results, manager_id=MANAGER, first=FIRST, last=last, radius_m=100.0, min_visits=3
    )


def _cli_work(folder: Path) -> str:
    last = FIRST + dt.timedelta(days=N_DAYS - 1)
    found = read_manager_results(folder, MANAGER, FIRST, last)
    return render_week(_summary([data for _, data in found]))


def _service(results: list[dict[str, Any]], folder: Path) -> Callable[[], Any]:
    """A request function on a SQLite service holding the month."""
    from fastapi.testclient import TestClient

    from api.auth import new_secret
    from api.db import make_engine, upgrade
    from api.db.keys import create_key
    from api.db.results import save_result
    from api.db.session import writing
    from api.db.teams import assign_manager, manager_team, upsert_team
    from api.main import create_app
    from api.settings import Settings

    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    secret = new_secret()
    with writing(engine) as conn:
        upsert_team(conn, "T", "Team")
        assign_manager(conn, MANAGER, "T")
        create_key(conn, secret=secret, name="sup", role="supervisor", team_ids=["T"])
        found = manager_team(conn, MANAGER)
        assert found is not None
        for body in results:
            save_result(conn, found[0], dt.date.fromisoformat(body["date"]), body)
    client = TestClient(create_app(Settings(database_url=url), engine=engine, migrate=False))
    client.__enter__()
    last = (FIRST + dt.timedelta(days=N_DAYS - 1)).isoformat()
    headers = {"Authorization": f"Bearer {secret}"}

    def request() -> None:
        r = client.get(f"/v1/managers/{MANAGER}/weeks/{last}.html?days=30", headers=headers)
        if r.status_code != 200:
            raise RuntimeError(r.text)

    return request


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per measurement (best kept)")
    ap.add_argument("--out", type=Path, help="also write the lines (Markdown) here")
    args = ap.parse_args()
    results = month()
    summary = _summary(results)
    stays = sum(len(r["stay_points"]) for r in results)
    unexplained = sum(d["unexplained"] or 0 for d in summary["days"])
    with tempfile.TemporaryDirectory(prefix="trajcheck-week-") as tmp:
        folder = Path(tmp)
        for body in results:
            (folder / f"{body['date']}_{MANAGER}.json").write_text(json.dumps(body), "utf-8")
        t_summary = best(lambda: _summary(results), args.repeat)
        t_page = best(lambda: render_week(summary), args.repeat)
        t_cli = best(lambda: _cli_work(folder), args.repeat)
        request = _service(results, folder)
        t_api = best(request, args.repeat)
    places = ", ".join(f"{p['visits']} visits on {p['days']} days" for p in summary["places"])
    text = (
        f"Week page, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, best of {args.repeat}, "
        f"{platform.machine()} ({os.cpu_count()} cores, shared), Python "
        f"{platform.python_version()}, scikit-learn {sklearn.__version__}.\n\n"
        f"One manager, {N_DAYS} days, {stays} stays ({unexplained} unexplained); places found: "
        f"{places}.\n\n"
        "| step | time |\n|---|--:|\n"
        f"| `summarize_week` (day rows + DBSCAN places) | {t_summary * 1e3:.0f} ms |\n"
        f"| `render_week` (folium page) | {t_page * 1e3:.0f} ms |\n"
        f"| `trajcheck week` work (read 30 files + summary + page) | {t_cli * 1e3:.0f} ms |\n"
        f"| `GET .../weeks/{{date}}.html?days=30` (SQLite, goal < 1 s) | "
        f"**{t_api * 1e3:.0f} ms** |\n"
    )
    print(text)
    if args.out is not None:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
