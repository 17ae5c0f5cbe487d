import Testing
@testable import RebalancerCore

/// After a liquidation the market closes the liquidated position and unwinds its hedge: both
/// venues hold no position (maintenance margin 0) and whatever collateral is left. Planning must go
/// on for the venues that still hold positions, drawing on that freed collateral, and the
/// verifiers must sign those plans.
@Suite struct AfterLiquidationTests {
    let topology = Fixture.topology()
    let now: Nanos = 2_000_000_000

    /// `a` was liquidated (penalty taken, little left), `b` was its hedge (unwound, its gains left
    /// on it), `c` still holds a position and sits below its lower band (1.5× margin).
    var states: [VenueID: VenueState] {
        var a = Fixture.state("a", balance: 20_000_00, at: now, mm: 0)
        a.positionSize = 0
        var b = Fixture.state("b", balance: 400_000_00, at: now, mm: 0)
        b.positionSize = 0
        var c = Fixture.state("c", balance: 150_000_00, at: now)
        c.positionSize = -10
        c.markPrice = 60_000
        c.volatility = 0.6
        return ["a": a, "b": b, "c": c]
    }

    @Test("the coordinator plans for the venue that remains, and a verifier signs it", arguments: StrategyName.allCases.filter { $0 != .static })
    func keepsPlanning(_ name: StrategyName) throws {
        var coordinator = Coordinator(topology: topology, strategy: name.make(), lastPlanSeq: 7, digest: Fixture.digest)
        var directives: [Coordinator.Directive] = []
        for (venue, state) in states.sorted(by: { $0.key < $1.key }) {
            directives += coordinator.on(.state(state, digest: [UInt8(venue.utf8.first!)]), now: now)
        }
        let plan = try #require(directives.compactMap { d -> Plan? in if case let .propose(p) = d { p } else { nil } }.first, "\(name): no plan")
        #expect(plan.planSeq == 8)
        #expect(plan.transfers.allSatisfy { $0.to == "c" && ($0.from == "a" || $0.from == "b") }, "\(name): \(plan.transfers)")
        let basis = states.mapValues { Verifier.BasisState(state: $0, digest: [UInt8($0.venue.utf8.first!)], signedByWatcher: true) }
        let context = Verifier.Context(topology: topology, view: states, viewReceivedAt: states.mapValues { _ in now - 100 }, lastSignedSeq: 7, signedOutflows: [], now: now + 1_000)
        let verdict = Verifier.check(plan, basis: basis, context: context)
        #expect(verdict == .approve, "\(name): \(verdict.detail)")
    }
}
