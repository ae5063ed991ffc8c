"""The audit log's sealing, as plain functions over bytes and strings.

Why it is built this way (the threat model is in README.md, "Audit log"):

- Each entry carries an HMAC of its content under a key that is kept outside the database, so
  whoever can write to the database but does not hold the key cannot forge or rewrite an
  entry, even by recomputing hashes.
- Entries are appended without any shared lock. A sealer later gathers the unsealed entries
  into blocks: a block holds the Merkle root over its entries' (id, mac) pairs and the hash
  of the block before it, all under the key. Deleting or moving an entry of a sealed block
  breaks its root; deleting whole blocks breaks the chain or falls short of a checkpoint.
- After each block the sealer writes a signed checkpoint (sequence number, entries so far,
  block hash) outside the database. Truncating the log, or deleting the newest blocks and
  faking the head, leaves the database behind its newest checkpoint.

Keys are named by an id stored beside what they sealed, so a key can be rotated: new entries
and blocks use the current key, old ones are checked with the key they name.
"""

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

GENESIS = "0" * 64


class UnknownKeyError(KeyError):
    """A sealed object names a key id this installation does not hold."""


def canonical(fields: Mapping[str, object]) -> bytes:
    """The one byte form of a record that is MACed: sorted keys, no spaces, UTF-8."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def mac(key: bytes, fields: Mapping[str, object]) -> str:
    return hmac.new(key, canonical(fields), hashlib.sha256).hexdigest()


def mac_matches(key: bytes, fields: Mapping[str, object], expected: str) -> bool:
    return hmac.compare_digest(mac(key, fields), expected)


def key_for(keys: Mapping[str, bytes], key_id: str) -> bytes:
    try:
        return keys[key_id]
    except KeyError:
        raise UnknownKeyError(key_id) from None


def _leaf(entry_id: int, entry_mac: str) -> bytes:
    # Domain-separated leaves and nodes, so a node can never pass for a leaf.
    return hashlib.sha256(b"\x00" + f"{entry_id}:{entry_mac}".encode()).digest()


def merkle_root(leaves: Sequence[tuple[int, str]]) -> str:
    """The Merkle root over (entry id, entry mac) pairs in the given order (ascending id)."""
    if not leaves:
        return GENESIS
    level = [_leaf(entry_id, entry_mac) for entry_id, entry_mac in leaves]
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest()
            for i in range(0, len(level) - 1, 2)
        ]
        # An odd node is carried up as it is: doubling it would give a list with its last
        # entry repeated the same root.
        level = paired + ([level[-1]] if len(level) % 2 else [])
    return level[0].hex()


@dataclass(frozen=True)
class BlockFacts:
    """What a block's hash covers."""

    seq: int
    entry_count: int
    total_entries: int
    first_entry_id: int
    last_entry_id: int
    merkle_root: str
    previous_hash: str
    sealed_at: str
    key_id: str

    def fields(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "entry_count": self.entry_count,
            "total_entries": self.total_entries,
            "first_entry_id": self.first_entry_id,
            "last_entry_id": self.last_entry_id,
            "merkle_root": self.merkle_root,
            "previous_hash": self.previous_hash,
            "sealed_at": self.sealed_at,
            "key_id": self.key_id,
        }


def block_hash(key: bytes, facts: BlockFacts) -> str:
    return mac(key, facts.fields())


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement, kept outside the database, of how far the log had come."""

    seq: int
    total_entries: int
    last_entry_id: int
    block_hash: str
    sealed_at: str
    key_id: str
    signature: str = ""

    def fields(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "total_entries": self.total_entries,
            "last_entry_id": self.last_entry_id,
            "block_hash": self.block_hash,
            "sealed_at": self.sealed_at,
            "key_id": self.key_id,
        }

    def signed(self, key: bytes) -> "Checkpoint":
        return replace(self, signature=mac(key, self.fields()))

    def signature_holds(self, key: bytes) -> bool:
        return mac_matches(key, self.fields(), self.signature)

    def to_json(self) -> str:
        return json.dumps({**self.fields(), "signature": self.signature}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Checkpoint":
        data = json.loads(text)
        return cls(
            seq=int(data["seq"]),
            total_entries=int(data["total_entries"]),
            last_entry_id=int(data["last_entry_id"]),
            block_hash=str(data["block_hash"]),
            sealed_at=str(data["sealed_at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )


def parse_keys(text: str) -> dict[str, bytes]:
    """Keys from "id:hexsecret,id:hexsecret" (the first is the current one). Each secret must
    be at least 32 bytes: a short key would make the MACs guessable."""
    keys: dict[str, bytes] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key_id, sep, secret_hex = part.partition(":")
        if not sep or not key_id or len(key_id) > 16:
            raise ValueError("an audit key must be written id:hexsecret, with an id of 1-16 chars")
        secret = bytes.fromhex(secret_hex)
        if len(secret) < 32:
            raise ValueError(f"audit key {key_id!r} is shorter than 32 bytes")
        keys[key_id] = secret
    if not keys:
        raise ValueError("no audit key given")
    return keys
