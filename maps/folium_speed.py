"""Two of folium's per-element costs cut, every page byte for byte as before.

Rendering a folium map, each ``MacroElement`` renders its macros to text and wraps
each text in a ``branca.element.Element(text)``, whose constructor compiles that
text as a Jinja template (``jinja2.Template(text)``), only for the figure to render
it once: most of a day map's time went to compiling ~160 templates of generated
JavaScript and HTML that hold no template syntax at all.  :func:`install` makes
``branca.element`` build such a template as :class:`StaticText`, which renders to
what Jinja would have: the text with its line breaks normalised to ``\\n`` and one
trailing line break dropped (``jinja2.lexer``, ``keep_trailing_newline=False``).
Text with any ``{{``, ``{%`` or ``{#`` is compiled by Jinja as before.  It also
caches ``branca.utilities._camelify`` (a pure function of an element's class name,
recomputed for every ``get_name()`` call).  :mod:`maps.basemap` installs it.
"""

from __future__ import annotations

__all__ = ["StaticText", "install", "template"]

import functools
from typing import Any

import branca.element
import jinja2
from branca.utilities import _camelify
from jinja2.lexer import newline_re

#: What starts Jinja syntax in the default environment (``jinja2.Template(source)``).
_SYNTAX = ("{{", "{%", "{#")


class StaticText:
    """A Jinja template of text without template syntax: renders to that text.

    Any other attribute (``module``, ...) is the compiled template's, compiled then.
    """

    __slots__ = ("_output", "_source")

    def __init__(self, source: str) -> None:
        self._source = source
        lines = newline_re.split(source)[::2]
        if lines[-1] == "":  # jinja2's keep_trailing_newline=False
            del lines[-1]
        self._output = "\n".join(lines)

    def render(self, *_args: Any, **_kwargs: Any) -> str:
        return self._output

    def __getattr__(self, name: str) -> Any:
        return getattr(jinja2.Template(self._source), name)


def template(source: str) -> StaticText | jinja2.Template:
    """``jinja2.Template(source)``, or a :class:`StaticText` when it has no syntax."""
    if isinstance(source, str) and not any(mark in source for mark in _SYNTAX):
        return StaticText(source)
    compiled: jinja2.Template = jinja2.Template(source)
    return compiled


@functools.cache
def _camelify_cached(name: str) -> str:
    return _camelify(name)


def install() -> None:
    """Use :func:`template` and the cached ``_camelify`` in ``branca.element``."""
    branca.element.Template = template  # type: ignore[attr-defined,assignment]
    branca.element._camelify = _camelify_cached  # type: ignore[attr-defined]
