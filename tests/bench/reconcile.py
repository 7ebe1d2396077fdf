"""The fault suite's reconciliation: what a fault cost, counted.

Why a module of its own, without Odoo: the counting decides whether a fault
run is clean, so it is tested on its own (``tests/tier1/test_reconcile.py``)
with data made to fail each count. ``tests/bench/faults.py`` collects the
data from Odoo and the emulator and calls :func:`reconcile`.

The four counts (all must be 0):

* **lost**: expected keys (emails of exported partners, titles of deals)
  with no record at the provider;
* **remote duplicates**: extra records at the provider for an expected key
  (two deals with one title count 1);
* **local duplicates**: extra partners with one email, extra bindings of
  one record to one backend, extra bindings of one remote id;
* **invisible failures**: lost keys nobody can see (no review item, no
  failed job naming the record), plus jobs of the run left ``enqueued`` or
  ``started`` or still ``pending`` when the run ended: a job stuck forever
  or a record silently missing. A failed job is visible (Jobs shows it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

COUNTS = ("lost", "remote_duplicates", "local_duplicates", "invisible")


def _extra(values: Iterable) -> int:
    """Occurrences beyond the first of each value (empty values ignored)."""
    return sum(n - 1 for value, n in Counter(values).items() if value and n > 1)


@dataclass
class Reconciliation:
    """The counts of one provider under one fault, with their detail."""

    provider: str
    fault: str
    expected: int = 0
    lost: int = 0
    remote_duplicates: int = 0
    local_duplicates: int = 0
    invisible: int = 0
    details: dict = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not any(getattr(self, name) for name in COUNTS)

    def row(self) -> list:
        return [self.provider, self.fault, self.expected] + [
            getattr(self, name) for name in COUNTS
        ]


def reconcile(
    provider: str,
    fault: str,
    expected: Mapping[str, Iterable[str]],
    remote: Mapping[str, Iterable[str]],
    partner_emails: Iterable[str] = (),
    bindings: Iterable[tuple] = (),
    visible: Mapping[str, Iterable[str]] | None = None,
    unsettled_jobs: int = 0,
) -> Reconciliation:
    """Count what a run lost, doubled or hid.

    ``expected`` and ``remote``: ``{kind: keys}`` (``remote`` one key per
    record held, so a duplicate appears twice; records outside ``expected``
    are another run's and ignored). ``partner_emails``: one per local
    partner of the run. ``bindings``: ``(model, odoo_id, external_id)`` per
    binding of the run's backend. ``visible``: ``{kind: keys}`` with a
    review item or a failed job. ``unsettled_jobs``: the run's jobs neither
    done, failed nor cancelled at its end.
    """
    result = Reconciliation(provider, fault)
    visible = {kind: set(keys) for kind, keys in (visible or {}).items()}
    lost_keys, duplicated = {}, {}
    for kind, keys in expected.items():
        keys = {k.lower() if kind_is_email(kind) else k for k in keys}
        held = Counter(
            k.lower() if kind_is_email(kind) else k for k in remote.get(kind, ())
        )
        lost = sorted(k for k in keys if not held[k])
        doubled = {k: held[k] - 1 for k in keys if held[k] > 1}
        result.expected += len(keys)
        result.lost += len(lost)
        result.remote_duplicates += sum(doubled.values())
        seen = {k.lower() if kind_is_email(kind) else k for k in visible.get(kind, ())}
        hidden = [k for k in lost if k not in seen]
        result.invisible += len(hidden)
        if lost:
            lost_keys[kind] = lost[:5]
        if doubled:
            duplicated[kind] = sorted(doubled)[:5]
        if hidden:
            result.details.setdefault("hidden", {})[kind] = hidden[:5]
    emails = [e.strip().lower() for e in partner_emails if e]
    bindings = list(bindings)
    by_record = _extra((model, odoo_id) for model, odoo_id, __ in bindings)
    by_remote = _extra(
        (model, external_id) for model, __, external_id in bindings if external_id
    )
    result.local_duplicates = _extra(emails) + by_record + by_remote
    result.invisible += unsettled_jobs
    if lost_keys:
        result.details["lost"] = lost_keys
    if duplicated:
        result.details["duplicated"] = duplicated
    if result.local_duplicates:
        result.details["local"] = {
            "partners": _extra(emails),
            "bindings_per_record": by_record,
            "bindings_per_remote_id": by_remote,
        }
    if unsettled_jobs:
        result.details["unsettled_jobs"] = unsettled_jobs
    return result


def kind_is_email(kind: str) -> bool:
    """Contacts and leads are keyed by email, compared without case."""
    return kind in ("contacts", "leads")


def table(results: Iterable[Reconciliation]) -> str:
    """An RST simple table of the counts."""
    header = [
        "provider",
        "fault",
        "expected",
        "lost",
        "remote dup.",
        "local dup.",
        "invisible",
    ]
    rows = [[str(v) for v in r.row()] for r in results]
    widths = [max(len(x) for x in column) for column in zip(header, *rows, strict=True)]
    rule = " ".join("=" * w for w in widths)

    def line(values):
        return " ".join(
            v.ljust(w) for v, w in zip(values, widths, strict=True)
        ).rstrip()

    return "\n".join([rule, line(header), rule, *map(line, rows), rule])
