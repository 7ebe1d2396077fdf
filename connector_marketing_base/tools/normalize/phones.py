# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Phone numbers in E.164, as every platform accepts them."""

import phonenumbers

from .errors import InvalidValue
from .text import comparable_text, nfc


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
