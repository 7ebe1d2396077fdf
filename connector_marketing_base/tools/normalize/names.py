# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One Odoo name, the platforms' first and last names."""

from .text import nfc


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
