"""Request bodies parsed as strict JSON (RFC 8259 / I-JSON, RFC 7493).

Python's :func:`json.loads` accepts more than JSON: the tokens ``NaN``,
``Infinity`` and ``-Infinity``, a key repeated in one object (the last one
wins, silently) and ``\\ud800``-style escapes of lone UTF-16 surrogates (text
that no database or UTF-8 encoder accepts).  :func:`loads` refuses all three,
naming where they are the way every other problem is named (``points, row 3,
field lat: ...``), and refuses a body that is not UTF-8 or nests too deeply.
The whole body is refused: it is not valid JSON, like a missing bracket.
"""

from __future__ import annotations

__all__ = ["loads"]

import json
import re
from typing import Any

from trajectory.errors import InputError

#: Any escaped surrogate (pairs, which are fine, included): only then is the walk needed.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class _Constant:
    """Stands for a ``NaN``/``Infinity`` token until the walk reports it."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


class _Repeats(dict[str, Any]):
    """An object in which a key was given more than once (the first such key kept)."""

    repeated: str = ""


def loads(raw: bytes) -> Any:
    """The JSON document in ``raw``.

    Raises
    ------
    InputError
        Not UTF-8, not JSON, or JSON that Python's parser would let through:
        NaN/Infinity, a repeated key, a lone surrogate, nesting deeper than the
        interpreter's recursion limit.  ``source``/``row``/``field`` say where
        (``row`` counts the items of a list from 1).
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("body", None, None, f"not UTF-8 text (byte {exc.start})") from exc
    suspicious = False

    def constant(token: str) -> _Constant:
        nonlocal suspicious
        suspicious = True
        return _Constant(token)

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal suspicious
        obj = dict(items)
        if len(obj) == len(items):
            return obj
        suspicious = True
        repeats = _Repeats(obj)
        seen: set[str] = set()
        for k, _ in items:
            if k in seen:
                repeats.repeated = k
                break
            seen.add(k)
        return repeats

    try:
        doc = json.loads(text, parse_constant=constant, object_pairs_hook=pairs)
    except RecursionError as exc:
        raise InputError("body", None, None, "JSON nested too deeply") from exc
    # JSONDecodeError passes through: FastAPI words it with the character position.
    if suspicious or (("\\ud" in text or "\\uD" in text) and _SURROGATE_ESCAPE.search(text)):
        _walk(doc)
    return doc


def _where(path: tuple[str | int, ...], key: str | None) -> tuple[str, int | None, str | None]:
    """``("points", 2, "lat")`` -> ``("points", 3, "lat")``, as the validation errors say it."""
    names = [p for p in path if isinstance(p, str)]
    if key is not None:
        names.append(key)
    rows = [p for p in path if isinstance(p, int)]
    if rows and isinstance(path[0], str):  # a row of a list field: "points, row 3, field lat"
        return names[0], rows[0] + 1, ".".join(names[1:]) or None
    return "body", (rows[0] + 1 if rows else None), ".".join(names) or None


def _walk(doc: Any) -> None:
    """Raise for the first NaN/Infinity, repeated key or lone surrogate, in document order."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), doc)]
    while stack:
        path, value = stack.pop()
        problem: tuple[str | None, str] | None = None
        if isinstance(value, _Constant):
            problem = (None, f"{value.token} is not JSON; leave the key out or send null")
        elif isinstance(value, str) and _LONE_SURROGATE.search(value):
            problem = (None, "text with a lone UTF-16 surrogate (\\ud800-\\udfff) is not Unicode")
        elif isinstance(value, dict):
            for k in value:
                if _LONE_SURROGATE.search(k):
                    problem = (None, "a key with a lone UTF-16 surrogate is not Unicode")
            if isinstance(value, _Repeats):
                problem = (value.repeated, "key given more than once in one object")
            stack.extend(((*path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in reversed(list(enumerate(value))))
        if problem is not None:
            key, reason = problem
            source, row, field = _where(path, key)
            raise InputError(source, row, field, reason)
