import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerWire
import Testing
import ZeroMQ

/// Issue #8 item 6: a watcher without its venues feed and an executor without its coordinator
/// say so, naming the endpoint they wait on, again with backoff, and once when it is back.
@Suite(.serialized) struct UpstreamSilenceTests {
    func lines(_ log: String, containing text: String) -> [Substring] {
        log.split(separator: "\n").filter { $0.contains(text) }
    }

    @Test func aWatcherWithoutItsVenuesSaysSoAndWhenTheyAreBack() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let feed = try #require(topology.venuesNode.flatMap { topology.endpoints(of: $0.id)["feed"] })
        let watcherNode = try #require(topology.watcher(of: "v1"))
        let context = try Context()
        let published = try RoleReport.listener(context, to: watcherNode, endpoint: "feed", topics: [Topic.state("v1")], cluster: cluster)
        try cluster.start("watcher", ["watcher", "--venue", "v1"])
        // stale_after_ms is 3000 in a generated topology: the first warning after 3 s, the next 6 s later.
        let warnedTwice = await eventually(30) { lines(cluster.log("watcher"), containing: "no messages from upstream").count >= 2 }
        let log = cluster.log("watcher")
        #expect(warnedTwice, "watcher log: \(log)")
        let warnings = lines(log, containing: "no messages from upstream")
        #expect(warnings.allSatisfy { $0.contains("endpoint=\(feed)") && $0.contains("upstream=venues.feed") }, "\(warnings)")
        // Backoff: the second warning announces a longer wait than the first.
        let waits = warnings.compactMap { line in line.split(separator: " ").first { $0.hasPrefix("next_warning_in_ms=") }.flatMap { Int($0.dropFirst("next_warning_in_ms=".count)) } }
        #expect(waits.count >= 2 && waits[1] > waits[0], "\(waits)")
        #expect(lines(log, containing: "upstream is back").isEmpty)

        try cluster.start("venues", ["venues"])
        let back = await eventually(20) { !lines(cluster.log("watcher"), containing: "upstream is back").isEmpty }
        #expect(back, "watcher log: \(cluster.log("watcher"))")
        let warningsWhenBack = lines(cluster.log("watcher"), containing: "no messages from upstream").count
        // Once: more ticks arrive (the watcher publishes five more states), no second recovery
        // notice and no new warning while it talks.
        var seen: [MessageType] = []
        let talking = await eventually(20, every: .milliseconds(20)) {
            _ = RoleReport.counters(on: published, from: watcherNode, others: &seen)
            return seen.filter { $0 == .venueState }.count >= 5
        }
        #expect(talking, "the watcher publishes states again: \(seen)")
        let after = cluster.log("watcher")
        #expect(lines(after, containing: "no messages from upstream").count == warningsWhenBack, "no new warning while it talks")
        #expect(lines(after, containing: "upstream is back").count == 1)
        #expect(lines(after, containing: "upstream is back").allSatisfy { $0.contains("endpoint=\(feed)") })
        #expect(cluster.stop("watcher") == 0)
        cluster.stop("venues")
    }

    @Test func anExecutorWithoutItsCoordinatorSaysSoAndWhenItIsBack() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let plans = try #require(topology.coordinator.flatMap { topology.endpoints(of: $0.id)["plans"] })
        try cluster.start("executor", ["executor", "--id", "executor-1"])
        let warned = await eventually(30) { !lines(cluster.log("executor"), containing: "no messages from upstream").isEmpty }
        #expect(warned, "executor log: \(cluster.log("executor"))")
        #expect(lines(cluster.log("executor"), containing: "no messages from upstream").allSatisfy { $0.contains("endpoint=\(plans)") && $0.contains("upstream=coordinator.plans") })

        try cluster.start("coordinator", ["coordinator"])
        let back = await eventually(30) { !lines(cluster.log("executor"), containing: "upstream is back").isEmpty }
        #expect(back, "executor log: \(cluster.log("executor"))")
        // The replay batch the executor asked for at start-up ends with the coordinator's marker.
        let replayEnded = await eventually(20) { !lines(cluster.log("executor"), containing: "replay complete").isEmpty }
        #expect(replayEnded, "executor log: \(cluster.log("executor"))")
        #expect(cluster.stop("executor") == 0)
        cluster.stop("coordinator")
    }
}
