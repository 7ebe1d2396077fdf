# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from collections import Counter

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import BadDataError
from odoo.addons.connector_marketing_base.tools import outcomes as oc

from .adapter import IMPORT_MAX_BYTES, PHONE_KINDS

#: import row keys holding a phone
PHONE_ROW_KEYS = tuple(PHONE_KINDS.values())
#: where a row notes the phones it left out (never sent: see bulk_import)
PHONES_LEFT_OUT = "_phones_left_out"


def importable_phone(number):
    """The import's form of an E.164 phone, or None when it takes none.

    The bulk import refuses international numbers ("International phone
    numbers are currently not supported", POST
    /activities/contacts_json_import); the US/Canada numbers it takes are
    sent in the form the reference gives (``123-123-1234``), which is right
    whether or not it would also take ``+1``.
    """
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    if (number or "").startswith("+1") and len(digits) == 11:
        return f"{digits[1:4]}-{digits[4:7]}-{digits[7:]}"
    return None


def import_row(payload):
    """The row as the bulk import takes it; phones it cannot take are left
    out (the contact's phones on Constant Contact stay as they are) and
    named under ``PHONES_LEFT_OUT``."""
    row, left_out = dict(payload), []
    for key in PHONE_ROW_KEYS:
        if not row.get(key):
            continue
        national = importable_phone(row[key])
        if national:
            row[key] = national
        else:
            left_out.append(f"{key} {row.pop(key)}")
    if left_out:
        row[PHONES_LEFT_OUT] = left_out
    return row


class ConstantContactBatchExporter(Component):
    """Partners out through bulk import activities (the base's bulk path).

    The base maps, validates and hashes each partner and records the import;
    this only keeps each request under Constant Contact's 4 MB (above it the
    rest of the body is dropped silently).
    """

    _name = "constantcontact.res.partner.batch.exporter"
    _inherit = ["marketing.batch.exporter", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]

    #: batches are 10,000 partners: bind and enqueue one at a time
    slice_batches = 1

    def _send_bulk(self, to_send):
        outcomes = Counter()
        opted_out = [i for i in to_send if i[1].get("permission_to_send")]
        if opted_out:
            outcomes.update(self._send_opted_out(opted_out))
            to_send = [i for i in to_send if not i[1].get("permission_to_send")]
        part, size = [], 0
        to_send = [(b, import_row(payload), d) for b, payload, d in to_send]
        for item in to_send:
            row_size = len(json.dumps(item[1], ensure_ascii=False).encode()) + 1
            if part and size + row_size > IMPORT_MAX_BYTES:
                outcomes.update(super()._send_bulk(part))
                part, size = [], 0
            part.append(item)
            size += row_size
        if part:
            outcomes.update(super()._send_bulk(part))
        return outcomes

    def _after_export_chunk(self, bound, payloads, bulk):
        """Say which phones the import could not take (filed after the
        bindings, whose export issues are resolved when they are bound)."""
        super()._after_export_chunk(bound, payloads, bulk)
        if not bulk:
            return
        self._issue_many(
            "export",
            "phone_not_imported",
            [
                {
                    "reason": self.env._(
                        "Exported without %(phones)s: Constant Contact's bulk "
                        "import does not accept international phone numbers. "
                        "Enter the number in Constant Contact if it is needed "
                        "there.",
                        phones=", ".join(payloads[binding.id][PHONES_LEFT_OUT]),
                    ),
                    "record": binding,
                    "payload": payloads[binding.id],
                }
                for binding in bound
                if payloads[binding.id].get(PHONES_LEFT_OUT)
            ],
        )

    def _send_opted_out(self, items):
        """Partners who opted out never go through an import (it puts every
        row on a list, as ``implicit``).  Each is found by address, or
        created on no list, then unsubscribed (one contact at a time: the
        API has no bulk unsubscribe)."""
        exporter = self.component(usage="record.exporter")
        adapter = self.backend_adapter
        accepted, payloads, outcomes = [], {}, Counter()
        for binding, row, digest in items:
            try:
                contact = adapter.find_raw(row["email"])
                status = oc.UPDATED
                if contact is None:
                    contact = adapter.create_contact(
                        {
                            "email_address": {"address": row["email"]},
                            "create_source": "Account",
                        }
                    )
                    status = oc.CREATED
                exporter._unsubscribe_contact(binding, contact, row)
            except BadDataError as err:
                self._issue("export", err.code, str(err), record=binding, payload=row)
                outcomes[oc.REVIEW] += 1
                continue
            accepted.append(
                (
                    binding,
                    digest,
                    {"status": status, "external_id": contact["contact_id"]},
                )
            )
            payloads[binding.id] = row
        outcomes.update(self._apply_accepted(accepted, payloads))
        return outcomes


class ConstantContactBulkImportFollower(Component):
    """Once an import activity is applied, sync the list memberships of the
    contacts just bound."""

    _name = "constantcontact.res.partner.bulk.import.follower"
    _inherit = ["marketing.bulk.import.follower", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]

    def _apply(self, tracker, results):
        outcomes = super()._apply(tracker, results)
        bound = (
            self.model.browse([item.binding_id for item in tracker._items().values()])
            .exists()
            .filtered("external_id")
        )
        self.component(usage="list.exporter").enqueue(bound)
        return outcomes
