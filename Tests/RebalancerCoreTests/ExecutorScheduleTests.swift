import Testing
@testable import RebalancerCore

/// What the executor's shell used to decide itself: whether a relayed rotation applies (recorded
/// first, then applied), and when it ticks next.
@Suite struct ExecutorScheduleTests {
    let topology = Fixture.topology()
    let quorum: Set<NodeID> = ["verifier-1", "verifier-2", "verifier-3"]
    let rotation = VerifierSets.Rotation(
        topologyID: "test", fromEpoch: 1, next: VerifierSet(epoch: 2, members: ["n1": [1], "n2": [2], "n3": [3]], quorum: 2), activateAt: 100, graceMs: 1)

    @Test func aRotationIsRecordedBeforeItIsAppliedAndAppliedOnce() {
        var e = Executor(topology: topology, executed: [])
        #expect(e.on(.rotation(rotation, validSigners: quorum), now: 50) == [.recordRotation(rotation, validSigners: quorum)])
        #expect(e.sets.current.epoch == 1, "nothing applied before the record holds it")
        #expect(e.on(.rotationRecorded(rotation, validSigners: quorum), now: 60) == [.rotated(rotation, validSigners: quorum)])
        #expect(e.sets.current.epoch == 2)
        #expect(e.on(.rotationRecorded(rotation, validSigners: quorum), now: 70).isEmpty, "recorded twice while the write was awaited: applied once")
        #expect(e.on(.rotation(rotation, validSigners: quorum), now: 80).isEmpty, "relayed again every heartbeat: nothing to do")
    }

    @Test func aRotationWithoutTheCurrentQuorumIsRefusedAndNothingIsRecorded() {
        var e = Executor(topology: topology, executed: [])
        let two: Set<NodeID> = ["verifier-1", "verifier-2"]
        #expect(e.on(.rotation(rotation, validSigners: two), now: 50) == [.rotationRefused(rotation, .noQuorum, validSigners: two)])
        #expect(e.sets.current.epoch == 1)
    }

    @Test func everyTickSchedulesTheNextOneHeartbeatLater() {
        var e = Executor(topology: topology, executed: [])
        #expect(e.on(.tick, now: 1) == [.scheduleTick(after: 500 * Nanos.perMillisecond)])
    }
}
