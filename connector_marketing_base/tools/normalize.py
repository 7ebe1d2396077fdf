# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure data-normalization helpers shared by every provider mapper.

Data is validated before it is sent: email syntax,
provider length limits, HTML stripped, NFC text, names split on the first
space.  These functions do that work without touching Odoo, so that the
mappers (inside Odoo), the provider sandboxes and the tier-1 tests (outside
Odoo) all apply exactly the same rules.  This module must never import
``odoo``: tier 1 loads it by file path on machines where Odoo is absent.

Bad *data* raises :class:`InvalidValue`; mappers turn it into a review issue
(``BadDataError``) instead of failing the job.  Bad *calls* (a negative length
limit, say) raise plain ``ValueError``/``TypeError``: they are bugs, not data.
"""

import hashlib
import json
import re
import unicodedata
from html.parser import HTMLParser

import phonenumbers

__all__ = [
    "InvalidValue",
    "comparable_phone",
    "comparable_text",
    "iso_country",
    "iso_state",
    "join_name",
    "nfc",
    "normalize_email_basic",
    "payload_hash",
    "phone_e164",
    "split_name",
    "strip_html",
    "truncate",
]

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


class InvalidValue(ValueError):
    """A value that cannot be sent or stored as is.

    ``code`` is a short machine code (``invalid_phone``, ``field_too_long``,
    ``invalid_country``, ``invalid_state``) and ``field`` the field concerned
    when known; the message is for humans.  The signature mirrors
    ``BadDataError`` so a mapper can convert one into the other field by field.
    """

    def __init__(self, message, code="invalid_value", field=None):
        """Keep ``code`` and ``field`` beside the human-readable message."""
        super().__init__(message)
        self.code = code
        self.field = field


# --------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------


def split_name(full_name) -> tuple[str, str]:
    """``(first_name, last_name)`` of a partner name, split on the first space.

    Why: Odoo keeps one ``name``; the platforms want first and last names.
    The rule is to split on the first space character; its edge cases are
    handled:

    * empty or blank → ``("", "")``;
    * a single name (``"Madonna"``) → ``("Madonna", "")``: the platforms
      require no last name, and inventing one would come back on import;
    * several middle names all go to the last name:
      ``"Mary Ann van der Berg"`` → ``("Mary", "Ann van der Berg")``;
    * stray spaces, tabs, NBSP and NFD accents are cleaned first by
      :func:`nfc`: ``"  José  García "`` (padded, doubled space, decomposed
      é) → ``("José", "García")``; an NBSP separates like a space.

    Deliberately *not* handled, because no platform asks for
    it and any guess would be wrong for someone: the comma form ``"Doe, John"``
    (split literally: ``("Doe,", "John")``), honorifics, suffixes, particles.
    ``join_name(*split_name(x)) == nfc(x)`` always holds, so nothing is lost
    on a round trip.
    """
    name = nfc(full_name)
    first, _sep, last = name.partition(" ")
    return first, last


def join_name(first, last) -> str:
    """Odoo ``name`` from a platform's first and last names.

    Both parts go through :func:`nfc`; empty parts are skipped so that a
    contact with only a last name does not get a leading space.
    """
    return " ".join(part for part in (nfc(first), nfc(last)) if part)


# --------------------------------------------------------------------------
# length limits
# --------------------------------------------------------------------------

_EMOJI_MODIFIERS = range(0x1F3FB, 0x1F400)  # skin tones
_TAG_CHARS = range(0xE0020, 0xE0080)  # subdivision flag tags
_REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)  # flag letters
_VIRAMA = 9  # canonical combining class of Indic viramas


def _extends_previous(char):
    """Tell whether ``char`` joins the grapheme of the character before it."""
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Mc", "Me")  # accents, VS16...
        or char in (ZWJ, ZWNJ)
        or code in _EMOJI_MODIFIERS
        or code in _TAG_CHARS
    )


def _is_cut_point(text, index):
    """Tell whether ``text[:index]`` ends on a (near-)grapheme boundary.

    An approximation of UAX #29 good enough for names and short fields: never
    separate a base from its combining marks, variation selector or skin tone,
    never cut right after a ZWJ or a virama (Indic conjuncts), never split a
    flag's pair of regional indicators.
    """
    if index <= 0 or index >= len(text):
        return True
    char, prev = text[index], text[index - 1]
    if _extends_previous(char) or prev == ZWJ:
        return False
    if unicodedata.combining(prev) == _VIRAMA and unicodedata.category(char) == "Lo":
        return False
    if ord(char) in _REGIONAL_INDICATORS and ord(prev) in _REGIONAL_INDICATORS:
        run = 0
        while index - run - 1 >= 0 and ord(text[index - run - 1]) in (
            _REGIONAL_INDICATORS
        ):
            run += 1
        return run % 2 == 0
    return True


def truncate(text, limit, field=None, strict=False) -> str:
    """:func:`nfc` text cut to at most ``limit`` code points.

    Why: platforms refuse or silently cut values over their field limits
    (ActiveCampaign: 100 characters for contact names).  Cutting ourselves is
    predictable and keeps the export hash stable.

    The cut moves left to a grapheme-ish boundary (see ``_is_cut_point``)
    so that no accent, skin tone, ZWJ sequence or flag is left half there, and
    trailing spaces left by the cut are removed; the result may therefore be
    shorter than ``limit``, and is ``""`` when the first grapheme alone is
    longer than ``limit``.  ``limit=None`` means no limit.  With ``strict``,
    a value over the limit raises ``InvalidValue(code="field_too_long")``
    instead of being cut, for fields where a cut would change the meaning.

    Limits count Unicode code points (Python ``len``), which is what the
    platforms documented here count; an API that counts UTF-16 units would
    need a lower limit for text outside the BMP (emoji count twice there).
    """
    value = nfc(text)
    if limit is None:
        return value
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
        raise ValueError(f"limit must be a non-negative integer, not {limit!r}")
    if len(value) <= limit:
        return value
    if strict:
        raise InvalidValue(
            f"{field or 'value'} is {len(value)} characters long; the limit is {limit}",
            code="field_too_long",
            field=field,
        )
    cut = limit
    while cut > 0 and not _is_cut_point(value, cut):
        cut -= 1
    return value[:cut].rstrip()


# --------------------------------------------------------------------------
# phones, countries, states
# --------------------------------------------------------------------------


def phone_e164(number, country_code=None, field="phone") -> str:
    """E.164 form (``+33612345678``) of a phone number, or ``""`` when empty.

    Why: the platforms want international numbers, and one canonical form is
    what makes a phone compare equal on both sides (no echo exports).

    ``country_code`` (ISO 3166-1 alpha-2, any case) is the region used to read
    national numbers (``06 12 34 56 78`` with ``"fr"``); numbers starting with
    ``+`` or the ``00`` international prefix are read without it, so a wrong
    or missing partner country does not spoil an international number.  A
    number that does not parse or is not a valid number for its country
    raises ``InvalidValue(code="invalid_phone", field=field)``.  Extensions
    (``ext. 123``) have no place in E.164 and are dropped.
    """
    raw = nfc(number)
    if not raw:
        return ""
    region = nfc(country_code).upper() or None
    text = raw
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        region = None  # the number names its country; don't blame ours
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as err:
        raise InvalidValue(
            f"{field or 'phone'}: {raw!r} is not a phone number ({err})",
            code="invalid_phone",
            field=field,
        ) from err
    if not phonenumbers.is_valid_number(parsed):
        where = f" for country {region}" if region else ""
        raise InvalidValue(
            f"{field or 'phone'}: {raw!r} is not a valid phone number{where}",
            code="invalid_phone",
            field=field,
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def comparable_text(value) -> str:
    """Case-folded NFC text of any value (``None`` → ``""``): the form two
    systems' free text is compared in."""
    if value is None or value is False:
        return ""
    return nfc(str(value)).casefold()


def comparable_phone(number, country_code=None) -> str:
    """E.164 of a phone when it parses (read with ``country_code`` for
    national numbers), else its :func:`comparable_text`.

    Why: a platform keeps phones as typed ("+1 415 555 0000") and Odoo as
    E.164; comparing them as text reports a difference that is none.
    """
    try:
        return (
            phone_e164("" if number is None else str(number), country_code or None)
            or ""
        )
    except InvalidValue:
        return comparable_text(number)


def _is_ascii_alpha(text):
    return text.isascii() and text.isalpha()


def _is_ascii_alnum(text):
    return text.isascii() and text.isalnum()


def iso_country(code, field="country") -> str:
    """ISO 3166-1 alpha-2 country code, upper case, or ``""`` when empty.

    Why: Odoo's ``res.country.code`` is two upper-case letters; accepting
    ``" fr "`` but refusing ``"France"`` or ``"FRA"`` keeps the lookup exact
    instead of guessing.  Only the shape is checked (2 ASCII letters), not
    membership in the ISO list: the Odoo lookup does that.  Anything else
    raises ``InvalidValue(code="invalid_country")``.
    """
    value = nfc(code).upper()
    if not value:
        return ""
    if len(value) != 2 or not _is_ascii_alpha(value):
        raise InvalidValue(
            f"{value!r} is not an ISO 3166-1 alpha-2 country code",
            code="invalid_country",
            field=field,
        )
    return value


def iso_state(code, field="state") -> str:
    """State code as Odoo stores it (``res.country.state.code``), or ``""``.

    Why: platforms send ``"CA"``, ``"ca"`` or the full ISO 3166-2 form
    ``"US-CA"``/``"FR-75"``; Odoo keeps the part after the dash.  The result is
    1 to 3 ASCII letters or digits, upper case; a full form must have a
    two-letter country part.  Anything else (``"California"``, ``"FR-75-X"``)
    raises ``InvalidValue(code="invalid_state")``.
    """
    value = nfc(code).upper()
    if not value:
        return ""
    country, dash, subdivision = value.partition("-")
    if dash:
        if len(country) != 2 or not _is_ascii_alpha(country):
            subdivision = ""  # makes the check below fail
        value = subdivision
    if not 1 <= len(value) <= 3 or not _is_ascii_alnum(value):
        raise InvalidValue(
            f"{nfc(code)!r} is not a state code",
            code="invalid_state",
            field=field,
        )
    return value


# --------------------------------------------------------------------------
# email
# --------------------------------------------------------------------------

#: local part: no whitespace, no address separators or specials
_LOCAL = r"[^\s@<>(),;:\"\[\]\\]+"
#: domain label: letters/digits (any script) and inner hyphens
_LABEL = r"[^\W_](?:[^\W_]|-)*(?<!-)"
#: top-level domain: letters only, or an IDNA A-label
_TLD = r"(?:[^\W\d_]{2,}|xn--[a-z0-9-]+)"
_EMAIL_RE = re.compile(rf"{_LOCAL}@(?:{_LABEL}\.)+{_TLD}")


def normalize_email_basic(email) -> str:
    """One lower-case address, or ``""`` when the text is not exactly one.

    Not Odoo's ``email_normalize`` (used inside Odoo): a pure stand-in for
    tier-1 tests and sandboxes, strict enough to catch what a platform would
    refuse.  ``"Jane Doe <Jane@X.com>"``, ``"<jane@x.com>"`` and
    ``" JANE@x.com "`` all give ``"jane@x.com"``.  Several addresses, a missing
    or doubled ``@``, no dot-separated TLD, dots at the ends of the local part
    or doubled, or more than 64/254 characters (RFC 5321) give ``""``.
    """
    value = nfc(email).lower()
    if value.count("<") == 1 and value.count(">") == 1 and value.endswith(">"):
        value = value[value.index("<") + 1 : -1].strip()
    # the length check comes first: it also bounds the regex's work
    if len(value) > 254 or value.count("@") != 1 or not _EMAIL_RE.fullmatch(value):
        return ""
    local = value.partition("@")[0]
    if len(local) > 64 or local.startswith(".") or local.endswith(".") or ".." in local:
        return ""
    return value


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


# --------------------------------------------------------------------------
# export hash
# --------------------------------------------------------------------------


def _canonical(value):
    """Copy ``value`` into JSON-ready data independent of order and process.

    Dict keys become strings (``sort_keys`` cannot compare ``1`` and ``"a"``;
    JSON would stringify them anyway), tuples become lists, and sets become
    lists sorted by their own canonical JSON: ``str(set)`` follows the string
    hash seed, which differs per process, so ``default=str`` alone would give
    a different hash in every Odoo worker.
    """
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [_canonical(item) for item in value]
        return sorted(items, key=_dumps)
    return value


def _dumps(value):
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def payload_hash(payload: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of an export payload.

    Why: stored as ``export_hash`` on the binding; an export whose payload
    hashes the same as last time is skipped (echo suppression).
    Equal payloads must therefore hash equal whatever their key order and in
    whatever process: keys are sorted at every level, separators fixed,
    non-ASCII kept as UTF-8, sets ordered (see ``_canonical``) and other
    non-JSON values (dates, Decimals) written with ``str``.  Types still
    matter: ``1`` and ``1.0`` or ``"1"`` hash differently.
    """
    data = _dumps(_canonical(payload)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()
