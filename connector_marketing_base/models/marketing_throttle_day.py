# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

#: days of call counts kept for the backend's chart (a week and some)
KEEP_DAYS = 14


class MarketingThrottleDay(models.Model):
    """Calls made per backend and UTC day, for the health chart.

    The limiter keeps only today's quota counter; the chart of the last days
    needs one number per day.  The limiter adds to it in the transaction it
    already holds for the call (no extra round trip) and drops the days older
    than :data:`KEEP_DAYS` when a new day starts.
    """

    _name = "marketing.throttle.day"
    _inherit = "marketing.backend.scoped"
    _description = "Marketing Calls per Day"
    _order = "day desc"

    day = fields.Date(required=True, readonly=True)
    calls = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "backend_day_uniq",
            "unique(backend_model, backend_id, day)",
            "One counter per backend and day.",
        )
    ]

    def _count_call(self, cr, key, day, new_day):
        """Count one call of backend ``key`` on ``day`` (on the limiter's
        cursor ``cr``); ``new_day``: the first call of the day prunes."""
        cr.execute(
            """
            INSERT INTO marketing_throttle_day
                (backend_model, backend_id, day, calls, create_date, write_date)
            VALUES (%s, %s, %s, 1, now() at time zone 'UTC',
                    now() at time zone 'UTC')
            ON CONFLICT (backend_model, backend_id, day)
            DO UPDATE SET calls = marketing_throttle_day.calls + 1
            """,
            (*key, day),
        )
        if new_day:
            cr.execute(
                """
                DELETE FROM marketing_throttle_day
                 WHERE backend_model = %s AND backend_id = %s
                   AND day < %s::date - %s
                """,
                (*key, day, KEEP_DAYS),
            )
