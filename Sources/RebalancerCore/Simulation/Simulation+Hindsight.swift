extension Simulation {
    /// The hindsight bound over the same prices, for the original book (see `HindsightBound`).
    public func hindsight(hours: Double) -> HindsightBound {
        let topology = scenario.topology
        var path = scenario.pricePath(closes: closes)
        let start = path.price
        let accounts = scenario.market.accounts
        var need = accounts.map { _ in 0.0 }
        var pairUnder: Set<String> = []
        for _ in 0..<steps(hours: hours) {
            let price = path.next()
            var margin: [VenueID: Double] = [:]
            var balance: [VenueID: Double] = [:]
            for (i, a) in accounts.enumerated() {
                let m = abs(a.position) * price * a.maintenanceRate * 100
                let b = Double(a.balance) + a.position * (price - start) * 100
                margin[a.venue] = m
                balance[a.venue] = b
                need[i] = max(need[i], m - b)
            }
            for a in accounts where a.position > 0 {
                guard let mh = margin[a.hedgeVenue], let bh = balance[a.hedgeVenue] else { continue }
                if balance[a.venue]! + bh < margin[a.venue]! + mh { pairUnder.insert(a.venue) }
            }
        }
        var fees = 0.0
        for (i, a) in accounts.enumerated() where need[i] > 0 {
            let inbound = topology.routes.filter { $0.to == a.venue && $0.from != a.venue }
            let bps = inbound.map(\.feeBps).min() ?? 0
            let fixed = inbound.map(\.fixedFee).min() ?? 0
            fees += need[i] * bps / 10_000 + Double(fixed)
        }
        return HindsightBound(liquidations: pairUnder.count, minFeesWithoutLiquidation: fees / 100)
    }
}
