# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
import re
from datetime import timedelta
from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from ..exceptions import ConfigurationError

_logger = logging.getLogger(__name__)

#: queue.job states of a job not yet done
CHAIN_LIVE_STATES = ("wait_dependencies", "pending", "enqueued", "started")


class MarketingBackend(models.AbstractModel):
    """What every marketing platform backend has.

    A provider addon defines ``<provider>.backend`` with ``_inherit =
    "marketing.backend"``, adds its credentials and URLs, and gets the buttons,
    the scheduler, the shared rate limiter, the review queue and the jobs
    below for free.  Jobs live on the concrete model so their
    ``queue.job.function`` records (channel, retry pattern) apply.
    """

    _name = "marketing.backend"
    _inherit = ["connector.backend", "mail.thread", "mail.activity.mixin"]
    _description = "Marketing Platform Backend (abstract)"
    #: name of the provider shown in job descriptions ("Marketo")
    _provider_label = "Marketing platform"
    #: the provider's contact binding model (``<provider>.res.partner``):
    #: exactly one per provider, the people the connector syncs (see
    #: ``res.partner._marketing_binding_models`` and readme/DEVELOP.rst)
    _partner_binding_model = None
    #: the provider's company binding model, if its platform has company
    #: records of its own (Marketo companies, ActiveCampaign accounts)
    _company_binding_model = None
    #: review reason codes only this provider files → their labels, as
    #: ``odoo.tools.LazyTranslate`` strings of the provider's module (see
    #: ``marketing.sync.issue._provider_reason_labels``)
    _issue_reasons = {}
    #: the time zone of the provider's day: its daily quota resets at
    #: midnight there, and the limiter counts calls by that day
    _quota_timezone = "UTC"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("draft", "Not checked"),
            ("ok", "Connected"),
            ("error", "Connection error"),
        ],
        default="draft",
        required=True,
        tracking=True,
    )
    health_message = fields.Text(readonly=True)
    health_checked_at = fields.Datetime(readonly=True)
    partner_domain = fields.Char(
        string="Partners to sync",
        default="[('email', '!=', False)]",
        required=True,
        help="Only partners matching this domain are exported.",
    )
    conflict_rule = fields.Selection(
        [
            ("odoo_wins", "Odoo wins"),
            ("remote_wins", "Remote wins"),
            ("latest_wins", "Latest change wins"),
            ("only_if_empty", "Only fill empty Odoo fields"),
        ],
        default="odoo_wins",
        required=True,
        help="Default rule when an imported value differs from Odoo's; "
        "field mapping lines can override it.",
    )
    delete_remote_on_unlink = fields.Boolean(
        help="Delete the remote contact when its partner is deleted in Odoo. "
        "Off by default: the platform keeps consent and engagement history.",
    )
    import_since = fields.Datetime(
        help="Changes older than this are not read by the first delta import.",
        default=lambda self: fields.Datetime.now() - timedelta(days=30),
    )
    webhook_secret = fields.Char(
        groups="base.group_system",
        copy=False,
        help="Shared secret the provider sends with each webhook.",
    )
    # rate limits (shared by all workers): the defaults are the provider's
    # documented limits
    rate_limit_calls = fields.Integer(string="Calls per window", default=10)
    rate_limit_window = fields.Float(string="Window (seconds)", default=1.0)
    rate_limit_concurrency = fields.Integer(string="Concurrent calls", default=5)
    daily_quota = fields.Integer(help="0 means no daily quota.")
    max_inline_wait = fields.Float(
        default=30.0,
        help="A job waits this long for a free rate-limit slot before it is "
        "postponed instead.",
    )
    circuit_threshold = fields.Integer(
        default=5,
        help="Consecutive transient failures that open the circuit breaker.",
    )
    circuit_cooldown = fields.Integer(
        string="Circuit cooldown (seconds)",
        default=60,
    )
    request_timeout = fields.Float(string="HTTP timeout (seconds)", default=30.0)
    retention_days = fields.Integer(
        default=30,
        help="Activities, processed webhook events and resolved review items "
        "older than this are deleted by the maintenance job.",
    )
    throttle_status = fields.Char(compute="_compute_throttle_status")
    issue_count = fields.Integer(compute="_compute_issue_count")
    remote_field_count = fields.Integer(compute="_compute_remote_field_count")

    #: endpoint fields (every URL that receives a credential) and, for each,
    #: the host names the provider documents, as regular expressions
    _endpoint_hosts = {}

    @api.model_create_multi
    def create(self, vals_list):
        backends = super().create(vals_list)
        backends._check_endpoints({})
        return backends

    def write(self, vals):
        before = {backend.id: backend._endpoints() for backend in self}
        result = super().write(vals)
        self._check_endpoints(before)
        return result

    def _endpoints(self):
        self.ensure_one()
        backend = self.sudo()
        return {name: backend[name] for name in self._endpoint_hosts}

    def _check_endpoints(self, before):
        """A credential goes wherever an endpoint points: outside the
        provider's documented hosts (a sandbox, a proxy), only a system
        administrator sets one; anyone else who could configure a backend
        could otherwise point it at their own host and receive its key."""
        if not self._endpoint_hosts or self.env.is_system():
            return
        for backend in self:
            for name, url in backend._endpoints().items():
                changed = url and url != before.get(backend.id, {}).get(name)
                if changed and not backend._documented_endpoint(name, url):
                    raise AccessError(
                        self.env._(
                            "%(field)s must be an https address of "
                            "%(provider)s (%(url)s is not); only a system "
                            "administrator may set another endpoint.",
                            field=self._fields[name].string,
                            provider=self._provider_label,
                            url=url,
                        )
                    )

    def _documented_endpoint(self, name, url):
        parts = urlsplit(url.strip())
        try:
            port = parts.port
        except ValueError:
            return False
        return (
            parts.scheme == "https"
            and port in (None, 443)
            and not parts.username
            and not parts.password
            and any(
                re.fullmatch(pattern, parts.hostname or "", re.IGNORECASE)
                for pattern in self._endpoint_hosts[name]
            )
        )

    def _compute_throttle_status(self):
        Throttle = self.env["marketing.throttle"]
        for backend in self:
            backend.throttle_status = Throttle._status_text(backend)

    def _compute_remote_field_count(self):
        """Custom field definitions cached for the backend (the form's
        "Custom fields" button)."""
        Field = self.env["marketing.remote.field"]
        for backend in self:
            backend.remote_field_count = (
                Field.search_count(backend._scope_domain()) if backend.id else 0
            )

    def _compute_issue_count(self):
        data = self.env["marketing.sync.issue"]._read_group(
            [
                ("backend_model", "=", self._name),
                ("backend_id", "in", self.ids),
                ("state", "=", "open"),
            ],
            ["backend_id"],
            ["__count"],
        )
        counts = dict(data)
        for backend in self:
            backend.issue_count = counts.get(backend.id, 0)

    # ------------------------------------------------------------------
    # plumbing
    # ------------------------------------------------------------------
    def _scope_domain(self):
        """Domain selecting the generic records (issues, events...) of self."""
        self.ensure_one()
        return [("backend_model", "=", self._name), ("backend_id", "=", self.id)]

    def _field_mappings(self, direction):
        """Active mapping lines of this backend usable in ``direction``."""
        return self.env["marketing.field.mapping"].search(
            self._scope_domain()
            + [("active", "=", True), ("direction", "in", (direction, "both"))]
        )

    def _rate_limit_buckets(self):
        """Extra windows some endpoints count against: ``{name: (calls,
        seconds)}``; the adapter names the bucket of such a call."""
        return {}

    def _partner_domain(self):
        """The partners this backend exports: its sync filter, within
        :meth:`_company_partner_domain`."""
        self.ensure_one()
        return expression.AND(
            [safe_eval(self.partner_domain or "[]"), self._company_partner_domain()]
        )

    def _company_partner_domain(self):
        """Partners of the backend's company and shared ones (no company):
        two companies may each have a backend, on different accounts, and
        neither may send, match or update the other's contacts."""
        self.ensure_one()
        return [("company_id", "in", [False, self.company_id.id])]

    def _job_description(self, action, record=None):
        """Text shown in Queue > Jobs: say what, where and for whom."""
        self.ensure_one()
        target = f" {record.display_name}" if record else ""
        return self.env._(
            "%(action)s%(target)s (%(provider)s backend %(backend)s)",
            action=action,
            target=target,
            provider=self._provider_label,
            backend=self.name,
        )

    def _chain_key(self, chain):
        """``identity_key`` shared by every job of one chain of this backend
        (a page job and the next page it enqueues)."""
        self.ensure_one()
        return f"marketing-chain:{self._name}:{self.id}:{chain}"

    def _chain_running(self, chain):
        """Whether a job of the chain waits or runs.

        queue_job's own identity check ignores started jobs, so a chain whose
        page job is running when the cron fires again would be doubled (two
        jobs binding the same partners at once); a running chain covers what
        a new one would do.
        """
        return bool(
            self.env["queue.job"]
            .sudo()
            .search_count(
                [
                    ("identity_key", "=", self._chain_key(chain)),
                    ("state", "in", CHAIN_LIVE_STATES),
                ],
                limit=1,
            )
        )

    def _start_chain(self, chain, priority, description):
        """``with_delay`` for the first job of ``chain``, or None when the
        chain is already under way."""
        self.ensure_one()
        if self._chain_running(chain):
            _logger.info("%s: %s still running, not started again", self, chain)
            return None
        return self.with_delay(
            priority=priority,
            description=description,
            identity_key=self._chain_key(chain),
        )

    def _check_manager_access(self):
        """Buttons act on the platform and on state every worker shares
        (limiter, chains): only who may configure these backends, in their
        companies, presses them (a read-only user could call them over RPC)."""
        self.check_access("write")

    def _check_can_sync(self):
        """Refuse to start work for an archived backend (a clear failure)."""
        self.ensure_one()
        if not self.active:
            raise ConfigurationError(
                self.env._(
                    "Backend %s is archived: nothing is synchronized.", self.name
                )
            )
