import RebalancerCore

extension HindsightPath {
    /// Why a played schedule failed: the tick, the venue, and whether the venue was liquidated (or
    /// a rule refused one of its transfers).
    public struct Failure: Sendable, Equatable {
        /// The tick.
        public var tick: Int
        /// The venue liquidated, or the source whose transfer broke a rule.
        public var venue: VenueID
        /// True for a liquidation.
        public var liquidated: Bool
    }

    /// Plays `schedule` through the market on this path, as the live system would carry it out:
    /// each transfer is submitted `rules.decisionNanos` after the tick it was decided on (split at
    /// the per-transfer cap and the route's capacity), the route fee is deducted from what lands, it
    /// settles at the first tick at or after its due time. Returns the first tick at which the
    /// schedule breaks a rule (a venue liquidated, a source drawn below its margin plus floor
    /// buffer, a withdrawal limit or an outflow window exceeded), or nil when it keeps every venue
    /// alive and every rule through `horizon`.
    public func play(_ schedule: [ScheduledTransfer], through horizon: Int) -> Int? {
        playing(schedule, through: horizon)?.tick
    }

    /// `play`, with the venue and the kind of the failure.
    func playing(_ schedule: [ScheduledTransfer], through horizon: Int) -> Failure? {
        let h = min(max(0, horizon), ticks)
        guard !accounts.isEmpty, !prices.isEmpty else { return nil }
        var closes = PricePath.replay(prices)
        _ = closes.next()  // the market opens at prices[0]; its first tick plays prices[1]
        let spec = MarketSpec(
            seed: 0, initialPrice: prices[0], drift: 0, volatility: 0, shockMultiplier: 1,
            secondsPerTick: 0, tickMs: 0, liquidationPenalty: 0, accounts: accounts
        )
        var market = Market(spec: spec, routes: routes, prices: closes)
        let netted = Self.netted(schedule)
        var sent: [(at: Nanos, from: VenueID, to: VenueID, amount: Amount)] = []
        var next = 0
        var serial = 0
        for k in 0...h {
            if k > 0 {
                for event in market.tick(now: times[k]) {
                    if case let .liquidated(venue, _) = event { return Failure(tick: k, venue: venue, liquidated: true) }
                }
            }
            let now = times[k] + rules.decisionNanos
            var planned: [VenueID: Amount] = [:]
            while next < netted.count, netted[next].tick <= k {
                let t = netted[next]
                next += 1
                guard t.tick == k, k < h else { continue }
                let refused = Failure(tick: k, venue: t.from, liquidated: false)
                guard let i = market.index[t.from], let route = market.route(from: t.from, to: t.to) else { return refused }
                planned[t.from, default: 0] += t.amount
                if let limit = rules.withdrawalLimits[t.from], planned[t.from, default: 0] > limit { return refused }
                // Verifier rule 3b: the source keeps its margin plus its floor buffer.
                guard market.balances[i] - t.amount >= market.maintenanceMargin(at: i) + rules.floorBuffer(t.from) else { return refused }
                var left = t.amount
                let cap = min(route.capacity > 0 ? route.capacity : left, rules.limits?.perTransferCap ?? left)
                while left > 0 {
                    let piece = min(left, max(1, cap))
                    serial += 1
                    guard case .success = market.submit(transferID: "hindsight/\(serial)", from: t.from, to: t.to, amount: piece, now: now) else { return refused }
                    sent.append((now, t.from, t.to, piece))
                    left -= piece
                }
                if let limits = rules.limits, Self.exceeds(limits, sent, at: now) { return refused }
            }
        }
        return nil
    }

    /// The last tick through which a schedule obeying every rule of `rules` keeps every venue
    /// alive, proven by playing it through the market (`play`); -1 when none is found.
    ///
    /// The schedule is found on restrictions of the flow over time: every venue carries past every
    /// tick its margin plus its floor buffer; when the schedule played through the market loses a
    /// venue or a source breaks a rule (the fees deducted from what landed), that venue also keeps, at every tick, the fees
    /// of its receipts plus 1% of its margin, doubled at each
    /// further loss; from the second failure on every venue keeps at least 0.5% of its margin,
    /// doubled at each further failure (and dropped when the capital cannot carry it); the flow
    /// is solved again (at most `repairRounds` times). Each round keeps
    /// the largest horizon its restriction allows; the best horizon a played schedule kept is the
    /// answer.
    public func avoidableThrough(limit: Int? = nil) -> Int { provenSchedule(limit: limit).through }

    /// `avoidableThrough` with the schedule that proves it (played through the market, it keeps
    /// every venue alive and every rule through `through`).
    public func provenSchedule(limit: Int? = nil) -> (through: Int, schedule: [ScheduledTransfer]) {
        let h = min(ticks, limit ?? ticks)
        var best = -1
        var proof: [ScheduledTransfer] = []
        var extra: [Int: (amount: Amount, share: Double)] = [:]
        var everyone = 0.0
        let index = Dictionary(accounts.enumerated().map { ($1.venue, $0) }, uniquingKeysWith: { a, _ in a })
        var failures = 0
        for _ in 0..<Self.repairRounds {
            let kept = extra
            func restricted(_ t: Int, _ common: Double) -> [ScheduledTransfer]? {
                schedule(from: 0, through: t, decision: rules.decisionNanos) { i, margin in
                    let own = kept[i].map { e in e.amount + Amount((Double(margin) * e.share).rounded(.up)) } ?? 0
                    return self.rules.floorBuffer(self.accounts[i].venue) + max(own, Amount((Double(margin) * common).rounded(.up)))
                }
            }
            var first = restricted(max(0, best + 1), everyone)
            if first == nil, everyone > 0 {
                // Too tight for the capital: back to the repairs of the failed venues alone.
                everyone = 0
                first = restricted(max(0, best + 1), 0)
            }
            guard var plan = first else { break }
            let common = everyone
            func restricted(_ t: Int) -> [ScheduledTransfer]? { restricted(t, common) }
            var low = max(0, best + 1)
            if let whole = restricted(h) {
                low = h
                plan = whole
            } else {
                var high = h  // invariant: restricted(low) exists, restricted(high) does not
                while high - low > 1 {
                    let mid = (low + high) / 2
                    if let found = restricted(mid) { low = mid; plan = found } else { high = mid }
                }
            }
            guard let failure = playing(plan, through: low) else { return (low, plan) }
            if failure.tick - 1 > best { best = failure.tick - 1; proof = plan }
            guard let v = index[failure.venue] else { break }
            let receipts = plan.filter { $0.to == failure.venue }
            let fees = receipts.reduce(Amount(0)) { sum, t in sum + (routes.first { $0.from == t.from && $0.to == t.to }.map { Market.fee(on: $0, amount: t.amount) } ?? 0) }
            let previous = extra[v]
            extra[v] = (max(fees, 2 * (previous?.amount ?? 0)), 2 * (previous?.share ?? 0.005))
            // Many venues short by a little (a flow over 100 venues sets each source to the
            // floor it may not cross; the fees and the margin's move between the flow's tick and
            // the market's put some a few dollars under it): one venue per round is too slow, so
            // from the second failure on every venue keeps a share of its margin, doubled at each
            // further failure (dropped again when the capital cannot carry it).
            failures += 1
            if failures >= 2 { everyone = everyone == 0 ? 0.005 : 2 * everyone }
        }
        return (best, proof)
    }

    /// Most restricted flows `avoidableThrough` solves and plays.
    static let repairRounds = 10

    /// The schedule with opposite transfers decided on the same tick between the same venues
    /// netted (a flow may carry both directions; the market would charge both fees).
    static func netted(_ schedule: [ScheduledTransfer]) -> [ScheduledTransfer] {
        var net: [String: ScheduledTransfer] = [:]
        var order: [String] = []
        for t in schedule {
            let forward = t.from < t.to
            let key = "\(t.tick)|\(forward ? t.from : t.to)|\(forward ? t.to : t.from)"
            if net[key] == nil { order.append(key); net[key] = ScheduledTransfer(tick: t.tick, from: t.from, to: t.to, amount: 0) }
            let signed = (net[key]!.from == t.from) ? t.amount : -t.amount
            net[key]!.amount += signed
        }
        var result: [ScheduledTransfer] = []
        for key in order {
            var t = net[key]!
            if t.amount < 0 { t = ScheduledTransfer(tick: t.tick, from: t.to, to: t.from, amount: -t.amount) }
            if t.amount > 0 { result.append(t) }
        }
        return result.sorted { ($0.tick, $0.from, $0.to) < ($1.tick, $1.from, $1.to) }
    }

    /// True when the transfers sent in the window ending at `now` exceed a limit.
    static func exceeds(_ limits: Topology.Limits, _ sent: [(at: Nanos, from: VenueID, to: VenueID, amount: Amount)], at now: Nanos) -> Bool {
        let start = now - limits.windowSeconds * Nanos.perSecond
        var total: Amount = 0
        var venue: [VenueID: Amount] = [:]
        var route: [String: Amount] = [:]
        for s in sent where s.at > start {
            total += s.amount
            venue[s.from, default: 0] += s.amount
            route["\(s.from)>\(s.to)", default: 0] += s.amount
        }
        return total > limits.globalNotional || venue.values.contains { $0 > limits.perVenueOutflow }
            || route.values.contains { $0 > limits.perRouteOutflow }
    }
}
