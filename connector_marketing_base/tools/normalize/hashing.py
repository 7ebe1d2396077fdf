# Copyright 2026 Marketing Connectors contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The export hash: equal payloads hash equal, in any process."""

import hashlib
import json


def _canonical(value):
    """Copy ``value`` into JSON-ready data independent of order and process.

    Dict keys become strings (``sort_keys`` cannot compare ``1`` and ``"a"``;
    JSON would stringify them anyway), tuples become lists, and sets become
    lists sorted by their own canonical JSON: ``str(set)`` follows the string
    hash seed, which differs per process, so ``default=str`` alone would give
    a different hash in every Odoo worker.
    """
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, set | frozenset):
        items = [_canonical(item) for item in value]
        return sorted(items, key=_dumps)
    return value


def _dumps(value):
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )


def payload_hash(payload: dict) -> str:
    """SHA-256 (hex) of the canonical JSON of an export payload.

    Why: stored as ``export_hash`` on the binding; an export whose payload
    hashes the same as last time is skipped (echo suppression).
    Equal payloads must therefore hash equal whatever their key order and in
    whatever process: keys are sorted at every level, separators fixed,
    non-ASCII kept as UTF-8, sets ordered (see ``_canonical``) and other
    non-JSON values (dates, Decimals) written with ``str``.  Types still
    matter: ``1`` and ``1.0`` or ``"1"`` hash differently.
    """
    data = _dumps(_canonical(payload)).encode("utf-8")
    return hashlib.sha256(data).hexdigest()
