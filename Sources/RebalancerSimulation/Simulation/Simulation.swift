import RebalancerCore

/// The delta-neutral scenario in simulated time: no sockets, no clock, deterministic for a seed.
///
/// Each step: the market ticks (prices, mark-to-market, settlements, liquidations) → the desk
/// re-opens liquidated pairs → every venue's state as its watcher would publish it (EWMA
/// volatility from the market, the utilisation trend from `UtilisationTrend`) → the strategy's
/// plan over views that count transfers in flight (`InFlightBook`) → the transfers are submitted
/// to the market, which credits them after each route's latency.
public struct Simulation: Sendable {
    /// The scenario.
    public var scenario: SimulationScenario
    /// Recorded closes to replay instead of the seeded path, one per tick.
    public var closes: [Double]?

    /// Creates a simulation.
    public init(scenario: SimulationScenario, closes: [Double]? = nil) {
        self.scenario = scenario
        self.closes = closes
    }

    /// Ticks in `hours` simulated hours.
    public func steps(hours: Double) -> Int {
        max(0, Int((hours * 3_600 / scenario.secondsPerTick).rounded()))
    }

    /// Runs every strategy over the same prices and reports them with the hindsight bound.
    public func run(strategies: [any Strategy], hours: Double) -> SimulationReport {
        var results: [String: SimulationMetrics] = [:]
        for strategy in strategies { results[strategy.name] = run(strategy, hours: hours) }
        return SimulationReport(
            scenario: scenario.name, seed: scenario.market.seed, hours: hours, strategies: results,
            hindsight: hindsight(hours: hours)
        )
    }

    /// Runs one strategy for `hours` simulated hours; `observe`, when given, sees every tick.
    public func run(_ strategy: any Strategy, hours: Double, observe: ((SimulationStep) -> Void)? = nil) -> SimulationMetrics {
        let topology = scenario.topology
        var market = Market(spec: scenario.market, routes: topology.routes, prices: scenario.pricePath(closes: closes))
        var desk = Desk(spec: scenario.market, delaySeconds: scenario.reentryDelaySeconds, step: scenario.reentryStep)
        let venues = market.venues
        var trends = venues.map { _ in UtilisationTrend() }
        var book = InFlightBook()
        var metrics = SimulationMetrics()
        var planSeq: UInt64 = 0
        var idle = 0.0
        var reduced = 0.0
        let intended = desk.pairs.reduce(0.0) { $0 + $1.size }
        let tick = Nanos((scenario.secondsPerTick * 1e9).rounded())
        let minutesPerTick = scenario.secondsPerTick / 60
        let costPerCentSecond = scenario.capitalCostPerYear / PricePath.secondsPerYear / 100
        let steps = steps(hours: hours)

        for step in 0..<steps {
            let now = Nanos(step + 1) * tick
            var liquidated: [VenueID] = []
            for event in market.tick(now: now) {
                guard case let .liquidated(venue, penalty) = event else { continue }
                liquidated.append(venue)
                metrics.liquidations += 1
                metrics.penaltiesPaid += Double(penalty) / 100
                desk.liquidated(venue, at: now)
            }
            desk.reenter(&market, now: now)

            var views: [VenueID: VenueView] = [:]
            var initialMargin: Amount = 0
            for (i, venue) in venues.enumerated() {
                guard var state = market.state(of: venue, seq: UInt64(step + 1), observedAt: now) else { continue }
                state.utilisationTrend = trends[i].update(maintenanceMargin: state.maintenanceMargin, balance: state.balance, at: now)
                if state.positionSize != 0 && state.balance < state.initialMargin { metrics.minutesBelowInitialMargin += minutesPerTick }
                initialMargin += state.initialMargin
                views[venue] = VenueView(state: state)
            }
            let capital = Double(market.capitalInSystem)
            if capital > 0 { idle += max(0, capital - Double(initialMargin)) / capital }
            if intended > 0 {
                let held = desk.pairs.reduce(0.0) { $0 + max(0, market.position(of: $1.long) ?? 0) }
                reduced += max(0, intended - held) / intended
            }

            guard step % scenario.decisionEveryTicks == 0 else { continue }
            book.apply(to: &views)
            let transfers = Plan.canonical(strategy.plan(views: views, topology: topology))
            if let observe {
                observe(SimulationStep(
                    step: step + 1, price: market.price, views: views,
                    bands: strategy.policyTopology(views: views, topology: topology), transfers: transfers, liquidated: liquidated
                ))
            }
            guard !transfers.isEmpty else { continue }
            planSeq += 1
            let plan = Plan(
                topologyID: topology.id, epoch: topology.epoch, planSeq: planSeq, createdAt: now, expiresAt: now + tick,
                transfers: transfers, basis: [], triggerVenue: transfers[0].to, triggerObservedAt: now, strategy: strategy.name
            )
            book.add(plan: plan, topology: topology, now: now)
            for (index, transfer) in transfers.enumerated() {
                let id = Transfer.id(planSeq: planSeq, index: index)
                switch market.submit(transferID: id, from: transfer.from, to: transfer.to, amount: transfer.amount, now: now) {
                case .success:
                    metrics.transfers += 1
                    let latency = Double(market.route(from: transfer.from, to: transfer.to)?.latencyMs ?? 0) / 1000
                    metrics.latencyCost += Double(transfer.amount) * latency * costPerCentSecond
                case .failure:
                    metrics.rejectedTransfers += 1
                    book.fail(id: id)
                }
            }
        }
        metrics.feesPaid = Double(market.feesPaid) / 100
        metrics.idleCapitalShare = steps > 0 ? idle / Double(steps) : 0
        metrics.reducedBookShare = steps > 0 ? reduced / Double(steps) : 0
        return metrics
    }
}
