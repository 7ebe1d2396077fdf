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
            body = self._post("/tags", "tag", tag=name, tagType="contact")
            return str(body["tag"]["id"])
        except BadDataError:
            # created meanwhile (by a person or another job): read it back
            tag_id = self._find(
                "/tags",
                {"search": name},
                lambda tag: tag.get("tag", "").lower() == name.lower(),
            )
            if tag_id:
                return str(tag_id)
            raise

    def _find(self, path, params, match):
        """The id of the first record of the list ``GET path`` answers that
        ``match`` accepts (the list's filter may be looser: case, other
        fields), or None; the list's key is the last part of ``path``."""
        body = self._call("GET", path, params=params)
        for record in (body or {}).get(path.rsplit("/", 1)[-1]) or []:
            if match(record):
                return record["id"]
        return None

    def _post(self, path, key, **values):
        """POST one ``key`` record (bodies are wrapped in the resource name)."""
        return self._call("POST", path, json={key: values})

    def add_contact_tag(self, contact_id, tag_id):
        return self._post("/contactTags", "contactTag", contact=contact_id, tag=tag_id)

    def remove_contact_tag(self, contact_tag_id):
        return self._call("DELETE", f"/contactTags/{contact_tag_id}")

    def set_list_status(self, contact_id, list_id, status):
        return self._post(
            "/contactLists",
            "contactList",
            list=list_id,
            contact=contact_id,
            status=status,
        )

    # ------------------------------------------------------------------
    # accounts, deals, webhooks
    # ------------------------------------------------------------------
    def save_account(self, account_id, values, marker):
        """Update an account, or create it once (``marker``: see
        ``_create_once``); found again by its name, unique on
        ActiveCampaign."""
        return self._save(
            "account",
            "/accounts",
            account_id,
            values,
            marker,
            lambda: self._find_account(values["name"]),
        )

    def _save(self, key, path, record_id, values, marker, lookup):
        """Update record ``record_id`` (``PUT``), or create it once (a
        ``POST`` retried inside the job only after a 429; ``marker`` and
        ``lookup``: see ``_create_once``): its id.  Bodies are wrapped in
        the resource name ``key``."""
        if record_id:
            body = self._call("PUT", f"{path}/{record_id}", json={key: values})
            return str(body[key]["id"])

        def post():
            body = self._call("POST", path, json={key: values}, create=True)
            return str(body[key]["id"])

        return self._create_once(key, marker, post, lookup)

    def _find_account(self, name):
        # List all accounts: ``search`` filters by name (case-insensitive)
        return self._find(
            "/accounts",
            {"search": name},
            lambda account: str(account.get("name", "")).lower() == name.lower(),
        )

    def link_account(self, link_id, account_id, contact_id, job_title):
        values = {"account": account_id, "contact": contact_id, "jobTitle": job_title}
        return self._save(
            "accountContact",
            "/accountContacts",
            link_id,
            values,
            f"{contact_id}>{account_id}",
            lambda: self._find_account_link(account_id, contact_id),
        )

    def _find_account_link(self, account_id, contact_id):
        # List all associations: filters[contact] and filters[account]
        return self._find(
            "/accountContacts",
            {"filters[contact]": contact_id, "filters[account]": account_id},
            lambda link: (
                str(link.get("contact")) == str(contact_id)
                and str(link.get("account")) == str(account_id)
            ),
        )

    def save_deal(self, deal_id, values, marker):
        """Update a deal, or create it once (``marker``: see
        ``_create_once``); found again by its exact title, contact and
        pipeline (the title starts with the order's reference)."""
        return self._save(
            "deal", "/deals", deal_id, values, marker, lambda: self._find_deal(values)
        )

    def _find_deal(self, values):
        # List all deals: filters[title] and filters[group] (pipeline)
        return self._find(
            "/deals",
            {"filters[title]": values["title"], "filters[group]": values["group"]},
            lambda deal: (
                deal.get("title") == values["title"]
                and str(deal.get("contact")) == str(values["contact"])
            ),
        )

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
        body = self._post(
            "/webhooks",
            "webhook",
            name=name,
            url=url,
            events=events,
            sources=sources,
            listid=self.backend_record.list_id or "0",
        )
        return body["webhook"]
