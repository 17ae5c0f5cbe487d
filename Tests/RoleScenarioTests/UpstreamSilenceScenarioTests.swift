import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTestKit
import Testing

/// A watcher without its venues feed and an executor without its coordinator say so, naming the
/// endpoint they wait on, again with backoff while it lasts, and once when it is back (issue #8
/// item 6), in one process on the manual clock.
@Suite struct UpstreamSilenceScenarioTests {
    /// The `key=value` field `key` of a log line, as an integer.
    static func field(_ key: String, of line: String) -> Int? {
        line.split(separator: " ").first { $0.hasPrefix(key + "=") }.flatMap { Int($0.dropFirst(key.count + 1)) }
    }

    @Test func aWatcherWithoutItsVenuesSaysSoWithBackoffAndOnceWhenTheyAreBack() async throws {
        let cluster = try MemoryCluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = cluster.topology
        let market = try #require(topology.venuesNode)
        let feed = try #require(topology.endpoints(of: market.id)["feed"])
        let watcher = try #require(topology.watcher(of: "v1")).id
        try cluster.startWatcher("v1")

        // stale_after_ms is 3000 in a generated topology: the first warning after 3 s, the next 6 s later.
        await cluster.advance(by: .seconds(3) - .milliseconds(100))
        #expect(cluster.log.lines(watcher, containing: "no messages from upstream").isEmpty, "no warning before the staleness bound")
        await cluster.advance(by: .seconds(12))
        let warnings = cluster.log.lines(watcher, containing: "no messages from upstream")
        #expect(warnings.count == 2, "warnings at 3 s and 9 s, not one a tick: \(warnings)")
        #expect(cluster.counter(watcher, "upstream.silent") == Int64(warnings.count))
        #expect(warnings.allSatisfy { $0.contains("endpoint=\(feed)") && $0.contains("upstream=\(market.id).feed") }, "\(warnings)")
        let waits = warnings.compactMap { Self.field("next_warning_in_ms", of: $0) }
        #expect(waits.count == 2 && waits[1] > waits[0], "backoff: the second warning announces a longer wait: \(waits)")
        #expect(cluster.log.lines(watcher, containing: "upstream is back").isEmpty)
        #expect(cluster.counter(watcher, "states.published") == 0, "nothing to publish without ticks")

        try cluster.startVenues()
        await cluster.advance(by: .seconds(1))
        let back = cluster.log.lines(watcher, containing: "upstream is back")
        #expect(back.count == 1, "\(back)")
        #expect(back.allSatisfy { $0.contains("endpoint=\(feed)") })
        // Once: it keeps talking, with no second recovery notice and no new warning.
        await cluster.advance(by: .seconds(20))
        #expect(cluster.counter(watcher, "states.published") >= 5, "the watcher publishes states again")
        #expect(cluster.log.lines(watcher, containing: "upstream is back").count == 1)
        #expect(cluster.log.lines(watcher, containing: "no messages from upstream").count == warnings.count, "no new warning while it talks")
    }

    @Test func anExecutorWithoutItsCoordinatorSaysSoAndOnceWhenItIsBack() async throws {
        let cluster = try MemoryCluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = cluster.topology
        let plans = try #require(topology.coordinator.flatMap { topology.endpoints(of: $0.id)["plans"] })
        let executor = "executor-1"
        try cluster.startExecutor(executor)
        await cluster.advance(by: .seconds(4))
        let warnings = cluster.log.lines(executor, containing: "no messages from upstream")
        #expect(warnings.count == 1, "\(warnings)")
        #expect(warnings.allSatisfy { $0.contains("endpoint=\(plans)") && $0.contains("upstream=coordinator.plans") }, "\(warnings)")

        try cluster.startCoordinator()
        await cluster.advance(by: .seconds(3))
        let back = cluster.log.lines(executor, containing: "upstream is back")
        #expect(back.count == 1 && back.allSatisfy { $0.contains("endpoint=\(plans)") }, "\(back)")
        // Once: it keeps hearing the coordinator, with no second notice and no new warning.
        await cluster.advance(by: .seconds(10))
        #expect(cluster.log.lines(executor, containing: "upstream is back").count == 1)
        #expect(cluster.log.lines(executor, containing: "no messages from upstream").count == warnings.count)
    }
}
