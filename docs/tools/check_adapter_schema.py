#!/usr/bin/env python3
"""Checks docs/adapters.schema.json against the examples in docs/adapters.md (every line of a
code block starting with "-> " is a request, "<- " a reply) and against messages that must be
refused. Needs jsonschema (pip install jsonschema). Exit status 1 on any mismatch."""
import json
import pathlib
import sys

import jsonschema

DOCS = pathlib.Path(__file__).resolve().parent.parent
schema = json.loads((DOCS / "adapters.schema.json").read_text())
jsonschema.Draft202012Validator.check_schema(schema)


def validator(definition):
    return jsonschema.Draft202012Validator({"$ref": "#/$defs/" + definition, "$defs": schema["$defs"]})


REQUEST, REPLY = validator("request"), validator("reply")

BAD = [
    (REQUEST, {"method": "snapshot"}),                                              # no id
    (REQUEST, {"id": 1, "method": "transfer.find", "params": {}}),                  # no key
    (REQUEST, {"id": 1, "method": "transfer.submit", "params": {"key": "k", "from": "a", "to": "b", "amount_cents": 1.5,
                                                                 "asset": "USDT", "destination": "x"}}),  # cents not integer
    (REPLY, {"id": 1, "result": {"asset": "USDT", "equity_cents": "100.00", "maintenance_margin_cents": 0, "initial_margin_cents": 0,
                                 "withdrawable_cents": 0, "withdrawals_enabled": True, "positions": [], "venue_sequence": 1,
                                 "margin_source": "reported"}}),                     # money as a string
    (REPLY, {"id": 1, "result": {"asset": "USDT", "equity_cents": 100, "maintenance_margin_cents": -1, "initial_margin_cents": 0,
                                 "withdrawable_cents": 0, "withdrawals_enabled": True, "positions": [], "venue_sequence": 1,
                                 "margin_source": "reported"}}),                     # negative margin
    (REPLY, {"id": 1, "error": {"code": "rate_limited", "message": "slow"}}),       # no retry_after_ms
    (REPLY, {"id": 1, "error": {"code": "oops", "message": "x"}}),                  # unknown code
    (REPLY, {"id": 1, "result": None, "error": {"code": "timeout", "message": "x"}}),  # both
    (REPLY, {"id": 1}),                                                             # neither
]

failures = 0
examples = 0
for number, line in enumerate((DOCS / "adapters.md").read_text().splitlines(), 1):
    for prefix, check in (("-> ", REQUEST), ("<- ", REPLY)):
        if line.startswith(prefix):
            examples += 1
            errors = list(check.iter_errors(json.loads(line[len(prefix):])))
            if errors:
                failures += 1
                print("docs/adapters.md:%d: %s" % (number, errors[0].message))
for check, message in BAD:
    if check.is_valid(message):
        failures += 1
        print("schema accepts a bad message: %s" % json.dumps(message))
if examples < 10:
    failures += 1
    print("found only %d examples in docs/adapters.md" % examples)
print("adapter schema: %d examples valid, %d bad messages refused%s" % (examples, len(BAD), "" if failures == 0 else ", %d FAILURES" % failures))
sys.exit(1 if failures else 0)
