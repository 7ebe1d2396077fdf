"""Indexed record stores shared by the provider emulators.

Why it exists: every emulator keeps contacts (leads, people...) that clients
find by id, by email and by "changed since", and the benchmarks seed 50,000
of them. Scanning or sorting the whole set per request turns a sandbox into
the bottleneck being measured, so the indexes live here, once, kept in step
with the records:

* :class:`KeysetIndex`: ``(stamp, id)`` keys in sorted order, the order of a
  delta feed or an activity log; pages by keyset position in O(log n);
* :class:`RecordStore`: ``id → record`` (a ``MutableMapping``, so tests use
  ``emulator.contacts[id]``, ``in``, ``.clear()``) with a case-insensitive
  email index (several ids per email: some platforms do not enforce unique
  emails; an emulator that does checks :meth:`RecordStore.id_by_email`
  before writing) and, when built with ``stamp=``, a :class:`KeysetIndex`
  over the records' change time;
* :func:`encode_cursor` / :func:`decode_cursor`: an opaque cursor for a
  keyset position.

Replacing or deleting whole records keeps the indexes right. An emulator
that changes a record's fields in place calls :meth:`RecordStore.put` (or
:meth:`RecordStore.reindex`) afterwards; the store remembers what it indexed,
so the old email and change time are taken out correctly.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import contextlib
import json
from collections.abc import Callable, Hashable, Iterable, Iterator, MutableMapping

Key = tuple[int, Hashable]


def email_key(email) -> str | None:
    """The index key of an email: stripped and lower-case; ``None`` if empty
    or not a string."""
    return email.strip().lower() if isinstance(email, str) and email else None


class KeysetIndex:
    """``(stamp, id)`` keys in sorted order.

    Appending the newest key, the usual case, is O(1); an older one is
    inserted in place, or, inside :meth:`bulk`, appended and sorted once at
    the end (seeding 50,000 back-dated entries).
    """

    def __init__(self):
        self._keys: list[Key] = []
        self._deferred = False

    def add(self, key: Key) -> None:
        if self._deferred or not self._keys or key > self._keys[-1]:
            self._keys.append(key)
        else:
            bisect.insort(self._keys, key)

    def remove(self, key: Key) -> None:
        position = bisect.bisect_left(self._keys, key)
        if position < len(self._keys) and self._keys[position] == key:
            del self._keys[position]

    @contextlib.contextmanager
    def bulk(self):
        """Add many keys in any order and sort once when the block ends."""
        self._deferred = True
        try:
            yield self
        finally:
            self._deferred = False
            self._keys.sort()

    def clear(self) -> None:
        self._keys.clear()

    def start(self, after: Key | None = None, stamp_after: float | None = None) -> int:
        """Position of the first key strictly after ``after`` and whose stamp
        is strictly after ``stamp_after`` (either may be ``None``)."""
        position = 0
        if after is not None:
            position = bisect.bisect_right(self._keys, after)
        if stamp_after is not None:
            position = max(
                position,
                bisect.bisect_right(self._keys, stamp_after, key=lambda k: k[0]),
            )
        return position

    def __getitem__(self, position):
        """A key or a slice of keys by position (read-only use)."""
        return self._keys[position]

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Key]:
        return iter(self._keys)


class RecordStore(MutableMapping):
    """``id → record`` with an email index and, optionally, a change order.

    ``RecordStore(email_field="email", stamp=None)``: ``stamp`` is a function
    ``record → int seconds`` (e.g. parsing its ``updated_at``); with it the
    store keeps the records in ``(stamp, id)`` order for :meth:`page`, and
    :attr:`max_stamp` is the newest stamp ever stored. :meth:`put` may also
    be given the stamp directly (the emulator usually has it as a number).
    """

    def __init__(
        self,
        *,
        email_field: str = "email",
        stamp: Callable[[dict], int] | None = None,
    ):
        self.email_field = email_field
        self._stamp_of = stamp
        self._data: dict = {}
        self._by_email: dict[str, list] = {}
        self._email_of: dict = {}  # id → the email key it is indexed under
        self._order = KeysetIndex() if stamp else None
        self._key_of: dict = {}  # id → its key in _order
        self.max_stamp = 0

    email_key = staticmethod(email_key)

    @property
    def ordered(self) -> bool:
        return self._order is not None

    # Mapping interface
    def __getitem__(self, record_id):
        return self._data[record_id]

    def __setitem__(self, record_id, record):
        self.put(record_id, record)

    def __delitem__(self, record_id):
        if record_id not in self._data:
            raise KeyError(record_id)
        self._unindex(record_id)
        del self._data[record_id]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __contains__(self, record_id):
        return record_id in self._data

    def clear(self):
        """Forget every record (one step, not n deletions)."""
        self._data.clear()
        self._by_email.clear()
        self._email_of.clear()
        self._key_of.clear()
        if self._order is not None:
            self._order.clear()
        self.max_stamp = 0

    # writing
    def put(self, record_id, record: dict, stamp: int | None = None) -> None:
        """Store ``record`` (new, replaced, or changed in place) and index it;
        ``stamp`` defaults to ``stamp(record)`` of an ordered store."""
        if record_id in self._data:
            self._unindex(record_id)
        self._data[record_id] = record
        self._index(record_id, email_key(record.get(self.email_field)), stamp)

    def add_new(self, record_id, record: dict, key: str | None, stamp=None) -> None:
        """Seeding's fast path: store a record that is not in the store yet
        whose email key ``key`` (already :func:`email_key`-ed) no record has."""
        self._data[record_id] = record
        if key:
            self._by_email[key] = [record_id]
            self._email_of[record_id] = key
        if self._order is not None:
            self._add_key(record_id, record, stamp)

    def reindex(self, record_id) -> None:
        """The record was changed in place: index its email and stamp again."""
        self.put(record_id, self._data[record_id])

    def _index(self, record_id, key: str | None, stamp) -> None:
        if key:
            ids = self._by_email.setdefault(key, [])
            if record_id not in ids:
                bisect.insort(ids, record_id)
            self._email_of[record_id] = key
        if self._order is not None:
            self._add_key(record_id, self._data[record_id], stamp)

    def _add_key(self, record_id, record, stamp) -> None:
        if stamp is None:
            stamp = self._stamp_of(record)
        key = (stamp, record_id)
        self._key_of[record_id] = key
        self._order.add(key)
        self.max_stamp = max(self.max_stamp, stamp)

    def _unindex(self, record_id) -> None:
        key = self._email_of.pop(record_id, None)
        ids = self._by_email.get(key) if key else None
        if ids and record_id in ids:
            ids.remove(record_id)
            if not ids:
                del self._by_email[key]
        if self._order is not None:
            self._order.remove(self._key_of.pop(record_id))

    @contextlib.contextmanager
    def bulk(self):
        """Seed many back-dated records and sort the change order once."""
        if self._order is None:
            yield self
            return
        with self._order.bulk():
            yield self

    # reading
    def ids_by_email(self, email) -> list:
        """Ids of the records with this email (case and blanks ignored),
        lowest first."""
        key = email_key(email)
        if key is None:
            return []
        return [
            record_id
            for record_id in self._by_email.get(key, ())
            # a record edited in place and not re-indexed is not where the
            # index says
            if email_key(self._data[record_id].get(self.email_field)) == key
        ]

    def id_by_email(self, email):
        """The (lowest) id of a record with this email, or ``None``."""
        ids = self.ids_by_email(email)
        return ids[0] if ids else None

    def taken(self, email_keys: Iterable[str]) -> list[str]:
        """Which of these email keys some record has (one dict lookup each:
        seeding checks 50,000 of them)."""
        return [key for key in email_keys if key in self._by_email]

    def page(
        self, after: Key | None, stamp_after: float | None, limit: int
    ) -> tuple[list[dict], Key | None]:
        """Copies of the records after the key ``after`` and changed strictly
        after ``stamp_after``, in change order; returns them and the key to
        continue from (``None``: nothing left). Ordered stores only."""
        if self._order is None:
            raise TypeError("page() needs a store built with stamp=")
        start = self._order.start(after, stamp_after)
        keys = self._order[start : start + limit]
        more = start + limit < len(self._order)
        records = [dict(self._data[record_id]) for _stamp, record_id in keys]
        return records, (keys[-1] if more and keys else None)


def encode_cursor(key: Key) -> str:
    """An opaque cursor for a keyset position ``(stamp, id)``: changes while a
    client pages neither skip nor repeat a record (a changed one moves to the
    end)."""
    raw = json.dumps(list(key), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key:
    """The ``(stamp, id)`` key of a cursor; ``ValueError`` if it is not one of
    ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error) as exc:
        raise ValueError("invalid cursor") from exc
    match decoded:
        case [int() as stamp, str() | int() as record_id] if not isinstance(
            stamp, bool
        ) and not isinstance(record_id, bool):
            return stamp, record_id
    raise ValueError("invalid cursor")
