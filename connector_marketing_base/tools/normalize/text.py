# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Text as the platforms should receive it: NFC, no invisible noise, no
markup; and the form two systems' free text is compared in.
"""

import unicodedata
from html.parser import HTMLParser

ZWNJ = "\u200c"
ZWJ = "\u200d"
#: Format characters (category Cf) that carry meaning inside words or emoji:
#: ZWNJ is spelling in Persian and Indic scripts, ZWJ glues emoji sequences
#: (👩‍💻).  Every other Cf (ZWSP, BOM, soft hyphen, bidi overrides, tag
#: characters) is invisible noise or a spoofing vector and is dropped.
_KEPT_FORMAT_CHARS = frozenset({ZWNJ, ZWJ})
#: Categories removed by :func:`nfc`: controls, format characters and lone
#: surrogates (the latter cannot be encoded as UTF-8 and would make the HTTP
#: request itself fail).
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


def _as_text(value):
    """Coerce what Odoo and JSON hand us into ``str``.

    ``None`` and ``False`` (Odoo's empty Char) become ``""``; bytes are decoded
    as UTF-8 (bad bytes replaced, never raised: this is data cleaning);
    anything else (ints from a JSON payload, say) goes through ``str``.
    """
    if value is None or value is False:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace")
    return str(value)


def nfc(text) -> str:
    """Canonical one-line text: NFC, single spaces, no invisible characters.

    Why: the same name typed on a Mac (NFD) and on Windows (NFC) must compare
    and hash equal, or echo suppression sees a change that is not one; and
    providers reject or silently mangle control characters.

    Policy:

    * ``None``/``False`` → ``""``; non-strings are converted (see ``_as_text``);
    * every Unicode whitespace (space, tab, newline, NBSP, narrow NBSP,
      ideographic space...) counts as a separator; runs collapse to one space
      and the ends are stripped;
    * control (Cc), format (Cf) and lone surrogate (Cs) characters are
      removed, except ZWJ and ZWNJ (see ``_KEPT_FORMAT_CHARS``);
    * the result is NFC (composed after the removals, so ``e`` + ZWSP +
      combining acute still becomes ``é``).
    """
    text = _as_text(text)
    if not text:
        return ""
    if text.isascii() and text.isprintable():
        # the common case, 20x faster: printable ASCII has no control or
        # format character, no other blank than the space, and is its own NFC
        return " ".join(text.split())
    kept = []
    for char in text:
        if char.isspace():
            kept.append(" ")
        elif (
            unicodedata.category(char) in _DROPPED_CATEGORIES
            and char not in _KEPT_FORMAT_CHARS
        ):
            continue
        else:
            kept.append(char)
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


#: elements whose start or end separates words when rendered
_BLOCK_TAGS = frozenset(
    (
        "address", "article", "aside", "blockquote", "br", "caption", "dd",
        "details", "div", "dl", "dt", "figcaption", "figure", "footer", "form",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
        "ol", "option", "p", "pre", "section", "summary", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "ul",
    )
)  # fmt: skip
#: elements whose content is never text a reader sees
_HIDDEN_TAGS = frozenset({"script", "style", "template"})


class _TextExtractor(HTMLParser):
    """Collects the visible text of an HTML fragment (see :func:`strip_html`)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        # <br/>, <hr/>: a separator; a self-closed <script/> has no content
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def strip_html(text) -> str:
    """Visible text of an HTML fragment, as :func:`nfc` text.

    Why: Odoo Html fields and rich notes end up in provider fields that show
    markup literally.

    Tags are removed; entities are decoded once (``&amp;lt;`` gives the
    literal ``&lt;``); block boundaries (``<br>``, ``</p>``, ``</div>``,
    ``</li>``, table cells, headings...) become spaces while inline tags
    (``<b>``, ``<span>``) join their neighbours (``H<b>ell</b>o`` → ``Hello``);
    ``<script>``, ``<style>`` and ``<template>`` content and comments are
    dropped, even when the closing tag is missing.  Plain text with a stray
    ``<`` (``a < b``) survives as is.
    """
    text = _as_text(text)
    if not text:
        return ""
    if "<" not in text and "&" not in text:
        return nfc(text)  # no tag, no entity: the common case, no parser
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return nfc("".join(parser.parts))


def comparable_text(value) -> str:
    """Case-folded NFC text of any value (``None`` → ``""``): the form two
    systems' free text is compared in."""
    if value is None or value is False:
        return ""
    return nfc(str(value)).casefold()


def strip_nul(value):
    """``value`` without NUL characters, in every string of it (keys too).

    Why: PostgreSQL refuses NUL in text and ``\\u0000`` in jsonb, so one
    NUL sent by a provider would fail the whole transaction (a webhook
    answered 500, a job retried forever).  NUL never carries meaning.
    """
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {strip_nul(key): strip_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [strip_nul(item) for item in value]
    return value
