"""HTML helpers every page shares: one escaper (and, with issue 11, one page shell)."""

from __future__ import annotations

__all__ = ["escape"]

import html
import math
from typing import Any


def escape(value: Any) -> str:
    """Text safe inside an HTML element, a quoted attribute and a JS template literal.

    ``None``, NaN and pandas' NA are the empty string.  Besides ``& < > " '`` the
    characters that matter inside a JavaScript template literal (folium puts popups
    in them) are escaped: backtick, ``$`` and backslash.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if type(value).__name__ == "NAType":
        return ""
    return (
        html.escape(str(value), quote=True)
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
    )
