import Testing
@testable import RebalancerCore

/// The hold a coordinator's shell used to choose itself: it proposes only while a quorum of
/// verifiers is heard and it leads (by the etcd lease, or by silence and order).
@Suite struct CoordinatorStandingTests {
    let ms = Nanos.perMillisecond

    func coordinator(_ topology: Topology = Fixture.topology(), me: NodeID = "coordinator") -> Coordinator {
        Coordinator(me: me, topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, lastApproved: 0, digest: Fixture.digest)
    }

    /// Venue `a` below its band: a plan is due whenever the coordinator may propose.
    func feed(_ c: inout Coordinator, now: Nanos) {
        _ = c.on(.state(Fixture.state("b", balance: 500_000_00, at: now), digest: [2]), now: now)
        _ = c.on(.state(Fixture.state("c", balance: 300_000_00, at: now), digest: [3]), now: now)
        _ = c.on(.state(Fixture.state("a", balance: 150_000_00, at: now), digest: [1]), now: now)
    }

    func heard(_ c: inout Coordinator, _ verifiers: [NodeID], now: Nanos) {
        for v in verifiers { _ = c.on(.verifierSigned(v, lastSigned: 0), now: now) }
    }

    func report(_ out: [Coordinator.Directive]) -> Coordinator.StandingReport? {
        out.compactMap { if case let .standing(r) = $0 { r } else { nil } }.first
    }

    func proposes(_ out: [Coordinator.Directive]) -> Bool { out.contains { if case .propose = $0 { true } else { false } } }

    @Test func aLoneCoordinatorProposesOnlyOnceAQuorumOfVerifiersIsHeard() throws {
        var c = coordinator()
        #expect(c.hold == .starting)
        feed(&c, now: 1_000 * ms)
        let waiting = c.on(.tick, now: 1_100 * ms)
        #expect(!proposes(waiting))
        let first = try #require(report(waiting))
        #expect(first.leads && first.leadership == .tookOver(silent: []), "listed alone: it leads at once")
        #expect(first.hold == .starting && first.verifiers.alive.isEmpty)
        #expect(first.staleVenues == ["a": false, "b": false, "c": false])
        heard(&c, ["verifier-1", "verifier-2", "verifier-3"], now: 1_200 * ms)
        let resumed = c.on(.tick, now: 1_300 * ms)
        #expect(report(resumed)?.hold == nil)
        #expect(report(resumed)?.verifiers.change == .reached(alive: ["verifier-1", "verifier-2", "verifier-3"], again: false))
        #expect(proposes(resumed))
    }

    @Test func aQuorumFallingSilentHoldsPlanningAndVenuesGoStale() throws {
        var c = coordinator()
        heard(&c, ["verifier-1", "verifier-2", "verifier-3"], now: 0)
        feed(&c, now: 0)
        _ = c.on(.tick, now: 100 * ms)
        let later = c.on(.tick, now: 4_000 * ms)
        let silent = try #require(report(later))
        let hold = Coordinator.Hold.quorumUnreachable(alive: 0, of: 4, needed: 3, silent: ["verifier-1", "verifier-2", "verifier-3", "verifier-4"])
        #expect(silent.hold == hold && c.hold == hold)
        #expect(silent.verifiers.change == .lost(hold, everReached: true))
        #expect(silent.staleVenues == ["a": true, "b": true, "c": true])
    }

    @Test func aStandbyHoldsWhileAnEarlierCoordinatorLeadsAndTheLeaseDecidesWhileEtcdAnswers() throws {
        var topology = Fixture.topology()
        topology.nodes.insert(.init(id: "coordinator-0", role: .coordinator, signingKey: [3], curveKey: [3]), at: 0)
        var c = coordinator(topology)
        heard(&c, ["verifier-1", "verifier-2", "verifier-3"], now: 0)
        _ = c.on(.peerHeartbeat("coordinator-0", leads: true), now: 500 * ms)
        feed(&c, now: 900 * ms)
        let standing = c.on(.tick, now: 1_000 * ms)
        #expect(report(standing)?.hold == .standby(leader: "coordinator-0"))
        #expect(!proposes(standing))
        // etcd says this one holds the lease: it leads although the other still claims to.
        _ = c.on(.lease(holder: "coordinator", validUntil: 5_000 * ms), now: 1_050 * ms)
        _ = c.on(.peerHeartbeat("coordinator-0", leads: true), now: 1_050 * ms)
        let leading = c.on(.tick, now: 1_100 * ms)
        #expect(report(leading)?.leadership == .tookOver(silent: []))
        #expect(proposes(leading))
        _ = c.on(.leaseUnreachable, now: 1_150 * ms)
        #expect(report(c.on(.tick, now: 1_200 * ms))?.leadership == .deferred(to: "coordinator-0"), "without etcd, order decides again")
    }

    @Test func aCoordinatorMadeWithoutAnIdentityKeepsTheHoldItIsGiven() {
        var c = Coordinator(topology: Fixture.topology(), strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
        #expect(c.hold == nil)
        #expect(report(c.on(.tick, now: 1)) == nil)
    }
}

/// Approved plans a coordinator did not approve itself count only with a quorum of valid signatures.
@Suite struct CoordinatorReceivedPlanTests {
    let plan = Plan(topologyID: "test", epoch: 1, planSeq: 7, createdAt: 0, expiresAt: 10, transfers: [], basis: [], triggerVenue: "a", triggerObservedAt: 0, strategy: "test")

    func coordinator(me: NodeID? = "coordinator") -> Coordinator {
        let topology = Fixture.topology()
        if let me { return Coordinator(me: me, topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, lastApproved: 0, digest: Fixture.digest) }
        return Coordinator(topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: 0, digest: Fixture.digest)
    }

    @Test func aPeersPlanIsJournaledWithAQuorumOfTheVerifierSetOnly() {
        var c = coordinator()
        #expect(c.on(.received(plan, .peer, validSigners: ["verifier-1", "verifier-2", "verifier-3"]), now: 1) == [.journalReceived(plan, .peer)])
        #expect(c.on(.received(plan, .peer, validSigners: ["verifier-1", "verifier-2", "mallory"]), now: 1)
            == [.receivedWithoutQuorum(plan, .peer, validSigners: 2)], "a signer outside the set counts for nothing")
        #expect(c.lastApproved == 0, "nothing moves before the journal holds it (.followed)")
    }

    @Test func itsOwnPlanHandedBackNeedsNoSecondCheckAnotherCoordinatorsDoes() {
        var c = coordinator()
        #expect(c.on(.received(plan, .handedBack(signer: "coordinator"), validSigners: []), now: 1) == [.journalReceived(plan, .handedBack(signer: "coordinator"))])
        #expect(c.on(.received(plan, .handedBack(signer: "coordinator-2"), validSigners: ["verifier-1"]), now: 1)
            == [.receivedWithoutQuorum(plan, .handedBack(signer: "coordinator-2"), validSigners: 1)])
    }
}
