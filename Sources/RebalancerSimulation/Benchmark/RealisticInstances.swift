import RebalancerCore

extension OptimizerBenchmark {
    /// A realistic instance: treasury hubs with about 60 routes each (30 out, 30 in), about 8.7
    /// routes per venue in all, fixed fees on half the routes, two assets (a fifth of the venues on
    /// USDT), scarce supply (about 35% of venues under their lower band, 15% above their upper band,
    /// the rest inside it and able to lend), 5% with withdrawals disabled, 2% stale, and capital
    /// pending and in flight on about one venue in six. The same seed gives the same instance.
    public static func realisticInstance(venues count: Int, seed: UInt64) -> (Topology, [VenueID: VenueView]) {
        precondition(count >= 2, "at least two venues")
        var rng = SeededRandom(seed: seed ^ 0x5EA1_1571C)
        func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * rng.nextUniform() }
        func int(_ lo: Int64, _ hi: Int64) -> Int64 { lo + Int64(rng.next() % UInt64(hi - lo + 1)) }
        let width = String(count - 1).count
        let ids = (0..<count).map { i -> VenueID in
            let digits = String(i)
            return "r" + String(repeating: "0", count: width - digits.count) + digits
        }
        let hubs = count >= 20 ? max(1, count / 100) : 0
        var venues: [Topology.Venue] = []
        for (i, id) in ids.enumerated() {
            let lower = uniform(1.5, 2.2)
            let target = lower + uniform(0.4, 1.2)
            let asset = i >= hubs && rng.nextUniform() < 0.2 ? "USDT" : "USD"
            venues.append(Topology.Venue(
                id: id, asset: asset, floorBuffer: int(0, 5_000_00), targetRatio: target, lowerBand: lower,
                upperBand: target + uniform(0.5, 1.5), withdrawalLimit: i < hubs ? 50_000_000_00 : int(20_000_00, 1_000_000_00)
            ))
        }
        var routes: [Topology.Route] = []
        var seen = Set<Int>()
        func add(_ from: Int, _ to: Int) {
            guard from != to, seen.insert(from * count + to).inserted else { return }
            let fixed: Amount = rng.nextUniform() < 0.5 ? int(1_00, 50_00) : 0
            routes.append(Topology.Route(
                from: ids[from], to: ids[to], feeBps: Double(int(0, 25)), fixedFee: fixed,
                latencyMs: int(1_000, 900_000), capacity: int(10_000_00, 2_000_000_00)
            ))
        }
        for h in 0..<hubs {
            for _ in 0..<30 { add(h, Int(rng.next() % UInt64(count))) }
            for _ in 0..<30 { add(Int(rng.next() % UInt64(count)), h) }
        }
        let perVenue = max(1.0, 8.7 - 60.0 * Double(hubs) / Double(count))
        for i in 0..<count {
            add(i, (i + 1) % count)
            let extra = min(count - 2, Int((perVenue - 1 + uniform(-2, 2)).rounded()))
            var tries = 0
            var made = 0
            while made < extra && tries < 4 * extra {
                tries += 1
                let before = routes.count
                add(i, Int(rng.next() % UInt64(count)))
                if routes.count > before { made += 1 }
            }
        }
        let topology = Topology(
            id: "realistic-\(count)-\(seed)", epoch: 1, quorum: 1, nodes: [], venues: venues, routes: routes,
            limits: .init(perTransferCap: 500_000_00 * 4, perVenueOutflow: 1_000_000_000_00, globalNotional: 1_000_000_000_00, windowSeconds: 60),
            timing: .init(heartbeatMs: 500, staleAfterMs: 3000, planTTLms: 5000, basisToleranceMs: 2000)
        )
        var views: [VenueID: VenueView] = [:]
        for (i, venue) in venues.enumerated() {
            let margin = i < hubs ? int(2_000_000_00, 5_000_000_00) : int(20_000_00, 500_000_00)
            let draw = rng.nextUniform()
            let ratio: Double
            if i < hubs {
                ratio = uniform(venue.lowerBand, venue.upperBand + 1)
            } else if draw < 0.35 {
                ratio = uniform(0.9, venue.lowerBand)
            } else if draw < 0.85 {
                ratio = uniform(venue.lowerBand, venue.upperBand)
            } else {
                ratio = uniform(venue.upperBand, 5)
            }
            let moving = rng.nextUniform() < 0.17
            let pendingIn = moving ? int(0, margin / 10) : 0
            let pendingOut = moving && rng.nextUniform() < 0.5 ? int(0, margin / 20) : 0
            let inFlightIn = moving && rng.nextUniform() < 0.5 ? int(0, margin / 10) : 0
            let inFlightOut = moving && rng.nextUniform() < 0.5 ? int(0, margin / 20) : 0
            let balance = max(0, Amount(Double(margin) * ratio) - pendingIn - inFlightIn + inFlightOut)
            let state = VenueState(
                venue: venue.id, seq: 1, observedAt: 1_000_000_000, balance: balance, maintenanceMargin: margin,
                initialMargin: 2 * margin, withdrawalsEnabled: rng.nextUniform() >= 0.05, pendingIn: pendingIn, pendingOut: pendingOut
            )
            views[venue.id] = VenueView(state: state, virtualIn: inFlightIn, virtualOut: inFlightOut, stale: rng.nextUniform() < 0.02)
        }
        return (topology, views)
    }
}
