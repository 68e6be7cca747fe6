"""Reject imported rows that refer to what neither the import nor the database knows.

:func:`check_references` runs after :func:`assessment.validate.validate_rows`: a
row naming an unknown area, cluster point, person or buyer is rejected, and so is
a row whose manager is not an account manager, or a buyer whose cluster point lies
in another area.
"""

from __future__ import annotations

__all__ = ["check_references"]

from collections.abc import Mapping

import numpy as np
import pandas as pd

from assessment.schema import ACCOUNT_MANAGER_ROLES
from assessment.validate import Validated, problem_order
from trajectory.errors import RowProblem

_SINGULAR = {
    "areas": "market or district",
    "clusters": "cluster point",
    "people": "person",
    "buyers": "buyer",
}
#: (column, table referred to, extra requirement)
_REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "areas": (("district_id", "areas", ""),),
    "clusters": (("area_id", "areas", ""),),
    "people": (("reports_to", "people", ""), ("area_id", "areas", "")),
    "buyers": (
        ("area_id", "areas", ""),
        ("cluster_id", "clusters", ""),
        ("manager_id", "people", "account_manager"),
        ("activated_by", "people", "account_manager"),
    ),
    "orders": (("buyer_id", "buyers", ""),),
    "declarations": (("manager_id", "people", "account_manager"), ("buyer_id", "buyers", "")),
}


def check_references(
    checked: Validated, known: Mapping[str, pd.Series], *, source: str
) -> Validated:
    """Reject rows that refer to unknown areas, cluster points, people or buyers.

    Parameters
    ----------
    checked
        Output of :func:`assessment.validate.validate_rows`.
    known
        What the rows may refer to (this import's earlier kinds and the database
        together): ``areas`` (kind by area_id), ``clusters`` (area_id by
        cluster_id), ``people`` (role by person_id, this import's people
        included) and ``buyers`` (any value, by buyer_id).
    source
        File or request name used in the problems.
    """
    frame = checked.frame
    problems: list[RowProblem] = []
    bad = np.zeros(len(frame), dtype=bool)
    rows = frame["source_row"].to_numpy(np.int64)
    for column, table, wanted in _REFERENCES.get(checked.kind, ()):
        index = known.get(table, pd.Series(dtype=object))
        bad |= _unknown(frame[column], index, table, rows, source, problems)
        if wanted == "account_manager":
            bad |= _not_account_managers(frame[column], index, rows, source, problems)
    if checked.kind == "buyers":
        clusters = known.get("clusters", pd.Series(dtype=object))
        bad |= _cluster_elsewhere(frame, clusters, ~bad, rows, source, problems)
    if not problems:
        return checked
    rejected = sorted([*checked.rejected, *problems], key=problem_order)
    good = frame.loc[~bad].reset_index(drop=True)
    return Validated(checked.kind, good, tuple(rejected), checked.received)


def _unknown(
    values: pd.Series,
    index: pd.Series,
    table: str,
    rows: np.ndarray,
    source: str,
    problems: list[RowProblem],
) -> np.ndarray:
    """Rows naming a value that ``index`` does not have (their problems appended)."""
    present = values.notna().to_numpy(bool)
    unknown = present & ~values.isin(index.index).to_numpy(bool)
    shown = values.to_numpy(object)
    column = str(values.name)
    for i in np.flatnonzero(unknown):
        problems.append(
            RowProblem(
                source,
                int(rows[i]),
                column,
                f"unknown {_SINGULAR[table]} {shown[i]!r} (import {table} first)",
            )
        )
    return unknown


def _not_account_managers(
    values: pd.Series,
    roles_of: pd.Series,
    rows: np.ndarray,
    source: str,
    problems: list[RowProblem],
) -> np.ndarray:
    """Rows naming a known person who is not an account manager."""
    known = values.notna().to_numpy(bool) & values.isin(roles_of.index).to_numpy(bool)
    roles = values.map(roles_of).where(known)
    wrong = known & ~roles.isin(ACCOUNT_MANAGER_ROLES).to_numpy(bool)
    shown, role_of = values.to_numpy(object), roles.to_numpy(object)
    column = str(values.name)
    for i in np.flatnonzero(wrong):
        problems.append(
            RowProblem(
                source,
                int(rows[i]),
                column,
                f"{shown[i]!r} is a {role_of[i]}, not an account manager "
                "(field/area manager, regional manager or city director)",
            )
        )
    return wrong


def _cluster_elsewhere(
    frame: pd.DataFrame,
    clusters: pd.Series,
    still_good: np.ndarray,
    rows: np.ndarray,
    source: str,
    problems: list[RowProblem],
) -> np.ndarray:
    """Buyers (still good) whose cluster point lies in another area than theirs."""
    has = frame["cluster_id"].notna().to_numpy(bool) & still_good
    cluster_area = frame["cluster_id"].map(clusters)
    wrong: np.ndarray = has & (cluster_area != frame["area_id"]).to_numpy(bool)
    cid, carea = frame["cluster_id"].to_numpy(object), cluster_area.to_numpy(object)
    aid = frame["area_id"].to_numpy(object)
    for i in np.flatnonzero(wrong):
        problems.append(
            RowProblem(
                source,
                int(rows[i]),
                "cluster_id",
                f"cluster point {cid[i]!r} lies in area {carea[i]!r}, not in {aid[i]!r}",
            )
        )
    return wrong
