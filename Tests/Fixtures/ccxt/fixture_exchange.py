#!/usr/bin/env python3
"""A loopback Binance USD-M + wallet fixture for the ccxt reference adapter (stdlib only).

Answers what ccxt's binanceusdm calls for load_markets, fetchBalance / fetchPositions (with
options useV2 / method=account: GET /fapi/v2/account), withdraw and fetchWithdrawals, shaped like
Binance's documented examples. Signed endpoints check X-MBX-APIKEY and recompute the HMAC-SHA256
signature over the query string concatenated with the body (a bad one: HTTP 400, code -1022).

Control: GET /_fixture/state (withdrawals made, requests served); POST /_fixture/inject
{"fault": "429"|"418"|"500"|"bad_json", "retry_after": seconds, "count": n}.

Usage: fixture_exchange.py --api-key KEY --secret SECRET [--port 0] [--exit-on-stdin-eof];
prints "listening 127.0.0.1:PORT".
"""
import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

LOCK = threading.Lock()
STATE = {
    "wallet": 10000.0,          # USDT wallet balance
    "mark": 60000.0,            # BTCUSDT mark price, moves a little on every read
    "size": 0.5,                # long BTCUSDT
    "entry": 59000.0,
    "withdrawals": [],
    "requests": 0,
    "faults": [],
}

EXCHANGE_INFO = {
    "timezone": "UTC", "serverTime": 0, "futuresType": "U_MARGINED",
    "rateLimits": [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1, "limit": 2400}],
    "exchangeFilters": [],
    "assets": [{"asset": "USDT", "marginAvailable": True, "autoAssetExchange": "-10000"}],
    "symbols": [{
        "symbol": "BTCUSDT", "pair": "BTCUSDT", "contractType": "PERPETUAL", "deliveryDate": 4133404800000,
        "onboardDate": 1569398400000, "status": "TRADING", "maintMarginPercent": "2.5000",
        "requiredMarginPercent": "5.0000", "baseAsset": "BTC", "quoteAsset": "USDT", "marginAsset": "USDT",
        "pricePrecision": 2, "quantityPrecision": 3, "baseAssetPrecision": 8, "quotePrecision": 8,
        "underlyingType": "COIN", "underlyingSubType": [], "settlePlan": 0, "triggerProtect": "0.0500",
        "liquidationFee": "0.012500", "marketTakeBound": "0.05",
        "filters": [
            {"filterType": "PRICE_FILTER", "minPrice": "556.80", "maxPrice": "4529764", "tickSize": "0.10"},
            {"filterType": "LOT_SIZE", "minQty": "0.001", "maxQty": "1000", "stepSize": "0.001"},
            {"filterType": "MARKET_LOT_SIZE", "minQty": "0.001", "maxQty": "120", "stepSize": "0.001"},
            {"filterType": "MIN_NOTIONAL", "notional": "100"},
        ],
        "orderTypes": ["LIMIT", "MARKET"], "timeInForce": ["GTC", "IOC", "FOK", "GTX"],
    }],
}

LEVERAGE_BRACKETS = [{"symbol": "BTCUSDT", "brackets": [
    {"bracket": 1, "initialLeverage": 125, "notionalCap": 50000, "notionalFloor": 0, "maintMarginRatio": 0.004, "cum": 0.0},
    {"bracket": 2, "initialLeverage": 100, "notionalCap": 250000, "notionalFloor": 50000, "maintMarginRatio": 0.005, "cum": 50.0},
]}]

WITHDRAW_STATUS_PROCESSING, WITHDRAW_STATUS_COMPLETED = 4, 6


def account():
    """GET /fapi/v2/account, shaped like Binance's documented example, with balances that move."""
    STATE["mark"] += 5.0
    mark, size = STATE["mark"], STATE["size"]
    notional = mark * size
    pnl = (mark - STATE["entry"]) * size
    maint = notional * 0.004
    initial = notional / 20
    wallet = STATE["wallet"]
    margin_balance = wallet + pnl
    available = max(margin_balance - initial, 0.0)
    now = int(time.time() * 1000)
    f = lambda x: "%.8f" % x
    return {
        "feeTier": 0, "canTrade": True, "canDeposit": True, "canWithdraw": True, "updateTime": 0,
        "multiAssetsMargin": False, "tradeGroupId": -1,
        "totalInitialMargin": f(initial), "totalMaintMargin": f(maint), "totalWalletBalance": f(wallet),
        "totalUnrealizedProfit": f(pnl), "totalMarginBalance": f(margin_balance),
        "totalPositionInitialMargin": f(initial), "totalOpenOrderInitialMargin": "0.00000000",
        "totalCrossWalletBalance": f(wallet), "totalCrossUnPnl": f(pnl), "availableBalance": f(available),
        "maxWithdrawAmount": f(available),
        "assets": [{
            "asset": "USDT", "walletBalance": f(wallet), "unrealizedProfit": f(pnl), "marginBalance": f(margin_balance),
            "maintMargin": f(maint), "initialMargin": f(initial), "positionInitialMargin": f(initial),
            "openOrderInitialMargin": "0.00000000", "crossWalletBalance": f(wallet), "crossUnPnl": f(pnl),
            "availableBalance": f(available), "maxWithdrawAmount": f(available), "marginAvailable": True, "updateTime": now,
        }],
        "positions": [{
            "symbol": "BTCUSDT", "initialMargin": f(initial), "maintMargin": f(maint), "unrealizedProfit": f(pnl),
            "positionInitialMargin": f(initial), "openOrderInitialMargin": "0", "leverage": "20", "isolated": False,
            "entryPrice": f(STATE["entry"]), "breakEvenPrice": "0.0", "maxNotional": "250000", "bidNotional": "0",
            "askNotional": "0", "positionSide": "BOTH", "positionAmt": "%.3f" % size, "updateTime": now,
            "notional": f(notional), "isolatedWallet": "0", "markPrice": f(mark),
            "liquidationPrice": f(STATE["entry"] - margin_balance / size * 0.9),
        }],
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    api_key = ""
    secret = ""

    def log_message(self, *args):
        pass

    def send(self, status, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def handle_any(self, method):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        if url.path.startswith("/_fixture/"):
            return self.control(url.path, body)
        with LOCK:
            STATE["requests"] += 1
            fault = STATE["faults"].pop(0) if STATE["faults"] else None
        if fault:
            kind = fault.get("fault")
            if kind in ("429", "418"):
                return self.send(int(kind), {"code": -1003, "msg": "Too many requests; current limit is 2400 requests per minute."},
                                 {"Retry-After": str(fault.get("retry_after", 1))})
            if kind == "500":
                return self.send(500, {"code": -1001, "msg": "Internal error; unable to process your request. Please try again."})
            if kind == "bad_json":
                return self.send(200, b'{"totalMarginBalance": ')
        if url.path == "/fapi/v1/exchangeInfo":
            return self.send(200, dict(EXCHANGE_INFO, serverTime=int(time.time() * 1000)))
        signed = {
            ("GET", "/fapi/v2/account"): lambda p: account(),
            ("GET", "/fapi/v1/leverageBracket"): lambda p: LEVERAGE_BRACKETS,
            ("POST", "/sapi/v1/capital/withdraw/apply"): self.withdraw,
            ("GET", "/sapi/v1/capital/withdraw/history"): self.history,
        }.get((method, url.path))
        if signed is None:
            return self.send(404, {"code": -1000, "msg": "fixture has no %s %s" % (method, url.path)})
        params = self.authenticate(url.query, body)
        if params is None:
            return
        with LOCK:
            result = signed(params)
        if isinstance(result, tuple):
            return self.send(*result)
        self.send(200, result, {"X-MBX-USED-WEIGHT-1M": str(STATE["requests"])})

    def authenticate(self, query, body):
        if self.headers.get("X-MBX-APIKEY") != self.api_key:
            self.send(401, {"code": -2015, "msg": "Invalid API-key, IP, or permissions for action."})
            return None
        total = query + body
        parts = total.rsplit("&signature=", 1) if "&signature=" in total else total.split("signature=", 1)
        if len(parts) != 2:
            self.send(400, {"code": -1102, "msg": "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."})
            return None
        payload, signature = parts
        expected = hmac.new(self.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            self.send(400, {"code": -1022, "msg": "Signature for this request is not valid."})
            return None
        params = dict(parse_qsl(payload))
        if "timestamp" not in params:
            self.send(400, {"code": -1102, "msg": "Mandatory parameter 'timestamp' was not sent."})
            return None
        return params

    def withdraw(self, params):
        for name in ("coin", "address", "amount"):
            if not params.get(name):
                return (400, {"code": -1102, "msg": "Mandatory parameter '%s' was not sent." % name})
        amount = float(params["amount"])
        if amount > STATE["wallet"]:
            return (400, {"code": -4026, "msg": "User has insufficient balance"})
        STATE["wallet"] -= amount
        entry = {
            "id": "b6ae22b3aa844210a7041aee7589%04d" % len(STATE["withdrawals"]), "amount": params["amount"],
            "transactionFee": "0.0", "coin": params["coin"], "status": WITHDRAW_STATUS_PROCESSING,
            "address": params["address"], "txId": "", "applyTime": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()),
            "network": params.get("network", "ETH"), "transferType": 0, "withdrawOrderId": params.get("withdrawOrderId", ""),
            "info": "", "confirmNo": 0, "walletType": 0, "txKey": "", "reads": 0,
        }
        STATE["withdrawals"].append(entry)
        return {"id": entry["id"]}

    def history(self, params):
        wanted = params.get("withdrawOrderId")
        out = []
        for entry in STATE["withdrawals"]:
            if wanted and entry["withdrawOrderId"] != wanted:
                continue
            entry["reads"] += 1
            if entry["reads"] >= 2:
                entry["status"] = WITHDRAW_STATUS_COMPLETED
            out.append({k: v for k, v in entry.items() if k != "reads"})
        return out

    def control(self, path, body):
        if path == "/_fixture/state":
            with LOCK:
                return self.send(200, {"withdrawals": STATE["withdrawals"], "requests": STATE["requests"], "wallet": STATE["wallet"]})
        if path == "/_fixture/inject":
            fault = json.loads(body or "{}")
            with LOCK:
                STATE["faults"].extend([fault] * int(fault.get("count", 1)))
            return self.send(200, {"ok": True})
        self.send(404, {"error": "unknown control path"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()
    Handler.api_key, Handler.secret = args.api_key, args.secret
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("listening 127.0.0.1:%d" % server.server_address[1], flush=True)
    if args.exit_on_stdin_eof:
        # The test holds our stdin: when it ends (even by a crash), so do we.
        threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
