import Foundation
import Logging
@testable import RebalancerNode
import RebalancerCore
import RebalancerTools
import Testing

/// Log formats, metric names, the metrics endpoint address and the process's own figures (issue #10).
struct ObservabilityUnitTests {
    @Test func jsonLogIsOneObjectPerLineWithMicrosecondsNodeAndMetadata() throws {
        let lines = CapturedLines()
        var logger = Logger(label: "coordinator") { NodeLogHandler(label: $0, format: .json, write: lines.append) }
        logger.logLevel = .debug
        logger.info("approved\nforged line", metadata: ["plan_seq": "7", "venue": "v1", "node": "spoof"])
        logger.debug("quiet")
        let all = lines.all
        #expect(all.count == 2)
        let first = try #require(all.first)
        #expect(first.hasSuffix("}\n"))
        #expect(first.dropLast().contains("\n") == false, "the message's newline is escaped")
        let object = try #require(JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: String])
        #expect(object["level"] == "info")
        #expect(object["node"] == "coordinator")
        #expect(object["message"] == "approved\nforged line")
        #expect(object["plan_seq"] == "7")
        #expect(object["venue"] == "v1")
        #expect(object["meta_node"] == "spoof", "metadata never overwrites a fixed field")
        let timestamp = try #require(object["timestamp"])
        #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil, "\(timestamp)")
    }

    @Test func textLogHasMillisecondTimestamps() throws {
        let lines = CapturedLines()
        let logger = Logger(label: "watcher-v1") { NodeLogHandler(label: $0, format: .text, write: lines.append) }
        logger.warning("venue is stale", metadata: ["venue": "v1"])
        let line = try #require(lines.all.first)
        #expect(line.firstMatch(of: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warning watcher-v1 : venue=v1 \[[A-Za-z]+\] venue is stale\n$/) != nil, "\(line)")
    }

    @Test func timestampsAreUTCWithTheirFraction() {
        #expect(NodeLogHandler.timestamp((0, 42), digits: 6) == "1970-01-01T00:00:00.000042Z")
        #expect(NodeLogHandler.timestamp((1_800_000_000, 123_456), digits: 3) == "2027-01-15T08:00:00.123Z")
    }

    @Test(arguments: [
        ("dropped.bad_signature", "rebalancer_messages_dropped_total", "reason", "bad_signature"),
        ("rx.vote", "rebalancer_messages_received_total", "type", "vote"),
        ("plans.approved", "rebalancer_plans_total", "outcome", "approved"),
        ("plans.refused.stale", "rebalancer_plans_refused_total", "reason", "stale"),
        ("votes.reject", "rebalancer_votes_total", "decision", "reject"),
        ("venue.read_errors.timeout", "rebalancer_venue_read_errors_total", "code", "timeout"),
    ])
    func countersBecomeOneMetricPerFamilyWithABoundedLabel(name: String, metric: String, label: String, value: String) throws {
        let made = try #require(MetricName.counter(name))
        #expect(made.name == metric)
        #expect(made.labels.map(\.0) == [label])
        #expect(made.labels.map(\.1) == [value])
    }

    @Test func otherCountersAndGaugesArePrefixedAndSanitized() {
        #expect(MetricName.counter("states.published")?.name == "rebalancer_states_published_total")
        #expect(MetricName.counter("states.published")?.labels.isEmpty == true)
        #expect(MetricName.counter("dropped") == nil, "the sum of a family is Prometheus's to compute")
        #expect(MetricName.gauge("verifiers.alive").name == "rebalancer_verifiers_alive")
        #expect(MetricName.gauge("loop.dropped-inbound").name == "rebalancer_loop_dropped_inbound")
    }

    @Test func metricsEndpointIsAnHTTPHostAndPort() {
        #expect(MetricsServer.hostPort("tcp://127.0.0.1:9101")! == ("127.0.0.1", 9101))
        #expect(MetricsServer.hostPort("tcp://*:9101")! == ("0.0.0.0", 9101))
        #expect(MetricsServer.hostPort("ipc:///tmp/x") == nil)
        #expect(MetricsServer.hostPort("tcp://127.0.0.1:0") == nil)
        #expect(MetricsServer.hostPort("tcp://127.0.0.1") == nil)
    }

    @Test func aMetricsEndpointThatIsNotTCPIsRefusedByTheCheck() throws {
        var topology = try TopologyInit.topology(venues: 2, verifiers: 3, executors: 1, basePort: 21_100)
        let index = try #require(topology.nodes.firstIndex { $0.id == "coordinator" })
        #expect(topology.endpoints[topology.nodes[index].id, default: [:]]["metrics"]?.hasPrefix("tcp://127.0.0.1:") == true, "topology init gives every node one")
        topology.endpoints[topology.nodes[index].id, default: [:]]["metrics"] = "ipc:///tmp/metrics"
        let errors = TopologyCheck.validate(topology)
        #expect(errors.contains { $0.path == "nodes[\(index)].endpoints.metrics" && $0.message.contains("HTTP") }, "\(errors)")
    }

    @Test func processFiguresAreReadFromProc() throws {
        let bytes = try #require(ProcessStats.residentBytes())
        #expect(bytes > 1_000_000)
        #expect(try #require(ProcessStats.cpuSeconds()) >= 0)
        let text = ProcessStats.prometheusText(node: "n1")
        #expect(text.contains("rebalancer_process_resident_memory_bytes{node=\"n1\"} \(bytes)") || text.contains("rebalancer_process_resident_memory_bytes{node=\"n1\"} "))
        #expect(text.contains("# TYPE rebalancer_process_cpu_seconds_total counter"))
    }

    @Test func prometheusConfigScrapesEveryNodeWithAMetricsEndpoint() throws {
        var topology = try TopologyInit.topology(venues: 2, verifiers: 3, executors: 1, basePort: 21_100)
        let index = try #require(topology.nodes.firstIndex { $0.id == "verifier-2" })
        topology.endpoints[topology.nodes[index].id, default: [:]]["metrics"] = nil
        let text = PrometheusConfig.render(topology: topology, interval: 2)
        #expect(text.contains("scrape_interval: 2s"))
        for node in topology.nodes {
            let line = "labels: {node: \"\(node.id)\", role: \"\(node.role.rawValue)\"}"
            #expect(text.contains(line) == (topology.endpoints(of: node.id)["metrics"] != nil), "\(node.id)")
        }
        let coordinator = try #require(topology.coordinator.flatMap { topology.endpoints(of: $0.id)["metrics"] }).replacingOccurrences(of: "tcp://", with: "")
        #expect(text.contains("- targets: [\"\(coordinator)\"]"))
    }

    @Test func committedPrometheusConfigIsGeneratedFromLocalYAML() throws {
        let path = ComposeFileTests.repository + "/docker/prometheus.yml"
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        #expect(PrometheusConfig.render(topology: try ComposeFileTests.localTopology()) == committed,
                "docker/prometheus.yml is stale: run `rebalancer topology prometheus topology/local.yaml --output docker/prometheus.yml`")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool"), "no promtool (Debian's prometheus package)"))
    func promtoolAcceptsTheGeneratedConfig() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
        process.arguments = ["check", "config", ComposeFileTests.repository + "/docker/prometheus.yml"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
