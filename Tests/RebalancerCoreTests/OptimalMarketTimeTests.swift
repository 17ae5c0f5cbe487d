import Testing
@testable import RebalancerCore

/// `optimal` weighs route latency in market time (`OptimalStrategy.optimizer(for:)`): on a market
/// that plays an hour every 100 ms an urgent refill takes the fast route, where market time is
/// wall time nothing changes.
@Suite struct OptimalMarketTimeTests {
    let race = BalancedStrategyTests()

    @Test("live (an hour per 100 ms) optimal refills over the fast route; at market time 1 over the cheap slow one, as before")
    func fastRouteForAnUrgentRefill() {
        let v = race.views(["a": 1.5, "b": 4.5, "c": 4.5])
        let live = race.raceTopology(marketSecondsPerSecond: 36_000)
        let planned = OptimalStrategy().plan(views: v, topology: live)
        #expect(Self.share(of: "b", in: planned) > 0.99, "\(planned)")
        let wall = race.raceTopology(marketSecondsPerSecond: 1)
        #expect(OptimalStrategy().optimizer(for: wall).model == OptimalStrategy().optimizer.model)
        let slow = OptimalStrategy().plan(views: v, topology: wall)
        #expect(Self.share(of: "c", in: slow) > 0.99, "\(slow)")
    }

    /// The share of the capital sent to `a` that comes from `source` (0 when nothing is sent).
    static func share(of source: VenueID, in transfers: [Transfer]) -> Double {
        let total = transfers.filter { $0.to == "a" }.reduce(0) { $0 + Double($1.amount) }
        return total > 0 ? transfers.filter { $0.to == "a" && $0.from == source }.reduce(0) { $0 + Double($1.amount) } / total : 0
    }

    @Test("the verifier judges optimal's plan with the model it was planned with")
    func verifierModelMatchesThePlanner() {
        let live = race.raceTopology(marketSecondsPerSecond: 36_000)
        #expect(PolicyCheck.costModel(of: OptimalStrategy(), topology: live) == OptimalStrategy().optimizer(for: live).model)
        #expect(PolicyCheck.costModel(of: OptimalStrategy(), topology: live).latencyWeight == BalancedStrategy.latencyWeightPerMarketSecond * 36_000)
    }
}
