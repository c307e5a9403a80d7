"""JSON text and content hashes for a push, by msgspec: json.dumps cost three calls per
change, which cost a full batch as much as some of its statements."""

from __future__ import annotations

import hashlib
from typing import Any

import msgspec

from sync import protocol as p

_encode = msgspec.json.Encoder(order="sorted").encode


def text(value: Any) -> str:
    """Compact JSON with sorted keys, for what the server stores (fields, results)."""
    return _encode(value).decode()


def hash_matches(change: p.Change) -> bool:
    """Does the change's content hash match what it says?

    msgspec writes the protocol's canonical form (sorted keys, compact, UTF-8) for
    ordinary values; where it might not agree with json.dumps (a float written another
    way), the protocol's own function decides, so no honest change is ever refused."""
    canonical = _encode([change["table"], change["row_id"], change["person_id"],
                         change["revision_id"], change["base_revision_id"],
                         change["append_only"], change["fields"]])
    if hashlib.sha256(canonical).hexdigest() == change["content_hash"]:
        return True
    return p.content_hash(change) == change["content_hash"]
