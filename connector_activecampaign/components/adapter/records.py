# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The records around a contact: tags, lists, accounts, deals, webhooks."""

from odoo.addons.component.core import AbstractComponent
from odoo.addons.connector_marketing_base.exceptions import (
    BadDataError,
    ConfigurationError,
)


class ActivecampaignAdapterRecords(AbstractComponent):
    """Tags, list statuses, accounts, deals and webhooks."""

    _name = "activecampaign.adapter.records"

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
    def save_account(self, account_id, values, marker):
        """Update an account, or create it once (``marker``: see
        ``_create_once``); found again by its name, unique on
        ActiveCampaign."""
        if account_id:
            body = self._call(
                "PUT", f"/accounts/{account_id}", json={"account": values}
            )
            return str(body["account"]["id"])
        return self._create_once(
            "account",
            marker,
            lambda: self._post_new("/accounts", "account", values),
            lambda: self._find_account(values["name"]),
        )

    def _post_new(self, path, key, values):
        """POST a new record, retried inside the job only after a 429."""
        body = self._call("POST", path, json={key: values}, create=True)
        return str(body[key]["id"])

    def _find_account(self, name):
        # List all accounts: ``search`` filters by name (case-insensitive)
        body = self._call("GET", "/accounts", params={"search": name}) or {}
        for account in body.get("accounts") or []:
            if str(account.get("name", "")).lower() == name.lower():
                return account["id"]
        return None

    def link_account(self, link_id, account_id, contact_id, job_title):
        values = {"account": account_id, "contact": contact_id, "jobTitle": job_title}
        if link_id:
            body = self._call(
                "PUT", f"/accountContacts/{link_id}", json={"accountContact": values}
            )
            return str(body["accountContact"]["id"])
        return self._create_once(
            "accountContact",
            f"{contact_id}>{account_id}",
            lambda: self._post_new("/accountContacts", "accountContact", values),
            lambda: self._find_account_link(account_id, contact_id),
        )

    def _find_account_link(self, account_id, contact_id):
        # List all associations: filters[contact] and filters[account]
        body = self._call(
            "GET",
            "/accountContacts",
            params={"filters[contact]": contact_id, "filters[account]": account_id},
        )
        for link in (body or {}).get("accountContacts") or []:
            if str(link.get("contact")) == str(contact_id) and str(
                link.get("account")
            ) == str(account_id):
                return link["id"]
        return None

    def save_deal(self, deal_id, values, marker):
        """Update a deal, or create it once (``marker``: see
        ``_create_once``); found again by its exact title, contact and
        pipeline (the title starts with the order's reference)."""
        if deal_id:
            body = self._call("PUT", f"/deals/{deal_id}", json={"deal": values})
            return str(body["deal"]["id"])
        return self._create_once(
            "deal",
            marker,
            lambda: self._post_new("/deals", "deal", values),
            lambda: self._find_deal(values),
        )

    def _find_deal(self, values):
        # List all deals: filters[title] and filters[group] (pipeline)
        body = self._call(
            "GET",
            "/deals",
            params={
                "filters[title]": values["title"],
                "filters[group]": values["group"],
            },
        )
        for deal in (body or {}).get("deals") or []:
            if deal.get("title") == values["title"] and str(deal.get("contact")) == str(
                values["contact"]
            ):
                return deal["id"]
        return None

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
