"""ccxt's exception hierarchy mapped onto the protocol's typed error codes."""
import json
import re

import ccxt

from .protocol import AdapterError


def venue_code(error):
    """The exchange's own numeric error code, when the message carries a JSON body like Binance's."""
    match = re.search(r'"code"\s*:\s*(-?\d+)', str(error))
    return int(match.group(1)) if match else None


def retry_after_ms(exchange):
    headers = getattr(exchange, "last_response_headers", None) or {}
    for name, value in headers.items():
        if name.lower() == "retry-after":
            try:
                return int(float(value) * 1000)
            except ValueError:
                return None
    return None


def http_status(exchange):
    status = getattr(exchange, "last_http_response_status", None)
    return status if isinstance(status, int) else None


def typed(error, exchange):
    """The AdapterError for a ccxt exception (order matters: subclasses first)."""
    message = str(error)[:500]
    if isinstance(error, (ccxt.RateLimitExceeded, ccxt.DDoSProtection)):
        return AdapterError("rate_limited", message, retry_after_ms=retry_after_ms(exchange) or 1000,
                            status=http_status(exchange) or 429)
    if isinstance(error, (ccxt.AuthenticationError, ccxt.PermissionDenied, ccxt.AccountSuspended)):
        return AdapterError("unauthorized", message, venue_code=venue_code(error), status=http_status(exchange))
    if isinstance(error, ccxt.RequestTimeout):
        return AdapterError("timeout", message)
    if isinstance(error, (ccxt.BadResponse, ccxt.NullResponse)):
        return AdapterError("malformed", message, field="response")
    if isinstance(error, (ccxt.ExchangeNotAvailable, ccxt.OnMaintenance, ccxt.NetworkError)):
        return AdapterError("unavailable", message, status=http_status(exchange))
    if isinstance(error, ccxt.NotSupported):
        return AdapterError("unsupported", message)
    if isinstance(error, ccxt.ExchangeError):
        return AdapterError("rejected", message, venue_code=venue_code(error), status=http_status(exchange))
    if isinstance(error, (ValueError, json.JSONDecodeError)):
        return AdapterError("malformed", message, field="response")
    return AdapterError("unavailable", message)
