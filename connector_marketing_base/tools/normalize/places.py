# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""ISO country and state codes."""

from .errors import InvalidValue
from .text import nfc


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
