"""The one exception hierarchy of trajcheck.

Every problem with user input is an :class:`InputError` that names the file, the
row and the field, so the command line can print one line and exit 2 and the API
can answer 422 with the same detail.
"""

from __future__ import annotations

__all__ = ["ConfigError", "InputError", "RowProblem", "TrajcheckError"]

from dataclasses import dataclass


class TrajcheckError(Exception):
    """Base class of every error trajcheck raises on purpose."""


@dataclass(frozen=True)
class RowProblem:
    """One rejected input row: where it was and what was wrong with it.

    ``row`` counts data rows from 1 (the header of a CSV is not a row); ``None``
    means the problem concerns the whole file.
    """

    source: str
    row: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        parts = [self.source or "<input>"]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return f"{', '.join(parts)}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "row": self.row, "field": self.field, "reason": self.reason}


class InputError(TrajcheckError, ValueError):
    """Bad input data: names the file, row and field.

    Parameters
    ----------
    source
        File name (or "<request>", "<dataframe>") the data came from.
    row
        1-based data row, ``None`` when the whole input is at fault.
    field
        Column or key at fault, ``None`` when not one field.
    reason
        What is wrong, in words a user can act on.
    """

    def __init__(self, source: str, row: int | None, field: str | None, reason: str) -> None:
        self.problem = RowProblem(source, row, field, reason)
        super().__init__(str(self.problem))

    @property
    def source(self) -> str:
        return self.problem.source

    @property
    def row(self) -> int | None:
        return self.problem.row

    @property
    def field(self) -> str | None:
        return self.problem.field

    @property
    def reason(self) -> str:
        return self.problem.reason

    @classmethod
    def from_problem(cls, problem: RowProblem) -> InputError:
        return cls(problem.source, problem.row, problem.field, problem.reason)


class ConfigError(TrajcheckError, ValueError):
    """A configuration value is missing, of the wrong type or out of range."""
