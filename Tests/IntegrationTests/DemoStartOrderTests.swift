import Foundation
import Testing

/// The demo starts every other role first and the market (`venues`) only once each of them
/// answers `/healthz` (issue 14: on 100 venues the market's price path liquidated every short
/// leg while the pipeline was still starting). A node that never comes up stops the demo with an
/// error naming it, and the market is never started.
@Suite(.serialized) struct DemoStartOrderTests {
    struct Summary: Decodable {
        struct Startup: Decodable {
            struct Node: Decodable { let id: String; let role: String; let launched_s: Double; let healthy_s: Double? }
            let nodes: [Node]
            let market_launched_s: Double?
            let market_warmup_s: Double
        }
        struct Hindsight: Decodable { let ticks: Int }
        let seconds: Double
        let startup: Startup
        let hindsight: Hindsight
    }

    /// The time of a log line (`2026-11-28T20:40:34.658Z info ...`).
    static func time(_ line: Substring) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return line.split(separator: " ").first.flatMap { formatter.date(from: String($0)) }
    }

    /// The time of the first line of `log` containing `text`.
    static func time(of text: String, in log: String) -> Date? {
        log.split(separator: "\n").first { $0.contains(text) }.flatMap(time)
    }

    @Test func marketStartsOnlyAfterEveryOtherNodeAnswers() throws {
        let cluster = try Cluster(venues: 4, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        let json = cluster.directory + "/summary.json", data = cluster.directory + "/run"
        let result = try Cluster.run([
            "demo", "--topology", cluster.topologyPath, "--seconds", "3", "--warmup-seconds", "1", "--json", json, "--quiet", "--data-dir", data,
        ])
        try #require(result.status == 0, "\(result.output)")
        let summary = try JSONDecoder().decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        let startup = summary.startup
        // Every role process, the market last; each answered /healthz before the market was launched.
        let expected = topology.nodes.filter { $0.role != .monitor }.map(\.id)
        #expect(Set(startup.nodes.map(\.id)) == Set(expected))
        #expect(startup.nodes.last?.role == "venues")
        let market = try #require(startup.market_launched_s)
        for node in startup.nodes where node.role != "venues" {
            let healthy = try #require(node.healthy_s, "\(node.id) never answered")
            #expect(node.launched_s <= healthy)
            #expect(healthy <= market, "\(node.id) answered at \(healthy) s, the market was launched at \(market) s")
        }
        #expect(startup.market_warmup_s == 1)
        #expect(result.output.contains("price path after a 1 s warm-up"))
        // The nodes' own logs agree: the market opened after every other node served its metrics,
        // and its price path moved only after the warm-up.
        let logs = data + "/logs"
        let venuesLog = try String(contentsOfFile: logs + "/venues.log", encoding: .utf8)
        let opened = try #require(Self.time(of: "market open", in: venuesLog))
        let moved = try #require(Self.time(of: "price path started", in: venuesLog))
        #expect(moved.timeIntervalSince(opened) >= 0.9)
        for id in expected where id != "venues" {
            let log = try String(contentsOfFile: logs + "/\(id).log", encoding: .utf8)
            let serving = try #require(Self.time(of: "serving metrics", in: log), "\(id) logged no 'serving metrics'")
            #expect(serving <= opened, "\(id) served metrics at \(serving), after the market opened at \(opened)")
        }
        // --seconds is the price path's length: about 3 s of 100 ms ticks, the warm-up not counted.
        #expect(summary.hindsight.ticks >= 20 && summary.hindsight.ticks <= 45, "\(summary.hindsight.ticks) ticks")
        #expect(summary.seconds >= 2.5 && summary.seconds <= 4.5)
    }

    @Test func aNodeThatNeverAnswersStopsTheDemoNamingIt() throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let topology = try cluster.topology
        // Something else holds the coordinator's metrics port: it accepts, and never answers.
        let endpoint = try #require(topology.coordinator.flatMap { topology.endpoints(of: $0.id)["metrics"] })
        let port = try #require(Int(endpoint.split(separator: ":").last ?? ""))
        let squatter = try Self.listen(port: port)
        defer { close(squatter) }
        let data = cluster.directory + "/run"
        let result = try Cluster.run([
            "demo", "--topology", cluster.topologyPath, "--seconds", "3", "--start-timeout", "8", "--quiet", "--data-dir", data,
        ])
        #expect(result.status != 0)
        #expect(result.output.contains("coordinator"), "\(result.output)")
        #expect(result.output.contains("/healthz"), "\(result.output)")
        #expect(result.output.contains("the market was not started"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: data + "/logs/venues.log"), "the market was started")
    }

    @Test func everyNodeSilentPastTheDeadlineIsReportedAndNoMarketStarts() throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        let data = cluster.directory + "/run"
        let result = try Cluster.run(["demo", "--topology", cluster.topologyPath, "--seconds", "3", "--start-timeout", "0.001", "--quiet", "--data-dir", data])
        #expect(result.status != 0)
        #expect(result.output.contains("did not answer /healthz within 0.001 s"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: data + "/logs/venues.log"), "the market was started")
    }

    @Test func badWarmupOrStartTimeoutIsRefusedWithUsage() throws {
        let cluster = try Cluster(venues: 2, verifiers: 4, quorum: 3)
        for arguments in [["--warmup-seconds", "-1"], ["--warmup-seconds", "nan"], ["--start-timeout", "0"]] {
            let result = try Cluster.run(["demo", "--topology", cluster.topologyPath, "--quiet", "--data-dir", cluster.directory + "/run"] + arguments)
            #expect(result.status != 0)
            #expect(result.output.contains(arguments[0]) && result.output.contains("Usage"), "\(result.output)")
        }
        let venues = try Cluster.run(["venues", "--topology", cluster.topologyPath, "--warmup-seconds", "-2"])
        #expect(venues.status != 0)
        #expect(venues.output.contains("--warmup-seconds must be at least 0"), "\(venues.output)")
        #expect(!FileManager.default.fileExists(atPath: cluster.directory + "/run"))
    }

    /// A TCP socket listening on 127.0.0.1:`port` that never accepts or answers.
    static func listen(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClusterError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else { close(fd); throw ClusterError("cannot listen on \(port): \(errno)") }
        return fd
    }
}
