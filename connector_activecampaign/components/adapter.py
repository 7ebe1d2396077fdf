# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.component.core import Component
from odoo.addons.connector_marketing_base.components.adapter import Page
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
    RateLimited,
)
from odoo.addons.connector_marketing_base.tools.dates import utc_text

#: payload keys a contact/sync body takes (tags, lists, account come after)
SYNC_KEYS = ("email", "firstName", "lastName", "phone", "fieldValues")
#: payload keys a bulk import item takes, with its own spelling
BULK_KEYS = {
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "phone": "phone",
    "tags": "tags",
}
#: ActiveCampaign's list status for an unsubscribed contact
UNSUBSCRIBED = "2"
#: what a delta page side-loads (developers.activecampaign.com "Side
#: Loading"): the page's field values, tags with their names and list
#: statuses come in the same answer, no call per contact
PAGE_INCLUDE = "fieldValues,contactTags.tag,contactLists"


class ActivecampaignAdapter(Component):
    """API v3: ``Api-Token`` header, JSON bodies wrapped in the resource name,
    422 validation errors, 5 requests/s per account (429 or 503 beyond)."""

    _name = "activecampaign.adapter"
    _inherit = ["marketing.adapter", "activecampaign.base"]
    _apply_on = [
        "activecampaign.backend",
        "activecampaign.res.partner",
        "activecampaign.account",
        "activecampaign.sale.order",
    ]

    batch_size = 250  # contacts per export job: one bulk import request
    page_size = 100  # GET /contacts accepts at most 100 per page
    bulk_min = 11  # the docs: 10 contacts or fewer go through the contacts API
    bulk_size = 250
    bulk_poll_seconds = 15
    updated_key = "udate"

    def _base_url(self):
        return self.backend_record.api_url.rstrip("/") + "/api/3"

    def _auth_headers(self):
        return {"Api-Token": self.backend_record.sudo().api_key or ""}

    def _drop_token(self):
        """No token to refresh: a refused key stays refused."""

    def _classify(self, response, raw=False):
        status = response.status_code
        if status in (401, 403):
            message = self._error_message(response)
            if "suspend" in message.lower() or "disabled" in message.lower():
                text = self.env._(
                    "ActiveCampaign says the account is suspended or disabled "
                    "(%s): contact ActiveCampaign.",
                    message,
                )
            else:
                text = self.env._(
                    "ActiveCampaign refused the API key of backend %s: copy it "
                    "again from Settings > Developer.",
                    self.backend_record.name,
                )
            raise ConfigurationError(text)
        if status == 503:
            # some clients meet the rate limit as 503: same remedy
            raise RateLimited(
                "HTTP 503: " + self._error_message(response),
                retry_after=self._retry_after(response) or 1.0,
            )
        if status == 429:
            raise RateLimited(
                "HTTP 429: " + self._error_message(response),
                retry_after=self._retry_after(response) or 1.0,
            )
        if status == 422:
            raise BadDataError(self._error_message(response), code=self._code(response))
        return super()._classify(response, raw=raw)

    def _error_message(self, response):
        """ActiveCampaign's own words: the ``errors[].title`` of a 422; any
        other answer is read as the base reads it."""
        try:
            body = response.json()
        except ValueError:
            body = None
        errors = body.get("errors") if isinstance(body, dict) else None
        if isinstance(errors, list) and errors:
            return "; ".join(
                str(e.get("title") or e.get("detail") or e)
                for e in errors
                if isinstance(e, dict)
            )[:500]
        return super()._error_message(response)

    @staticmethod
    def _code(response):
        try:
            error = response.json()["errors"][0]
            return f"ac_{error.get('code') or 'invalid'}"
        except (ValueError, KeyError, IndexError, TypeError):
            return "ac_invalid"

    # ------------------------------------------------------------------
    # contacts
    # ------------------------------------------------------------------
    def check_connection(self):
        user = (self._call("GET", "/users/me") or {}).get("user") or {}
        return self.env._(
            "Connected to ActiveCampaign as %s", user.get("username") or user.get("id")
        )

    def initial_state(self, full=False):
        if full:
            return {"since": None, "last_id": 0}
        since = self.backend_record.import_since
        return {
            "since": since.strftime("%Y-%m-%dT%H:%M:%S+00:00") if since else None,
            "last_id": 0,
        }

    def search_page(self, state):
        """Contacts changed since the cursor, 100 at a time by ascending id,
        with their field values, tags and list statuses side-loaded.

        ``id_greater`` with ``orders[id]=ASC`` rather than a growing offset:
        deep offsets are slow on ActiveCampaign's side and skip or repeat
        records when contacts change during the scan.  When a scan ends, the
        next one starts from the latest ``udate`` it saw.
        """
        return self._changed_page(state, {"include": PAGE_INCLUDE})

    def unsubscribed_page(self, state):
        """Contacts unsubscribed from the default list (``listid`` with
        ``status=2``), changed since the cursor, paged like ``search_page``.
        """
        params = {"listid": self.backend_record.list_id, "status": UNSUBSCRIBED}
        return self._changed_page(state, params)

    def _changed_page(self, state, params):
        params = dict(
            params,
            limit=self.page_size,
            id_greater=state.get("last_id") or 0,
            **{"orders[id]": "ASC"},
        )
        if state.get("since"):
            params["filters[updated_after]"] = state["since"]
        body = self._call("GET", "/contacts", params=params) or {}
        records = self._page_records(body)
        latest = max([state.get("latest") or ""] + [r["udate"] or "" for r in records])
        if len(records) == self.page_size:
            last_id = int(records[-1]["id"])
            return Page(records, dict(state, last_id=last_id, latest=latest), True)
        since = state.get("since")
        if latest:
            since = latest.replace(" ", "T") + "+00:00"
        return Page(records, {"since": since, "last_id": 0}, False)

    def _page_records(self, body):
        """The page's contacts, each with its share of the side-loaded
        collections when the answer has them (never taken for "no tags")."""
        contacts = body.get("contacts") or []
        if not all(key in body for key in ("contactTags", "contactLists")):
            return [self._contact(c) for c in contacts]
        shares = {str(c["id"]): {"tags": body.get("tags") or []} for c in contacts}
        for key in ("fieldValues", "contactTags", "contactLists"):
            for item in body.get(key) or []:
                share = shares.get(str(item.get("contact")))
                if share is not None:
                    share.setdefault(key, []).append(item)
        return [self._contact(c, details=shares[str(c["id"])]) for c in contacts]

    def _contact(self, contact, details=None):
        """A contact as the mappers read it (UTC ``udate``, fields by id)."""
        record = {
            "id": str(contact["id"]),
            "email": contact.get("email"),
            "firstName": contact.get("firstName"),
            "lastName": contact.get("lastName"),
            "phone": contact.get("phone"),
            "udate": utc_text(contact.get("udate")),
        }
        if details is None:
            return record
        remote = self.env["marketing.remote.field"]._by_remote_id(self.backend_record)
        for value in details.get("fieldValues") or []:
            field = remote.get(str(value.get("field")))
            text = value.get("value")
            if field and field.multiple and isinstance(text, str):
                text = ", ".join(v for v in text.split("||") if v)
            record[str(value.get("field"))] = text
        names = {str(t["id"]): t.get("tag") for t in details.get("tags") or []}
        record["_tags"] = {
            str(ct["tag"]): names.get(str(ct["tag"]))
            for ct in details.get("contactTags") or []
        }
        record["_contact_tags"] = {
            str(ct["tag"]): str(ct["id"]) for ct in details.get("contactTags") or []
        }
        record["_lists"] = {
            str(cl["list"]): str(cl.get("status"))
            for cl in details.get("contactLists") or []
        }
        return record

    def contact_tags_of(self, contact_ids):
        """``{contact id: {contactTag id: tag name}}`` of up to 100 contacts
        in one call (the documented ``ids[]`` filter, tags side-loaded)."""
        body = (
            self._call(
                "GET",
                "/contacts",
                params={
                    "ids[]": list(contact_ids),
                    "limit": self.page_size,
                    "include": "contactTags.tag",
                },
            )
            or {}
        )
        names = {str(t["id"]): t.get("tag") for t in body.get("tags") or []}
        links = {str(c["id"]): {} for c in body.get("contacts") or []}
        for ct in body.get("contactTags") or []:
            if str(ct.get("contact")) in links:
                links[str(ct["contact"])][str(ct["id"])] = names.get(str(ct["tag"]))
        return links

    def fetch(self, external_id):
        """One contact with its field values, tags, list statuses and account."""
        body = self._call("GET", f"/contacts/{external_id}") or {}
        if not body.get("contact"):
            raise BadDataError(
                self.env._("Contact %s not found on ActiveCampaign", external_id),
                code="not_found",
            )
        record = self._contact(body["contact"], details=body)
        record["_account"] = self.account_link(external_id)
        return record

    def account_link(self, contact_id):
        """``{id, link_id, job_title}`` of the contact's account, or None."""
        body = self._call(
            "GET", "/accountContacts", params={"filters[contact]": contact_id}
        )
        for link in (body or {}).get("accountContacts") or []:
            return {
                "id": str(link["account"]),
                "link_id": str(link["id"]),
                "job_title": link.get("jobTitle") or "",
            }
        return None

    def account_name(self, account_id):
        body = self._call("GET", f"/accounts/{account_id}") or {}
        return (body.get("account") or {}).get("name")

    def upsert(self, payloads):
        """``contact/sync`` per contact (upsert by email; 422 → review)."""
        results = []
        for payload in payloads:
            body = {key: payload[key] for key in SYNC_KEYS if key in payload}
            try:
                answer = self._call("POST", "/contact/sync", json={"contact": body})
            except BadDataError as err:
                results.append(
                    {"status": "error", "code": err.code, "message": str(err)}
                )
                continue
            contact = answer["contact"]
            new = contact.get("cdate") == contact.get("udate")
            results.append(
                {
                    "status": "created" if new else "updated",
                    "external_id": str(contact["id"]),
                }
            )
        return results

    def bulk_upsert(self, payloads):
        """``import/bulk_import`` of ≤ 250 contacts; returns the batch id."""
        contacts = []
        for payload in payloads:
            item = {
                bulk: payload[key] for key, bulk in BULK_KEYS.items() if key in payload
            }
            item["fields"] = [
                {"id": int(v["field"]), "value": v["value"]}
                for v in payload.get("fieldValues") or []
            ]
            list_id = self.backend_record.list_id
            if list_id and payload.get("consent") == "unsubscribed":
                item["unsubscribe"] = [{"listid": int(list_id)}]
            elif list_id and payload.get("_new"):
                item["subscribe"] = [{"listid": int(list_id)}]
            contacts.append(item)
        answer = self._call(
            "POST",
            "/import/bulk_import",
            json={"contacts": contacts},
            bucket="bulk_import",
        )
        if not answer or not answer.get("batchId"):
            raise BadDataError(
                self.env._("ActiveCampaign did not queue the import: %s", answer),
                code="ac_bulk_refused",
            )
        return answer["batchId"]

    def bulk_status(self, remote_id):
        body = self._call("GET", "/import/info", params={"batchId": remote_id}) or {}
        if str(body.get("status")).lower() != "completed":
            return False, []
        results = [
            {
                "email": item.get("email"),
                "status": "updated",
                "external_id": str(item["id"]) if item.get("id") else None,
            }
            for item in body.get("success") or []
            if isinstance(item, dict)
        ]
        results += [
            {
                "email": item.get("email"),
                "status": "error",
                "code": "ac_bulk_failure",
                "message": item.get("message") or self.env._("Refused by the import"),
            }
            for item in body.get("failure") or []
            if isinstance(item, dict)
        ]
        return True, results

    def delete(self, external_id):
        """Delete a contact (``DELETE /api/3/contacts/{id}``): 200 ``{}``,
        404 with a ``message`` when there is no such contact."""
        return self._call("DELETE", f"/contacts/{external_id}")

    def count(self):
        body = self._call("GET", "/contacts", params={"limit": 1}) or {}
        return int((body.get("meta") or {}).get("total") or 0)  # a string

    def list_fields(self):
        body = self._call("GET", "/fields", params={"limit": 100}) or {}
        options = {}
        for option in body.get("fieldOptions") or []:
            options.setdefault(str(option.get("field")), []).append(option.get("value"))
        return [
            {
                "remote_id": str(field["id"]),
                "label": field.get("title"),
                "key": field.get("perstag"),
                "field_type": field.get("type"),
                "options": options.get(str(field["id"])),
                "multiple": field.get("type") in ("listbox", "checkbox"),
            }
            for field in body.get("fields") or []
        ]

    # ------------------------------------------------------------------
    # tags and lists
    # ------------------------------------------------------------------
    def create_tag(self, name):
        try:
            body = self._call(
                "POST", "/tags", json={"tag": {"tag": name, "tagType": "contact"}}
            )
            return str(body["tag"]["id"])
        except BadDataError:
            # created meanwhile (by a person or another job): read it back
            for tag in (self._call("GET", "/tags", params={"search": name}) or {}).get(
                "tags"
            ) or []:
                if tag.get("tag", "").lower() == name.lower():
                    return str(tag["id"])
            raise

    def add_contact_tag(self, contact_id, tag_id):
        return self._call(
            "POST",
            "/contactTags",
            json={"contactTag": {"contact": contact_id, "tag": tag_id}},
        )

    def remove_contact_tag(self, contact_tag_id):
        return self._call("DELETE", f"/contactTags/{contact_tag_id}")

    def set_list_status(self, contact_id, list_id, status):
        return self._call(
            "POST",
            "/contactLists",
            json={
                "contactList": {
                    "list": list_id,
                    "contact": contact_id,
                    "status": status,
                }
            },
        )

    # ------------------------------------------------------------------
    # accounts, deals, webhooks
    # ------------------------------------------------------------------
    def save_account(self, account_id, values):
        if account_id:
            body = self._call(
                "PUT", f"/accounts/{account_id}", json={"account": values}
            )
        else:
            body = self._call("POST", "/accounts", json={"account": values})
        return str(body["account"]["id"])

    def link_account(self, link_id, account_id, contact_id, job_title):
        values = {"account": account_id, "contact": contact_id, "jobTitle": job_title}
        if link_id:
            body = self._call(
                "PUT", f"/accountContacts/{link_id}", json={"accountContact": values}
            )
        else:
            body = self._call(
                "POST", "/accountContacts", json={"accountContact": values}
            )
        return str(body["accountContact"]["id"])

    def save_deal(self, deal_id, values):
        if deal_id:
            body = self._call("PUT", f"/deals/{deal_id}", json={"deal": values})
        else:
            body = self._call("POST", "/deals", json={"deal": values})
        return str(body["deal"]["id"])

    def deal_group(self, group_id):
        body = self._call("GET", "/dealGroups", params={"limit": 100}) or {}
        for group in body.get("dealGroups") or []:
            if str(group.get("id")) == str(group_id):
                return group
        raise ConfigurationError(
            self.env._("Pipeline %s does not exist on ActiveCampaign", group_id)
        )

    def deal_stages(self, group_id):
        body = self._call(
            "GET", "/dealStages", params={"filters[d_groupid]": group_id, "limit": 100}
        )
        return (body or {}).get("dealStages") or []

    def create_webhook(self, name, url, events, sources):
        body = self._call(
            "POST",
            "/webhooks",
            json={
                "webhook": {
                    "name": name,
                    "url": url,
                    "events": events,
                    "sources": sources,
                    "listid": self.backend_record.list_id or "0",
                }
            },
        )
        return body["webhook"]
