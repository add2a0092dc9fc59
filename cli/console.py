"""The consoles of the CLI: data is printed as data, on any terminal encoding.

- :class:`DataConsole` never reads text as rich markup (a firm named ``[/x]…`` or
  ``[link=…]…[/link]`` prints literally), never replaces emoji codes, never
  highlights; styles come only from ``style=`` arguments or :class:`rich.text.Text`
  spans the CLI sets itself.
- Every printed string and :class:`~rich.text.Text` goes through :func:`printable`:
  terminal control characters (ESC and the other C0 controls but line feed,
  DEL, the C1 controls) and bidirectional overrides are replaced, one character for
  one, by a visible sign (``\\x1b`` → ``␛``, others ``�``), so data cannot move the
  cursor, set a title, hide a link or reverse a line.
- :func:`tolerant_streams` makes stdout/stderr write a character the terminal's
  encoding cannot represent (䶮 on a GBK console) as a ``\\u4dae`` escape instead of
  failing with ``UnicodeEncodeError``.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

from rich.console import Console
from rich.text import Text

#: C0 controls but line feed, DEL, C1 controls, bidi embeddings/overrides/
#: isolates and marks, lone surrogates.
_UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _sign(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # Control Pictures: ␛ for ESC
    return "\u2421" if code == 0x7F else "\ufffd"


def printable(text: str) -> str:
    """Return ``text`` with terminal control and bidi characters made visible.

    The result has the same length as ``text`` (one sign per character replaced).

    Examples
    --------
    >>> printable("恶意\\x1b[2J企业\\u202e")
    '恶意␛[2J企业�'
    """
    return _UNSAFE.sub(_sign, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(data: Any, encoding: str | None = None) -> str:
    """``data`` as indented JSON for a terminal: exact, and inert when printed.

    Characters that :func:`printable` would replace are written as ``\\uXXXX``
    escapes (JSON escapes the C0 controls itself), so the JSON still decodes to the
    same data; when ``encoding`` (e.g. GBK) cannot hold every character, all non-ASCII
    characters are escaped.

    Examples
    --------
    >>> text = json_text({"name": "企业\\u202e"})
    >>> "\\u202e" in text, "\\\\u202e" in text, json.loads(text) == {"name": "企业\\u202e"}
    (False, True, True)
    """
    text = _UNSAFE.sub(_json_escape, json.dumps(data, ensure_ascii=False, indent=2))
    if encoding:
        try:
            text.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            text = json.dumps(data, ensure_ascii=True, indent=2)
    return text


def styled(*parts: str | tuple[str, str]) -> Text:
    """Assemble a :class:`Text` from plain parts and ``(text, style)`` parts, made printable.

    (``Text`` itself silently drops a few control characters; here every one becomes
    its visible sign first.)

    Examples
    --------
    >>> styled(("标题", "bold"), " 企业\\x07").plain
    '标题 企业␇'
    """
    return Text.assemble(
        *(printable(p) if isinstance(p, str) else (printable(p[0]), p[1]) for p in parts)
    )


class DataConsole(Console):
    """A :class:`rich.console.Console` that prints every string literally and safely."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(markup=False, emoji=False, highlight=False)
        super().__init__(**kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        """Turn ``text`` into :class:`Text` without markup, emoji or highlighting."""
        kwargs.update(markup=False, emoji=False, highlight=False)
        return super().render_str(printable(text), **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print like :meth:`rich.console.Console.print`, markup off, controls made visible."""
        kwargs.update(markup=False, emoji=False, highlight=False)
        safe = []
        for obj in objects:
            if isinstance(obj, Text):
                obj = obj.copy()
                obj.plain = printable(obj.plain)  # same length: spans stay in place
            safe.append(obj)
        super().print(*safe, **kwargs)


def tolerant_streams() -> None:
    """Make stdout and stderr escape characters their encoding cannot represent.

    Idempotent; streams that cannot be reconfigured are left alone.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # a closed or detached stream
                continue
