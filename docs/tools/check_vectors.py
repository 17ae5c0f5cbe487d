#!/usr/bin/env python3
"""Independent check of the rebalancer wire test vectors, following docs/wire.md only.

Usage: python3 docs/tools/check_vectors.py Tests/RebalancerWireTests/Vectors

Needs the Python standard library and the `cryptography` package (Ed25519). It does not use
the Swift code or generated protobuf code: the envelope and plan digests are rebuilt byte by byte
from the rules in docs/wire.md, and the few protobuf messages it reads are parsed with the small
wire-format reader below. Exits non-zero and prints every mismatch if anything disagrees.
"""
import hashlib
import json
import os
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ENVELOPE_TAG = b"rebalancer/envelope/v1"
PLAN_TAG = b"rebalancer/plan/v1"
TYPE_VOTE = 3
TYPE_APPROVED_PLAN = 4

failures = []


def fail(where, what):
    failures.append(f"{where}: {what}")


# ---- digest inputs (docs/wire.md, "Signing rule") ----

def u32(n):
    return struct.pack(">I", n)


def u64(n):
    """u64 big-endian; a signed int64 is written as its two's-complement bit pattern."""
    return struct.pack(">Q", n & 0xFFFFFFFFFFFFFFFF)


def field(b):
    """A variable-length field: u32 big-endian length, then the bytes."""
    return u32(len(b)) + b


def envelope_input(msg_type, sender, payload):
    return field(ENVELOPE_TAG) + u32(msg_type & 0xFFFFFFFF) + field(sender.encode("utf-8")) + field(payload)


def plan_input(plan):
    out = field(PLAN_TAG)
    out += field(plan["topology_id"].encode("utf-8"))
    out += u64(plan["epoch"]) + u64(plan["plan_seq"]) + u64(plan["expires_at_ns"])
    transfers = sorted(plan["transfers"], key=lambda t: (t["from"].encode("utf-8"), t["to"].encode("utf-8"), t["amount"]))
    out += u32(len(transfers))
    for t in transfers:
        out += field(t["from"].encode("utf-8")) + field(t["to"].encode("utf-8")) + u64(t["amount"])
    basis = sorted(plan["basis"], key=lambda b: b["venue"].encode("utf-8"))  # stable
    out += u32(len(basis))
    for b in basis:
        out += field(b["venue"].encode("utf-8")) + u64(b["seq"]) + field(bytes.fromhex(b["digest_hex"]))
    return out


# ---- a minimal protobuf wire-format reader ----

def read_varint(buf, i):
    shift = result = 0
    while True:
        if i >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        byte = buf[i]
        i += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, i
        shift += 7


def parse(buf):
    """Returns {field number: [values]}; varints as unsigned ints, length-delimited as bytes."""
    fields, i = {}, 0
    while i < len(buf):
        key, i = read_varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            length, i = read_varint(buf, i)
            value, i = buf[i:i + length], i + length
        elif wire == 5:
            value, i = buf[i:i + 4], i + 4
        else:
            raise ValueError(f"wire type {wire}")
        if i > len(buf):
            raise ValueError("truncated")
        fields.setdefault(number, []).append(value)
    return fields


def one(fields, number, default):
    return fields.get(number, [default])[-1]


def signed64(n):
    return n - (1 << 64) if n >= 1 << 63 else n


def plan_from_protobuf(buf):
    """The covered fields of a Plan message, in the JSON shape of plan.json."""
    p = parse(buf)
    transfers = []
    for t in p.get(6, []):
        tf = parse(t)
        transfers.append({"from": one(tf, 1, b"").decode(), "to": one(tf, 2, b"").decode(), "amount": signed64(one(tf, 3, 0))})
    basis = []
    for b in p.get(7, []):
        bf = parse(b)
        basis.append({"venue": one(bf, 1, b"").decode(), "seq": one(bf, 2, 0), "digest_hex": one(bf, 4, b"").hex()})
    return {
        "topology_id": one(p, 1, b"").decode(), "epoch": one(p, 2, 0), "plan_seq": one(p, 3, 0),
        "expires_at_ns": signed64(one(p, 5, 0)), "transfers": transfers, "basis": basis,
    }


# ---- Ed25519 ----

def test_key(node):
    """The vectors' test-only keys: seed = SHA-256("rebalancer/test-only-key/<node id>")."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"rebalancer/test-only-key/" + node.encode()).digest())


def raw_public(private):
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def valid(public, signature, message):
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


# ---- the checks ----

def check_plans(cases):
    digests = {}
    for n, case in enumerate(cases, 1):
        where = f"plan.json case {n} ({case['description']})"
        data = plan_input(case["plan"])
        if data.hex() != case["input_hex"]:
            fail(where, f"digest input differs\n  ours:   {data.hex()}\n  vector: {case['input_hex']}")
        digest = hashlib.sha256(data).hexdigest()
        if digest != case["digest_hex"]:
            fail(where, f"digest {digest} != {case['digest_hex']}")
        if hashlib.sha256(bytes.fromhex(case["input_hex"])).hexdigest() != case["digest_hex"]:
            fail(where, "digest_hex is not SHA-256 of input_hex")
        digests[n] = case["digest_hex"]
    if len(set(digests.values())) != len(digests):
        fail("plan.json", "two different plans share a digest")
    return digests


def check_envelopes(cases, plan_digests):
    for n, case in enumerate(cases, 1):
        where = f"envelope.json case {n} ({case['description']})"
        payload = bytes.fromhex(case["payload_hex"])
        public = bytes.fromhex(case["public_key_hex"])
        signature = bytes.fromhex(case["signature_hex"])
        digest = hashlib.sha256(envelope_input(case["type"], case["sender"], payload)).digest()
        if digest.hex() != case["digest_hex"]:
            fail(where, f"digest {digest.hex()} != {case['digest_hex']}")
        seed_key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(case["test_only_seed_hex"]))
        if raw_public(seed_key) != public:
            fail(where, "public key does not belong to the test-only seed")
        if raw_public(test_key(case["sender"])) != public:
            fail(where, "test-only seed is not SHA-256(\"rebalancer/test-only-key/<sender>\")")
        if not valid(public, signature, digest):
            fail(where, "signature does not verify over the digest")
        # Tampering with any signed field must break the signature.
        tampered = [
            ("payload", envelope_input(case["type"], case["sender"], payload + b"\x00")),
            ("type", envelope_input(case["type"] + 1, case["sender"], payload)),
            ("sender", envelope_input(case["type"], case["sender"] + "x", payload)),
        ]
        if payload:
            flipped = bytes([payload[0] ^ 1]) + payload[1:]
            tampered.append(("flipped payload bit", envelope_input(case["type"], case["sender"], flipped)))
        for name, data in tampered:
            if valid(public, signature, hashlib.sha256(data).digest()):
                fail(where, f"signature still verifies with tampered {name}")
        # The envelope frame itself.
        env = parse(bytes.fromhex(case["envelope_hex"]))
        got = (one(env, 1, 0), one(env, 2, b"").decode(), one(env, 3, b""), one(env, 4, b""))
        if got != (case["type"], case["sender"], payload, signature):
            fail(where, f"envelope_hex decodes to {got}")
        # Payload-specific checks.
        if case["type"] == TYPE_VOTE:
            vote = parse(payload)
            if one(vote, 3, 0) == 1:  # APPROVE
                plan_digest, approval = one(vote, 2, b""), one(vote, 5, b"")
                if not valid(public, approval, plan_digest):
                    fail(where, "vote approval does not verify over plan_digest")
                if plan_digest.hex() not in plan_digests.values():
                    fail(where, "vote plan_digest is not a digest from plan.json")
        if case["type"] == TYPE_APPROVED_PLAN:
            approved = parse(payload)
            plan = plan_from_protobuf(one(approved, 1, b""))
            plan_digest = hashlib.sha256(plan_input(plan)).digest()
            if plan_digest.hex() not in plan_digests.values():
                fail(where, "recomputed plan digest is not a digest from plan.json")
            signers = set()
            for a in approved.get(2, []):
                af = parse(a)
                verifier = one(af, 1, b"").decode()
                if valid(raw_public(test_key(verifier)), one(af, 2, b""), plan_digest):
                    signers.add(verifier)
                else:
                    fail(where, f"approval of {verifier} does not verify over the recomputed plan digest")
            if len(signers) < 3:
                fail(where, f"only {len(signers)} valid approvals")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    directory = sys.argv[1]
    with open(os.path.join(directory, "plan.json")) as f:
        plans = json.load(f)
    with open(os.path.join(directory, "envelope.json")) as f:
        envelopes = json.load(f)
    plan_digests = check_plans(plans)
    check_envelopes(envelopes, plan_digests)
    for line in failures:
        print("FAIL", line)
    failed = len({line.split(":")[0] for line in failures})
    print(f"vectors: {len(plans) + len(envelopes) - failed} passed, {failed} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
