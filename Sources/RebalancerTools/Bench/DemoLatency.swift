import Foundation
import Logging
import RebalancerCore
import RebalancerNode

/// The demo topology's latency: the demo runner for its seconds, with every node's `/metrics`
/// read each second while it runs (the last reading of each node is kept), and the end-to-end
/// samples the demo's monitor collected.
struct DemoLatency: Sendable {
    let options: DemoRunner.Options
    let executable: URL

    private enum Outcome: Sendable {
        case summary(DemoSummary)
        case metrics([String: String])
    }

    /// Runs the demo; returns its summary and the hop histograms summed over the nodes.
    func run(topology: Deployment, logger: Logger) async throws -> (DemoSummary, HopHistograms) {
        let endpoints = Self.metricsAddresses(topology)
        let runner = DemoRunner(options: options, executable: executable)
        let (summary, texts) = try await withThrowingTaskGroup(of: Outcome.self) { group -> (DemoSummary?, [String: String]) in
            group.addTask { .summary(try await runner.run(logger: logger)) }
            group.addTask { .metrics(await Self.scrape(endpoints)) }
            var summary: DemoSummary?, texts: [String: String] = [:]
            for try await outcome in group {
                switch outcome {
                case .summary(let finished):
                    summary = finished
                    group.cancelAll()
                case .metrics(let last): texts = last
                }
            }
            return (summary, texts)
        }
        var histograms = HopHistograms()
        for text in texts.values { histograms.add(prometheusText: text[...]) }
        guard let summary else { throw DemoError("the demo returned no summary") }
        return (summary, histograms)
    }

    /// Each node's metrics host and port.
    private static func metricsAddresses(_ topology: Deployment) -> [String: (host: String, port: Int)] {
        var addresses: [String: (host: String, port: Int)] = [:]
        for node in topology.nodes {
            guard let endpoint = topology.endpoints(of: node.id)["metrics"], let (host, port) = MetricsServer.hostPort(endpoint) else { continue }
            addresses[node.id] = (host == "0.0.0.0" ? "127.0.0.1" : host, port)
        }
        return addresses
    }

    /// Reads every node's `/metrics` each second until cancelled (SwiftNIO, one connection per
    /// read: URLSession on Linux can trap when a read is cancelled); the last text read from each.
    private static func scrape(_ endpoints: [String: (host: String, port: Int)]) async -> [String: String] {
        var last: [String: String] = [:]
        while !Task.isCancelled {
            for (node, address) in endpoints {
                guard let (status, body) = try? await HTTPExchange.get(host: address.host, port: address.port, path: "/metrics", timeoutMs: 1_000),
                      status == 200, let text = String(bytes: body, encoding: .utf8) else { continue }
                last[node] = text
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return last
    }
}
