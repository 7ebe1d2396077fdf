# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one error a normalizer raises on bad data."""


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
