"""The checks' reasons in the page's language, from their ``reason_code`` and values.

A result written since issue 16 gives each check a ``reason_code`` and ``reason_values``
beside its English ``reason``; :func:`check_reason` writes the sentence from the labels
of :mod:`maps.i18n.reasons`.  A result stored before (no code), or one whose code or
values the labels do not know, shows its English ``reason`` as stored.
"""

from __future__ import annotations

__all__ = ["check_reason"]

from collections.abc import Mapping
from typing import Any


def check_reason(name: str, check: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """The reason of check ``name`` (its contract dict ``check``) in ``text``'s language."""
    code = check.get("reason_code")
    values = check.get("reason_values")
    if not isinstance(code, str) or not isinstance(values, Mapping):
        return str(check.get("reason", ""))
    try:
        if code in ("problems", "uncertain"):
            return _sentence(_parts(values, text), text)
        if name == "visit_count_match" and "stays" in values:
            values = {**values, "detail": _detail(values, text)}
        return text[f"reason_{name}_{code}"].format(**values)
    except (KeyError, ValueError, IndexError, TypeError):
        return str(check.get("reason", ""))


def _parts(values: Mapping[str, Any], text: Mapping[str, str]) -> list[str]:
    """One part per non-empty list of ids, in the labels' order."""
    keys = [k[len("reason_part_") :] for k in text if k.startswith("reason_part_")]
    return [
        text[f"reason_part_{k}"].format(
            n=len(values[k]), ids=text["list_sep"].join(map(str, values[k]))
        )
        for k in keys
        if values.get(k)
    ]


def _detail(values: Mapping[str, Any], text: Mapping[str, str]) -> str:
    """``visit_count_match``'s bracket: revisits and stays at no task store, when any."""
    keys = [k[len("reason_detail_") :] for k in text if k.startswith("reason_detail_")]
    items = [text[f"reason_detail_{k}"].format(n=values[k]) for k in keys if values.get(k)]
    return text["reason_detail"].format(items=text["list_sep"].join(items)) if items else ""


def _sentence(parts: list[str], text: Mapping[str, str]) -> str:
    joined = text["reason_sep"].join(parts)
    return joined[:1].upper() + joined[1:] + text["reason_end"]
