import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RebalancerCore
import RebalancerNode
import Testing

/// Every role process serves its topology `metrics` endpoint: Prometheus text on `/metrics`
/// (the decision path per hop and end to end, per-venue gauges, plans by outcome, the process's
/// memory and CPU), `/healthz` and `/readyz`; `rebalancer status` reads them all.
@Suite(.serialized) struct ObservabilityTests {
    /// A cluster whose market keeps venues leaving tight bands, so plans come quickly.
    func startCluster() throws -> (Cluster, Deployment) {
        let (cluster, topology) = try Cluster.busy()
        try cluster.startAllButCoordinators(topology, executorName: "executor-1")
        try cluster.start("coordinator", ["coordinator"])
        return (cluster, topology)
    }

    /// GET `path` from `node`'s metrics endpoint: status and body, or nil if nothing answered.
    static func get(_ node: Topology.Node, _ path: String, in topology: Deployment) async -> (status: Int, body: String)? {
        guard let endpoint = topology.endpoints(of: node.id)["metrics"], let (host, port) = MetricsServer.hostPort(endpoint),
              let url = URL(string: "http://\(host):\(port)\(path)")
        else { return nil }
        var request = URLRequest(url: url)
        request.timeoutInterval = 2
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }

    /// The value of the first sample line starting with `prefix`, or nil.
    static func sample(_ text: String, _ prefix: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }

    /// One busy cluster for the three checks, in this order (the last stops a verifier): what
    /// every role serves, what a real Prometheus scrapes of it, and what `status` says of it.
    @Test func rolesServeMetricsAPrometheusScrapesThemAndStatusNamesTheNodeThatIsNotReady() async throws {
        let (cluster, topology) = try startCluster()
        defer { cluster.stopAll() }
        try await rolesServeMetricsHealthAndReadiness(cluster, topology)
        try await aRealPrometheusScrapesEveryRoleAndTheEndToEndLatency(cluster, topology)
        await statusNamesTheNodeThatIsNotReady(cluster)
    }

    func rolesServeMetricsHealthAndReadiness(_ cluster: Cluster, _ topology: Deployment) async throws {
        let coordinator = try #require(topology.coordinator)
        let executor = try #require(topology.node("executor-1"))

        // End to end: the executor verified an approved plan's quorum, measured from the watcher's observation.
        let decided = await eventually(60) {
            guard let metrics = await Self.get(executor, "/metrics", in: topology) else { return false }
            return (Self.sample(metrics.body, "rebalancer_decision_end_to_end_seconds_count{node=\"executor-1\"}") ?? 0) >= 1
        }
        #expect(decided, "executor-1 records the end-to-end decision latency: \(cluster.log("executor-1").suffix(2000))")

        let body = try #require(await Self.get(coordinator, "/metrics", in: topology)).body
        for hop in ["coordinator_received", "proposed", "vote_received", "quorum_reached", "journaled", "published"] {
            #expect(body.contains("rebalancer_decision_hop_seconds_count{node=\"coordinator\",hop=\"\(hop)\"}"), "hop \(hop)")
        }
        #expect((Self.sample(body, "rebalancer_plans_total{node=\"coordinator\",outcome=\"approved\"}") ?? 0) >= 1)
        #expect((Self.sample(body, "rebalancer_votes_total{node=\"coordinator\",decision=\"approve\"}") ?? 0) >= 3)
        for venue in topology.venues.map(\.id) {
            #expect((Self.sample(body, "rebalancer_venue_balance{node=\"coordinator\",venue=\"\(venue)\"}") ?? 0) > 0, "balance of \(venue)")
            #expect(Self.sample(body, "rebalancer_venue_stale{node=\"coordinator\",venue=\"\(venue)\"}") == 0, "\(venue) fresh")
            #expect(Self.sample(body, "rebalancer_venue_target_ratio{node=\"coordinator\",venue=\"\(venue)\"}") == topology.venues[0].targetRatio)
        }
        #expect((Self.sample(body, "rebalancer_process_resident_memory_bytes{node=\"coordinator\"}") ?? 0) > 1_000_000)
        #expect((Self.sample(body, "rebalancer_process_cpu_seconds_total{node=\"coordinator\"}") ?? -1) >= 0)
        let received = try #require(await Self.get(executor, "/metrics", in: topology)).body
        #expect(received.contains("rebalancer_decision_hop_seconds_count{node=\"executor-1\",hop=\"executor_verified\"}"))
        let verifierNode = try #require(topology.node("verifier-1"))
        let verifier = try #require(await Self.get(verifierNode, "/metrics", in: topology)).body
        #expect(verifier.contains("rebalancer_verdicts_total{node=\"verifier-1\",decision=\"approve\",rule=\"none\"}"))

        for node in topology.nodes where node.role != .monitor {
            let health = await Self.get(node, "/healthz", in: topology)?.status
            #expect(health == 200, "\(node.id) healthy")
            let ready = await eventually(15) { await Self.get(node, "/readyz", in: topology)?.status == 200 }
            let why = await Self.get(node, "/readyz", in: topology)?.body ?? "unreachable"
            #expect(ready, "\(node.id) ready: \(why)")
        }
    }

    func statusNamesTheNodeThatIsNotReady(_ cluster: Cluster) async {
        var last = (status: Int32(-1), output: "")
        let allReady = await eventually(30) {
            last = (try? Cluster.run(["status", "--topology", cluster.topologyPath])) ?? last
            return last.status == 0
        }
        #expect(allReady, "status exits 0 on the running cluster: \(last.output)")
        #expect(last.output.contains("coordinator"))
        // The coordinator's row carries its key figures, read from its /metrics.
        let figures = await eventually(30) {
            last = (try? Cluster.run(["status", "--topology", cluster.topologyPath])) ?? last
            return last.output.split(separator: "\n").contains { $0.hasPrefix("coordinator ") && $0.contains("approved=") && $0.contains("verifiers=4") }
        }
        #expect(figures, "\(last.output)")

        cluster.stop("verifier-2")
        let named = await eventually(15) {
            last = (try? Cluster.run(["status", "--topology", cluster.topologyPath])) ?? last
            return last.status != 0
        }
        #expect(named, "status exits non-zero with a verifier down")
        let lines = last.output.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("verifier-2 ") && $0.contains("unreachable") }, "\(last.output)")
        #expect(lines.last?.contains("not ready: verifier-2") == true, "\(last.output)")
        #expect(!(lines.last?.contains("coordinator") ?? true), "the coordinator still has a quorum")
    }

    /// The `prometheus` binary on PATH, or nil.
    static let prometheus: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/prometheus" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A PromQL instant query's result: each series' labels and value.
    static func query(_ port: Int, _ promQL: String) async -> [(labels: [String: String], value: Double)] {
        var components = URLComponents(string: "http://127.0.0.1:\(port)/api/v1/query")!
        components.queryItems = [URLQueryItem(name: "query", value: promQL)]
        guard let url = components.url, let (data, _) = try? await URLSession.shared.data(from: url),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let result = (json["data"] as? [String: Any])?["result"] as? [[String: Any]]
        else { return [] }
        return result.compactMap { series in
            guard let labels = series["metric"] as? [String: String], let value = series["value"] as? [Any],
                  let text = value.last as? String, let number = Double(text) else { return nil }
            return (labels, number)
        }
    }

    func aRealPrometheusScrapesEveryRoleAndTheEndToEndLatency(_ cluster: Cluster, _ topology: Deployment) async throws {
        let roles = topology.nodes.filter { $0.role != .monitor }.map(\.id).sorted()
        guard let prometheus = Self.prometheus else {
            // Said, not hidden: without the Debian package the test scrapes /metrics itself.
            print("ObservabilityTests: no prometheus on PATH (make test-tools installs Debian's package); scraping /metrics directly")
            let executor = try #require(topology.node("executor-1"))
            let decided = await eventually(60) {
                (Self.sample(await Self.get(executor, "/metrics", in: topology)?.body ?? "", "rebalancer_decision_end_to_end_seconds_count") ?? 0) >= 1
            }
            #expect(decided)
            for node in topology.nodes where node.role != .monitor {
                let status = await Self.get(node, "/metrics", in: topology)?.status
                #expect(status == 200, "\(node.id)")
            }
            return
        }
        let config = cluster.directory + "/prometheus.yml"
        let written = try Cluster.run(["topology", "prometheus", cluster.topologyPath, "--output", config])
        #expect(written.status == 0, "\(written.output)")
        let port = Cluster.freeBasePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: prometheus)
        server.arguments = [
            "--config.file=\(config)", "--storage.tsdb.path=\(cluster.directory)/tsdb",
            "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
        ]
        let log = cluster.directory + "/prometheus.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        server.standardOutput = handle
        server.standardError = handle
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }

        var up: [(labels: [String: String], value: Double)] = []
        let allUp = await eventually(60) {
            up = await Self.query(port, "up{job=\"rebalancer\"}")
            return up.filter { $0.value == 1 }.compactMap { $0.labels["node"] }.sorted() == roles
        }
        #expect(allUp, "every role is up: \(up.map { "\($0.labels["node"] ?? "?")=\($0.value)" }) \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")

        var latency: [(labels: [String: String], value: Double)] = []
        let measured = await eventually(90) {
            latency = await Self.query(port, "max_over_time(rebalancer_decision_end_to_end_seconds_sum[5m]) / max_over_time(rebalancer_decision_end_to_end_seconds_count[5m])")
            return latency.contains { $0.value > 0 && $0.value.isFinite }
        }
        #expect(measured, "PromQL returns the mean end-to-end decision latency: \(latency)")
        #expect(latency.first?.labels["node"] == "executor-1")
    }

    @Test func aRoleLogsOneJSONObjectPerLineAndRefusesAnUnknownFormat() async throws {
        let cluster = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        defer { cluster.stopAll() }
        let refused = try Cluster.run(["venues", "--topology", cluster.topologyPath, "--log-format", "xml"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("--log-format must be one of text, json"), "\(refused.output)")

        try cluster.start("venues", ["venues", "--log-format", "json"])
        try cluster.start("coordinator", ["coordinator", "--log-format", "json"])
        let started = await eventually(15) { cluster.log("coordinator").contains("waiting for verifiers") }
        #expect(started, "\(cluster.log("coordinator"))")
        cluster.stop("coordinator")
        let lines = cluster.log("coordinator").split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "\(line)")
            #expect(object["node"] == "coordinator")
            #expect(object["level"] != nil && object["message"] != nil)
            #expect(object["timestamp"]?.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil, "\(line)")
        }
        let waiting = lines.first { $0.contains("waiting for verifiers") }.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String] }
        #expect(waiting?["needed"] == "1", "metadata is a field of its own")
    }
}
