import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
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
        let endpoints = Self.metricsURLs(topology)
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

    /// Each node's `/metrics` address.
    private static func metricsURLs(_ topology: Deployment) -> [String: URL] {
        var urls: [String: URL] = [:]
        for node in topology.nodes {
            guard let endpoint = topology.endpoints(of: node.id)["metrics"], let (host, port) = MetricsServer.hostPort(endpoint),
                  let url = URL(string: "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)/metrics") else { continue }
            urls[node.id] = url
        }
        return urls
    }

    /// Reads every endpoint each second until cancelled; the last text read from each.
    private static func scrape(_ endpoints: [String: URL]) async -> [String: String] {
        var last: [String: String] = [:]
        while !Task.isCancelled {
            for (node, url) in endpoints {
                guard let (data, _) = try? await URLSession.shared.data(for: URLRequest(url: url, timeoutInterval: 1)),
                      let text = String(data: data, encoding: .utf8) else { continue }
                last[node] = text
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return last
    }
}
