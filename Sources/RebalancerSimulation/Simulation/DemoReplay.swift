import RebalancerCore

/// The live demo's loop on one thread, tick by tick on the market's own clock: what `rebalancer
/// demo` does with its processes and sockets, without them, deterministic for a seed.
///
/// Each tick (`tick_ms` of wall-clock, `seconds_per_tick` of market time): the market ticks
/// (price, mark-to-market, settlements, liquidations); every venue's state is read as its watcher
/// publishes it; the strategy plans over views that count the transfers in flight
/// (`InFlightBook`), as the coordinator does; the plan's transfers reach the market
/// `decisionNanos` later (the pipeline's decision time), and settle after each route's latency
/// in wall-clock, as the live market settles them. The recorded path gives the run's hindsight
/// report, the one the demo summary carries.
public struct DemoReplay: Sendable {
    /// The deployment's venues (with their bands), routes and limits, with its
    /// `marketSecondsPerSecond` set as the node layer sets it.
    public var topology: Topology
    /// The market section: the book, the price process and its seed, the tick.
    public var market: MarketSpec
    /// From the tick a plan is made on to the market receiving its transfers: the live pipeline's
    /// decision time (50-80 ms at the median, docs/latency.md).
    public var decisionNanos: Nanos

    /// The default decision time, 80 ms.
    public static let defaultDecisionNanos: Nanos = 80 * Nanos.perMillisecond

    /// What one replay did.
    public struct Outcome: Sendable {
        /// The liquidations, as (venue, tick), in order.
        public var liquidations: [(venue: VenueID, tick: Int)]
        /// The hindsight report of the played path.
        public var report: HindsightReport
        /// The played path, with the replay's rules (decision time, floors, limits).
        public var path: HindsightPath
        /// Plans made (every one is taken as approved).
        public var plans: Int
        /// Transfers the market accepted.
        public var transfers: Int
        /// Route fees charged, in cents.
        public var feesPaid: Amount
        /// Capital sent out of each venue over the run, in cents (the verifiers cap it per
        /// `limits.windowSeconds`, longer than a demo: `limits.perVenueOutflow`).
        public var outflow: [VenueID: Amount]
        /// Capital sent over the run, in cents (capped by `limits.globalNotional`).
        public var totalSent: Amount
    }

    /// Creates a replay; `topology.marketSecondsPerSecond` is set from `market`.
    public init(topology: Topology, market: MarketSpec, decisionNanos: Nanos = DemoReplay.defaultDecisionNanos) {
        var topology = topology
        topology.marketSecondsPerSecond = market.marketSecondsPerSecond
        self.topology = topology
        self.market = market
        self.decisionNanos = decisionNanos
    }

    /// The seeded path's closes: the opening price, then one per tick for `ticks` ticks.
    public func seededCloses(ticks: Int) -> [Double] {
        var path = PricePath(spec: market)
        return [market.initialPrice] + (0..<max(0, ticks)).map { _ in path.next() }
    }

    /// Plays `ticks` ticks of the seeded path (or of `closes`: the opening price, then one per tick)
    /// with `strategy` deciding after each; `observe`, when given, sees every tick: its number, the
    /// price, the planner's views and the transfers planned.
    public func run(_ strategy: any Strategy, ticks: Int, closes: [Double]? = nil, observe: ((Int, Double, [VenueID: VenueView], [Transfer]) -> Void)? = nil) -> Outcome {
        var spec = self.market
        var replayed: PricePath?
        if let closes, let opening = closes.first {
            spec.initialPrice = opening
            replayed = PricePath.replay(closes)
            _ = replayed?.next()  // the market opens at closes[0]; its first tick plays closes[1]
        }
        var market = Market(spec: spec, routes: topology.routes, prices: replayed)
        let tick = max(1, self.market.tickMs) * Nanos.perMillisecond
        var book = InFlightBook()
        var prices = [market.price]
        var times: [Nanos] = [0]
        var liquidations: [(venue: VenueID, tick: Int)] = []
        var plans = 0
        var transfers = 0
        var outflow: [VenueID: Amount] = [:]
        for step in 0...max(0, ticks) {
            let now = Nanos(step) * tick
            if step > 0 {
                for event in market.tick(now: now) {
                    if case let .liquidated(venue, _) = event { liquidations.append((venue, step)) }
                }
                prices.append(market.price)
                times.append(now)
            }
            var views: [VenueID: VenueView] = [:]
            for venue in market.venues {
                guard let state = market.state(of: venue, seq: UInt64(step + 1), observedAt: now) else { continue }
                views[venue] = VenueView(state: state)
            }
            book.apply(to: &views)
            let planned = Plan.canonical(strategy.plan(views: views, topology: topology))
            observe?(step, market.price, views, planned)
            guard !planned.isEmpty, step < ticks else { continue }
            plans += 1
            let plan = Plan(
                topologyID: topology.id, epoch: topology.epoch, planSeq: UInt64(plans), createdAt: now,
                expiresAt: now + topology.timing.planTTLms * Nanos.perMillisecond, transfers: planned,
                basis: [], triggerVenue: planned[0].to, triggerObservedAt: now, strategy: strategy.name
            )
            book.add(plan: plan, topology: topology, now: now)
            for (index, transfer) in planned.enumerated() {
                let id = Transfer.id(planSeq: plan.planSeq, index: index)
                switch market.submit(transferID: id, from: transfer.from, to: transfer.to, amount: transfer.amount, now: now + decisionNanos) {
                case .success:
                    transfers += 1
                    outflow[transfer.from, default: 0] += transfer.amount
                case .failure: book.fail(id: id)
                }
            }
        }
        var path = HindsightPath(accounts: self.market.accounts, routes: topology.routes, prices: prices, times: times)
        path.rules = HindsightRules(topology: topology, minimumDecisionNanos: decisionNanos, decisionNanos: decisionNanos)
        return Outcome(
            liquidations: liquidations, report: HindsightReport(path: path, liquidations: liquidations), path: path,
            plans: plans, transfers: transfers, feesPaid: market.feesPaid, outflow: outflow,
            totalSent: outflow.values.reduce(0, +)
        )
    }
}
