# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import Counter

from odoo.addons.component.core import AbstractComponent

from ..tools import outcomes as oc


class MarketingBulkImportFollower(AbstractComponent):
    """Follow one remote bulk import until the platform says it is done.

    Each run asks the adapter for the import's status: the one contract of
    every provider is ``bulk_status(remote_id, sent)`` → ``(done,
    results)``, ``sent`` mapping each email sent (sorted: the order of the
    rows) to the contact id Odoo knows or None, results being dicts with
    ``email``, ``status`` (created / updated / error), ``external_id``,
    ``code`` and ``message``.  (A bulk *import* is an export sent in bulk;
    Marketo's bulk *extract*, an import, is not followed here.)  Not done:
    the job enqueues its own next step after the adapter's
    ``bulk_poll_seconds`` and ends.  Done: accepted contacts are
    bound exactly as a synchronous export would bind them, refused ones go
    to the review queue with the platform's reason, and contacts the answer
    does not mention are filed too (nothing is silently lost).
    """

    _name = "marketing.bulk.import.follower"
    _inherit = "marketing.base"
    _usage = "bulk.import.follower"

    def run(self, tracker):
        if tracker.state != "running":
            return self.env._("Bulk import %s already finished", tracker.remote_id)
        adapter = self.component(usage="backend.adapter")
        done, results = self._bulk_status(tracker)
        tracker.polls += 1
        if not done:
            if tracker.polls >= adapter.bulk_max_polls:
                return self._give_up(tracker)
            tracker._enqueue_follow(adapter.bulk_poll_seconds)
            return self.env._(
                "Bulk import %(id)s still running (check %(n)s); next check enqueued",
                id=tracker.remote_id,
                n=tracker.polls,
            )
        details = oc.details(self._apply(tracker, results))
        tracker.write({"state": "done", "result": details})
        return self.env._(
            "Bulk import %(id)s done: %(details)s",
            id=tracker.remote_id,
            details=details,
        )

    def _bulk_status(self, tracker):
        """Ask the adapter, telling it what was sent: answers name refused
        rows by number (Constant Contact) or list new contacts only
        (ActiveCampaign)."""
        items = tracker._items()
        bindings = self.model.browse(
            [item.binding_id for item in items.values()]
        ).exists()
        known = {binding.id: binding.external_id or None for binding in bindings}
        sent = {email: known.get(items[email].binding_id) for email in sorted(items)}
        adapter = self.component(usage="backend.adapter")
        return adapter.bulk_status(tracker.remote_id, sent)

    def _apply(self, tracker, results):
        items = tracker._items()
        bindings = {
            b.id: b
            for b in self.model.browse(
                [item.binding_id for item in items.values()]
            ).exists()
        }
        accepted, payloads, outcomes = [], {}, Counter()
        answered = set()
        for result in results:
            email = (result.get("email") or "").strip().lower()
            item = items.get(email)
            if not item or item.binding_id not in bindings or email in answered:
                continue
            answered.add(email)
            binding = bindings[item.binding_id]
            payloads[binding.id] = item.payload
            if result.get("status") in oc.ACCEPTED and result.get("external_id"):
                accepted.append((binding, item.export_hash, result))
                continue
            self._issue_refused(
                result,
                binding,
                item.payload,
                self.env._("Refused by the bulk import"),
            )
            outcomes[oc.REVIEW] += 1
        exporter = self.component(usage="batch.exporter")
        outcomes.update(exporter._apply_accepted(accepted, payloads, bulk=True))
        for email, item in items.items():
            if email in answered or item.binding_id not in bindings:
                continue
            self._issue(
                "export",
                "bulk_no_result",
                self.env._(
                    "Bulk import %s gave no result for this contact: export it again.",
                    tracker.remote_id,
                ),
                record=bindings[item.binding_id],
                payload=item.payload,
            )
            outcomes[oc.REVIEW] += 1
        return outcomes

    def _give_up(self, tracker):
        message = self.env._(
            "Bulk import %(id)s still not finished after %(n)s checks",
            id=tracker.remote_id,
            n=tracker.polls,
        )
        for item in tracker._items().values():
            binding = self.model.browse(item.binding_id).exists()
            if binding:
                self._issue(
                    "export",
                    "bulk_timeout",
                    message,
                    record=binding,
                    payload=item.payload,
                )
        tracker.write({"state": "failed", "result": message})
        return message
