#!/usr/bin/env python3
"""A scriptable external adapter for the host's tests (docs/adapters.md), stdlib only.

Its "venue" is a JSON file in --state-dir, so transfers survive the adapter's restarts.
Faults, each at most once per state directory (a marker file remembers it happened):
  --die-on snapshot        exit without answering the first snapshot
  --die-after-submit       record the first submitted transfer at the venue, then exit unanswered
  --die-before-submit      exit on the first transfer.submit before recording anything
  --hang snapshot          never answer snapshots
  --garbage                write a non-protocol line before every reply
  --version N              announce protocol version N
  --ignore-malformed       do not answer lines that are not JSON (a non-conforming adapter)
"""
import argparse
import json
import os
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--state-dir", required=True)
parser.add_argument("--die-on")
parser.add_argument("--die-after-submit", action="store_true")
parser.add_argument("--die-before-submit", action="store_true")
parser.add_argument("--hang")
parser.add_argument("--garbage", action="store_true")
parser.add_argument("--version", type=int, default=1)
parser.add_argument("--ignore-malformed", action="store_true")
args = parser.parse_args()
os.makedirs(args.state_dir, exist_ok=True)
venue_file = os.path.join(args.state_dir, "transfers.json")
with open(os.path.join(args.state_dir, "starts"), "a") as handle:
    handle.write("%d\n" % os.getpid())


def once(name):
    marker = os.path.join(args.state_dir, "fault-" + name)
    if os.path.exists(marker):
        return False
    open(marker, "w").close()
    return True


def transfers():
    try:
        with open(venue_file) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return []


def save(items):
    with open(venue_file + ".tmp", "w") as handle:
        json.dump(items, handle)
    os.replace(venue_file + ".tmp", venue_file)


def send(line):
    if args.garbage:
        sys.stdout.write("this is a log line on the wrong stream\n")
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def lookup(key):
    for item in transfers():
        if item["key"] == key:
            return item
    return None


for raw in sys.stdin:
    try:
        request = json.loads(raw)
    except ValueError:
        if not args.ignore_malformed:
            send({"id": None, "error": {"code": "invalid_request", "message": "not JSON"}})
        continue
    rid, method, params = request.get("id"), request.get("method"), request.get("params") or {}
    if method == "hello":
        send({"id": rid, "result": {"protocol_version": args.version, "adapter": "fake", "capabilities": ["read", "transfer"]}})
    elif method == "snapshot":
        if args.hang == "snapshot":
            continue
        if args.die_on == "snapshot" and once("snapshot"):
            os._exit(3)
        send({"id": rid, "result": {
            "asset": "USDC", "equity_cents": 1000000, "maintenance_margin_cents": 20000, "initial_margin_cents": 40000,
            "withdrawable_cents": 500000, "withdrawals_enabled": True, "venue_sequence": 7, "margin_source": "reported",
            "positions": [{"market": "BTC", "size": -0.25, "mark_price": 60000.5, "liquidation_price": None}],
        }})
    elif method == "transfer.submit":
        if "key" not in params:
            send({"id": rid, "error": {"code": "invalid_request", "message": "params.key missing"}})
            continue
        if args.die_before_submit and once("before-submit"):
            os._exit(4)
        existing = lookup(params["key"])
        if existing is None:
            existing = {"key": params["key"], "state": "submitted", "venue_id": "w%d" % (len(transfers()) + 1), "reason": None,
                        "amount_cents": params["amount_cents"]}
            save(transfers() + [existing])
            if args.die_after_submit and once("after-submit"):
                os._exit(5)
        send({"id": rid, "result": {k: existing[k] for k in ("key", "state", "venue_id", "reason")}})
    elif method in ("transfer.find", "transfer.status"):
        if "key" not in params:
            send({"id": rid, "error": {"code": "invalid_request", "message": "params.key missing"}})
            continue
        found = lookup(params["key"])
        if found is None and method == "transfer.status":
            send({"id": rid, "error": {"code": "not_found", "message": "no transfer under that key"}})
        else:
            send({"id": rid, "result": found and {k: found[k] for k in ("key", "state", "venue_id", "reason")}})
    else:
        send({"id": rid, "error": {"code": "unsupported", "message": "unknown method %s" % method}})
