# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure data-normalization helpers shared by every provider mapper.

Data is validated before it is sent: email syntax,
provider length limits, HTML stripped, NFC text, names split on the first
space.  These functions do that work without touching Odoo, so that the
mappers (inside Odoo), the provider sandboxes and the tier-1 tests (outside
Odoo) all apply exactly the same rules.  This package must never import
``odoo``: tier 1 loads it by file path on machines where Odoo is absent.
One module per kind of value; import from the package.

Bad *data* raises :class:`InvalidValue`; mappers turn it into a review issue
(``BadDataError``) instead of failing the job.  Bad *calls* (a negative length
limit, say) raise plain ``ValueError``/``TypeError``: they are bugs, not data.
"""

from .errors import InvalidValue
from .emails import normalize_email_basic, plain_email
from .hashing import payload_hash
from .limits import truncate
from .names import join_name, split_name
from .phones import comparable_phone, phone_e164
from .places import iso_country, iso_state
from .text import comparable_text, nfc, strip_html, strip_nul

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
    "plain_email",
    "split_name",
    "strip_html",
    "truncate",
]
