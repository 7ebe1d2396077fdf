# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import fields, models

from ..tools.dates import local_day

#: queue.job states counted as waiting
WAITING_STATES = ("wait_dependencies", "pending", "enqueued", "started")
#: share of the daily quota from which the health warns
QUOTA_WARNING = 0.8
#: days in the calls chart
CHART_DAYS = 7


def humanize_code(code):
    """``export_batch`` -> ``Export batch``."""
    return (code or "").replace("_", " ").strip().capitalize()


class MarketingBackend(models.AbstractModel):
    """Sync health: is the sync healthy, and what does the operator do next?

    Everything is read from what the connector already keeps (the limiter's
    row, the calls per day, the success stamps, queue.job, the review
    queue); ``health_data`` gives it to the ``marketing_backend_health``
    widget of every provider's form and of the Overview cards.
    """

    _inherit = "marketing.backend"

    #: job methods that poll engagement (opens, clicks...): a provider sets
    #: them; without any, the health shows no engagement poll line
    _health_engagement_methods = ()

    health_data = fields.Json(compute="_compute_health_data")
    health_attention = fields.Char(
        string="Needs attention", compute="_compute_health_data"
    )

    def _compute_health_data(self):
        for backend in self:
            data = backend._health_data() if backend.id else {}
            backend.health_data = data
            backend.health_attention = (data.get("attention") or {}).get("text")

    def _health_job_kind(self, method):
        """What a success of job ``method`` stamps: import, export, engagement."""
        if method in self._health_engagement_methods:
            return "engagement"
        if method.startswith("import_") or method in (
            "bulk_extract_step",
            "follow_bulk_import",
        ):
            return "import"
        if method.startswith("export_") or method == "unsubscribe_remote":
            return "export"
        return None

    def _job_ref(self):
        return f"{self._name},{self.id}"

    # ------------------------------------------------------------------
    # the health, one part per method
    # ------------------------------------------------------------------
    def _health_data(self):
        self.ensure_one()
        now = fields.Datetime.now()
        data = {
            "syncs": self._health_syncs(now),
            "quota": self._health_quota(now),
            "limiter": self._health_limiter(now),
            "jobs": self._health_jobs(),
            "issues": self._health_issues(),
        }
        items = self._health_attention_items(data)
        data["attention"] = (
            items[0]
            if items
            else {
                "level": "success",
                "text": self.env._("All good"),
            }
        )
        data["attention"]["more"] = max(len(items) - 1, 0)
        return data

    def _health_syncs(self, now):
        row = (
            self.env["marketing.backend.health"]
            .sudo()
            .search(self._scope_domain(), limit=1)
        )
        kinds = [
            ("import", self.env._("Last import")),
            ("export", self.env._("Last export")),
        ]
        if self._health_engagement_methods:
            kinds.append(("engagement", self.env._("Last engagement poll")))
        syncs = []
        for kind, label in kinds:
            at = row[f"last_{kind}_at"] if row else False
            syncs.append(
                {
                    "kind": kind,
                    "label": label,
                    "at": fields.Datetime.to_string(at) if at else False,
                    "lag": self._health_lag(now - at) if at else self.env._("never"),
                }
            )
        return syncs

    def _health_lag(self, delta):
        minutes = int(delta.total_seconds() // 60)
        if minutes < 1:
            return self.env._("just now")
        if minutes < 60:
            return self.env._("%s min ago", minutes)
        if minutes < 48 * 60:
            return self.env._("%s h ago", minutes // 60)
        return self.env._("%s days ago", minutes // (24 * 60))

    def _health_quota(self, now):
        # the provider's day, as the limiter counts it
        today = local_day(self._quota_timezone)
        first = today - timedelta(days=CHART_DAYS - 1)
        counts = dict(
            self.env["marketing.throttle.day"]
            .sudo()
            .search(self._scope_domain() + [("day", ">=", first)])
            .mapped(lambda row: (row.day, row.calls))
        )
        days = [
            {
                "day": (first + timedelta(days=i)).isoformat(),
                "label": (first + timedelta(days=i)).strftime("%a"),
                "calls": counts.get(first + timedelta(days=i), 0),
            }
            for i in range(CHART_DAYS)
        ]
        used = days[-1]["calls"]
        quota = self.daily_quota
        return {
            "used": used,
            "quota": quota,
            "ratio": round(used / quota, 3) if quota else 0,
            "days": days,
        }

    def _health_limiter(self, now):
        row = (
            self.env["marketing.throttle"].sudo().search(self._scope_domain(), limit=1)
        )
        circuit_open = bool(row.circuit_open_until and row.circuit_open_until > now)
        blocked = bool(row.blocked_until and row.blocked_until > now)
        if circuit_open:
            state = self.env._(
                "Circuit open until %s UTC", row.circuit_open_until.strftime("%H:%M")
            )
        elif blocked:
            state = self.env._(
                "Waiting until %(t)s UTC: %(reason)s",
                t=row.blocked_until.strftime("%H:%M"),
                reason=row.blocked_reason or self.env._("the platform asked to wait"),
            )
        elif row.failures:
            state = self.env._(
                "Circuit closed, %(n)s of %(max)s failures in a row",
                n=row.failures,
                max=self.circuit_threshold,
            )
        else:
            state = self.env._("Circuit closed, calls flowing")
        return {
            "circuit_open": circuit_open,
            "circuit_open_until": fields.Datetime.to_string(row.circuit_open_until)
            if circuit_open
            else False,
            "blocked": blocked,
            "failures": row.failures,
            "text": state,
            "limits": self.env._(
                "%(n)s calls per %(w)s s, %(c)s at once",
                n=self.rate_limit_calls,
                w=self.rate_limit_window,
                c=self.rate_limit_concurrency,
            ),
        }

    def _jobs_domain(self):
        return [("marketing_backend_ref", "=", self._job_ref())]

    def _health_jobs(self):
        """Jobs waiting, failed and retried (failed at least once and not
        finished), per job function."""
        Job = self.env["queue.job"].sudo()
        rows = {}
        for method, state, count in Job._read_group(
            self._jobs_domain() + [("state", "in", (*WAITING_STATES, "failed"))],
            ["method_name", "state"],
            ["__count"],
        ):
            row = rows.setdefault(method, {"waiting": 0, "failed": 0, "retried": 0})
            row["failed" if state == "failed" else "waiting"] += count
        for method, count in Job._read_group(
            self._jobs_domain()
            + [("retry", ">", 0), ("state", "not in", ("done", "cancelled"))],
            ["method_name"],
            ["__count"],
        ):
            rows.setdefault(method, {"waiting": 0, "failed": 0, "retried": 0})
            rows[method]["retried"] = count
        return [
            dict(
                counts,
                method=method,
                label=humanize_code(method),
                kind=self._health_job_kind(method) or "",
            )
            for method, counts in sorted(rows.items())
        ]

    def _health_issues(self):
        Issue = self.env["marketing.sync.issue"]
        # the review queue's labels when it has them, else the code made readable
        label_of = getattr(Issue, "_reason_label_of", None) or humanize_code
        return [
            {"reason_code": code, "label": label_of(code), "count": count}
            for code, count in Issue._read_group(
                self._scope_domain() + [("state", "=", "open")],
                ["reason_code"],
                ["__count"],
                order="__count desc",
            )
        ]

    def _health_attention_items(self, data):
        """What needs attention, the most urgent first: what stops the sync
        (no connection, open circuit, failed jobs) before what slows it
        (quota, provider block), then what waits for a person (the review
        queue) and the hint of a backend that never synced."""
        return (
            self._attention_stopped(data["limiter"])
            + self._attention_failed_jobs(data["jobs"])
            + self._attention_slowed(data["quota"], data["limiter"])
            + self._attention_reviews(data["issues"])
            + self._attention_never_synced(data["syncs"])
        )

    def _attention_stopped(self, limiter):
        """No call goes out: the connection failed or the circuit is open."""
        items = []
        if self.state == "error":
            items.append(
                {
                    "level": "danger",
                    "text": self.env._(
                        "Connection error — check the settings and press "
                        "Check connection"
                    ),
                }
            )
        if limiter["circuit_open"]:
            items.append({"level": "danger", "text": limiter["text"]})
        return items

    def _attention_failed_jobs(self, jobs):
        """One line per kind of job with failures: the operator opens them
        together, so several failed jobs of one kind are one item."""
        failed = {}
        for job in jobs:
            if job["failed"]:
                failed.setdefault(job["kind"], []).append(job)
        items = []
        for kind, kind_jobs in failed.items():
            count = sum(job["failed"] for job in kind_jobs)
            items.append(
                {
                    "level": "danger",
                    "text": self.env._(
                        "%(n)s failed %(kind)s jobs — open them",
                        n=count,
                        kind=kind or self.env._("other"),
                    )
                    if count > 1
                    else self.env._(
                        "1 failed %(kind)s job — open it",
                        kind=kind or self.env._("other"),
                    ),
                    "open": {"jobs": "failed"},
                }
            )
        return items

    def _attention_slowed(self, quota, limiter):
        """Calls wait: the daily quota is nearly spent, or the provider
        asked us to wait."""
        items = []
        if quota["quota"] and quota["ratio"] >= QUOTA_WARNING:
            items.append(
                {
                    "level": "warning",
                    "text": self.env._(
                        "Quota %s%% used today", int(quota["ratio"] * 100)
                    ),
                }
            )
        if limiter["blocked"]:
            items.append({"level": "warning", "text": limiter["text"]})
        return items

    def _attention_reviews(self, issues):
        """Records wait for a reviewer's decision in the review queue."""
        count = sum(issue["count"] for issue in issues)
        if not count:
            return []
        return [
            {
                "level": "warning",
                "text": self.env._("%s records to review — open the queue", count)
                if count > 1
                else self.env._("1 record to review — open it"),
                "open": {"issues": True},
            }
        ]

    def _attention_never_synced(self, syncs):
        """A new backend: nothing synced yet, say which button starts it."""
        if any(sync["at"] for sync in syncs):
            return []
        return [
            {
                "level": "info",
                "text": self.env._("Nothing synchronized yet — press Import or Export"),
            }
        ]

    # ------------------------------------------------------------------
    # where the health's numbers lead
    # ------------------------------------------------------------------
    def action_open_jobs(self, method=None, state=None):
        """The Jobs list of this backend, filtered by job function and state
        (``waiting``, ``failed``, ``retried``)."""
        self.ensure_one()
        domain = self._jobs_domain()
        if method:
            domain.append(("method_name", "=", method))
        if state == "waiting":
            domain.append(("state", "in", WAITING_STATES))
        elif state == "failed":
            domain.append(("state", "=", "failed"))
        elif state == "retried":
            domain += [("retry", ">", 0), ("state", "not in", ("done", "cancelled"))]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "queue_job.action_queue_job"
        )
        action.update(
            name=self.env._("Jobs of %s", self.display_name),
            domain=domain,
            context={},
            target="current",
        )
        return action

    def action_open_issues_reason(self, reason_code=None):
        """The open review items of this backend, of one reason."""
        action = self.action_open_issues()
        action["domain"] = action["domain"] + [("state", "=", "open")]
        if reason_code:
            action["domain"].append(("reason_code", "=", reason_code))
        return action
