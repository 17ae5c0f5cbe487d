"""Reference external adapter for rebalancer (docs/adapters.md) on ccxt."""

PROTOCOL_VERSION = 1
