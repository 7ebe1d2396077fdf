# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize

from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job

from ..exceptions import BadDataError, ConfigurationError

#: job states whose record is history: erased by deleting it
FINISHED = ("done", "cancelled", "failed")
#: job states a job can still be changed in (a started one runs right now)
WAITING = ("pending", "enqueued", "wait_dependencies")
#: description of the export files (the maintenance job finds them by it)
EXPORT_DESCRIPTION = "Marketing data-subject access export"


def _like(text):
    """``text`` as a literal inside an ILIKE pattern."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _mentions(value, needle):
    return needle in json.dumps(value, default=str).lower()


def _scrub(value, needle):
    """``value`` without the items of its lists that mention ``needle``
    (one person's record in a batch) and with such strings emptied."""
    if isinstance(value, list):
        return [_scrub(v, needle) for v in value if not _mentions(v, needle)]
    if isinstance(value, tuple):  # positional arguments keep their place
        return tuple(_scrub(v, needle) for v in value)
    if isinstance(value, dict):
        return {
            k: _scrub(v, needle)
            for k, v in value.items()
            if needle not in str(k).lower()
        }
    if isinstance(value, str) and needle in value.lower():
        return ""
    return value


class MarketingPrivacy(models.AbstractModel):
    """Data-subject requests: forget a person, export a person's data.

    The person is an email (normalized) and the partners that have it.
    Managers of the marketing connector only: the request runs as superuser
    once the check is passed, because it must reach records (jobs, events of
    other companies) the manager could not see otherwise.
    """

    _name = "marketing.privacy"
    _description = "Marketing data-subject requests"

    @api.model
    def _check_manager(self):
        if not self.env.user.has_group(
            "connector_marketing_base.group_marketing_manager"
        ):
            raise AccessError(
                self.env._("Only marketing connector managers handle these requests.")
            )

    @api.model
    def _person(self, email=None, partner=None):
        """``(normalized email, partners having it)``; a clear error without."""
        email = email_normalize(email or (partner.email if partner else "") or "")
        if not email:
            raise UserError(self.env._("A valid email address is needed."))
        partners = self.env["res.partner"].with_context(active_test=False)
        partners = partners.search([("email_normalized", "=", email)])
        return email, partners | (partner or partners.browse())

    @api.model
    def _bindings(self, partners):
        """Bindings of ``partners`` on every backend of every provider."""
        Partner = self.env["res.partner"]
        result = []
        for model in Partner._marketing_binding_models():
            result += list(model.sudo()._bindings_of(partners))
        return result

    # ------------------------------------------------------------------
    # forget (article 17)
    # ------------------------------------------------------------------
    @api.model
    def _forget(self, email=None, partner=None):
        """Erase a person's marketing data in Odoo, enqueue the erasure at
        each bound platform, keep a tombstone; return the tombstone."""
        self._check_manager()
        requester = self.env.user
        email, partners = self._person(email, partner)
        return self.sudo()._forget_person(requester, email, partners)

    @api.model
    def _forget_person(self, requester, email, partners):
        bindings = self._bindings(partners)
        remote = {}
        for binding in bindings:
            if binding.external_id:
                remote.setdefault(binding.backend_id, []).append(binding.external_id)
        counts = self._erase_odoo_data(email, partners, bindings)
        for binding in bindings:
            binding.with_context(connector_no_export=True).unlink()
        note = self.env._(
            "Forgotten on request of %(user)s on %(date)s: %(counts)s; erasure "
            "sent to %(n)s platform backend(s).",
            user=requester.name,
            date=fields.Datetime.now(),
            counts=", ".join(f"{n} {name}" for name, n in counts.items()),
            n=len(remote),
        )
        tombstone = self.env["marketing.tombstone"]._forget_email(email, note)
        tombstone.requested_by = requester
        for backend, external_ids in remote.items():
            backend.with_delay(
                priority=10,
                description=backend._job_description(
                    self.env._(
                        "Erase %s contact(s) (data-subject request)", len(external_ids)
                    )
                ),
            ).forget_remote_contacts(external_ids)
        for each in partners:
            each.message_post(body=note)
        return tombstone

    @api.model
    def _erase_odoo_data(self, email, partners, bindings):
        """Erase what the connector holds on the person; return counts."""
        ids_by_backend = {}
        for binding in bindings:
            key = (binding.backend_id._name, binding.backend_id.id)
            ids_by_backend.setdefault(key, []).append(binding.external_id or "")
        activities = self.env["marketing.activity"].search(
            ["|", ("partner_id", "in", partners.ids), ("email", "=ilike", email)]
        )
        issues = self.env["marketing.sync.issue"].search(
            ["|", "|", "|"]
            + [("partner_id", "in", partners.ids), ("payload", "ilike", email)]
            + [
                ("reason", "ilike", email),
                ("candidate_partner_ids", "in", partners.ids),
            ]
        ) | self._of_remote("marketing.sync.issue", ids_by_backend)
        events = self._of_remote("marketing.webhook.event", ids_by_backend)
        self.env.cr.execute(
            SQL(
                "SELECT id FROM marketing_webhook_event WHERE payload::text ILIKE %s",
                _like(email),
            )
        )
        events |= events.browse([row[0] for row in self.env.cr.fetchall()])
        counts = {
            self.env._("activities"): len(activities),
            self.env._("review items"): len(issues),
            self.env._("webhook payloads"): len(events),
            self.env._("bindings"): len(bindings),
            self.env._("bulk import items"): self._erase_bulk_items(email),
            self.env._("staged import rows"): self._erase_staged_rows(email),
            self.env._("job records"): self._erase_jobs(email, partners, bindings),
        }
        activities.unlink()
        issues.unlink()
        events.write({"payload": False, "result": False, "external_id": False})
        return counts

    @api.model
    def _of_remote(self, model, ids_by_backend):
        """Records of ``model`` about these remote contacts."""
        records = self.env[model].browse()
        for (backend_model, backend_id), external_ids in ids_by_backend.items():
            records |= records.search(
                [
                    ("backend_model", "=", backend_model),
                    ("backend_id", "=", backend_id),
                    ("external_id", "in", [e for e in external_ids if e]),
                ]
            )
        return records

    @api.model
    def _erase_bulk_items(self, email):
        """Remove the person's item (keyed by email) from bulk imports."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE marketing_bulk_import SET items = items - %s "
                "WHERE items ? %s RETURNING id",
                email,
                email,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["marketing.bulk.import"].browse(ids).invalidate_recordset(["items"])
        return len(ids)

    @api.model
    def _erase_staged_rows(self, email):
        """Remove the person's rows from contacts waiting for import."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE marketing_import_chunk c
                   SET records = COALESCE((
                       SELECT jsonb_agg(r) FROM jsonb_array_elements(c.records) r
                        WHERE r::text NOT ILIKE %(p)s), '[]'::jsonb)
                 WHERE c.records::text ILIKE %(p)s
             RETURNING id
                """,
                p=_like(email),
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        self.env["marketing.import.chunk"].browse(ids).invalidate_recordset()
        return len(ids)

    @api.model
    def _erase_jobs(self, email, partners, bindings):
        """Job records that carry the email or act on the person's records.

        - finished ones are deleted;
        - waiting ones acting on the person's records alone are deleted
          (they will not run);
        - the others, waiting or running right now, lose the person's part
          of their arguments, name, result and error: a running job's record
          is scrubbed too, not deleted under its worker.  What such a job
          does next is checked against the tombstone (every import and
          export path refuses a forgotten person, and a batch job skips
          bindings undone since it was enqueued), so it neither brings the
          person back nor sends them again.
        """
        prefixes = [f"{b._name}({b.id},).%" for b in bindings]
        prefixes += [f"res.partner({p.id},).%" for p in partners]
        self.env.flush_all()
        pattern = _like(email)
        self.env.cr.execute(
            SQL(
                """
                SELECT id, func_string LIKE ANY(%(prefixes)s) FROM queue_job
                 WHERE args::text ILIKE %(p)s OR kwargs::text ILIKE %(p)s
                    OR func_string ILIKE %(p)s OR name ILIKE %(p)s
                    OR result ILIKE %(p)s OR exc_info ILIKE %(p)s
                    OR exc_message ILIKE %(p)s OR func_string LIKE ANY(%(prefixes)s)
                """,
                prefixes=prefixes or [""],
                p=pattern,
            )
        )
        rows = self.env.cr.fetchall()
        jobs = self.env["queue.job"].browse([row[0] for row in rows])
        own = jobs.browse([row[0] for row in rows if row[1]])
        deleted = jobs.filtered(lambda j: j.state in FINISHED) | own.filtered(
            lambda j: j.state in WAITING
        )
        scrubbed = jobs - deleted
        deleted.unlink()
        for job in scrubbed:
            self._scrub_job(job, email)
        return len(rows)

    @api.model
    def _scrub_job(self, job, email):
        edit = job.with_context(_job_edit_sentinel=job.EDIT_SENTINEL)
        edit.write(
            {
                "args": _scrub(tuple(job.args or ()), email),
                "kwargs": _scrub(dict(job.kwargs or {}), email),
                "name": _scrub(job.name or "", email) or job.method_name,
                "exc_info": False,
                "exc_message": False,
                "result": False,
            }
        )
        edit.func_string = Job.load(self.env, job.uuid).func_string

    # ------------------------------------------------------------------
    # export (article 15)
    # ------------------------------------------------------------------
    #: partner fields a marketing platform may hold a copy of
    _PARTNER_FIELDS = (
        "name",
        "email",
        "phone",
        "mobile",
        "function",
        "street",
        "street2",
        "zip",
        "city",
        "state_id",
        "country_id",
        "parent_id",
        "lang",
        "category_id",
        "create_date",
        "write_date",
    )

    @api.model
    def _export_data(self, email=None, partner=None):
        """What Odoo and each bound platform hold on the person (a dict)."""
        self._check_manager()
        requester = self.env.user
        email, partners = self._person(email, partner)
        return self.sudo()._person_data(requester, email, partners)

    @api.model
    def _person_data(self, requester, email, partners):
        bindings = self._bindings(partners)
        names = [f for f in self._PARTNER_FIELDS if f in partners._fields]
        scope = ["|", ("partner_id", "in", partners.ids), ("email", "=ilike", email)]
        platforms = []
        for binding in bindings:
            backend = binding.backend_id
            entry = {
                "provider": backend._provider_label,
                "backend": backend.name,
                "external_id": binding.external_id,
                "last_sync": binding.sync_date,
            }
            if binding.external_id:
                try:
                    entry["contact"] = backend.read_remote_contact(binding.external_id)
                except (BadDataError, ConfigurationError, RetryableJobError) as err:
                    entry["error"] = str(err)
            platforms.append(entry)
        return {
            "email": email,
            "generated_at": fields.Datetime.now(),
            "generated_by": requester.name,
            "odoo": {
                "partners": partners.read(names),
                "blacklisted": bool(
                    self.env["mail.blacklist"].search_count(
                        [("email", "=", email), ("active", "=", True)]
                    )
                ),
                "activities": self.env["marketing.activity"]
                .search(scope)
                .read(
                    ["backend_name", "activity_type", "occurred_at", "campaign"]
                    + ["detail", "payload"]
                ),
                "review_items": self.env["marketing.sync.issue"]
                .search([("partner_id", "in", partners.ids)])
                .read(["backend_name", "direction", "reason", "payload", "state"]),
            },
            "platforms": platforms,
        }

    @api.model
    def _export_attachment(self, email=None, partner=None):
        """The export as one JSON file, readable by its requester only (an
        attachment of no record); the maintenance job deletes it a day later."""
        data = self._export_data(email, partner)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"marketing-data-{fields.Date.today()}.json",
                    "description": EXPORT_DESCRIPTION,
                    "mimetype": "application/json",
                    "raw": json.dumps(
                        data, indent=2, default=str, ensure_ascii=False
                    ).encode(),
                }
            )
        )
        return attachment
