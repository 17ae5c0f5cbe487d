import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// Rule 4b's shortcut: a verifier settles "the proposal is within tolerance of its own
/// recomputation" from the optimizer's root bound when it can, and recomputes only when it cannot.
/// The shortcut is sound only if the bound never exceeds the recomputed objective, and useful only
/// if it settles honest proposals.
@Suite struct VerifierObjectiveBoundTests {
    /// Small realistic and random instances, 3 to 9 venues (as the oracle's).
    static func instances() -> [(Topology, [VenueID: VenueView])] {
        (UInt64(0)..<120).map { seed in
            let size = 3 + Int(seed % 7)
            return seed % 2 == 0 ? OptimizerBenchmark.realisticInstance(venues: size, seed: 13_000 + seed)
                : OptimizerBenchmark.randomInstance(venues: size, seed: 13_000 + seed)
        }
    }

    @Test func rootBoundNeverExceedsThePlanTheOptimizerReturns() {
        let optimizer = TransferOptimizer()
        var settled = 0
        var planned = 0
        for (topology, views) in Self.instances() {
            let plan = optimizer.solve(views: views, topology: topology)
            let bound = optimizer.rootBound(views: views, topology: topology)
            #expect(bound <= plan.objective, "bound \(bound) above objective \(plan.objective)")
            #expect(bound <= plan.lowerBound + 1e-6 * Swift.abs(plan.lowerBound) + Double(topology.routes.count))
            guard !plan.transfers.isEmpty else { continue }
            planned += 1
            if plan.objective <= bound * (1 + Verifier.objectiveTolerance) + Verifier.objectiveSlack { settled += 1 }
        }
        // Most honest plans are settled by the bound alone (no search in the verifier).
        #expect(planned > 50)
        #expect(settled * 2 > planned, "\(settled) of \(planned) settled by the bound")
    }

    @Test func theShortcutNeverApprovesWhatTheRecomputationRejects() {
        // Honest plans and plans made worse (amounts cut, transfers dropped): the rule with the
        // shortcut gives the verdict the recomputation alone gives.
        for (topology, views) in Self.instances().prefix(60) {
            let basis = views.mapValues(\.state)
            let honest = TransferOptimizer().solve(views: views, topology: topology).transfers
            guard !honest.isEmpty else { continue }
            let variants = [honest, honest.map { Transfer(from: $0.from, to: $0.to, amount: $0.amount / 2) }, Array(honest.dropFirst()),
                            honest.map { Transfer(from: $0.from, to: $0.to, amount: $0.amount / 10) }]
            for transfers in variants where !transfers.isEmpty {
                let objective = PolicyCheck.objective(of: transfers, basis: basis, topology: topology, strategy: "optimal")
                let recomputed = PolicyCheck.recompute(strategy: "optimal", basis: basis, topology: topology)!.objective
                let bound = PolicyCheck.lowerBound(strategy: "optimal", basis: basis, topology: topology)!
                let byBound = objective <= bound * (1 + Verifier.objectiveTolerance) + Verifier.objectiveSlack
                let byRecomputation = objective <= recomputed * (1 + Verifier.objectiveTolerance) + Verifier.objectiveSlack
                #expect(!byBound || byRecomputation)
            }
        }
    }

    @Test func onlyTheOptimizerHasABound() {
        let topology = Fixture.topology()
        let basis = ["a": Fixture.state("a", balance: 150_000_00), "b": Fixture.state("b", balance: 500_000_00)]
        #expect(PolicyCheck.lowerBound(strategy: "optimal", basis: basis, topology: topology) != nil)
        #expect(PolicyCheck.lowerBound(strategy: "threshold", basis: basis, topology: topology) == nil)
        #expect(PolicyCheck.lowerBound(strategy: "predictive", basis: basis, topology: topology) == nil)
        #expect(PolicyCheck.lowerBound(strategy: "mystery", basis: basis, topology: topology) == nil)
    }

    @Test func aVerifierApprovesTheOptimizersPlanAndRejectsAWorseOne() throws {
        let topology = Fixture.topology()
        let now: Nanos = 2_000_000_000
        let states = ["a": Fixture.state("a", balance: 150_000_00), "b": Fixture.state("b", balance: 500_000_00), "c": Fixture.state("c", balance: 300_000_00)]
        let basis = states.mapValues { Verifier.BasisState(state: $0, digest: [UInt8($0.venue.utf8.first!)], signedByWatcher: true) }
        let context = Verifier.Context(topology: topology, view: states, viewReceivedAt: states.mapValues { _ in now - 100 }, lastSignedSeq: 0, signedOutflows: [], now: now)
        func plan(_ transfers: [Transfer]) -> Plan {
            let involved = Set(transfers.flatMap { [$0.from, $0.to] }).sorted()
            return Plan(
                topologyID: "test", epoch: 1, planSeq: 1, createdAt: now, expiresAt: now + 3_000_000_000, transfers: transfers,
                basis: involved.compactMap { v in states[v].map { BasisRef(venue: v, seq: $0.seq, observedAt: $0.observedAt, digest: [UInt8(v.utf8.first!)]) } },
                triggerVenue: "a", triggerObservedAt: now, strategy: "optimal")
        }
        let honest = OptimalStrategy().plan(views: states.mapValues { VenueView(state: $0) }, topology: topology)
        try #require(!honest.isEmpty)
        #expect(Verifier.check(plan(honest), basis: basis, context: context) == .approve)
        // A tenth of what is needed: better than nothing, far worse than the recomputation.
        let short = Verifier.check(plan(honest.map { Transfer(from: $0.from, to: $0.to, amount: $0.amount / 10) }), basis: basis, context: context)
        #expect(short.rule == .objectiveMismatch, "\(short.detail)")
    }
}
