# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What became of each record of a sync job: one word per outcome.

Every exporter and importer, of every provider, counts its records under
these names and ends its job with :func:`details` of the count, so a job
result reads the same whatever the provider ("300 partners: 2 sent to
review, 298 updated") and a maintainer greps one name to find every path
that produces it.  The words are part of job results people read and tests
assert: change one here, for everybody, or not at all.
"""

#: the platform created the record / updated the record it had
CREATED = "created"
UPDATED = "updated"
#: what the platform answers for a record it took (batch and bulk answers)
ACCEPTED = (CREATED, UPDATED)
#: an import matched a remote contact to an existing partner
LINKED = "linked"
#: its payload hash is the one the platform has: nothing sent
UNCHANGED = "unchanged"
#: a review item (``marketing.sync.issue``) says why it did not go through
REVIEW = "sent to review"
#: handed to an asynchronous bulk import; its follow-up job tells the rest
SENT_IN_BULK = "sent in bulk"
#: the person asked to be forgotten: never exported again
FORGOTTEN = "not exported (forgotten)"
#: the platform deleted the contact: unbound instead of created again
REMOTE_DELETED = "not exported (deleted on the platform)"
#: an import of a forgotten person, or of a contact whose partner was deleted
TOMBSTONED = "not imported (tombstone)"
#: an import found the contact deleted on the platform: its binding undone
DELETED = "deleted on the platform"
#: after a bulk import (which only adds tags): managed tags taken off
TAGS_REMOVED = "tags removed"
#: contacts a bulk import created, then subscribed to the default list
SUBSCRIBED = "subscribed"


def details(outcomes):
    """``"2 sent to review, 298 updated"`` of a ``Counter`` of outcomes
    (sorted by name: the same counts always read the same), ``"-"`` when
    empty."""
    return ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items())) or "-"
