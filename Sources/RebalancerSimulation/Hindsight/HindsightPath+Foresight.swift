import RebalancerCore

extension HindsightPath {
    /// A tick after which a strategy that does not see the future must guess: no schedule decided
    /// alike on this path and on its mirror after `fork` (`mirrored(after:)`) keeps every venue at
    /// or above maintenance margin through `through` on both, while a schedule chosen with hindsight
    /// does so on each of them alone.
    public struct ForesightFork: Sendable, Equatable, Codable {
        /// The last tick both paths share.
        public var fork: Int
        /// The tick through which one of the two paths liquidates a venue, whatever a causal
        /// strategy does: the last one before a transfer decided after the fork can land.
        public var through: Int
        /// What the venues must hold, from decisions through the fork, to survive both paths
        /// through `through`, in cents (`mirrorHedge`).
        public var required: Amount
        /// The book's equity at the fork, in cents: what they can hold at most.
        public var equity: Amount

        /// Creates a fork.
        public init(fork: Int, through: Int, required: Amount, equity: Amount) {
            self.fork = fork
            self.through = through
            self.required = required
            self.equity = equity
        }
    }

    /// The path with the log-return of every tick after `fork` mirrored around `drift` (a log-return
    /// per tick): `r' = 2 drift − r`. It shares ticks 0 through `fork` with this one, then moves
    /// down where this one moves up, as far and at the same times. When each tick's log-return is
    /// Gaussian around `drift` (the simulated market's calm regime, `MarketSpec.logDriftPerTick`),
    /// the mirror is exactly as likely as this path given what both showed by `fork`.
    public func mirrored(after fork: Int, drift: Double = 0) -> HindsightPath {
        var mirror = self
        mirror.prices = Self.mirror(prices, after: fork, drift: drift)
        return mirror
    }

    /// `closes` (the price before the first tick, then one per tick) with the log-return of every
    /// tick after `fork` mirrored around `drift`, as `mirrored(after:drift:)` does.
    public static func mirror(_ closes: [Double], after fork: Int, drift: Double = 0) -> [Double] {
        var mirror = closes
        guard fork + 1 < closes.count, fork >= 0 else { return mirror }
        let tilt = PortableMath.exp(2 * drift)
        for k in (fork + 1)..<closes.count {
            mirror[k] = mirror[k - 1] * tilt * closes[k - 1] / closes[k]
        }
        return mirror
    }

    /// The last tick before anything decided on tick `fork + 1` can land at `venue` (anywhere, for
    /// nil): the fastest route in, plus the least decision time (`rules.minimumDecisionNanos`).
    /// Between `fork` and it, the venue holds what decisions on ticks through `fork` placed there,
    /// plus its mark-to-market, minus what it sends. A venue no route reaches is blind to the end.
    public func blindThrough(fork: Int, into venue: VenueID? = nil) -> Int {
        let decided = fork + 1
        guard decided < prices.count else { return ticks }
        let inbound = routes.filter { $0.from != $0.to && (venue == nil || $0.to == venue) }
        guard let fastest = inbound.map({ max(0, $0.latencyMs) }).min() else { return ticks }
        let due = times[decided] + fastest * Nanos.perMillisecond + rules.minimumDecisionNanos
        var k = decided
        while k + 1 <= ticks && times[k + 1] < due { k += 1 }
        return k
    }

    /// True when no schedule that decides ticks through `fork` alike on this path and on its
    /// mirror keeps every venue at or above maintenance margin on both, each venue through its own
    /// `blindThrough(fork:into:)`.
    ///
    /// A proof. Decisions after the fork land at venue u after its blind tick, so at any tick k up
    /// to it u holds `S_u(k) + pnl_u(fork, k] − out_u(k)`: the shared part `S_u(k)` (its holdings at
    /// the fork, plus transfers decided by then that land by k) does not depend on the branch, and
    /// `out_u ≥ 0` is what it sent since. Surviving both asks `S_u(k) ≥ R_u(k) = max over the two
    /// paths of (margin_u(k) − pnl_u(fork, k])`. That is a flow over time like
    /// `canKeepEveryVenue`'s on ticks 0 through the last blind tick: the path's own mark-to-market
    /// and margins through the fork, transfers decided only through the fork, then no
    /// mark-to-market and `R_u(k)` as each venue's lower bound while it is blind (nothing after).
    /// It is the same relaxation (no fees, sources down to their margins, no limits), so when no
    /// such flow exists, no causal schedule survives both paths. A cent of rounding per venue and
    /// blind tick is given away (the market books whole cents).
    public func cannotHedgeMirror(fork: Int, drift: Double = 0) -> Bool {
        let n = accounts.count
        guard n > 0, fork >= 0, fork < blindThrough(fork: fork) else { return false }
        let blind = accounts.map { blindThrough(fork: fork, into: $0.venue) }
        let last = blind.max() ?? fork
        let mirror = Self.mirror(prices, after: fork, drift: drift)
        func node(_ i: Int, _ k: Int) -> Int { k * n + i }
        var network = MaxFlow(nodes: n * (last + 1))
        var supply = [Int64](repeating: 0, count: network.nodeCount)
        let sinkAll = network.addNode()
        supply.append(0)
        var total: Int64 = 0
        for (i, a) in accounts.enumerated() {
            supply[node(i, 0)] += a.balance
            total += a.balance
            for k in 0...last {
                let v = node(i, k)
                var floor: Amount = 0
                if k <= fork {
                    if k > 0 {
                        let pnl = markToMarket(a, tick: k)
                        supply[v] += pnl
                        total += pnl
                    }
                    floor = maintenanceMargin(a, tick: k)
                } else if k <= blind[i] {
                    var need = -Double.infinity
                    for path in [prices, mirror] {
                        let margin = abs(a.position) * path[k] * a.maintenanceRate * 100
                        need = max(need, margin - a.position * (path[k] - path[fork]) * 100)
                    }
                    floor = max(0, Amount((need - Double(k - fork)).rounded(.down)))
                }
                network.addHoldover(from: v, to: k < last ? node(i, k + 1) : sinkAll, floor: floor, supply: &supply)
            }
        }
        guard total >= 0 else { return true }
        supply[sinkAll] -= total
        let (source, sink, required) = network.attach(supply: supply)
        _ = addTransferArcs(to: &network, departures: 0..<min(fork + 1, last), last: last, decision: rules.minimumDecisionNanos, node: node)
        return network.maximize(from: source, to: sink) < required
    }

    /// What surviving both paths asks of the whole book, in cents: `Σ R_u` (each venue's worst
    /// `R_u(k)` while blind, see `cannotHedgeMirror`) against the book's equity at the fork; with
    /// `through`, the last of the venues' blind ticks. When the sum exceeds the equity, no capital
    /// suffices; when it does not, a fork still stands if the capital cannot be where it is needed
    /// in time. Nil when no tick lies between the fork and the landing of what is decided after it.
    public func mirrorHedge(fork: Int, drift: Double = 0) -> (required: Double, equity: Double, through: Int)? {
        guard fork >= 0, fork < blindThrough(fork: fork) else { return nil }
        let mirror = mirrored(after: fork, drift: drift)
        var equity = 0.0
        var required = 0.0
        var last = fork
        for a in accounts {
            let through = blindThrough(fork: fork, into: a.venue)
            last = max(last, through)
            equity += Double(holdings(a, through: fork))
            var need = -Double.infinity
            for path in [prices, mirror.prices] {
                for k in (fork + 1)...through {
                    let margin = abs(a.position) * path[k] * a.maintenanceRate * 100
                    let pnl = a.position * (path[k] - path[fork]) * 100
                    need = max(need, margin - pnl)
                }
            }
            required += need
        }
        return (required, equity, last)
    }

    /// The forks through tick `limit` after which a causal strategy must guess: `cannotHedgeMirror`
    /// holds, and a schedule obeying every rule of the live system, played through the market,
    /// keeps every venue alive through the fork's `through` on this path and on the mirror alike
    /// (`avoidableThrough`). On such a path, any strategy that does not see the future is liquidated
    /// by then on the path or on its mirror, where hindsight calls the liquidation avoidable.
    /// Returns at most `most` forks, the earliest first, after trying the mirrors of at most `scan`
    /// forks (the costly part: each mirror's own hindsight bound).
    public func foresightForks(through limit: Int, drift: Double = 0, most: Int = 1, scan: Int = 40) -> [ForesightFork] {
        let last = min(limit, ticks)
        guard last > 0 else { return [] }
        let kept = avoidableThrough(limit: last)
        var forks: [ForesightFork] = []
        var tried = 0
        for fork in 0..<last where tried < scan && forks.count < most {
            guard let hedge = mirrorHedge(fork: fork, drift: drift), hedge.through <= kept, cannotHedgeMirror(fork: fork, drift: drift) else { continue }
            tried += 1
            if mirrored(after: fork, drift: drift).avoidableThrough(limit: hedge.through) >= hedge.through {
                forks.append(ForesightFork(fork: fork, through: hedge.through, required: Amount(hedge.required.rounded(.up)), equity: Amount(hedge.equity.rounded(.down))))
            }
        }
        return forks
    }
}
