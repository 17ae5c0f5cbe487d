"""The line protocol loop: one JSON request per stdin line, one JSON reply per stdout line.

stdout carries replies only; everything else (logs, ccxt warnings) goes to stderr.
"""
import json
import sys


class AdapterError(Exception):
    """A typed error reply (docs/adapters.md, "Errors")."""

    def __init__(self, code, message, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = {k: v for k, v in extra.items() if v is not None}

    def body(self):
        return dict({"code": self.code, "message": self.message}, **self.extra)


def reply(out, request_id, result=None, error=None):
    line = {"id": request_id}
    if error is not None:
        line["error"] = error
    else:
        line["result"] = result
    out.write(json.dumps(line, separators=(",", ":")) + "\n")
    out.flush()


def serve(handlers, stdin=None, stdout=None):
    """Answers requests until stdin closes. `handlers` maps a method name to fn(params) -> result."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for raw in stdin:
        raw = raw.strip()
        if not raw:
            continue
        try:
            request = json.loads(raw)
        except ValueError as error:
            reply(stdout, None, error={"code": "invalid_request", "message": "not JSON: %s" % error})
            continue
        request_id = request.get("id") if isinstance(request, dict) else None
        if not isinstance(request, dict) or not isinstance(request_id, int) or isinstance(request_id, bool) \
                or not isinstance(request.get("method"), str):
            reply(stdout, request_id if isinstance(request_id, int) else None,
                  error={"code": "invalid_request", "message": "a request is {\"id\": integer, \"method\": string, \"params\": object}"})
            continue
        handler = handlers.get(request["method"])
        if handler is None:
            reply(stdout, request_id, error={"code": "unsupported", "message": "unknown method %s" % request["method"]})
            continue
        params = request.get("params") or {}
        if not isinstance(params, dict):
            reply(stdout, request_id, error={"code": "invalid_request", "message": "params must be an object"})
            continue
        try:
            reply(stdout, request_id, result=handler(params))
        except AdapterError as error:
            reply(stdout, request_id, error=error.body())
        except Exception as error:  # never die on one request: report it as the venue being unavailable
            print("adapter: %s failed: %r" % (request["method"], error), file=sys.stderr)
            reply(stdout, request_id, error={"code": "unavailable", "message": "%s: %s" % (type(error).__name__, error)})
