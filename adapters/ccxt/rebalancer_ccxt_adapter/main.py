"""Command line: rebalancer-ccxt-adapter --exchange ID --api-key-env VAR --secret-env VAR [--base-url URL]."""
import argparse
import os
import sys

from . import PROTOCOL_VERSION
from .protocol import AdapterError, serve
from .venue import Venue, log


def secret(env_name, file_name, what):
    """A credential by reference only: an environment variable or a file of mode 0600."""
    if file_name:
        mode = os.stat(file_name).st_mode & 0o777
        if mode & 0o077:
            raise SystemExit("%s file %s has mode %o; it must be 0600" % (what, file_name, mode))
        with open(file_name) as handle:
            return handle.read().strip()
    if env_name:
        value = os.environ.get(env_name, "").strip()
        if not value:
            raise SystemExit("environment variable %s (%s) is not set" % (env_name, what))
        return value
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="rebalancer-ccxt-adapter", description="rebalancer external adapter on ccxt (docs/adapters.md)")
    parser.add_argument("--exchange", required=True, help="ccxt exchange id, e.g. binanceusdm")
    parser.add_argument("--api-key-env", help="environment variable holding the API key")
    parser.add_argument("--secret-env", help="environment variable holding the API secret")
    parser.add_argument("--api-key-file", help="file (mode 0600) holding the API key")
    parser.add_argument("--secret-file", help="file (mode 0600) holding the API secret")
    parser.add_argument("--asset", default="USDT", help="settlement asset the snapshot is counted in")
    parser.add_argument("--base-url", help="send every API call to this scheme://host:port instead (fixtures)")
    parser.add_argument("--state-file", help="local record of keys for exchanges without a client withdraw id")
    parser.add_argument("--read-only", action="store_true", help="announce only the read capability")
    parser.add_argument("--timeout-ms", type=int, default=10000)
    args = parser.parse_args(argv)
    venue = Venue(
        args.exchange,
        secret(args.api_key_env, args.api_key_file, "API key"),
        secret(args.secret_env, args.secret_file, "API secret"),
        args.asset, base_url=args.base_url, state_file=args.state_file, read_only=args.read_only, timeout_ms=args.timeout_ms,
    )
    capabilities = venue.capabilities()

    def hello(_params):
        return {"protocol_version": PROTOCOL_VERSION, "adapter": "ccxt", "venue": args.exchange, "capabilities": capabilities}

    def transfer(handler):
        def guarded(params):
            if "transfer" not in capabilities:
                raise AdapterError("unsupported", "this adapter runs read-only")
            return handler(params)
        return guarded

    log("serving %s (%s)" % (args.exchange, ", ".join(capabilities)))
    serve({
        "hello": hello,
        "snapshot": venue.snapshot,
        "transfer.submit": transfer(venue.submit),
        "transfer.status": transfer(venue.status),
        "transfer.find": transfer(venue.find),
    })
    return 0


if __name__ == "__main__":
    sys.exit(main())
