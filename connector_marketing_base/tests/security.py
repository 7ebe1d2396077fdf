"""An attacker's suite: what a marketing user or manager without system
rights tries over RPC against a provider's backend.

Each attempt goes through what Odoo's ``/web/dataset/call_kw`` does
(``get_public_method`` then ``call_kw``, as the attacker's user).  An attempt
is refused when it raises an access error, or when its answer holds none of
the secrets (an ``onchange`` may answer without the field).  The suite
counts its attempts and those that got through: all must be refused.
"""

import logging
import sys

from odoo.api import call_kw
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests.common import new_test_user

_logger = logging.getLogger(__name__)

ATTACK_URL = "https://attacker.example.com/collect"
#: methods every backend has that only open a view (the data they show is
#: governed by the access rights of its own model)
VIEW_ONLY = (
    "action_open_issues",
    "action_open_field_mapping",
    "action_open_remote_fields",
    # the sync health's links: the Jobs list and the review queue, filtered
    "action_open_jobs",
    "action_open_issues_reason",
)


class AttackerSuiteMixin:
    """Mix into a ``TransactionCase`` whose ``backend`` exists.

    ``secret_values``: ``{field: value}`` of the backend's credentials,
    written by an administrator before the attack.
    """

    secret_values = {}
    #: other secrets to look for in every answer (e.g. OAuth tokens)
    extra_secrets = ()

    @classmethod
    def _setup_attackers(cls, backend):
        env = cls.env
        cls.victim = backend
        cls.home = backend.company_id
        cls.other_company = env["res.company"].create({"name": "Other Co"})
        groups = "base.group_user,connector_marketing_base.group_marketing_"
        cls.reviewer = new_test_user(
            env, "atk_user", groups=groups + "user", company_id=cls.home.id
        )
        cls.manager = new_test_user(
            env, "atk_manager", groups=groups + "manager", company_id=cls.home.id
        )
        cls.foreign = cls._copy_backend(backend, cls.other_company)
        # with tracking on: the chatter must not keep them either
        backend.with_context(tracking_disable=False).write(dict(cls.secret_values))

    @classmethod
    def _copy_backend(cls, backend, company):
        return backend.copy({"name": "Foreign", "company_id": company.id})

    def setUp(self):
        super().setUp()
        self.attempts = 0
        self.through = []

    def rpc(self, user, model, method, *args, **kwargs):
        env = self.env(user=user, context={"allowed_company_ids": user.company_ids.ids})
        records = env[model]
        get_public_method(records, method)
        return call_kw(records, method, list(args), kwargs)

    def attempt(self, label, user, model, method, *args, **kwargs):
        """An action: got through unless refused."""
        self.attempts += 1
        try:
            with self.env.cr.savepoint():
                self.rpc(user, model, method, *args, **kwargs)
        except (AccessError, UserError):
            return
        self.through.append(label)

    def attempt_read(self, label, user, model, method, *args, **kwargs):
        """A read: refused, or answered without any secret."""
        self.attempts += 1
        try:
            with self.env.cr.savepoint():
                result = self.rpc(user, model, method, *args, **kwargs)
        except (AccessError, UserError):
            return
        text = repr(result)
        secrets = [*self.secret_values.values(), *self.extra_secrets]
        if any(str(v) in text for v in secrets):
            self.through.append(label)

    # ------------------------------------------------------------------
    # the attacks
    # ------------------------------------------------------------------
    def _attack_secrets(self, user):
        model, ids = self.victim._name, self.victim.ids
        for field in self.secret_values:
            tag = f"{user.login} {field}"
            spec = {field: {}}
            self.attempt_read(f"{tag} read", user, model, "read", ids, [field])
            self.attempt_read(
                f"{tag} search_read", user, model, "search_read", [], [field]
            )
            self.attempt_read(f"{tag} web_read", user, model, "web_read", ids, spec)
            self.attempt_read(
                f"{tag} web_search_read", user, model, "web_search_read", [], spec
            )
            self.attempt_read(
                f"{tag} export_data", user, model, "export_data", ids, [field]
            )
            self.attempt_read(
                f"{tag} read_group", user, model, "read_group", [], [field], [field]
            )
            self.attempt_read(
                f"{tag} onchange", user, model, "onchange", ids, {}, [], spec
            )
            self.attempt_read(
                f"{tag} new onchange", user, model, "onchange", [], {}, [], spec
            )
            # a search on the secret is an oracle, one guess at a time
            self.attempts += 1
            try:
                with self.env.cr.savepoint():
                    found = self.rpc(
                        user,
                        model,
                        "search_count",
                        [(field, "=", self.secret_values[field])],
                    )
            except AccessError:
                found = 0
            if found:
                self.through.append(f"{tag} search oracle")
            self.attempt_read(f"{tag} fields_get", user, model, "fields_get", [field])
        self.attempt_read(f"{user.login} read all", user, model, "read", ids)
        for chatter in ("mail.tracking.value", "mail.message"):
            self.attempt_read(
                f"{user.login} {chatter}", user, chatter, "search_read", [], []
            )
        self.attempt_read(
            f"{user.login} tokens",
            user,
            "marketing.token",
            "search_read",
            [],
            ["access_token", "refresh_token"],
        )

    def _attack_endpoints(self, user):
        model = self.victim._name
        for field in self.victim._endpoint_hosts:
            self.attempt(
                f"{user.login} repoint {field}",
                user,
                model,
                "write",
                self.victim.ids,
                {field: ATTACK_URL},
            )

    def _attack_limits(self, user, backend):
        self.attempt(
            f"{user.login} reset {backend.name}",
            user,
            backend._name,
            "action_reset_throttle",
            backend.ids,
        )
        self.attempt(
            f"{user.login} throttle._reset",
            user,
            "marketing.throttle",
            "_reset",
            [],
        )
        self.attempt(
            f"{user.login} write throttle",
            user,
            "marketing.throttle",
            "create",
            {"backend_model": backend._name, "backend_id": backend.id},
        )

    def _attack_other_company(self, user):
        backend = self.foreign
        model, ids = backend._name, backend.ids
        for method, args in (
            ("read", [ids, ["name"]]),
            ("write", [ids, {"name": "Mine"}]),
            ("unlink", [ids]),
            ("copy", [ids]),
            ("message_post", [ids]),
            ("action_check_connection", [ids]),
            ("action_import_contacts", [ids]),
            ("action_export_contacts", [ids]),
            ("action_reset_throttle", [ids]),
        ):
            self.attempt(f"{user.login} foreign {method}", user, model, method, *args)
        self.attempts += 1
        seen = self.rpc(user, model, "search", [])
        if backend.id in seen:
            self.through.append(f"{user.login} foreign search")

    def _public_methods(self, model):
        """Methods callable over RPC that the connector addons define."""
        names = set()
        for cls in type(self.env[model]).mro():
            module = getattr(cls, "__module__", "") or ""
            if not module.startswith(("odoo.addons.connector_", "odoo.addons.test_")):
                continue
            for name, value in vars(cls).items():
                if callable(value) and not name.startswith("_"):
                    names.add(name)
        public = set()
        for name in sorted(names):
            try:
                get_public_method(self.env[model], name)
            except AccessError:
                continue
            public.add(name)
        return public

    def _attack_public_methods(self, user):
        model = self.victim._name
        methods = self._public_methods(model) - set(VIEW_ONLY)
        for name in sorted(methods):
            if name in ("create", "write", "unlink", "copy"):
                continue
            self.attempt(
                f"{user.login} call {name}", user, model, name, self.victim.ids
            )
        return methods

    def run_attacker_suite(self):
        """Every attack; returns the number of attempts (all refused)."""
        for user in (self.reviewer, self.manager):
            self._attack_secrets(user)
            self._attack_other_company(user)
        self._attack_endpoints(self.manager)
        self._attack_limits(self.reviewer, self.victim)
        self._attack_limits(self.manager, self.foreign)
        surveyed = self._attack_public_methods(self.reviewer)
        self.assertFalse(self.through, "attacks that got through")
        message = (
            f"attacker suite on {self.victim._name}: {self.attempts} attempts, "
            f"{len(self.through)} got through ({len(surveyed)} public methods)"
        )
        _logger.info(message)
        # on the terminal too (pytest -s): the count is part of the report
        sys.stdout.write(message + "\n")
        return self.attempts
