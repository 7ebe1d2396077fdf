# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Provider length limits, cut where a reader would not notice."""

import unicodedata

from .errors import InvalidValue
from .text import ZWJ, ZWNJ, nfc

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
