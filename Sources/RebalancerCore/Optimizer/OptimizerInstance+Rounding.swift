extension OptimizerInstance {
    /// Sent amounts per candidate for the LP's delivered flows, grossed up for fees: every transfer
    /// sends the least amount that delivers its flow (every path is one route: no relays).
    func grossUp(_ lp: LPResult) -> [Amount] { grossUp(delivered: delivered(lp)) }

    /// `grossUp` of delivered amounts.
    func grossUp(delivered: [Amount]) -> [Amount] {
        var sent = [Amount](repeating: 0, count: candidates.count)
        for (e, x) in delivered.enumerated() where x > 0 {
            let c = candidates[e]
            sent[e] = Self.gross(toDeliver: min(x, c.netCap), route: topology.routes[c.route], cap: c.sendCap)
            // Fee rounding can make a delivery of the minimum's worth cost a cent less than the minimum.
            if x >= c.minDelivered && sent[e] < minimumTransfer && minimumTransfer <= c.sendCap { sent[e] = minimumTransfer }
        }
        return sent
    }

    /// A valid plan from sent amounts: each over-sending venue's transfers are cut (the largest
    /// first) to its supply, and transfers below the minimum are dropped.
    func repaired(_ sent: [Amount]) -> [(route: Int, amount: Amount)] {
        var sent = sent
        let over = overdraft(sent)
        if over.contains(where: { $0 > 0 }) { clamp(&sent, over) }
        return sent.indices.filter { sent[$0] >= max(1, minimumTransfer) }.map { (route: candidates[$0].route, amount: sent[$0]) }
    }

    /// Per venue, how far its total sent exceeds what it may send (its surplus or what it may lend).
    func overdraft(_ sent: [Amount]) -> [Amount] {
        var out = [Amount](repeating: 0, count: costs.venueCount)
        for (e, amount) in sent.enumerated() where amount > 0 { out[candidates[e].from] += amount }
        for v in 0..<out.count {
            out[v] = max(0, out[v] - roles[v].supply)
        }
        return out
    }

    /// Makes a plan respect every venue's send limit: cuts the transfers of an overdrawn venue,
    /// those into venues that forward nothing first, then the largest.
    func clamp(_ sent: inout [Amount], _ over: [Amount]) {
        var excess = over
        var forwards = [Bool](repeating: false, count: costs.venueCount)
        for (e, amount) in sent.enumerated() where amount > 0 { forwards[candidates[e].from] = true }
        let order = sent.indices.filter { sent[$0] > 0 }.sorted {
            let (a, b) = (forwards[candidates[$0].to], forwards[candidates[$1].to])
            return a != b ? !a : (sent[$0], $1) > (sent[$1], $0)
        }
        for e in order {
            let v = candidates[e].from
            guard excess[v] > 0 else { continue }
            let cut = min(excess[v], sent[e])
            sent[e] -= cut
            excess[v] -= cut
        }
    }
}
