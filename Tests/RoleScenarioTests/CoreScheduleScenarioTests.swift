import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import Testing

/// The cores keep time: each tick's directives schedule the next, the role only reports it
/// (`nextTick`), and the test kit's manual clock delivers it. Nothing ticks unless the clock moves.
@Suite struct CoreScheduleScenarioTests {
    @Test(arguments: [500, 1_000] as [Int64])
    func theCoordinatorHeartbeatsAtTheCadenceItsCoreSchedules(heartbeatMs: Int64) async throws {
        let cluster = try MemoryCluster { $0.timing.heartbeatMs = heartbeatMs }
        try cluster.startAll()
        let coordinator = try #require(cluster.topology.coordinator).id
        let interval = Coordinator.tickInterval(cluster.topology.policy)
        #expect(await cluster.role(coordinator)?.nextTick == .nanoseconds(interval))
        func heard() -> Int64 { cluster.counter("verifier-1", "rx.heartbeat") }

        await cluster.settle()
        #expect(heard() == 0, "no tick before the clock moves")
        // Ten ticks and a half: a heartbeat to every verifier at each.
        await cluster.advance(by: .nanoseconds(interval * 10 + interval / 2))
        #expect(heard() == 10)
        await cluster.settle()
        #expect(heard() == 10, "still nothing on its own")
    }
}
