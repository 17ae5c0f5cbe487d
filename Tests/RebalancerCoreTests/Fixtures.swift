import RebalancerCore

/// A small topology for role tests: three venues, every route, four verifiers, quorum three.
enum Fixture {
    static let venueIDs = ["a", "b", "c"]

    static func topology(quorum: Int = 3) -> Topology {
        let venues = venueIDs.map {
            Topology.Venue(id: $0, asset: "USD", floorBuffer: 0, targetRatio: 3, lowerBand: 2, upperBand: 4, withdrawalLimit: 10_000_000_00)
        }
        var routes: [Topology.Route] = []
        for from in venueIDs {
            for to in venueIDs where from != to {
                routes.append(.init(from: from, to: to, feeBps: 5, fixedFee: 100, latencyMs: 500, capacity: 10_000_000_00))
            }
        }
        var nodes: [Topology.Node] = [
            .init(id: "coordinator", role: .coordinator, signingKey: [1], curveKey: [1]),
            .init(id: "executor-1", role: .executor, signingKey: [2], curveKey: [2]),
        ]
        for (i, v) in venueIDs.enumerated() {
            nodes.append(.init(id: "watcher-\(v)", role: .watcher, venue: v, signingKey: [UInt8(10 + i)], curveKey: [UInt8(10 + i)]))
        }
        for i in 1...4 {
            nodes.append(.init(id: "verifier-\(i)", role: .verifier, signingKey: [UInt8(20 + i)], curveKey: [UInt8(20 + i)]))
        }
        return Topology(
            id: "test", epoch: 1, quorum: quorum, nodes: nodes, venues: venues, routes: routes,
            limits: .init(perTransferCap: 5_000_000_00, perVenueOutflow: 8_000_000_00, globalNotional: 20_000_000_00, windowSeconds: 60),
            timing: .init(heartbeatMs: 500, staleAfterMs: 3000, planTTLms: 5000, basisToleranceMs: 2000)
        )
    }

    /// A state with maintenance margin 100,000 cents and the given balance.
    static func state(_ venue: String, balance: Amount, seq: UInt64 = 1, at: Nanos = 1_000_000_000, mm: Amount = 100_000_00) -> VenueState {
        VenueState(venue: venue, seq: seq, observedAt: at, balance: balance, maintenanceMargin: mm, initialMargin: mm * 2)
    }

    /// A deterministic stand-in digest for core tests (the wire module computes the real SHA-256).
    static func digest(_ plan: Plan) -> [UInt8] {
        var h: UInt64 = 1469598103934665603
        for byte in "\(plan.planSeq)|\(plan.expiresAt)|\(Plan.canonical(plan.transfers))|\(plan.basis.map(\.seq))".utf8 {
            h = (h ^ UInt64(byte)) &* 1099511628211
        }
        return withUnsafeBytes(of: h) { Array($0) }
    }
}
