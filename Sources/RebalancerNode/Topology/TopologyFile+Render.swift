import Foundation
import RebalancerCore
import RebalancerSimulation

extension TopologyFile {
    /// The YAML text of a topology, in the form `load` reads; nodes with empty keys get no key fields.
    public static func render(_ topology: Deployment) -> String {
        var out = [
            "id: \(text(topology.id))",
            "epoch: \(topology.epoch)",
            "quorum: \(topology.quorum)",
            "keys_dir: \(text(topology.keysDir))",
            "nodes:",
        ]
        for node in topology.nodes { out += renderNode(node, topology.endpoints(of: node.id)) }
        out.append("venues:")
        for venue in topology.venues {
            out.append("  - id: \(text(venue.id))")
            out += indented([
                "asset: \(text(venue.asset))", "floor_buffer: \(venue.floorBuffer)",
                "target_ratio: \(venue.targetRatio)", "lower_band: \(venue.lowerBand)",
                "upper_band: \(venue.upperBand)", "withdrawal_limit: \(venue.withdrawalLimit)",
            ] + (venue.adapter.map { adapter in
                let pairs = [("kind", text(adapter.kind))] + adapter.parameters.sorted { $0.key < $1.key }.map { (text($0.key), quoted($0.value)) }
                return ["adapter: " + flow(pairs)]
            } ?? []))
        }
        out.append("routes:")
        for route in topology.routes {
            out.append("  - " + flow([
                ("from", text(route.from)), ("to", text(route.to)), ("fee_bps", "\(route.feeBps)"),
                ("fixed_fee", "\(route.fixedFee)"), ("latency_ms", "\(route.latencyMs)"), ("capacity", "\(route.capacity)"),
            ]))
        }
        let limits = topology.limits, timing = topology.timing
        out += ["limits:"] + indented([
            "per_transfer_cap: \(limits.perTransferCap)", "per_venue_outflow: \(limits.perVenueOutflow)",
            "per_route_outflow: \(limits.perRouteOutflow)",
            "global_notional: \(limits.globalNotional)", "window_seconds: \(limits.windowSeconds)",
        ], by: 2)
        out += ["timing:"] + indented([
            "heartbeat_ms: \(timing.heartbeatMs)", "stale_after_ms: \(timing.staleAfterMs)",
            "plan_ttl_ms: \(timing.planTTLms)", "basis_tolerance_ms: \(timing.basisToleranceMs)",
        ], by: 2)
        out += renderMarket(topology.market)
        if let coordination = topology.coordination {
            out += ["coordination:"] + indented(["etcd: \(text(coordination.etcd))", "lease_ms: \(coordination.leaseMs)"], by: 2)
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func renderNode(_ node: Topology.Node, _ endpoints: [String: String]) -> [String] {
        var fields = ["role: \(node.role.rawValue)"]
        if let venue = node.venue { fields.append("venue: \(text(venue))") }
        if !endpoints.isEmpty {
            let pairs = endpoints.sorted { $0.key < $1.key }.map { (text($0.key), quoted($0.value)) }
            fields.append("endpoints: " + flow(pairs))
        }
        if !node.signingKey.isEmpty { fields.append("signing_key: \(quoted(KeyText.hex(node.signingKey)))") }
        if !node.curveKey.isEmpty { fields.append("curve_key: \(quoted(KeyText.z85(node.curveKey)))") }
        if node.monitorOnly { fields.append("monitor_only: true") }
        return ["  - id: \(text(node.id))"] + indented(fields)
    }

    private static func renderMarket(_ market: MarketSpec) -> [String] {
        var out = ["market:"] + indented([
            "seed: \(market.seed)", "initial_price: \(market.initialPrice)", "drift: \(market.drift)",
            "volatility: \(market.volatility)", "shock_multiplier: \(market.shockMultiplier)",
            "seconds_per_tick: \(market.secondsPerTick)", "tick_ms: \(market.tickMs)",
            "liquidation_penalty: \(market.liquidationPenalty)", "accounts:",
        ], by: 2)
        for account in market.accounts {
            out.append("    - " + flow([
                ("venue", text(account.venue)), ("balance", "\(account.balance)"), ("position", "\(account.position)"),
                ("hedge_venue", text(account.hedgeVenue)), ("maintenance_rate", "\(account.maintenanceRate)"),
                ("initial_rate", "\(account.initialRate)"),
            ]))
        }
        return out
    }

    private static func indented(_ lines: [String], by spaces: Int = 4) -> [String] {
        let pad = String(repeating: " ", count: spaces)
        return lines.map { pad + $0 }
    }

    private static func flow(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// A string as a plain scalar when that reads back as the same string, else double-quoted.
    public static func text(_ value: String) -> String {
        let plainSafe = value.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._-/".unicodeScalars.contains(scalar))
        }
        let first = value.unicodeScalars.first
        let looksTyped = Double(value.replacingOccurrences(of: "_", with: "")) != nil
            || ["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(value.lowercased())
        guard plainSafe, let first, first != "-", first != ".", !looksTyped else { return quoted(value) }
        return value
    }

    /// A double-quoted YAML scalar (JSON escapes are valid YAML escapes).
    public static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
