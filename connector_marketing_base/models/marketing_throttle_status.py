# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..tools.dates import local_day


class MarketingThrottle(models.Model):
    """What the backend form says of its limiter: read from the row without
    locking it (a display may be a moment late, it never slows a call)."""

    _inherit = "marketing.throttle"

    @api.model
    def _status_text(self, backend):
        """One line for the backend form: what the limiter is doing now."""
        if not backend.id:
            return ""
        row = self.sudo().search(backend._scope_domain(), limit=1)
        if not row:
            return self.env._("No call made yet")
        now = fields.Datetime.now()
        parts = []
        if row.circuit_open_until and row.circuit_open_until > now:
            parts.append(
                self.env._(
                    "circuit open until %s UTC",
                    row.circuit_open_until.strftime("%H:%M"),
                )
            )
        if row.blocked_until and row.blocked_until > now:
            parts.append(
                self.env._(
                    "%(reason)s (until %(t)s UTC)",
                    reason=row.blocked_reason or self.env._("blocked"),
                    t=row.blocked_until.strftime("%H:%M"),
                )
            )
        used = (
            row.quota_used if row.quota_day == local_day(backend._quota_timezone) else 0
        )
        if backend.daily_quota:
            parts.append(
                self.env._("%(u)s / %(q)s calls today", u=used, q=backend.daily_quota)
            )
        else:
            parts.append(self.env._("%s calls today", used))
        return " · ".join(parts)
