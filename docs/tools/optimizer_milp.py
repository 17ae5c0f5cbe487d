#!/usr/bin/env python3
"""The optimizer's exact problem as a MILP, solved by HiGHS (highspy): the test oracle and the
benchmark's reference solver.

Reads plan inputs (docs/plan-input.md, inline venues/routes/limits/states; no topology file) and
builds, from the same definitions as RebalancerCore (docs/optimizer.md §2), the mixed-integer
program of docs/optimizer.md §4:

    minimise   Σ_e (F_e y_e + (ρ_e + ℓ_e) a_e) + P Σ_v u_v
    subject to m y_e ≤ a_e ≤ K_e y_e,  y_e ∈ {0, 1}        (minimum transfer, route and transfer cap)
               Σ_{e out of s} a_e ≤ B_s                       (surplus, or what an in-band venue may lend)
               Σ_{e into v} ((1 − ρ_e) a_e − F_e y_e) ≤ D_v    (never credited beyond its shortfall)
               u_v ≥ D_v − Σ_{e into v} ((1 − ρ_e) a_e − F_e y_e),  u_v ≥ 0

Fees are charged unrounded here (planCost rounds each to the cent: at most half a cent per transfer).

Usage:
    optimizer_milp.py [--relaxation] [--minimum CENTS] [--latency-weight L] [--unmet-penalty P] FILE...
    optimizer_milp.py --check        exits 0 when highspy imports, 3 (with a message) otherwise

A FILE holds one plan input, or a JSON list of them. Prints one JSON line per instance:
{"optimum": cost, "status": "...", "seconds": solve time, "routes": candidates}. `--relaxation` solves
the LP relaxation (y continuous) instead, for timing.
"""
import json
import math
import sys
import time

NO_LIMIT = (2**63 - 1) // 4


def roles(instance):
    venues = instance["venues"]
    states = {s["venue"]: s for s in instance["states"]}
    out = {}
    for v in venues:
        vid = v["id"]
        if vid in out:
            continue
        s = states.get(vid)
        role = {"asset": v.get("asset", "USD"), "demand": 0, "supply": 0, "receive": False, "urgency": 0.0}
        out[vid] = role
        if s is None or s.get("stale", False):
            continue
        m = s["maintenance_margin"]
        target = math.ceil(float(m) * v.get("target_ratio", 3.0))
        lower_band = v.get("lower_band", 2.0)
        floor = m + v.get("floor_buffer", 0)
        limit = v.get("withdrawal_limit", NO_LIMIT)
        balance = s["balance"]
        eff = balance + s.get("pending_in", 0) + s.get("in_flight_in", 0) - s.get("in_flight_out", 0)
        settled = balance - s.get("in_flight_out", 0)
        can_send = s.get("withdrawals_enabled", True)
        needs = float(eff) < float(m) * lower_band
        role["demand"] = max(0, target - eff) if needs else 0
        role["receive"] = eff < target and balance + s.get("pending_in", 0) < target
        if eff < target:
            role["urgency"] = 1.0 if target <= m else min(1.0, max(0.0, (target - eff) / (target - m)))
        if role["demand"] == 0 and can_send:
            if eff >= target:
                keep = max(target, floor)
            else:
                keep = max(floor, math.ceil(float(m) * lower_band))
            role["supply"] = max(0, min(settled - keep, eff - keep, limit))
    return out


def fee(route, amount):
    return route.get("fixed_fee", 0) + round_half_away(amount * route.get("fee_bps", 0.0) / 10_000)


def round_half_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def candidates(instance, role, minimum):
    cap = instance.get("limits", {}).get("per_transfer_cap", NO_LIMIT)
    seen = set()
    out = []
    for r in instance["routes"]:
        key = (r["from"], r["to"])
        if key in seen:
            continue
        seen.add(key)
        u, v = role.get(r["from"]), role.get(r["to"])
        if u is None or v is None or r["from"] == r["to"] or u["asset"] != v["asset"]:
            continue
        if u["supply"] <= 0 or v["demand"] <= 0 or not v["receive"]:
            continue
        bps = r.get("fee_bps", 0.0)
        if not (0 <= bps < 10_000) or r.get("fixed_fee", 0) < 0:
            continue
        send_cap = min(r.get("capacity", NO_LIMIT), cap, u["supply"])
        if send_cap < max(1, minimum) or send_cap - fee(r, send_cap) <= 0:
            continue
        out.append((r, send_cap))
    return out


def solve(instance, minimum, latency_weight, penalty, relaxation):
    import highspy

    role = roles(instance)
    routes = candidates(instance, role, minimum)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 1e-10)
    h.setOptionValue("mip_abs_gap", 1e-3)
    h.setOptionValue("mip_feasibility_tolerance", 1e-9)
    h.setOptionValue("primal_feasibility_tolerance", 1e-9)
    h.setOptionValue("threads", 1)
    inf = highspy.kHighsInf
    constant = 0.0
    a_idx, y_idx, cost = [], [], []
    for r, send_cap in routes:
        rate = r.get("fee_bps", 0.0) / 10_000
        dest = role[r["to"]]
        fixed = r.get("fixed_fee", 0)
        k = min(send_cap, math.ceil((dest["demand"] + fixed) / (1 - rate)) + 1)
        latency = r["latency_ms"] / 1000 * latency_weight * dest["urgency"]
        h.addVar(0, k)
        a_idx.append(h.getNumCol() - 1)
        cost.append(rate + latency)
        h.addVar(0, 1)
        y_idx.append(h.getNumCol() - 1)
        cost.append(float(fixed))
        if not relaxation:
            h.changeColIntegrality(y_idx[-1], highspy.HighsVarType.kInteger)
        h.addRow(-inf, 0, 2, [a_idx[-1], y_idx[-1]], [1.0, -float(k)])
        h.addRow(0, inf, 2, [a_idx[-1], y_idx[-1]], [1.0, -float(minimum)])
    sends, receives = {}, {}
    for i, (r, _) in enumerate(routes):
        rate = r.get("fee_bps", 0.0) / 10_000
        sends.setdefault(r["from"], []).append((a_idx[i], 1.0))
        receives.setdefault(r["to"], []).extend([(a_idx[i], 1 - rate), (y_idx[i], -float(r.get("fixed_fee", 0)))])
    for vid, terms in sends.items():
        h.addRow(-inf, role[vid]["supply"], len(terms), [t[0] for t in terms], [t[1] for t in terms])
    for vid, r in role.items():
        if r["demand"] <= 0:
            continue
        constant += penalty * r["demand"]
        terms = receives.get(vid, [])
        if not terms:
            continue
        # u ≥ D − credit, u ≥ 0, u costs P: write u = D − credit + s (s ≥ 0) as P·(D − credit) + P·s,
        # with credit ≤ D; i.e. credit costs −P per unit and is bounded by D.
        h.addRow(-inf, r["demand"], len(terms), [t[0] for t in terms], [t[1] for t in terms])
        for col, coef in terms:
            cost[col] -= penalty * coef
    for col, c in enumerate(cost):
        h.changeColCost(col, c)
    start = time.perf_counter()
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        # Tight integrality tolerances occasionally end in a solve error: retry with HiGHS's default.
        h.setOptionValue("mip_feasibility_tolerance", 1e-7)
        h.clearSolver()
        h.run()
    seconds = time.perf_counter() - start
    status = h.modelStatusToString(h.getModelStatus())
    objective = h.getInfo().objective_function_value + constant if routes else constant
    return {"optimum": objective, "status": status if routes else "Optimal", "seconds": seconds, "routes": len(routes)}


def main(argv):
    if "--check" in argv:
        try:
            import highspy  # noqa: F401
        except ImportError:
            print("highspy is not installed: python3 -m pip install highspy (make python-tools does)", file=sys.stderr)
            return 3
        return 0
    relaxation = False
    minimum, latency_weight, penalty = 100_00, 1e-4, 10.0
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--relaxation":
            relaxation = True
        elif a in ("--minimum", "--latency-weight", "--unmet-penalty") and i + 1 < len(argv):
            value = argv[i + 1]
            i += 1
            if a == "--minimum":
                minimum = int(value)
            elif a == "--latency-weight":
                latency_weight = float(value)
            else:
                penalty = float(value)
        elif a.startswith("-"):
            print(__doc__, file=sys.stderr)
            return 2
        else:
            files.append(a)
        i += 1
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import highspy  # noqa: F401
    except ImportError:
        print("highspy is not installed: python3 -m pip install highspy (make python-tools does)", file=sys.stderr)
        return 3
    for path in files:
        with open(path) as f:
            data = json.load(f)
        for instance in data if isinstance(data, list) else [data]:
            print(json.dumps(solve(instance, minimum, latency_weight, penalty, relaxation)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
