import RebalancerCore

extension HindsightPath {
    /// True when some transfer schedule, chosen knowing the whole path, keeps every venue of the
    /// original book at or above its maintenance margin at every tick from 0 through `horizon`.
    ///
    /// The schedule may send any amount from a venue right after any tick, as long as the venue keeps
    /// its maintenance margin at that tick (a venue refuses a withdrawal that would leave it under
    /// margin; the verifiers' floor asks more); it is credited at the first tick at least the
    /// route's latency later, as the market settles. The check is a flow over time: one node per
    /// venue and tick, balances carried from tick to tick with a lower bound of the maintenance
    /// margin, mark-to-market entering as supply or demand, a transfer arc per route and tick
    /// landing at its arrival tick. Such a flow exists exactly when a maximum flow saturates the
    /// supplies of the lower-bound reduction.
    ///
    /// It is a relaxation, so "cannot keep" is a proof: route fees are not deducted from the
    /// credited amount, a source may send down to its margin (the verifiers keep its floor buffer),
    /// and capacities, withdrawal limits and the verifiers' windows are ignored. It obeys
    /// `rules.minimumDecisionNanos` and `rules.firstDepartureTick`, which every schedule obeys.
    public func canKeepEveryVenue(through horizon: Int) -> Bool {
        canKeepEveryVenue(from: 0, through: horizon)
    }

    /// The same check over ticks `start` through `horizon` only, from the capital the book holds at
    /// `start` (its starting collateral plus every venue's mark-to-market up to `start`) placed
    /// wherever the schedule likes at tick `start`. For `start` 0 it is the check above; for a later
    /// start it is a relaxation of it: the actual balances at `start`, with every transfer in flight
    /// credited at once, are one such placement, and a schedule of the whole path restricted to the
    /// window is a schedule of the window. So "cannot keep" over a window is a proof for the path.
    public func canKeepEveryVenue(from start: Int, through horizon: Int) -> Bool {
        schedule(from: start, through: horizon, decision: rules.minimumDecisionNanos, reserve: { _, _ in 0 }) != nil
    }

    /// One transfer of a schedule: `amount` cents decided on tick `tick` (it leaves after it).
    public struct ScheduledTransfer: Sendable, Equatable {
        /// The tick it is decided on.
        public var tick: Int
        /// Source venue.
        public var from: VenueID
        /// Destination venue.
        public var to: VenueID
        /// Cents debited at the source.
        public var amount: Amount
    }

    /// A schedule of the flow over time of ticks `start` through `horizon`, or nil when none exists.
    /// Transfers decided on tick k leave `decision` after it and land at the first tick at least
    /// their route's latency later; nothing leaves before `rules.firstDepartureTick`. Each venue
    /// carries past every tick at least its maintenance margin `m` plus `reserve(venue index, m)`.
    func schedule(from start: Int, through horizon: Int, decision: Nanos, reserve: (Int, Amount) -> Amount) -> [ScheduledTransfer]? {
        let n = accounts.count
        let h = min(max(0, horizon), ticks)
        let first = min(max(0, start), h)
        guard n > 0, !prices.isEmpty else { return [] }
        func node(_ i: Int, _ k: Int) -> Int { (k - first) * n + i }
        var network = MaxFlow(nodes: n * (h - first + 1))
        var supply = [Int64](repeating: 0, count: network.nodeCount)
        let sinkAll = network.addNode()
        supply.append(0)
        let pool = network.addNode()
        supply.append(0)
        var total: Int64 = 0
        for (i, a) in accounts.enumerated() {
            let held = holdings(a, through: first)
            if first > 0 {
                supply[pool] += held
                network.addArc(from: pool, to: node(i, first), capacity: MaxFlow.unbounded)
            } else {
                supply[node(i, first)] += held
            }
            total += held
            for k in first...h {
                let v = node(i, k)
                if k > first {
                    let pnl = markToMarket(a, tick: k)
                    supply[v] += pnl
                    total += pnl
                }
                // What the venue carries past tick k, after sending, is at least its margin then
                // (so it held that much at the check too), plus the reserve asked for.
                let maintenance = maintenanceMargin(a, tick: k)
                network.addHoldover(from: v, to: k < h ? node(i, k + 1) : sinkAll, floor: maintenance + max(0, reserve(i, maintenance)), supply: &supply)
            }
        }
        guard total >= 0 else { return nil }
        supply[sinkAll] -= total
        let (source, sink, required) = network.attach(supply: supply)
        // Holding first: the flow each venue's own capital carries past its margins, with no
        // transfer; then the transfers, for what holding cannot carry. In one pass the shortest
        // augmenting paths preferred a transfer arc to a chain of holdovers, and the schedule moved
        // capital back and forth for nothing (all of it through v6 on fast routes), until the
        // verifiers' outflow windows refused it (docs/strategies.md, twelfth pass).
        let held = network.maximize(from: source, to: sink)
        let arcs = addTransferArcs(to: &network, departures: first..<max(first, h), last: h, decision: decision, node: node)
        guard held + network.maximize(from: source, to: sink) == required else { return nil }
        var transfers: [ScheduledTransfer] = []
        for (arc, tick, route) in arcs {
            let amount = network.flow(on: arc)
            if amount > 0 { transfers.append(ScheduledTransfer(tick: tick, from: route.from, to: route.to, amount: amount)) }
        }
        return transfers.sorted { ($0.tick, $0.from, $0.to) < ($1.tick, $1.from, $1.to) }
    }

    /// The first tick at which no transfer schedule could have kept every venue above maintenance
    /// margin (see `canKeepEveryVenue(through:)`), or nil when the whole path could be survived.
    public func firstUnavoidableTick() -> Int? {
        guard !canKeepEveryVenue(through: ticks) else { return nil }
        var low = 0, high = ticks  // invariant: cannot keep through `high`
        if !canKeepEveryVenue(through: 0) { return 0 }
        while high - low > 1 {
            let mid = (low + high) / 2
            if canKeepEveryVenue(through: mid) { low = mid } else { high = mid }
        }
        return high
    }
}
