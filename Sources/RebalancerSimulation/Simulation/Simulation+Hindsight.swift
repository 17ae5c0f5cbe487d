import RebalancerCore

extension Simulation {
    /// The hindsight bound over the same prices, for the original book (see `HindsightBound`);
    /// computed by `HindsightPath`, which the live market's recorded runs share.
    public func hindsight(hours: Double) -> HindsightBound {
        hindsightPath(hours: hours).bound()
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
