import Foundation
import RebalancerCore
import Testing
@testable import RebalancerNode
import RebalancerTools

/// The Grafana dashboard and the monitoring services of the compose file, generated from the topology.
@Suite("Grafana dashboard")
struct GrafanaDashboardTests {
    /// Every metric the nodes export that the dashboard may query (and `up`, Prometheus' own).
    static let exported: Set<String> = [
        "up", "rebalancer_decision_end_to_end_seconds_bucket", "rebalancer_decision_hop_seconds_bucket",
        "rebalancer_plans_total", "rebalancer_votes_total", "rebalancer_venue_margin_ratio", "rebalancer_venue_balance",
        "rebalancer_venue_stale", "rebalancer_messages_dropped_total", "rebalancer_process_resident_memory_bytes",
        "rebalancer_process_cpu_seconds_total",
    ]

    static func panels(_ text: String) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require(object["panels"] as? [[String: Any]])
    }

    static func expressions(_ panel: [String: Any]) -> [String] {
        (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
    }

    @Test func everyVenueHasItsMarginRatioAndEveryQueryNamesAnExportedMetric() throws {
        let topology = try ComposeFileTests.localTopology()
        let panels = try Self.panels(GrafanaDashboard.render(topology: topology))
        let ratio = try #require(panels.first { ($0["title"] as? String)?.hasPrefix("Margin ratio") == true })
        for venue in topology.venues {
            #expect(Self.expressions(ratio).contains { $0.contains("venue=\"\(venue.id)\"") }, "no margin ratio for \(venue.id)")
        }
        for expression in panels.flatMap(Self.expressions) {
            let names = expression.matches(of: /rebalancer_[a-z_]+|\bup\b/).map { String($0.output) }
                .filter { $0.hasPrefix("rebalancer_") || $0 == "up" }
            #expect(!names.isEmpty, "\(expression) queries no metric")
            for name in names { #expect(Self.exported.contains(name), "\(name) in \(expression) is not exported") }
        }
    }

    @Test func committedDashboardIsGeneratedFromLocalYAML() throws {
        let committed = try String(contentsOfFile: ComposeFileTests.repository + "/docker/grafana/dashboards/rebalancer.json", encoding: .utf8)
        #expect(GrafanaDashboard.render(topology: try ComposeFileTests.localTopology()) == committed,
                "stale: run `rebalancer topology grafana topology/local.yaml --output docker/grafana/dashboards/rebalancer.json`")
    }

    @Test func composeRunsPrometheusAndGrafanaOnFilesThatExist() throws {
        let compose = try String(contentsOfFile: ComposeFileTests.repository + "/docker/compose.yaml", encoding: .utf8)
        for service in ["  prometheus:", "  grafana:"] { #expect(compose.contains("\n\(service)\n"), "no \(service) service") }
        for source in ["./prometheus.yml", "./grafana/provisioning", "./grafana/dashboards"] {
            #expect(compose.contains("source: \(source)\n"), "no bind of \(source)")
            #expect(FileManager.default.fileExists(atPath: ComposeFileTests.repository + "/docker/" + source), "\(source) missing")
        }
        let provisioned = try String(contentsOfFile: ComposeFileTests.repository + "/docker/grafana/provisioning/datasources/prometheus.yaml", encoding: .utf8)
        #expect(provisioned.contains("uid: \(GrafanaDashboard.dataSourceUID)"))
    }
}
