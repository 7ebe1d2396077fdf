# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields

from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.exceptions import BadDataError
from odoo.addons.connector_marketing_base.tools import outcomes as oc

from .adapter import PHONE_KINDS

#: row keys Odoo owns on a contact; everything else is kept as read
OWNED_SCALARS = ("first_name", "last_name", "job_title", "company_name")
#: import row address key → the contact's street address key (rows say
#: ``zip``, ``street_addresses[]`` of PUT /contacts/{contact_id} say
#: ``postal_code``)
ADDRESS_KEYS = {
    "street": "street",
    "city": "city",
    "state": "state",
    "zip": "postal_code",
    "country": "country",
}
#: what PUT /contacts/{contact_id} takes (its request body, "ContactPutRequest"
#: of the v3 reference): read-only keys of a GET answer are not sent back
PUT_KEYS = (
    "email_address",
    "first_name",
    "last_name",
    "job_title",
    "company_name",
    "birthday_month",
    "birthday_day",
    "anniversary",
    "custom_fields",
    "phone_numbers",
    "street_addresses",
    "list_memberships",
    "taggings",
    "notes",
    "sms_channel",
)
PUT_PHONE_KEYS = ("phone_number", "kind")
PUT_ADDRESS_KEYS = ("kind", "street", "city", "state", "postal_code", "country")


class ConstantContactRecordExporter(Component):
    """One changed partner that already has a contact: read-modify-write.

    ``PUT /contacts/{id}`` replaces the whole contact: the current contact is
    read first and only the fields Odoo owns are changed, so phones of other
    kinds, other addresses, unmapped custom fields, list memberships, tags
    and consent stay as they are.  The steps are the base's
    (``marketing.contact.updater``: hash skip, the email's export lock); a
    partner without a contact yet goes through the bulk path like any other.
    """

    _name = "constantcontact.res.partner.record.exporter"
    _inherit = ["marketing.contact.updater", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]

    def _export(self, binding, row, digest):
        try:
            contact = self.backend_adapter.fetch_raw(binding.external_id)
        except BadDataError as err:
            self._issue(
                "export",
                "remote_missing",
                str(err),
                record=binding,
                external_id=binding.external_id,
            )
            return oc.REVIEW
        remote_email = (contact.get("email_address") or {}).get("address") or ""
        if remote_email.lower() != row["email"]:
            self._issue(
                "export",
                "email_changed",
                self.env._(
                    "The email differs (Odoo %(odoo)s, Constant Contact %(cc)s): "
                    "not updated, please review.",
                    odoo=row["email"],
                    cc=remote_email,
                ),
                record=binding,
                external_id=binding.external_id,
                payload=row,
            )
            return oc.REVIEW
        self._put(binding, contact, self.merge(contact, row))
        self._bind_export(binding, binding.external_id, digest)
        return oc.UPDATED

    def _put(self, binding, contact, body):
        try:
            return self.backend_adapter.put_contact(binding.external_id, body)
        except BadDataError as err:
            self._issue("export", err.code, str(err), record=binding, payload=body)
            return None

    def merge(self, contact, row):
        """The contact with Odoo's values applied; everything else kept.

        ``permission_to_send`` is sent back as read: an update never
        changes consent (and never re-subscribes anyone).
        """
        body = {k: v for k, v in contact.items() if k in PUT_KEYS}
        body["update_source"] = "Account"
        body["email_address"] = {
            k: v
            for k, v in (contact.get("email_address") or {}).items()
            if k in ("address", "permission_to_send")
        }
        if row.get("permission_to_send") == "unsubscribed":
            # an opt-out made in Odoo: the one consent change ever sent
            body["email_address"].update(
                permission_to_send="unsubscribed",
                opt_out_reason=self.env._("Blacklisted in Odoo"),
            )
        for key in OWNED_SCALARS:
            if key in row:
                body[key] = row[key] or ""
        body["phone_numbers"] = self._merged_phones(contact, row)
        body["street_addresses"] = self._merged_addresses(contact, row)
        body["custom_fields"] = self._merged_custom_fields(contact, row)
        return body

    @staticmethod
    def _merged_phones(contact, row):
        """The contact's phones, those of the kinds Odoo owns replaced (at
        most three: the API keeps no more)."""
        phones = [
            {k: v for k, v in p.items() if k in PUT_PHONE_KEYS}
            for p in contact.get("phone_numbers") or []
        ]
        for kind, key in PHONE_KINDS.items():
            if key not in row:
                continue
            phones = [p for p in phones if p.get("kind") != kind]
            if row[key]:
                phones.append({"phone_number": row[key], "kind": kind})
        return phones[:3]

    @staticmethod
    def _merged_addresses(contact, row):
        """The contact's addresses, the first one holding Odoo's address."""
        addresses = [
            {k: v for k, v in a.items() if k in PUT_ADDRESS_KEYS}
            for a in contact.get("street_addresses") or []
        ]
        if any(row.get(key) for key in ADDRESS_KEYS):
            first = addresses[0] if addresses else {"kind": "home"}
            first.update(
                {name: row.get(key) or "" for key, name in ADDRESS_KEYS.items()}
            )
            addresses = [first, *addresses[1:]]
        return addresses

    def _merged_custom_fields(self, contact, row):
        """The contact's custom fields, the mapped ones set from Odoo."""
        values = {
            c["custom_field_id"]: c.get("value")
            for c in contact.get("custom_fields") or []
        }
        ids = {
            field.key: remote_id
            for remote_id, field in self.env["marketing.remote.field"]
            .sudo()
            ._by_remote_id(self.backend_record)
            .items()
        }
        for key, value in row.items():
            if key.startswith("cf:") and key[3:] in ids:
                values[ids[key[3:]]] = value
        return [{"custom_field_id": k, "value": v} for k, v in values.items()]

    def unsubscribe(self, binding):
        """Set ``permission_to_send`` to unsubscribed (read-modify-write):
        ``updated``, or ``unchanged`` when the contact already was (or is not
        on Constant Contact: nothing to tell it)."""
        if not binding.external_id:
            return oc.UNCHANGED
        contact = self.backend_adapter.fetch_raw(binding.external_id)
        exporter = self.component(usage="batch.exporter")
        try:
            row = exporter._payload(binding)
        except BadDataError:
            # invalid partner data (its export files the issue): the
            # opt-out goes out anyway, alone
            row = {"permission_to_send": "unsubscribed"}
        if not self._unsubscribe_contact(binding, contact, row):
            return oc.UNCHANGED
        binding.write(
            {
                "export_hash": exporter._hash_of(row) if "email" in row else False,
                "sync_date": fields.Datetime.now(),
            }
        )
        return oc.UPDATED

    def _unsubscribe_contact(self, binding, contact, row):
        """PUT the contact back unsubscribed, Odoo's fields applied; False
        when it already was (nothing sent)."""
        binding.write({"permission_to_send": "unsubscribed", "opt_out_sent": True})
        email = contact.get("email_address") or {}
        if email.get("permission_to_send") == "unsubscribed":
            return False
        body = self.merge(contact, dict(row, permission_to_send="unsubscribed"))
        self.backend_adapter.put_contact(contact["contact_id"], body)
        return True


class ConstantContactConsentExporter(Component):
    """Opted-out contacts are unsubscribed one by one, read-modify-write."""

    _name = "constantcontact.res.partner.consent.exporter"
    _inherit = ["marketing.consent.exporter", "constantcontact.base"]
    _apply_on = ["constantcontact.res.partner"]
    _unsubscribe_alone = True
