"""The emulators' shared record store (tests/sandbox/store.py)."""

import pytest

from tests.sandbox.server import parse_iso
from tests.sandbox.store import (
    KeysetIndex,
    RecordStore,
    decode_cursor,
    email_key,
    encode_cursor,
)


def _stamped():
    return RecordStore(stamp=lambda r: int(parse_iso(r["updated_at"])))


def test_email_key():
    assert email_key("  Ada@Example.COM ") == "ada@example.com"
    assert email_key("") is None
    assert email_key(None) is None
    assert email_key(42) is None


def test_email_index_follows_replacements_and_deletions():
    store = RecordStore()
    store[1] = {"email": "A@x.io"}
    store[2] = {"email": "a@x.io"}
    assert store.ids_by_email("a@X.io") == [1, 2]
    store[1] = {"email": "b@x.io"}
    assert store.ids_by_email("a@x.io") == [2]
    assert store.id_by_email("B@x.io") == 1
    del store[2]
    assert store.id_by_email("a@x.io") is None
    assert store.taken(["a@x.io", "b@x.io"]) == ["b@x.io"]
    with pytest.raises(KeyError):
        del store[2]


def test_in_place_change_then_reindex():
    store = RecordStore()
    store[1] = {"email": "old@x.io"}
    store[1]["email"] = "new@x.io"
    # not re-indexed yet: the stale entry is not trusted, the new one unknown
    assert store.ids_by_email("old@x.io") == []
    assert store.ids_by_email("new@x.io") == []
    store.reindex(1)
    assert store.ids_by_email("new@x.io") == [1]
    assert "old@x.io" not in store.taken(["old@x.io"])


def test_page_in_change_order_with_keyset_and_since():
    store = _stamped()
    for i, second in enumerate((30, 10, 20, 20)):
        store[f"c{i}"] = {
            "email": f"p{i}@x.io",
            "updated_at": f"2026-01-01T00:00:{second}Z",
        }
    first, after = store.page(None, None, 2)
    assert [r["email"] for r in first] == ["p1@x.io", "p2@x.io"]
    rest, end = store.page(after, None, 10)
    assert [r["email"] for r in rest] == ["p3@x.io", "p0@x.io"]
    assert end is None
    since = parse_iso("2026-01-01T00:00:20Z")
    assert [r["email"] for r in store.page(None, since, 10)[0]] == ["p0@x.io"]
    # a change moves the record to the end of the order
    store.put("c1", dict(store["c1"], updated_at="2026-01-01T00:00:40Z"))
    assert [r["email"] for r in store.page(None, since, 10)[0]] == [
        "p0@x.io",
        "p1@x.io",
    ]
    assert store.max_stamp == int(parse_iso("2026-01-01T00:00:40Z"))
    # pages are copies
    first[0]["email"] = "changed@x.io"
    assert store["c1"]["email"] == "p1@x.io"


def test_unordered_store_has_no_page():
    with pytest.raises(TypeError):
        RecordStore().page(None, None, 10)


def test_bulk_seeding_sorts_once_and_clear_forgets_all():
    store = _stamped()
    with store.bulk():
        for i in range(5, 0, -1):
            store.add_new(i, {"email": f"p{i}@x.io"}, f"p{i}@x.io", stamp=100 + i)
    assert [r["email"] for r in store.page(None, None, 10)[0]] == [
        f"p{i}@x.io" for i in range(1, 6)
    ]
    store.clear()
    assert len(store) == 0 and store.max_stamp == 0
    assert store.page(None, None, 10) == ([], None)
    assert store.id_by_email("p1@x.io") is None


def test_keyset_index_start():
    index = KeysetIndex()
    for key in ((2, 1), (1, 5), (2, 0), (3, 2)):
        index.add(key)
    assert list(index) == [(1, 5), (2, 0), (2, 1), (3, 2)]
    assert index.start((2, 0)) == 2
    assert index.start(None, 2) == 3
    index.remove((2, 0))
    index.remove((9, 9))  # absent: nothing happens
    assert list(index) == [(1, 5), (2, 1), (3, 2)]


@pytest.mark.parametrize("key", [(5, "c_000001"), (5, 17)])
def test_cursor_round_trip(key):
    assert decode_cursor(encode_cursor(key)) == key


@pytest.mark.parametrize("cursor", ["garbage", "WyJ4IiwxXQ", "W3RydWUsMV0"])
def test_foreign_cursor_is_refused(cursor):
    # the last two are ["x", 1] and [true, 1]
    with pytest.raises(ValueError):
        decode_cursor(cursor)
