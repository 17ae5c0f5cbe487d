#!/usr/bin/env python3
"""Loopback fixture of a venue's HTTP API, for rebalancer's tests. Standard library only.

    python3 venue_fixture.py --venue hyperliquid|binance|dydx [--port 0]

Prints `listening 127.0.0.1:PORT` as its first stdout line, then serves until killed.

It answers like the venue's published API (bodies start from the docs' examples in
examples/), with balances that move, and checks authentication as the venue does (Binance: the
X-MBX-APIKEY header, HMAC-SHA256 recomputed over the exact query string and body, a bad one
answered HTTP 400 {"code":-1022,...}). Control endpoints, all JSON:

  POST /_fixture/inject    {"fault": "429"|"418"|"500"|"503"|"slow"|"malformed"|"missing",
                            "count": 1, "retry_after": 2, "delay_ms": 3000, "field": "a.b",
                            "path": "/fapi/v2/account"}   queue a fault for the next requests
  POST /_fixture/clear     drop every queued fault
  POST /_fixture/state     {"set": {"dotted.field": "value"}}   change the account (GET: the account now)
  POST /_fixture/drift     {"by": "-10.5"}   every account read moves equity/withdrawable by this
  POST /_fixture/credit    {"by": "2500"}    a deposit: equity/withdrawable move once by this
  POST /_fixture/withdraw_script {"statuses": [4, 4, 5], "info": "..."}   (binance) the status
                            each later history lookup of a new withdrawal shows, last one sticks
  GET  /_fixture/requests  every venue request so far: method, path, arrival t_ms, status
  GET  /_fixture/withdrawals  (binance) every withdrawal applied, duplicates included
"""
import argparse
import copy
import hashlib
import hmac
import json
import os
import re
import signal
import sys
import threading
import time
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))


def example(name):
    with open(os.path.join(HERE, "examples", name)) as handle:
        return json.load(handle)


def now_ms():
    return int(time.time() * 1000)


def set_path(obj, dotted, value):
    keys = dotted.split(".")
    for key in keys[:-1]:
        obj = obj[int(key)] if isinstance(obj, list) else obj[key]
    last = keys[-1]
    if isinstance(obj, list):
        obj[int(last)] = value
    else:
        obj[last] = value


def delete_path(obj, dotted):
    keys = dotted.split(".")
    for key in keys[:-1]:
        obj = obj[int(key)] if isinstance(obj, list) else obj[key]
    if isinstance(obj, dict):
        obj.pop(keys[-1], None)


def move(text, by):
    places = len(text.split(".")[1]) if "." in text else 0
    return str((Decimal(text) + by).quantize(Decimal(1).scaleb(-places)))


class Venue:
    """State shared by the handler threads; one lock around everything."""

    def __init__(self, kind, api_key, api_secret):
        self.kind = kind
        self.api_key = api_key
        self.api_secret = api_secret
        self.lock = threading.Lock()
        self.faults = []
        self.requests = []
        self.drift = Decimal(0)
        self.withdrawals = []
        self.script = {"statuses": [4, 6], "info": None}
        self.used_weight = []  # (t_ms, weight)
        if kind == "hyperliquid":
            self.state = {"perp": example("hyperliquid_clearinghouseState.json"),
                          "spot": example("hyperliquid_spotClearinghouseState.json")}
            self.moving = [("perp", "marginSummary.accountValue"), ("perp", "withdrawable")]
        elif kind == "binance":
            self.state = {"account": example("binance_fapi_v2_account.json")}
            self.moving = [("account", "totalMarginBalance"), ("account", "totalWalletBalance"),
                           ("account", "availableBalance"), ("account", "maxWithdrawAmount")]
        elif kind == "dydx":
            self.state = {"subaccount": example("dydx_subaccount.json"),
                          "markets": example("dydx_perpetualMarkets.json")}
            self.moving = [("subaccount", "subaccount.equity"), ("subaccount", "subaccount.freeCollateral")]
        else:
            raise SystemExit(f"unknown venue {kind}")

    def take_fault(self, path):
        for fault in self.faults:
            if fault.get("path") in (None, path):
                fault["count"] = fault.get("count", 1) - 1
                if fault["count"] <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def apply_drift(self):
        if self.drift == 0:
            return
        for part, field in self.moving:
            obj = self.state[part]
            keys = field.split(".")
            for key in keys[:-1]:
                obj = obj[key]
            obj[keys[-1]] = move(obj[keys[-1]], self.drift)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "venue-fixture/1"

    def log_message(self, *args):
        pass

    @property
    def venue(self):
        return self.server.venue

    def reply(self, status, body, headers=None, raw=None):
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        arrived = now_ms()
        split = urlsplit(self.path)
        body = self.read_body()
        if split.path.startswith("/_fixture/"):
            return self.control(method, split.path, body)
        with self.venue.lock:
            entry = {"method": method, "path": split.path, "t_ms": arrived, "status": None}
            self.venue.requests.append(entry)
            fault = self.venue.take_fault(split.path)
        status, payload, headers, raw = self.answer(method, split, body, fault)
        entry["status"] = status
        if fault and fault["fault"] == "slow":
            time.sleep(fault.get("delay_ms", 3000) / 1000)
        try:
            self.reply(status, payload, headers, raw)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def answer(self, method, split, body, fault):
        kind = fault["fault"] if fault else None
        if kind in ("429", "418"):
            return int(kind), {"code": -1003, "msg": "Too many requests; current limit is 2400 request weight per 1 MINUTE."}, \
                {"Retry-After": fault.get("retry_after", 1)}, None
        if kind in ("500", "502", "503"):
            return int(kind), {"code": -1001, "msg": "Internal error; unable to process your request. Please try again."}, {}, None
        if kind == "malformed":
            return 200, None, {}, b'{"marginSummary": {"accountValue": "1' 
        with self.venue.lock:
            handler = getattr(self, "venue_" + self.venue.kind)
            status, payload, headers = handler(method, split, body)
            if kind == "missing" and status == 200:
                payload = copy.deepcopy(payload)
                delete_path(payload, fault["field"])
        return status, payload, headers, None

    # Hyperliquid: POST /info
    def venue_hyperliquid(self, method, split, body):
        if method != "POST" or split.path != "/info":
            return 404, {"error": "not found"}, {}
        try:
            request = json.loads(body)
        except ValueError:
            return 422, "Failed to deserialize the JSON body into the target type", {}
        user = request.get("user", "")
        if not re.fullmatch(r"0x[0-9a-fA-F]{40}", user):
            return 422, "Failed to deserialize the JSON body into the target type", {}
        if request.get("type") == "clearinghouseState":
            self.venue.apply_drift()
            perp = self.venue.state["perp"]
            perp["time"] = max(perp["time"] + 1, now_ms())
            return 200, perp, {}
        if request.get("type") == "spotClearinghouseState":
            return 200, self.venue.state["spot"], {}
        return 422, "Failed to deserialize the JSON body into the target type", {}

    # Binance: signed GET /fapi/v2/account, POST /sapi/v1/capital/withdraw/apply, GET .../history
    def venue_binance(self, method, split, body):
        weight = {"/fapi/v2/account": 5}.get(split.path, 1)
        cutoff = now_ms() - 60_000
        self.venue.used_weight = [w for w in self.venue.used_weight if w[0] > cutoff] + [(now_ms(), weight)]
        headers = {"X-MBX-USED-WEIGHT-1M": sum(w for _, w in self.venue.used_weight)}
        if self.headers.get("X-MBX-APIKEY") != self.venue.api_key:
            return 401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."}, headers
        query = split.query
        match = re.search(r"(?:^|&)signature=([0-9a-fA-F]*)$", query)
        if not match:
            return 400, {"code": -1102, "msg": "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."}, headers
        payload = query[:match.start()] + body.decode()
        expected = hmac.new(self.venue.api_secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, match.group(1).lower()):
            return 400, {"code": -1022, "msg": "Signature for this request is not valid."}, headers
        params = dict(parse_qsl(query[:match.start()] + ("&" + body.decode() if body else "")))
        stamp = int(params.get("timestamp", "0"))
        window = int(params.get("recvWindow", "5000"))
        if stamp > now_ms() + 1000 or now_ms() - stamp > window:
            return 400, {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}, headers
        if method == "GET" and split.path == "/fapi/v2/account":
            self.venue.apply_drift()
            return 200, self.venue.state["account"], headers
        if method == "POST" and split.path == "/sapi/v1/capital/withdraw/apply":
            return self.withdraw_apply(params, headers)
        if method == "GET" and split.path == "/sapi/v1/capital/withdraw/history":
            wanted = params.get("withdrawOrderId")
            out = []
            for record in self.venue.withdrawals:
                if wanted is None or record["withdrawOrderId"] == wanted:
                    script = record.pop("_script")
                    record["status"] = script[min(record["_lookups"], len(script) - 1)]
                    record["_lookups"] += 1
                    if record["status"] in (1, 3, 5) and record.get("_info"):
                        record["info"] = record["_info"]
                    out.append({k: v for k, v in record.items() if not k.startswith("_")})
                    record["_script"] = script
            return 200, out, headers
        return 404, {"code": -5000, "msg": "Path not found"}, headers

    def withdraw_apply(self, params, headers):
        for name in ("coin", "address", "amount"):
            if not params.get(name):
                return 400, {"code": -1102, "msg": f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."}, headers
        amount = Decimal(params["amount"])
        account = self.venue.state["account"]
        if amount <= 0 or amount > Decimal(account["maxWithdrawAmount"]):
            return 400, {"code": -4026, "msg": "User has insufficient balance"}, headers
        for field in ("totalMarginBalance", "totalWalletBalance", "availableBalance", "maxWithdrawAmount"):
            account[field] = move(account[field], -amount)
        record = {
            "id": uuid.uuid4().hex, "amount": params["amount"], "transactionFee": "0.8", "coin": params["coin"],
            "status": 0, "address": params["address"], "txId": "", "applyTime": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            "network": params.get("network", "ETH"), "transferType": 0, "withdrawOrderId": params.get("withdrawOrderId", ""),
            "info": "", "confirmNo": 0, "walletType": 1, "txKey": "", "completeTime": "",
            "_script": list(self.venue.script["statuses"]), "_lookups": 0, "_info": self.venue.script.get("info"),
        }
        self.venue.withdrawals.append(record)
        return 200, {"id": record["id"]}, headers

    # dYdX v4 indexer: GET /v4/addresses/{address}/subaccountNumber/{n}, GET /v4/perpetualMarkets
    def venue_dydx(self, method, split, body):
        if method != "GET":
            return 404, {"errors": [{"msg": "Not found"}]}, {}
        if split.path == "/v4/perpetualMarkets":
            return 200, self.venue.state["markets"], {}
        match = re.fullmatch(r"/v4/addresses/([^/]+)/subaccountNumber/(\d+)", split.path)
        if match:
            sub = self.venue.state["subaccount"]["subaccount"]
            if match.group(1) != sub["address"] or int(match.group(2)) != sub["subaccountNumber"]:
                return 404, {"errors": [{"msg": f"No subaccount found with address {match.group(1)} and subaccountNumber {match.group(2)}"}]}, {}
            self.venue.apply_drift()
            sub["latestProcessedBlockHeight"] = str(int(sub["latestProcessedBlockHeight"]) + 1)
            return 200, self.venue.state["subaccount"], {}
        return 404, {"errors": [{"msg": "Not found"}]}, {}

    def control(self, method, path, body):
        venue = self.venue
        try:
            request = json.loads(body) if body else {}
        except ValueError:
            return self.reply(400, {"error": "control body is not JSON"})
        with venue.lock:
            if path == "/_fixture/inject" and method == "POST":
                fault = dict(request)
                fault["fault"] = str(fault.get("fault"))
                fault.setdefault("count", 1)
                venue.faults.append(fault)
                return self.reply(200, {"queued": len(venue.faults)})
            if path == "/_fixture/clear" and method == "POST":
                venue.faults.clear()
                return self.reply(200, {"ok": True})
            if path == "/_fixture/state" and method == "GET":
                return self.reply(200, venue.state)
            if path == "/_fixture/state" and method == "POST":
                part = {"hyperliquid": "perp", "binance": "account", "dydx": "subaccount"}[venue.kind]
                for field, value in request.get("set", {}).items():
                    target, _, rest = field.partition(":")
                    if rest:
                        set_path(venue.state[target], rest, value)
                    else:
                        set_path(venue.state[part], field, value)
                return self.reply(200, {"ok": True})
            if path == "/_fixture/credit" and method == "POST":
                # A deposit arrived (the test plays the chain between venues): equity and what
                # can be withdrawn move once by `by`.
                by = Decimal(str(request.get("by", "0")))
                for part, field in venue.moving:
                    obj = venue.state[part]
                    keys = field.split(".")
                    for key in keys[:-1]:
                        obj = obj[key]
                    obj[keys[-1]] = move(obj[keys[-1]], by)
                return self.reply(200, {"ok": True})
            if path == "/_fixture/drift" and method == "POST":
                venue.drift = Decimal(str(request.get("by", "0")))
                return self.reply(200, {"ok": True})
            if path == "/_fixture/withdraw_script" and method == "POST":
                venue.script = {"statuses": list(request.get("statuses", [4, 6])), "info": request.get("info")}
                return self.reply(200, {"ok": True})
            if path == "/_fixture/requests":
                return self.reply(200, venue.requests)
            if path == "/_fixture/withdrawals":
                return self.reply(200, [{k: v for k, v in r.items() if not k.startswith("_")} for r in venue.withdrawals])
        return self.reply(404, {"error": f"no control endpoint {method} {path}"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venue", required=True, choices=["hyperliquid", "binance", "dydx"])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-key", default="fixture-api-key")
    parser.add_argument("--api-secret", default="fixture-api-secret")
    args = parser.parse_args()
    # The test runner may start us with SIGTERM blocked or ignored; make it end us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.venue = Venue(args.venue, args.api_key, args.api_secret)
    print(f"listening 127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
