"""Text encodings of table files: BOM, declared charset, strict UTF-8, then GB18030.

A BOM decides; else the charset an HTML ``<meta>`` or an XML declaration names, when
the bytes fit it (``big5`` is read as Big5-HKSCS, ``gb2312``/``gbk`` as GB18030, as
browsers do); else strict UTF-8; else strict GB18030 (a superset of GBK and GB2312).
A file that is UTF-8 up to one bad byte is refused with the byte's line instead of
being read as GB18030 mojibake; a file that is neither is refused, naming the best
guess of charset-normalizer. Files are checked in chunks, never read whole.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from graph.errors import LoadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEAD = 1 << 18  # bytes searched for a declared charset
_CHUNK = 1 << 20
_CJK = re.compile("[\u2e80-\U0010ffff]")
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
#: Declared charset labels → Python codec (WHATWG: labels name supersets in practice).
_LABELS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "cn-big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}


def declared_charset(head: bytes) -> str | None:
    """The Python codec of the charset an HTML ``<meta>`` or XML declaration names.

    Examples
    --------
    >>> declared_charset(b'<html><meta charset="big5"><table>')
    'big5hkscs'
    >>> declared_charset(b'<?xml version="1.0" encoding="GBK"?>'), declared_charset(b"a,b")
    ('gb18030', None)
    """
    match = _DECLARED.search(head)
    if match is None:
        return None
    label = (match.group(1) or match.group(2)).decode("ascii").lower()
    codec = _LABELS.get(label, label)
    try:
        "".encode(codec)  # refuses the codecs that are no text encoding (rot13, hex …)
        return codec if codec in _LABELS.values() else codecs.lookup(codec).name
    except LookupError:
        return None


def bad_offset(path: Path, encoding: str) -> tuple[int, bool] | None:
    """Offset of the first byte ``path`` cannot be decoded at (and whether CJK text came
    before it), or None when the whole file decodes."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset, cjk = 0, False
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                before = (pending + chunk)[: exc.start].decode(encoding, "ignore")
                cjk = cjk or _CJK.search(before) is not None
                return offset - len(pending) + exc.start, cjk
            cjk = cjk or _CJK.search(text) is not None
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset, cjk
    return None


def detect_encoding(path: Path, head: bytes) -> tuple[str, str]:
    """Choose the codec of a text file, reading it in chunks (see the module notes).

    Returns
    -------
    (str, str)
        The codec and how it is recorded (``utf-8``, ``gb18030``, ``big5hkscs
        (declared)`` …).

    Raises
    ------
    LoadError
        As :func:`decode`.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            bad = bad_offset(path, encoding)
            if bad is not None:
                raise _bad_bytes(path, encoding, bad[0])
            return encoding, encoding
    declared = declared_charset(head[:_HEAD])
    if declared is not None and bad_offset(path, declared) is None:
        return declared, declared if declared in ("utf-8", "gb18030") else f"{declared}（文件声明）"
    bad = bad_offset(path, "utf-8")
    if bad is None:
        return "utf-8", "utf-8"
    if bad[1]:  # CJK read fine as UTF-8 before the bad byte: never GB18030 mojibake
        raise _bad_bytes(path, "utf-8", bad[0])
    bad = bad_offset(path, "gb18030")
    if bad is not None:
        raise _bad_bytes(path, "UTF-8 或 GB18030", bad[0])
    return "gb18030", "gb18030"


def decode(data: bytes, name: str = "") -> tuple[str, str]:
    """Decode text bytes: BOM, strict UTF-8, then strict GB18030 (in memory).

    Returns
    -------
    (str, str)
        The text and the encoding used (``utf-8-sig``, ``utf-16``, ``utf-8``,
        ``gb18030``).

    Raises
    ------
    LoadError
        When the bytes are UTF-8 up to a bad byte (never read as GB18030 mojibake), or
        neither UTF-8 nor GB18030; the message names the byte, its line and
        charset-normalizer's guess.

    Examples
    --------
    >>> decode("企业名称".encode("gbk"))
    ('企业名称', 'gb18030')
    """
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / (Path(name).name or "data")
        path.write_bytes(data)
        encoding, recorded = detect_encoding(path, data[:_HEAD])
    return data.decode(encoding), recorded


def _bad_bytes(path: Path, encoding: str, offset: int) -> LoadError:
    from charset_normalizer import from_bytes

    with path.open("rb") as fh:
        before = fh.read(offset)
        byte = fh.read(1)
        fh.seek(0)
        best = from_bytes(fh.read(65536)).best()
    guess = f"；看起来是 {best.encoding}" if best is not None else ""
    line = before.count(b"\n") + 1
    code = f"0x{byte[0]:02x}" if byte else "文件结尾"
    return LoadError(
        f"{path.name}：不是 {encoding} 编码的文本（第 {line} 行，偏移 {offset} 处的字节 {code}）"
        f"{guess}；请另存为 UTF-8 或 GBK 编码"
    )
