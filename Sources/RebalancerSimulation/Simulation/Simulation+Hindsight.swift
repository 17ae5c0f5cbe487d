import RebalancerCore

extension Simulation {
    /// The hindsight bound over the same prices, for the original book (see `HindsightBound`):
    /// the pooled-pair count and least fees of `HindsightPath.bound()`, with at least one
    /// liquidation when no transfer schedule, knowing the whole path but bound by the routes'
    /// latencies and the capital, keeps every venue above maintenance margin throughout
    /// (`HindsightPath.canKeepEveryVenueWindowed(through:)`: the whole-path flow cut into
    /// overlapping windows, each solved only where the pooled capital is tight, still a lower bound).
    /// Without that check the bound ignored latency: a pair whose winning leg could cover
    /// its losing leg only by instant transfers counted as safe.
    public func hindsight(hours: Double) -> HindsightBound {
        let path = hindsightPath(hours: hours)
        var bound = path.bound()
        if bound.liquidations == 0, !path.canKeepEveryVenueWindowed(through: path.ticks) {
            bound.liquidations = 1
        }
        return bound
    }

    /// The price path the simulation plays over `hours`, with the scenario's book and routes.
    public func hindsightPath(hours: Double) -> HindsightPath {
        var path = scenario.pricePath(closes: closes)
        var prices = [path.price]
        for _ in 0..<steps(hours: hours) { prices.append(path.next()) }
        let tick = Nanos((scenario.secondsPerTick * 1e9).rounded())
        return HindsightPath(accounts: scenario.market.accounts, routes: scenario.topology.routes, prices: prices, tickNanos: tick)
    }
}
