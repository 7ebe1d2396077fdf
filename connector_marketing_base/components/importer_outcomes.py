# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Outcomes of one record import, counted in the job result."""

CREATED, UPDATED, LINKED, UNCHANGED, REVIEW = (
    "created",
    "updated",
    "linked",
    "unchanged",
    "sent to review",
)
#: a forgotten person, or a contact whose partner was deleted in Odoo
TOMBSTONED = "not imported (tombstone)"
#: a contact the platform deleted: never imported, its binding undone
DELETED = "deleted on the platform"
