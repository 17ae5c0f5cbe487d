/// How a `Counters` name becomes a Prometheus metric: `rebalancer_` prefix, `_total` for
/// counters, and the families whose last part is open-ended (a reason, a type, a decision) turned
/// into one bounded label, so that `dropped.bad_signature` and `dropped.replayed` are one metric,
/// `rebalancer_messages_dropped_total`, with `reason` set to each.
public enum MetricName {
    /// Families of counters whose last dotted part becomes a label: prefix, metric, label.
    static let families: [(prefix: String, metric: String, label: String)] = [
        ("dropped.", "rebalancer_messages_dropped_total", "reason"),
        ("rx.", "rebalancer_messages_received_total", "type"),
        ("votes.", "rebalancer_votes_total", "decision"),
        ("rule.", "rebalancer_rule_refusals_total", "rule"),
        ("plans.refused.", "rebalancer_plans_refused_total", "reason"),
        ("plans.", "rebalancer_plans_total", "outcome"),
        ("transfers.", "rebalancer_transfers_total", "outcome"),
        ("replay.", "rebalancer_replay_total", "event"),
        ("venue.read_errors.", "rebalancer_venue_read_errors_total", "code"),
        ("rotations.refused.", "rebalancer_rotations_refused_total", "reason"),
        ("signatures.", "rebalancer_signatures_refused_total", "reason"),
        ("links.", "rebalancer_links_total", "event"),
        ("zap.", "rebalancer_connections_total", "decision"),
        ("upstream.", "rebalancer_upstream_total", "event"),
    ]

    /// The counter `name` becomes, or nil for one that only sums a family (`dropped`, the total
    /// of `rebalancer_messages_dropped_total` over its reasons).
    public static func counter(_ name: String) -> (name: String, labels: [(String, String)])? {
        if name == "dropped" { return nil }
        for family in families where name.hasPrefix(family.prefix) {
            let value = String(name.dropFirst(family.prefix.count))
            // A deeper name (plans.refused.x under plans.) is matched by its own, earlier family.
            guard !value.isEmpty, !value.contains(".") else { continue }
            return (family.metric, [(family.label, value)])
        }
        return ("rebalancer_\(sanitized(name))_total", [])
    }

    /// The gauge `name` becomes: `venue.stale` is `rebalancer_venue_stale`.
    public static func gauge(_ name: String) -> (name: String, labels: [(String, String)]) {
        ("rebalancer_\(sanitized(name))", [])
    }

    /// `name` with every character outside `[a-z0-9_]` made `_`.
    static func sanitized(_ name: String) -> String {
        String(name.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" ? $0 : "_" })
    }
}
