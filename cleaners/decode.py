"""Bytes to text: gzip, encoding, and whether the page is HTML or a text dump.

Minimal first version; the HTML issue makes charset handling thorough.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass

from charset_normalizer import from_bytes

from cleaners.errors import Rejected

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    input_format: str  # "html" | "text"
    encoding: str


def _format_from_name(name: str | None) -> str | None:
    if not name:
        return None
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return any(m in head for m in ("<html", "<!doctype html", "<head", "<body", "<div", "<p>"))


def decode_page(
    data: bytes,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    max_decompressed_bytes: int = 64 * 1024 * 1024,
) -> Decoded:
    """Decode one raw page; raise ``Rejected`` with a precise reason when it cannot be."""
    if data[:2] == b"\x1f\x8b" or (filename or "").lower().endswith(".gz"):
        try:
            out = zlib.decompressobj(16 + zlib.MAX_WBITS)
            data = out.decompress(data, max_decompressed_bytes + 1)
            if len(data) > max_decompressed_bytes:
                raise Rejected("too_large", f"decompresses past {max_decompressed_bytes} bytes")
        except (zlib.error, gzip.BadGzipFile) as exc:
            raise Rejected("bad_gzip", f"not valid gzip: {exc}") from exc
    if not data.strip(b" \t\r\n\x00"):
        raise Rejected("empty", "the file holds no text")
    if encoding:
        try:
            text = data.decode(encoding)
            used = encoding
        except (LookupError, UnicodeDecodeError):
            text, used = "", ""
    else:
        text, used = "", ""
    if not text:
        try:
            text, used = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            best = from_bytes(data).best()
            if best is None:
                raise Rejected("undecodable", "no text encoding fits these bytes") from None
            text, used = str(best), best.encoding
    fmt = _format_from_name(filename) or ("html" if _looks_like_html(text) else "text")
    return Decoded(text=text, input_format=fmt, encoding=used)
