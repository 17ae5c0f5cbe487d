import Testing
@testable import RebalancerCore

/// The decisions a coordinator's shell used to take itself: the chain of approved plans
/// (`previousPlanSeq`), and its timers (ticks, heartbeats, rotation relays, journal refills).
@Suite struct CoordinatorCadenceTests {
    let topology = Fixture.topology()
    var tick: Nanos { Coordinator.tickInterval(topology) }
    var heartbeat: Nanos { topology.timing.heartbeatMs * Nanos.perMillisecond }

    func coordinator(lastSeq: UInt64 = 0, lastApproved: UInt64 = 0) -> Coordinator {
        Coordinator(topology: topology, strategy: GreedyThresholdStrategy(), lastPlanSeq: lastSeq, lastApproved: lastApproved, digest: Fixture.digest)
    }

    /// Proposes a plan at `now` (a venue below its band) and has three verifiers approve it.
    func approve(_ c: inout Coordinator, now: Nanos) throws -> (Plan, previous: UInt64) {
        var out: [Coordinator.Directive] = []
        out += c.on(.state(Fixture.state("b", balance: 500_000_00, at: now), digest: [2]), now: now)
        out += c.on(.state(Fixture.state("c", balance: 300_000_00, at: now), digest: [3]), now: now)
        out += c.on(.state(Fixture.state("a", balance: 150_000_00, at: now), digest: [1]), now: now)
        let plan = try #require(out.compactMap { if case let .propose(p) = $0 { p } else { nil } }.first)
        var done: [Coordinator.Directive] = []
        for v in ["verifier-1", "verifier-2", "verifier-3"] {
            done += c.on(.vote(Vote(verifier: v, planSeq: plan.planSeq, planDigest: Fixture.digest(plan), decision: .approve, signature: [7]), validApproval: true), now: now + 1)
        }
        let previous = try #require(done.compactMap { if case let .approve(_, _, previous) = $0 { previous } else { nil } }.first)
        return (plan, previous)
    }

    /// Ticks from `start` every `tick` for `count` ticks, returning every directive.
    func ticks(_ c: inout Coordinator, from start: Nanos, count: Int) -> [Coordinator.Directive] {
        (0..<count).flatMap { c.on(.tick, now: start + Nanos($0) * tick) }
    }

    @Test func eachApprovalNamesTheApprovedPlanBeforeIt() throws {
        var c = coordinator(lastSeq: 9, lastApproved: 7)
        let (first, previous) = try approve(&c, now: 1_000)
        #expect(first.planSeq == 10)
        #expect(previous == 7, "the journal's last approved plan")
        #expect(c.lastApproved == 10)
        #expect(c.on(.tick, now: 2_000).contains(.heartbeat(lastPlanSeq: 10)), "heartbeats announce it")
        // Another coordinator's plan 11 followed: the next approval here names 11.
        _ = c.on(.followed(Plan(topologyID: topology.id, epoch: topology.epoch, planSeq: 11, createdAt: 0, expiresAt: 10, transfers: [], basis: [],
                                triggerVenue: "a", triggerObservedAt: 0, strategy: "test")), now: 2_500)
        #expect(c.lastApproved == 11 && c.lastPlanSeq == 11)
    }

    @Test func anApprovalTheJournalRefusedLeavesTheChainWhereItWas() throws {
        var c = coordinator(lastSeq: 4, lastApproved: 4)
        let (plan, previous) = try approve(&c, now: 1_000)
        #expect(previous == 4 && c.lastApproved == 5)
        _ = c.on(.approvalNotJournaled(plan), now: 2_000)
        #expect(c.lastApproved == 4, "the next approval names plan 4, the last one published")
        #expect(c.on(.tick, now: 3_000).contains(.heartbeat(lastPlanSeq: 4)))
    }

    @Test func followedAndRestoredPlansMoveTheChainAndHeartbeatsCarryIt() {
        var c = coordinator()
        let plan = Plan(topologyID: topology.id, epoch: topology.epoch, planSeq: 12, createdAt: 0, expiresAt: 10, transfers: [], basis: [], triggerVenue: "a", triggerObservedAt: 0, strategy: "test")
        _ = c.on(.followed(plan), now: 1)
        #expect(c.lastApproved == 12)
        _ = c.on(.restored(planSeq: 8), now: 2)
        #expect(c.lastApproved == 12, "an older plan handed back does not move the chain back")
        _ = c.on(.restored(planSeq: 15), now: 3)
        #expect(c.on(.tick, now: 4).contains(.heartbeat(lastPlanSeq: 15)))
    }

    @Test func everyTickHeartbeatsAndSchedulesTheNext() {
        var c = coordinator()
        let out = c.on(.tick, now: 1_000)
        #expect(out.suffix(2) == [.heartbeat(lastPlanSeq: 0), .scheduleTick(after: tick)])
        #expect(tick == max(50, topology.timing.heartbeatMs / 5) * Nanos.perMillisecond)
        #expect(c.on(.state(Fixture.state("b", balance: 500_000_00, at: 1_000), digest: [2]), now: 1_000).isEmpty, "only a tick schedules one")
    }

    @Test func rotationsAreRelayedOnceAHeartbeatFromOneHeartbeatAfterTheFirstTick() {
        var c = coordinator()
        let perHeartbeat = Int(heartbeat / tick)
        let relays = ticks(&c, from: 1_000, count: 4 * perHeartbeat + 1).filter { $0 == .relayRotations }.count
        #expect(relays == 4)
        var fresh = coordinator()
        #expect(!ticks(&fresh, from: 1_000, count: perHeartbeat).contains(.relayRotations), "none within the first heartbeat")
    }

    @Test func theJournalIsRefilledFromTheExecutorsAFewTimesThenTakenAsComplete() {
        var c = coordinator(lastSeq: 30, lastApproved: 20)
        let perHeartbeat = Int(heartbeat / tick)
        let asked = ticks(&c, from: 1_000, count: (Coordinator.refillAttempts + 5) * perHeartbeat + 1).filter { $0 == .askExecutors(after: 20) }.count
        #expect(asked == Coordinator.refillAttempts)
    }

    @Test func refillingStopsOnceAnExecutorHandsAPlanBack() {
        var c = coordinator(lastApproved: 3)
        let perHeartbeat = Int(heartbeat / tick)
        #expect(ticks(&c, from: 1_000, count: perHeartbeat + 1).contains(.askExecutors(after: 3)))
        _ = c.on(.restored(planSeq: 4), now: 1_000 + Nanos(perHeartbeat + 1) * tick)
        let after = ticks(&c, from: 1_000 + Nanos(perHeartbeat + 2) * tick, count: 5 * perHeartbeat)
        #expect(!after.contains { if case .askExecutors = $0 { true } else { false } })
    }

    @Test func aStandbyFollowsTheVerifiersSequenceQuietlyWithoutAskingTheExecutors() {
        var c = coordinator()
        c.setHold(.standby(leader: "coordinator-2"))
        var out: [Coordinator.Directive] = []
        for v in ["verifier-1", "verifier-2", "verifier-3"] { out += c.on(.verifierSigned(v, lastSigned: 40), now: 1_000) }
        #expect(out == [.reserve(planSeq: 40)])
        #expect(c.lastPlanSeq == 40)
    }
}

/// The verifier's core schedules its own ticks too.
@Suite struct VerifierScheduleTests {
    @Test func everyTickHeartbeatsAndSchedulesTheNextOneHeartbeatLater() {
        var v = Verifier.State(topology: Fixture.topology(), lastSigned: nil, signedOutflows: [])
        #expect(v.on(.tick, now: 1).suffix(2) == [.heartbeat(lastSignedSeq: 0), .scheduleTick(after: 500 * Nanos.perMillisecond)])
    }
}
