import Testing
@testable import RebalancerCore

/// A verifier counts the capital it approved and has not seen settle against the states the plan
/// is judged on. When the coordinator's basis is newer than the verifier's own view (the watcher's
/// state reached the coordinator first), the basis may already list an approved transfer as
/// pending at its destination; counting it again would see the destination funded twice.
@Suite struct VerifierInFlightBasisTests {
    let topology = Fixture.topology()
    let strategy = GreedyThresholdStrategy()

    func plan(_ seq: UInt64, _ transfers: [Transfer], states: [VenueID: VenueState], at now: Nanos) -> Plan {
        let involved = Set(transfers.flatMap { [$0.from, $0.to] }).sorted()
        return Plan(
            topologyID: "test", epoch: 1, planSeq: seq, createdAt: now, expiresAt: now + 3_000_000_000, transfers: transfers,
            basis: involved.map { BasisRef(venue: $0, seq: states[$0]!.seq, observedAt: states[$0]!.observedAt, digest: [UInt8($0.utf8.first!)]) },
            triggerVenue: transfers[0].to, triggerObservedAt: now, strategy: strategy.name
        )
    }

    func basis(_ states: [VenueID: VenueState]) -> [VenueID: Verifier.BasisState] {
        states.mapValues { Verifier.BasisState(state: $0, digest: [UInt8($0.venue.utf8.first!)], signedByWatcher: true) }
    }

    @Test func aTransferTheBasisListsAsPendingIsNotCountedTwice() throws {
        let t0: Nanos = 1_000_000_000
        var verifier = Verifier.State(topology: topology, lastSigned: nil)
        let first: [VenueID: VenueState] = [
            "a": Fixture.state("a", balance: 150_000_00, seq: 1, at: t0),
            "b": Fixture.state("b", balance: 800_000_00, seq: 1, at: t0),
            "c": Fixture.state("c", balance: 300_000_00, seq: 1, at: t0),
        ]
        for state in first.values { verifier.observe(state, now: t0) }
        let refill = strategy.plan(views: first.mapValues { VenueView(state: $0) }, topology: topology)
        let one = plan(1, refill, states: first, at: t0)
        #expect(verifier.judge(one, digest: [1], basis: basis(first), now: t0 + 1_000) == .approve)

        // The market accepted 1/0 and `a` lost more; the coordinator already holds these states,
        // the verifier's own view still holds the first ones.
        let t1 = t0 + 200_000_000
        let sent = try #require(refill.first)
        let credited = sent.amount - topology.route(from: sent.from, to: sent.to)!.fee(for: sent.amount)
        var a = Fixture.state("a", balance: 40_000_00, seq: 2, at: t1)
        a.pendingIn = credited
        a.pendingTransfers = ["1/0"]
        var b = Fixture.state("b", balance: 800_000_00 - sent.amount, seq: 2, at: t1)
        b.pendingOut = sent.amount
        b.pendingTransfers = ["1/0"]
        let second: [VenueID: VenueState] = ["a": a, "b": b, "c": first["c"]!]
        // The coordinator's book of 1/0 changes nothing here: both ends list it.
        let more = strategy.plan(views: second.mapValues { VenueView(state: $0) }, topology: topology)
        #expect(!more.isEmpty)
        let two = plan(2, more, states: second, at: t1)
        let verdict = verifier.judge(two, digest: [2], basis: basis(second), now: t1 + 1_000)
        #expect(verdict == .approve, "\(verdict.detail)")
    }
}
