"""Bytes to text: gzip, binary sniffing, charset, and whether the page is HTML or a text dump.

The charset is taken, in order, from the caller's hint (a sidecar's HTTP
header), the byte-order mark, the page's own ``<meta charset>`` /
``http-equiv`` declaration, and finally detection (charset-normalizer, then a
small Cyrillic-aware tie-break). Every declared charset is *verified*: it must
decode the bytes strictly and the result must look like text in some script
(no mojibake such as "РџСЂРёРІРµС‚" or "пРИВЕТ"); a declaration that fails is
ignored, never trusted blindly.
"""

from __future__ import annotations

import codecs
import re
import sys
import zlib
from dataclasses import dataclass
from itertools import compress, filterfalse
from operator import not_, or_

from cleaners.decode.short_text import FIRST_LEVEL, rare_in, read_short_text
from cleaners.errors import Rejected
from cleaners.words.features import (
    CYRILLIC_LETTERS,
    CYRILLIC_VOWELS,
    PLAIN_LETTERS,
    cyrillic_in_utf8,
    fold,
    not_plain,
)

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml", ".php", ".asp", ".aspx", ".jsp")
TEXT_SUFFIXES = (".txt", ".text")
SNIFF_BYTES = 64 * 1024

# magic numbers of formats that are never a page
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive (or docx/xlsx/epub)"),
    (b"PK\x05\x06", "empty zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
    (b"\x7fELF", "ELF executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (doc/xls)"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"ID3", "MP3 audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"\x00asm", "WebAssembly"),
    (b"SQLite format 3\x00", "SQLite database"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# WHATWG label folding for the labels pages actually use
_LABELS = {
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8", "x-unicode20utf8": "utf-8",
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252",
    "x-cp1251": "cp1251", "win-1251": "cp1251", "windows-1251": "cp1251",
    "koi8": "koi8-r", "koi": "koi8-r", "cskoi8r": "koi8-r",
    "x-mac-cyrillic": "mac-cyrillic", "x-mac-ukrainian": "mac-cyrillic",
    "iso-8859-9": "cp1254", "tis-620": "cp874", "iso-8859-11": "cp874",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
    "ks_c_5601-1987": "euc-kr", "x-sjis": "shift_jis", "sjis": "shift_jis",
}
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{2,40})""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:\-]{2,40})""")

# ``[^<>]`` and the code-block scan below keep this linear: ``<[^>]*>`` or ``<script.*?``
# scan to the end of the sample for each unclosed "<", seconds on a page of "<<<<"
_TAGS_RE = re.compile(r"<[^<>]*>|&\w+;|&#\d+;")
_CODE_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_CODE_CLOSE = {tag: re.compile(f"</{tag}", re.IGNORECASE) for tag in ("script", "style")}
# words of three letters or more (a run of fewer cannot match at its start, nor inside)
_LONG_WORD = re.compile(r"[^\W\d_]{3,}")
# the same in plain text (``features.not_plain``), whose only letters are ASCII and
# Cyrillic: an explicit class is matched twice as fast as "not a non-letter"
_LONG_PLAIN_WORD = re.compile(f"[{PLAIN_LETTERS}]{{3,}}")
_CYRILLIC_LINE = re.compile("^[^\n]*?[\u0400-\u04ff][^\n]*", re.MULTILINE)
_LATIN_LINE = re.compile("^[^\n\u0250-\U0010ffff]+$", re.MULTILINE)
_BAD_CHARS = re.compile("[\ufffd\x80-\x9f]")  # replacement characters, C1 controls
_HTML_MARKERS = re.compile(
    r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<title>", re.IGNORECASE
)
_HTML_TAG = re.compile(r"</?(?:p|div|br|a|span|table|td|tr|li|ul|h[1-6]|img|script|link)\b[^<>]*>",
                       re.IGNORECASE)
_FEED = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF|svg)\b",
                   re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    input_format: str  # "html" | "text"
    encoding: str


def _format_from_name(name: str | None) -> str | None:
    if not name:
        return None
    lower = fold(name)
    if lower.endswith(".gz"):
        lower = lower[:-3]
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    return None


def _looks_like_html(text: str) -> bool:
    """HTML when the head carries document markers, or the text is thick with block tags."""
    head = text[:8192]
    return _HTML_MARKERS.search(head) is not None or _thick_with_tags(head)


def _thick_with_tags(head: str) -> bool:
    """Whether a page's head holds block tags enough to be markup, not prose naming one."""
    return len(_HTML_TAG.findall(head)) >= 4


# ---------------------------------------------------------------- bytes level


def _gunzip(data: bytes, limit: int) -> bytes:
    """Decompress every gzip member, refusing output past ``limit`` bytes."""
    out = bytearray()
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += d.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise Rejected("bad_gzip", f"not valid gzip data: {exc}") from exc
        if len(out) > limit or d.unconsumed_tail:
            raise Rejected("too_large", f"{len(data)} bytes of gzip that decompress past the"
                           f" {limit}-byte limit (max_decompressed_bytes): a gzip bomb, or"
                           " far more than a page")
        if not d.eof:
            raise Rejected("bad_gzip", "gzip stream is truncated")
        rest = d.unused_data.lstrip(b"\x00")
        if rest and rest[:2] != b"\x1f\x8b":
            break  # trailing garbage after the last member: keep what we have
    return bytes(out)


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 (or -32) without a BOM: markup is ASCII, so every other byte is NUL."""
    sample = head[:4096]
    n = len(sample) // 2
    if n < 8:
        return None
    even_zero = sample[0::2].count(0) / n
    odd_zero = sample[1::2].count(0) / n
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _binary_kind(data: bytes) -> str | None:
    """What binary format the bytes are, or None when they may be text."""
    head = data[:64]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "RIFF media"
    if head[4:8] == b"ftyp":
        return "MP4/MOV media"
    return None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def _control_share(sample: bytes) -> float:
    """Share of bytes that never occur in text: C0 controls other than tab/newline/ff/esc."""
    if not sample:
        return 0.0
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


# ----------------------------------------------------------------- charset


def _norm_label(label: str | None) -> str | None:
    if not label:
        return None
    label = fold(label.strip().strip("\"'"))
    label = _LABELS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _declared_charset(head: bytes) -> str | None:
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return m.group(1).decode("ascii", "replace") if m else None


def _drop_code(text: str) -> str:
    """``text`` without <script>/<style> blocks, in one pass (an unclosed one ends it)."""
    out = []
    pos = 0
    # searched in ``text`` itself: a lowercased copy is not always as long ("İ" -> "i̇"),
    # and its positions would cut the text in the wrong places
    while m := _CODE_OPEN.search(text, pos):
        out.append(text[pos : m.start()])
        closing = _CODE_CLOSE[fold(m.group(1))].search(text, m.end())
        if closing is None:
            return " ".join(out)
        end = closing.start()
        close = text.find(">", end)
        pos = len(text) if close < 0 else close + 1
    out.append(text[pos:])
    return " ".join(out)


def _visible(text: str, limit: int = 40000) -> str:
    text = text[:limit]
    if "<" not in text and "&" not in text:
        return text  # a text page: no tag, entity or code block to drop
    return _TAGS_RE.sub(" ", _drop_code(text))


def mojibake_kind(text: str) -> str | None:
    """What makes decoded text read as mojibake rather than text, or None when it reads
    as text.

    The tells: replacement characters or C1 controls; Cyrillic words with case
    flipped inside them ("пРИВЕТ", what KOI8-R read as cp1251 gives, and back) or
    mostly in capitals with few vowels (the same swap turns every lowercase word upper);
    Latin words made mostly of accented letters ("Ïðèâåò", Cyrillic read as
    Latin-1); and the "Р"/"С" + symbol pairs of UTF-8 read as cp1251.
    """
    sample = _visible(text)
    if not sample.strip():
        return None
    plain = not not_plain(sample)
    # plain text holds no replacement character or C1 control (features.PLAIN_NON_LETTERS)
    bad = 0 if plain else len(_BAD_CHARS.findall(sample))
    if bad > max(2, len(sample) // 500):
        return "replacement characters or C1 controls"
    if plain and _reads_as_text(sample):
        return None
    # the per-word work runs in C (findall, map, compress): cutting a page into words
    # and walking them in Python cost more than the rest of decoding together
    long_word = _LONG_PLAIN_WORD if plain else _LONG_WORD
    rest = list(filterfalse(str.isascii, long_word.findall(sample)))
    joined = "\n".join(rest)  # one word a line: a regex sorts them by script at once
    cyr = _CYRILLIC_LINE.findall(joined)
    cyr_words = len(cyr)
    upper = sum(map(str.isupper, cyr))
    # only mixed-case words (neither all lower, all upper nor title case, the only shapes
    # with no lowercase-then-uppercase pair) are walked letter by letter
    cased = map(or_, map(or_, map(str.isupper, cyr), map(str.islower, cyr)),
                map(str.istitle, cyr))
    flipped = sum(1 for w in compress(cyr, map(not_, cased))
                  if any(a.islower() and b.isupper() for a, b in zip(w, w[1:], strict=False)))
    # Latin words: no letter from U+0250 up (Cyrillic, Greek, CJK... are all above)
    latin = _LATIN_LINE.findall(joined)
    latin_words = len(latin)
    accented = sum(1 for w in latin if (len(w) - len(w.encode("ascii", "ignore"))) * 2 > len(w))
    utf8_pairs = len(_UTF8_PAIR.findall(sample))
    if cyr_words >= 5 and flipped / cyr_words > 0.2:
        return "Cyrillic words with their case flipped (KOI8-R and cp1251 mixed up)"
    if cyr_words >= 5 and _one_case_garbled(cyr, upper, sample):
        return "Cyrillic words in one case with too few vowels (KOI8-R and cp1251 mixed up)"
    if latin_words >= 5 and accented / latin_words > 0.3:
        return "Latin words made of accented letters (Cyrillic read as Latin-1)"
    if cyr_words >= 5 and utf8_pairs > cyr_words * 0.3:
        return "Р/С letter pairs (UTF-8 read as cp1251)"
    return None


def _one_case_garbled(cyr: list[str], upper: int, sample: str) -> bool:
    """KOI8-R and cp1251 mixed up swap the cases: lowercase prose turns to capitals, a
    text in capitals (a telegram, a headline list) to lowercase. Capitals happen, and
    lowercase is the rule, so each needs its own tell: capitals with few vowels (see
    FEW_VOWELS); lowercase with few vowels *and* many rare letters (the swap makes "й"
    and "ф" of the common "И" and "Т": a quarter of the letters are rare, against under
    a tenth in any Russian text), as a short real text can be poor in vowels."""
    words = len(cyr)
    if upper / words > 0.6:
        return _vowel_share(sample) < FEW_VOWELS
    if sum(map(str.islower, cyr)) / words > 0.6:
        return _vowel_share(sample) < FEW_VOWELS and _rare_share(sample) > MANY_RARE
    return False


_RARE = "фъэщцшюйжхФЪЭЩЦШЮЙЖХ"
MANY_RARE = 0.15  # Russian news text 4-8 %, capitals read as KOI8-R/cp1251 the wrong way ~27 %
_NOT_RARE_BYTES = bytes(b for b in range(256) if b not in _RARE.encode("cp1251"))


def _rare_share(text: str) -> float:
    """Rare Russian letters among the characters of the Cyrillic block."""
    return _cyrillic_share(text, _NOT_RARE_BYTES)


def _cyrillic_share(text: str, others: bytes) -> float:
    """The share of the Cyrillic block's characters that are letters of one group, counted
    in C: encoded in cp1251 (each of its letters is one byte there), the bytes ``others``
    (every byte not of the group) deleted, what is left counted."""
    kept = len(text.encode("cp1251", "ignore").translate(None, others))
    return kept / max(1, cyrillic_in_utf8(text.encode("utf-8", "surrogatepass")))


# every vowel above is one byte in cp1251: encoding a text there and deleting every other
# byte counts its vowels in one pass (a character cp1251 lacks is no vowel, and is dropped)
_NOT_VOWEL_BYTES = bytes(b for b in range(256)
                         if b not in "".join(sorted(CYRILLIC_VOWELS)).encode("cp1251"))
FEW_VOWELS = 0.33  # Russian letters are ~40% vowels, KOI8-R read as cp1251 ~27%
# what UTF-8 read as cp1251 makes of Cyrillic: "Р" or "С" and a rare letter or a sign
_PAIR_SECOND = "\u0400-\u040f\u0450-\u045f\u0490-\u04ff‚„…†‡€‰‹›‘’“”•–—™"
_UTF8_PAIR = re.compile(f"[РС][{_PAIR_SECOND}]")
_PAIR_SECONDS = frozenset(re.findall(f"[{_PAIR_SECOND}]", "".join(map(chr, range(0x2200)))))


def _has_utf8_pair(text: str) -> bool:
    """Whether ``_UTF8_PAIR`` occurs in ``text``: a Russian text has few capital Р and С,
    which str.find reaches three times faster than the pattern scans the text."""
    for first in "РС":
        i = text.find(first)
        while i >= 0:
            if text[i + 1: i + 2] in _PAIR_SECONDS:
                return True
            i = text.find(first, i + 1)
    return False
# a capital right after a lowercase letter, among the letters plain text holds; opening on
# the capital, the rarer of the two, the pattern is tried at few places
_PLAIN_CYRILLIC = re.findall(f"[{CYRILLIC_LETTERS}]", "".join(map(chr, range(0x400, 0x500))))
_LOWER = "a-z" + "".join(c for c in _PLAIN_CYRILLIC if c.islower())
_UPPER = "A-Z" + "".join(c for c in _PLAIN_CYRILLIC if c.isupper())
_CASE_FLIP = re.compile(f"[{_UPPER}](?<=[{_LOWER}][{_UPPER}])")


def _reads_as_text(plain: str) -> bool:
    """Whether a plain text (``features.not_plain`` is False) passes every test of
    ``mojibake_kind`` on whole-text counts, without being cut into words.

    Plain text has no accented Latin letters to make Latin-1 mojibake of; with no
    lowercase letter right before a capital no word has its case flipped; with no
    "Р"/"С" pair no UTF-8 was read as cp1251; with a Russian share of vowels, capitals
    are not KOI8-R read as cp1251. Letters are counted on the UTF-8 bytes.
    """
    if _has_utf8_pair(plain):
        return False
    for m in _CASE_FLIP.finditer(plain):
        # a brand in Latin letters ("AxelGlobe", "iPhone") is no KOI8-R mix-up: only words
        # with Cyrillic in them are judged
        if not _word_at(plain, m.start()).isascii():
            return False
    return _vowel_share(plain) >= FEW_VOWELS or not _CYRILLIC.search(plain)


_PLAIN_LETTER = re.compile(f"[{PLAIN_LETTERS}]+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")


def _word_at(plain: str, i: int) -> str:
    """The run of letters of a plain text that holds position ``i``."""
    start = i
    while start > 0 and _PLAIN_LETTER.match(plain, start - 1, start):
        start -= 1
    m = _PLAIN_LETTER.match(plain, start)
    return m.group() if m else ""


def _vowel_share(text: str) -> float:
    """Vowels among the characters of the Cyrillic block."""
    return _cyrillic_share(text, _NOT_VOWEL_BYTES)


def looks_like_text(text: str) -> bool:
    """Whether decoded text reads as text rather than mojibake (see ``mojibake_kind``)."""
    return mojibake_kind(text) is None


def _try(data: bytes, encoding: str | None) -> str | None:
    """Strict decode that also has to look like text; None when it does not."""
    enc = _norm_label(encoding)
    if enc is None:
        return None
    try:
        text = data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        if enc == "cp1252":  # WHATWG: undefined cp1252 bytes pass through as C1
            text = data.decode("latin-1")
        else:
            return None
    if enc == "utf-8":
        return text  # valid multi-byte UTF-8 does not happen by accident
    return text if looks_like_text(text) else None


_CYRILLIC_FALLBACKS = ("cp1251", "koi8-r", "cp866", "iso8859-5", "mac-cyrillic")


def _detect(data: bytes) -> tuple[str, str]:
    """Detection for pages whose declaration is missing or wrong."""
    try:
        text = data.decode("utf-8")
        return text, "utf-8"
    except UnicodeDecodeError:
        pass
    short = read_short_text(data)
    if short is not None:
        return short  # too few letters for charset-normalizer's statistics
    from charset_normalizer import from_bytes

    results = from_bytes(data[:200_000] if len(data) > 200_000 else data)
    best = results.best()
    if best is not None:
        enc = _norm_label(best.encoding) or best.encoding
        decoded = _try(data, enc)
        if decoded is not None:
            return decoded, enc
    for enc in _CYRILLIC_FALLBACKS + ("cp1252",):
        decoded = _try(data, enc)
        if decoded is not None:
            return decoded, enc
    if best is not None:
        return str(best), best.encoding
    raise Rejected("undecodable", "no text encoding gives readable text for these bytes")


def _decode_text(data: bytes, hint: str | None) -> tuple[str, str]:
    # 1. the caller's hint (sidecar / HTTP header), if it holds up
    if hint:
        enc = _norm_label(hint)
        if enc and enc.startswith("utf-16") and enc in ("utf-16-le", "utf-16-be", "utf-16"):
            pass  # a UTF-16 hint is checked against the BOM / NUL pattern below
        elif (text := _try(data, hint)) is not None:
            return text.lstrip("\ufeff"), enc or hint
    # 2. byte-order mark
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError:
                # a false BOM: fall through. A UTF-8 one is an editor's mark over legacy
                # bytes, never text ("п»ї" in cp1251), and would spoil the reading of words
                data = data[len(bom):] if enc == "utf-8" else data
                break
    # 2b. UTF-16 without a BOM
    enc16 = _utf16_without_bom(data)
    if enc16:
        try:
            return data.decode(enc16), enc16
        except UnicodeDecodeError:
            pass
    # 3. the page's own declaration, verified
    declared = _norm_label(_declared_charset(data[:SNIFF_BYTES]))
    if declared and not declared.startswith(("utf-16", "utf-32")):
        # valid UTF-8 with non-ASCII bytes is UTF-8 whatever the page claims: legacy
        # Cyrillic text essentially never forms valid multi-byte sequences
        if declared != "utf-8" and not data.isascii():
            try:
                return data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                pass
        if (text := _try(data, declared)) is not None:
            return text, declared
    # 4. detection
    return _detect(data)


# the single-byte code pages a browser or a crawler falls back to when it misreads a page
_WESTERN = ("cp1252", "iso8859-15", "latin-1")
MAX_UTF8_LAYERS = 3


def _peel_utf8_layers(text: str) -> str:
    """Undo UTF-8 that was read as Latin-1 and saved again as UTF-8, once or more: each
    layer turns one character into two ("Ã\x8e" for "Î"), and a strict round trip
    peels it off only where the bytes were really UTF-8."""
    for _ in range(MAX_UTF8_LAYERS):
        try:
            inner = text.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            break
        if inner == text:
            break
        text = inner
    return text


def _undo_western_misread(text: str) -> tuple[str, str] | None:
    """Legacy multi-byte text (GBK, Big5, Shift_JIS...) that was read as a Western code
    page and saved as UTF-8, perhaps more than once: the bytes are all still there, so
    the page's own charset (or, undeclared, the multi-byte one that reads best) gives
    the story back. None when no such path reads as text.

    ftfy repairs UTF-8 read as Latin-1 but never reaches a CJK charset, which is why
    this step exists. GB18030 decodes almost any byte pairs, so a strict decode proves
    little: a candidate must read as text by charset_normalizer's mess measure (bytes
    lost on the way leave symbols and broken pairs), and the one kept is the one whose
    letters fall most in its charset's first level, where each standard puts its
    frequent characters.
    """
    from charset_normalizer.md import mess_ratio

    peeled = _peel_utf8_layers(text)
    if peeled.isascii():
        return None
    declared = _norm_label(_declared_charset(peeled[:SNIFF_BYTES].encode("utf-8", "ignore")))
    targets = (declared,) if declared in FIRST_LEVEL else tuple(FIRST_LEVEL)
    best: tuple[float, str, str] | None = None
    for western in _WESTERN:
        try:
            raw = peeled.encode(western)
        except UnicodeEncodeError:
            continue
        for target in targets:
            try:
                fixed = raw.decode(target)
            except UnicodeDecodeError:
                continue
            share = _frequent_share(fixed, target)
            if mess_ratio(_visible(fixed, 20000), MAX_MESS) >= MAX_MESS:
                continue
            if best is None or share > best[0]:
                best = (share, fixed, f"{western}->{target}")
    if best is None or best[0] < MIN_FREQUENT_SHARE or mojibake_kind(best[1]) is not None:
        return None
    return best[1], best[2]


MIN_FREQUENT_SHARE = 0.6  # simplified Chinese news ~99%, traditional in GB ~70%
MAX_MESS = 0.2  # news text measures under 0.1; a page that lost bytes on the way 0.6 and up


def _frequent_share(text: str, charset: str) -> float:
    """The share of ``text``'s non-ASCII letters in ``charset``'s first level
    (``short_text.FIRST_LEVEL``)."""
    letters = [c for c in _visible(text, 20000) if not c.isascii() and c.isalpha()]
    if not letters:
        return 0.0
    inside = sum(1 for c in letters if not rare_in(c, charset))
    return inside / len(letters)


def _repair_mojibake(text: str, encoding: str) -> tuple[str, str]:
    """Text that was already mojibake when it was saved (a dump of a page decoded with the
    wrong charset, then stored as UTF-8) is repaired with ftfy where it can be, and rejected
    as ``undecodable`` where it cannot: publishing "РџСЂРёРІРµС‚" as a story helps nobody.
    """
    kind = mojibake_kind(text)
    if kind is None:
        return text, encoding
    import ftfy

    fixed = ftfy.fix_encoding(text)
    if fixed != text and mojibake_kind(fixed) is None:
        return fixed, f"{encoding}+ftfy"
    undone = _undo_western_misread(text)
    if undone is not None:
        return undone[0], f"{encoding}+{undone[1]}"
    sample = " ".join(_visible(text, 4000).split())[:60]
    raise Rejected(
        "undecodable",
        f"decoded as {encoding}, the text is still mojibake ({kind}: {sample!r}) and ftfy"
        " cannot repair it; if the page was saved already garbled, fetch it again, else give"
        " its charset as \"encoding\" in its sidecar",
    )


def decode_page(
    data: bytes,
    *,
    filename: str | None = None,
    encoding: str | None = None,
    max_decompressed_bytes: int | None = 64 * 1024 * 1024,
) -> Decoded:
    """Decode one raw page; raise ``Rejected`` with a precise reason when it cannot be.

    ``max_decompressed_bytes`` bounds what a gzipped page may expand to (None: no bound).
    """
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_decompressed_bytes or sys.maxsize // 2)
    elif fold(filename or "").endswith(".gz"):
        raise Rejected("bad_gzip", "named .gz but does not start with the gzip magic bytes")
    if not data:
        raise Rejected("empty", "the file has no bytes (0 bytes): the fetcher saved nothing")
    if not data.strip(b" \t\r\n\x0b\x0c\x00"):
        what = "NUL bytes" if b"\x00" in data else "whitespace"
        raise Rejected("empty", f"the file holds {len(data)} bytes of {what} only, no text")
    kind = _binary_kind(data)
    if kind:
        raise Rejected("binary", f"the file is a {kind}, not a page")
    is_utf16 = any(data.startswith(b) for b, e in _BOMS if e != "utf-8") or \
        _utf16_without_bom(data) is not None
    if not is_utf16 and _control_share(data[:SNIFF_BYTES]) > 0.05:
        raise Rejected("binary", "the file is mostly control bytes: binary data, not a page")
    text, used = _decode_text(data, encoding)
    text, used = _repair_mojibake(text, used)
    text = text.replace("\x00", "")
    if not text.strip():
        raise Rejected("empty", "the file decodes to whitespace only")
    return Decoded(text=text, input_format=_input_format(text, filename), encoding=used)


def _reads_as_document(text: str) -> bool:
    """A file named as text is HTML only when it reads as a document: its document markers
    and either markup from its first character or a head thick with block tags. A text
    dump that quotes a tag in its prose (an article about markup naming ``<title>``) stays
    text."""
    head = text[:8192]
    if not _HTML_MARKERS.search(head):
        return False
    return text.lstrip("\ufeff \t\r\n").startswith("<") or _thick_with_tags(head)


def _input_format(text: str, filename: str | None) -> str:
    """"html" or "text", from the content where the name says nothing or says wrong: a
    page saved as text under a ``.html`` name (no document marker, hardly a tag) went
    through the HTML front end as one junk block, and a whole HTML document saved as
    ``.txt`` through the text one as lines of tags."""
    named = _format_from_name(filename)
    if named == "html" and not _looks_like_html(text):
        return "text"
    if named == "text" and _reads_as_document(text):
        return "html"
    if named is None:
        if _FEED.match(text[:4096]):
            raise Rejected("unsupported_type", "an RSS/Atom feed or SVG image, not a page")
        return "html" if _looks_like_html(text) else "text"
    return named
