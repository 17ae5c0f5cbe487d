import Foundation
import RebalancerCore
import RebalancerNode

/// A Grafana dashboard (JSON model) for a topology, over the metrics its nodes export and the
/// Prometheus data source of `PrometheusConfig`: the decision path's latency end to end and per
/// hop, plans and votes, each venue's margin ratio against its bands, balances, staleness,
/// drops by reason, and each process's `up`, memory and CPU.
public enum GrafanaDashboard {
    /// The data source uid the provisioning file in docker/grafana declares.
    public static let dataSourceUID = "rebalancer-prometheus"

    /// The dashboard as pretty, key-sorted JSON text.
    public static func render(topology: Deployment) -> String {
        var panels: [[String: Any]] = []
        func panel(_ title: String, _ unit: String, _ targets: [(expr: String, legend: String)], width: Int = 12) {
            let index = panels.count
            panels.append([
                "id": index + 1,
                "title": title,
                "type": "timeseries",
                "datasource": ["type": "prometheus", "uid": dataSourceUID],
                "gridPos": ["h": 8, "w": width, "x": (index % 2) * 12, "y": (index / 2) * 8],
                "fieldConfig": ["defaults": ["unit": unit], "overrides": [] as [Any]],
                "targets": targets.enumerated().map { offset, target in
                    [
                        "refId": String(UnicodeScalar(UInt8(65 + offset % 26))),
                        "expr": target.expr,
                        "legendFormat": target.legend,
                        "datasource": ["type": "prometheus", "uid": dataSourceUID],
                    ] as [String: Any]
                },
            ])
        }
        let window = "[1m]"
        panel("Decision latency, end to end (watcher observed -> executor verified)", "s", [
            ("histogram_quantile(0.5, sum by (le) (rate(rebalancer_decision_end_to_end_seconds_bucket\(window))))", "p50"),
            ("histogram_quantile(0.99, sum by (le) (rate(rebalancer_decision_end_to_end_seconds_bucket\(window))))", "p99"),
        ])
        panel("Decision path, p99 per hop (since the watcher observed)", "s", [
            ("histogram_quantile(0.99, sum by (le, hop) (rate(rebalancer_decision_hop_seconds_bucket\(window))))", "{{hop}}"),
        ])
        panel("Plans by outcome", "ops", [("sum by (outcome) (rate(rebalancer_plans_total\(window)))", "{{outcome}}")])
        panel("Votes by decision", "ops", [("sum by (decision) (rate(rebalancer_votes_total\(window)))", "{{decision}}")])
        panel("Margin ratio (balance / maintenance margin) per venue", "none", topology.venues.map { venue in
            ("rebalancer_venue_margin_ratio{node=\"coordinator\",venue=\"\(venue.id)\"}", "\(venue.id) (band \(venue.lowerBand)-\(venue.upperBand), target \(venue.targetRatio))")
        }, width: 24)
        panel("Balance per venue (USD)", "currencyUSD", topology.venues.map { venue in
            ("rebalancer_venue_balance{node=\"coordinator\",venue=\"\(venue.id)\"}", venue.id)
        })
        panel("Stale venues (1 = nothing moves to or from it)", "none", [("max by (venue) (rebalancer_venue_stale)", "{{venue}}")])
        panel("Messages dropped by reason", "ops", [("sum by (node, reason) (rate(rebalancer_messages_dropped_total\(window)))", "{{node}} {{reason}}")])
        panel("Processes up", "none", [("up{job=\"rebalancer\"}", "{{node}}")])
        panel("Resident memory", "bytes", [("rebalancer_process_resident_memory_bytes", "{{node}}")])
        panel("CPU", "percentunit", [("rate(rebalancer_process_cpu_seconds_total\(window))", "{{node}}")])
        let dashboard: [String: Any] = [
            "uid": "rebalancer-\(topology.id)".prefix(40).description,
            "title": "rebalancer: \(topology.id)",
            "tags": ["rebalancer"],
            "timezone": "utc",
            "refresh": "5s",
            "schemaVersion": 39,
            "time": ["from": "now-30m", "to": "now"],
            "panels": panels,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: dashboard, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
