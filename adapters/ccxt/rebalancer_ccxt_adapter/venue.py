"""One ccxt exchange account seen through the protocol: snapshot and transfers."""
import json
import math
import os
import sys
import time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from urllib.parse import urlsplit, urlunsplit

import ccxt

from .errors import typed
from .protocol import AdapterError

# Exchanges whose withdraw call takes a client-chosen id that their withdrawal history can be
# filtered by: the idempotency key goes there. Others fall back to a local record (see find()).
CLIENT_ID_PARAMS = {
    "binance": "withdrawOrderId",
    "binanceusdm": "withdrawOrderId",
    "binancecoinm": "withdrawOrderId",
}

STATES = {"pending": "pending", "ok": "settled", "failed": "failed", "canceled": "failed"}


def cents(value, rounding):
    """A decimal amount as integer cents, rounded the conservative way for its meaning."""
    if value is None:
        return None
    return int((Decimal(str(value)) * 100).to_integral_value(rounding=rounding))


def point_at(exchange, base_url):
    """Sends every API group of `exchange` to `base_url` (scheme and host), keeping its paths."""
    base = urlsplit(base_url)

    def move(url):
        if isinstance(url, dict):
            return {key: move(value) for key, value in url.items()}
        if isinstance(url, str) and url.startswith("http"):
            parts = urlsplit(url)
            return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))
        return url

    exchange.urls["api"] = move(exchange.urls["api"])


class Venue:
    def __init__(self, exchange_id, api_key, secret, asset, base_url=None, state_file=None, read_only=False, timeout_ms=10000):
        if exchange_id not in ccxt.exchanges:
            raise SystemExit("unknown ccxt exchange %r" % exchange_id)
        options = {
            "fetchCurrencies": False,                     # private and slow; currencies come from the markets
            "fetchMargins": False,
            "fetchBalance": {"useV2": True},              # Binance USD-M: GET /fapi/v2/account
            "fetchPositions": {"method": "account"},      # positions from the same account endpoint
            "fetchAccountPositions": {"useV2": True},
        }
        self.exchange = getattr(ccxt, exchange_id)({
            "apiKey": api_key, "secret": secret, "enableRateLimit": True, "timeout": timeout_ms, "options": options,
        })
        if base_url:
            point_at(self.exchange, base_url)
        self.exchange_id = exchange_id
        self.asset = asset
        self.read_only = read_only
        self.client_id_param = CLIENT_ID_PARAMS.get(exchange_id)
        self.state_file = state_file or os.path.expanduser("~/.rebalancer-ccxt-%s.json" % exchange_id)
        self.last_sequence = 0

    def capabilities(self):
        can_transfer = not self.read_only and bool(self.exchange.has.get("withdraw")) and bool(self.exchange.has.get("fetchWithdrawals"))
        return ["read", "transfer"] if can_transfer else ["read"]

    def call(self, method, *args, **kwargs):
        try:
            return getattr(self.exchange, method)(*args, **kwargs)
        except ccxt.BaseError as error:
            raise typed(error, self.exchange) from error

    # snapshot

    def snapshot(self, _params):
        balance = self.call("fetch_balance")
        positions = self.call("fetch_positions") if self.exchange.has.get("fetchPositions") else []
        total = balance.get("total", {}).get(self.asset)
        free = balance.get("free", {}).get(self.asset)
        if total is None:
            raise AdapterError("malformed", "no %s balance in fetchBalance" % self.asset, field="total.%s" % self.asset)
        if free is None:
            raise AdapterError("malformed", "no free %s in fetchBalance" % self.asset, field="free.%s" % self.asset)
        maintenance, initial, derived, out = Decimal(0), Decimal(0), False, []
        for position in positions:
            contracts = position.get("contracts") or 0
            if not contracts:
                continue
            mark = position.get("markPrice")
            if mark is None and position.get("notional"):  # account endpoints give notional, not the mark
                mark = abs(position["notional"]) / (abs(contracts) * (position.get("contractSize") or 1))
            if mark is None or not mark > 0:
                raise AdapterError("malformed", "position without a mark price", field="positions.markPrice")
            notional = abs(position.get("notional") or contracts * (position.get("contractSize") or 1) * mark)
            mm = position.get("maintenanceMargin")
            if mm is None:
                fraction = position.get("maintenanceMarginPercentage")
                if fraction is None:
                    raise AdapterError("malformed", "position without maintenance margin", field="positions.maintenanceMargin")
                mm, derived = notional * fraction, True
            im = position.get("initialMargin")
            if im is None:
                im = notional * (position.get("initialMarginPercentage") or 0)
            maintenance += Decimal(str(mm))
            initial += Decimal(str(im))
            side = -1 if position.get("side") == "short" else 1
            liquidation = position.get("liquidationPrice")
            out.append({
                "market": position.get("symbol") or "?",
                "size": side * abs(float(contracts)),
                "mark_price": float(mark),
                "liquidation_price": float(liquidation) if liquidation and math.isfinite(liquidation) and liquidation > 0 else None,
            })
        equity = cents(total, ROUND_FLOOR)
        withdrawable = max(0, min(cents(free, ROUND_FLOOR), max(equity, 0)))
        info = balance.get("info") if isinstance(balance.get("info"), dict) else {}
        enabled = info.get("canWithdraw", True)
        stamp = balance.get("timestamp") or int(time.time() * 1000)
        self.last_sequence = max(self.last_sequence, int(stamp))
        return {
            "asset": self.asset,
            "equity_cents": equity,
            "maintenance_margin_cents": cents(maintenance, ROUND_CEILING),
            "initial_margin_cents": cents(initial, ROUND_CEILING),
            "withdrawable_cents": withdrawable,
            "withdrawals_enabled": enabled is True or enabled == "true",
            "positions": out,
            "venue_sequence": self.last_sequence,
            "margin_source": "derived" if derived else "reported",
        }

    # transfers

    def submit(self, params):
        key = required(params, "key", str)
        amount = required(params, "amount_cents", int)
        asset = required(params, "asset", str)
        destination = required(params, "destination", str)
        network = params.get("network")
        if amount <= 0:
            raise AdapterError("invalid_request", "amount_cents must be positive")
        found = self.find({"key": key})
        if found is not None:
            return found                                  # already submitted under this key: nothing moves again
        extra = {}
        if network:
            extra["network"] = network
        if self.client_id_param:
            extra[self.client_id_param] = key
        else:
            self.record(key, {"state": "submitting", "at": int(time.time() * 1000)})
        transaction = self.call("withdraw", asset, float(Decimal(amount) / 100), destination, params=extra)
        venue_id = transaction.get("id")
        if not self.client_id_param:
            self.record(key, {"state": "submitted", "id": venue_id})
        return {"key": key, "state": "submitted", "venue_id": str(venue_id) if venue_id is not None else None, "reason": None}

    def status(self, params):
        found = self.find(params)
        if found is None:
            raise AdapterError("not_found", "no transfer under key %s" % params["key"])
        return found

    def find(self, params):
        key = required(params, "key", str)
        if self.client_id_param:
            history = self.call("fetch_withdrawals", None, None, None, params={self.client_id_param: key})
            matches = [t for t in history if (t.get("info") or {}).get(self.client_id_param) == key]
        else:
            local = self.records().get(key)
            if local is None:
                return None
            if local.get("id") is None:
                # Submitted without a client id and cut off before the venue's id was recorded:
                # the outcome is unknown, so it must not be resubmitted; an operator reconciles.
                return {"key": key, "state": "pending", "venue_id": None, "reason": "outcome unknown: check the venue's withdrawal history"}
            history = self.call("fetch_withdrawals")
            matches = [t for t in history if str(t.get("id")) == str(local["id"])]
            if not matches:
                return {"key": key, "state": "submitted", "venue_id": local["id"], "reason": None}
        if not matches:
            return None
        transaction = matches[0]
        state = STATES.get(transaction.get("status"), "submitted")
        info = transaction.get("info") or {}
        reason = info.get("info") or info.get("failureReason") or transaction.get("status")
        return {"key": key, "state": state, "venue_id": str(transaction.get("id")), "reason": reason if isinstance(reason, str) else None}

    def records(self):
        try:
            with open(self.state_file) as handle:
                return json.load(handle)
        except FileNotFoundError:
            return {}

    def record(self, key, entry):
        records = self.records()
        records[key] = entry
        temporary = self.state_file + ".tmp"
        with open(temporary, "w") as handle:
            json.dump(records, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.state_file)


def required(params, name, kind):
    value = params.get(name)
    if not isinstance(value, kind) or isinstance(value, bool) or (kind is str and not value):
        raise AdapterError("invalid_request", "params.%s must be a %s" % (name, "non-empty string" if kind is str else "integer"))
    return value


def log(message):
    print("rebalancer-ccxt-adapter: " + message, file=sys.stderr, flush=True)
