import Testing
@testable import RebalancerCore

@Suite struct GreedyThresholdStrategyTests {
    let topology = Fixture.topology()

    @Test func fundsTheVenueBelowItsBandFromTheLargestSurplus() {
        let views: [VenueID: VenueView] = [
            "a": VenueView(state: Fixture.state("a", balance: 150_000_00)),  // ratio 1.5: below 2
            "b": VenueView(state: Fixture.state("b", balance: 500_000_00)),  // 200,000 above target
            "c": VenueView(state: Fixture.state("c", balance: 380_000_00)),  //  80,000 above target
        ]
        let plan = GreedyThresholdStrategy().plan(views: views, topology: topology)
        #expect(plan.count == 1)
        #expect(plan.first?.from == "b")
        #expect(plan.first?.to == "a")
        let route = topology.route(from: "b", to: "a")!
        let delivered = plan[0].amount - route.fee(for: plan[0].amount)
        #expect(delivered >= 150_000_00)         // reaches the target of 300,000
        #expect(delivered < 150_000_00 + 100)    // and not more than a rounding cent
    }

    @Test func doesNothingInsideTheBands() {
        let views: [VenueID: VenueView] = Dictionary(uniqueKeysWithValues: Fixture.venueIDs.map { ($0, VenueView(state: Fixture.state($0, balance: 250_000_00))) })
        #expect(GreedyThresholdStrategy().plan(views: views, topology: topology).isEmpty)
    }

    @Test func neverDrawsAStaleOrFrozenSourceNorFundsAStaleVenue() {
        var frozen = Fixture.state("b", balance: 900_000_00)
        frozen.withdrawalsEnabled = false
        let views: [VenueID: VenueView] = [
            "a": VenueView(state: Fixture.state("a", balance: 100_000_00)),
            "b": VenueView(state: frozen),
            "c": VenueView(state: Fixture.state("c", balance: 900_000_00), stale: true),
        ]
        #expect(GreedyThresholdStrategy().plan(views: views, topology: topology).isEmpty)
    }

    @Test func countsCapitalInFlightSoTheSameDeficitIsNotFundedTwice() {
        let views: [VenueID: VenueView] = [
            "a": VenueView(state: Fixture.state("a", balance: 150_000_00), virtualIn: 150_000_00),
            "b": VenueView(state: Fixture.state("b", balance: 500_000_00)),
        ]
        #expect(GreedyThresholdStrategy().plan(views: views, topology: topology).isEmpty)
    }

    @Test func splitsALargeDeficitAcrossSourcesWithoutBreakingTheirTarget() {
        let views: [VenueID: VenueView] = [
            "a": VenueView(state: Fixture.state("a", balance: 0)),
            "b": VenueView(state: Fixture.state("b", balance: 450_000_00)),
            "c": VenueView(state: Fixture.state("c", balance: 420_000_00)),
        ]
        let plan = GreedyThresholdStrategy().plan(views: views, topology: topology)
        #expect(Set(plan.map(\.from)) == ["b", "c"])
        for t in plan {
            let balance = views[t.from]!.state.balance
            #expect(balance - t.amount >= 300_000_00)
        }
    }
}
