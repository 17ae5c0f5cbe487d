import RebalancerCore
import RebalancerSimulation
import Yams

extension TopologyFile {
    static func decodeMarket(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> MarketSpec? {
        let known = [
            "seed", "initial_price", "drift", "volatility", "shock_multiplier", "seconds_per_tick", "tick_ms",
            "liquidation_penalty", "accounts",
        ]
        guard let f = r.fields(node, at: path, known: known) else { return nil }
        let seed = f.required("seed", YAMLFieldReader.uint64)
        let price = f.required("initial_price", YAMLFieldReader.double)
        let drift = f.required("drift", YAMLFieldReader.double)
        let volatility = f.required("volatility", YAMLFieldReader.double)
        let shock = f.required("shock_multiplier", YAMLFieldReader.double)
        let secondsPerTick = f.required("seconds_per_tick", YAMLFieldReader.double)
        let tickMs = f.required("tick_ms", YAMLFieldReader.int64)
        let penalty = f.required("liquidation_penalty", YAMLFieldReader.double)
        let accounts = list(f, "accounts", r, decodeAccount)
        guard let seed, let price, let drift, let volatility, let shock, let secondsPerTick, let tickMs,
              let penalty, let accounts
        else { return nil }
        return MarketSpec(
            seed: seed, initialPrice: price, drift: drift, volatility: volatility, shockMultiplier: shock,
            secondsPerTick: secondsPerTick, tickMs: tickMs, liquidationPenalty: penalty, accounts: accounts
        )
    }

    private static func decodeAccount(_ node: Node, _ path: String, _ r: YAMLFieldReader) -> MarketSpec.Account? {
        let known = ["venue", "balance", "position", "hedge_venue", "maintenance_rate", "initial_rate"]
        guard let f = r.fields(node, at: path, known: known) else { return nil }
        let venue = f.required("venue", YAMLFieldReader.string)
        let balance = f.required("balance", YAMLFieldReader.int64)
        let position = f.required("position", YAMLFieldReader.double)
        let hedge = f.required("hedge_venue", YAMLFieldReader.string)
        let maintenance = f.required("maintenance_rate", YAMLFieldReader.double)
        let initial = f.required("initial_rate", YAMLFieldReader.double)
        guard let venue, let balance, let position, let hedge, let maintenance, let initial else { return nil }
        return MarketSpec.Account(
            venue: venue, balance: balance, position: position, hedgeVenue: hedge,
            maintenanceRate: maintenance, initialRate: initial
        )
    }
}
