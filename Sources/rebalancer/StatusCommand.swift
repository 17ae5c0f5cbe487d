import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import RebalancerCore
import RebalancerNode

/// `rebalancer status`: every node's metrics endpoint read once, as one table; exits non-zero
/// when any node is unreachable or not ready.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every node's health, readiness and key figures from its metrics endpoint; exit 1 if any node is not ready."
    )

    @Option(name: .long, help: "The topology file.")
    var topology: String = "topology/local.yaml"

    @Option(name: .long, help: "Seconds to wait for each node.")
    var timeout: Double = 2

    /// Key figures shown per node, when the node exports them: metric, a label it must carry
    /// (`outcome="approved"`), and the title shown.
    static let figures: [(metric: String, label: String?, title: String)] = [
        ("rebalancer_plans_total", "outcome=\"approved\"", "approved"),
        ("rebalancer_plans_total", "outcome=\"executed\"", "executed"),
        ("rebalancer_votes_total", nil, "votes"),
        ("rebalancer_states_published_total", nil, "states"),
        ("rebalancer_verifiers_alive", nil, "verifiers"),
        ("rebalancer_messages_dropped_total", nil, "dropped"),
        ("rebalancer_venue_stale", nil, "stale"),
    ]

    func run() async throws {
        let topology = try TopologyFile.load(path: self.topology)
        let nodes = topology.nodes.filter { topology.endpoints(of: $0.id)["metrics"] != nil }
        guard !nodes.isEmpty else { throw ValidationError("no node in \(self.topology) has a metrics endpoint") }
        var rows: [[String]] = [["NODE", "ROLE", "REACHABLE", "READY", "LAST SEEN", "FIGURES", "WARNINGS"]]
        var allReady = true
        for node in nodes {
            let base = MetricsServer.hostPort(topology.endpoints(of: node.id)["metrics"]!).map { "http://\($0.host == "0.0.0.0" ? "127.0.0.1" : $0.host):\($0.port)" }
            let ready = await base.flatMap { URL(string: "\($0)/readyz") }.asyncMap { await get($0) }
            let metrics = await base.flatMap { URL(string: "\($0)/metrics") }.asyncMap { await get($0) }
            let reachable = ready?.status != nil
            let isReady = ready?.status == 200
            allReady = allReady && isReady
            let warning = reachable ? (isReady ? "" : ready?.body.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") : "unreachable: \(topology.endpoints(of: node.id)["metrics"]!)"
            let figures = metrics.map { Self.keyFigures($0.body) } ?? ""
            let seen = reachable ? Self.clock() : "-"
            rows.append([node.id, node.role.rawValue, reachable ? "yes" : "no", isReady ? "yes" : "no", seen, figures, warning])
        }
        print(Self.table(rows), terminator: "")
        if !allReady {
            let bad = rows.dropFirst().filter { $0[3] == "no" }.map { $0[0] }
            print("not ready: \(bad.joined(separator: ", "))")
            throw ExitCode(1)
        }
    }

    /// The node's key figures from its Prometheus text: each figure summed over its label sets.
    static func keyFigures(_ text: String) -> String {
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        return figures.compactMap { figure -> String? in
            let values = samples.filter { line in
                let name = line.prefix { $0 != "{" && $0 != " " }
                return name == figure.metric && (figure.label.map { line.contains($0) } ?? true)
            }.compactMap { line in line.split(separator: " ").last.flatMap { Double($0) } }
            guard !values.isEmpty else { return nil }
            let sum = values.reduce(0, +)
            return "\(figure.title)=\(sum == sum.rounded() ? String(Int(sum)) : String(sum))"
        }.joined(separator: " ")
    }

    /// The time now, `HH:MM:SS` UTC: when this command last heard the node.
    static func clock() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    /// Rows as left-aligned columns.
    static func table(_ rows: [[String]]) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }

    /// One GET: the status and body, or nil when nothing answered.
    func get(_ url: URL) async -> (status: Int?, body: String) {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        guard let (data, response) = try? await URLSession.shared.data(for: request), let http = response as? HTTPURLResponse else { return (nil, "") }
        return (http.statusCode, String(decoding: data, as: UTF8.self))
    }
}

extension Optional {
    /// `transform` of the wrapped value, awaited.
    func asyncMap<T>(_ transform: (Wrapped) async -> T) async -> T? {
        guard let value = self else { return nil }
        return await transform(value)
    }
}
