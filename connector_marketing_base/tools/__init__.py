"""Pure helpers (no Odoo import) shared by the mappers, testable in tier 1."""

from . import dates, normalize, outcomes
