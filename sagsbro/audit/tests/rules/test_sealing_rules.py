"""The sealing arithmetic: MACs need the key, a Merkle root notices any change of its leaves,
checkpoints are signed, keys are parsed strictly."""

import pytest

from sagsbro.audit import rules

KEY = b"k" * 32
OTHER_KEY = b"o" * 32


def test_a_mac_depends_on_the_key_and_on_every_field():
    fields = {"action": "read", "case_id": 7, "username": "anna"}
    assert rules.mac_matches(KEY, fields, rules.mac(KEY, fields))
    assert not rules.mac_matches(OTHER_KEY, fields, rules.mac(KEY, fields))
    assert not rules.mac_matches(KEY, {**fields, "case_id": 8}, rules.mac(KEY, fields))


def test_the_merkle_root_notices_removal_reordering_and_change():
    leaves = [(1, "a"), (2, "b"), (3, "c"), (5, "d"), (8, "e")]
    root = rules.merkle_root(leaves)
    assert rules.merkle_root(list(leaves)) == root
    assert rules.merkle_root(leaves[:-1]) != root
    assert rules.merkle_root(leaves[1:]) != root
    assert rules.merkle_root([leaves[1], leaves[0], *leaves[2:]]) != root
    assert rules.merkle_root([(1, "a"), (2, "b"), (3, "x"), (5, "d"), (8, "e")]) != root
    # An odd last leaf is paired with itself; that must not equal the list with it doubled.
    assert rules.merkle_root([*leaves, leaves[-1]]) != root


def test_a_checkpoint_is_signed_and_survives_its_text_form():
    checkpoint = rules.Checkpoint(
        seq=3,
        total_entries=120,
        last_entry_id=130,
        block_hash="f" * 64,
        sealed_at="2026-11-27T10:00:00+00:00",
        key_id="k1",
    ).signed(KEY)
    again = rules.Checkpoint.from_json(checkpoint.to_json())
    assert again == checkpoint and again.signature_holds(KEY)
    assert not again.signature_holds(OTHER_KEY)
    forged = rules.Checkpoint.from_json(checkpoint.to_json().replace('"seq": 3', '"seq": 2'))
    assert not forged.signature_holds(KEY)


def test_keys_are_read_current_first_and_must_be_long():
    keys = rules.parse_keys(f"new:{'ab' * 32}, old:{'cd' * 32}")
    assert list(keys) == ["new", "old"] and keys["old"] == bytes.fromhex("cd" * 32)
    for bad in ("", "nokey", f"k:{'ab' * 8}", f":{'ab' * 32}", "k:not-hex"):
        with pytest.raises(ValueError):
            rules.parse_keys(bad)
    with pytest.raises(rules.UnknownKeyError):
        rules.key_for(keys, "gone")
