import Foundation

/// The `rebalancer_decision_hop_seconds{hop}` histograms of a deployment, summed over its nodes,
/// read from the Prometheus text each node serves on `/metrics`.
public struct HopHistograms: Sendable, Equatable {
    /// Per hop, cumulative counts per upper bound in seconds (`+Inf` as `.infinity`).
    public private(set) var buckets: [String: [Double: Double]] = [:]

    /// Empty histograms.
    public init() {}

    /// Adds the hop histograms found in one node's `/metrics` text.
    public mutating func add(prometheusText text: Substring) {
        let prefix = "rebalancer_decision_hop_seconds_bucket{"
        for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
            guard let close = line.lastIndex(of: "}"),
                  let count = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)) else { continue }
            let labels = Self.labels(line[line.index(line.startIndex, offsetBy: prefix.count)..<close])
            guard let hop = labels["hop"], let le = labels["le"] else { continue }
            let bound = le == "+Inf" ? Double.infinity : Double(le)
            guard let bound else { continue }
            buckets[hop, default: [:]][bound, default: 0] += count
        }
    }

    /// The `q` quantile of a hop in seconds, interpolated within its bucket as Prometheus's
    /// `histogram_quantile` does; nil when the hop has no observation.
    public func quantile(_ q: Double, hop: String) -> Double? {
        guard let counts = buckets[hop] else { return nil }
        let sorted = counts.sorted { $0.key < $1.key }
        guard let total = sorted.last?.value, total > 0 else { return nil }
        let rank = q * total
        var lower = 0.0, below = 0.0
        for (bound, cumulative) in sorted {
            if cumulative >= rank {
                guard bound.isFinite else { return lower }
                let inBucket = cumulative - below
                return inBucket > 0 ? lower + (bound - lower) * (rank - below) / inBucket : bound
            }
            lower = bound.isFinite ? bound : lower
            below = cumulative
        }
        return lower
    }

    /// `name="value"` pairs of a label set.
    static func labels(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = text[...]
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: ", "))
            let afterQuote = rest.index(equals, offsetBy: 2, limitedBy: rest.endIndex) ?? rest.endIndex
            guard afterQuote <= rest.endIndex, let end = rest[afterQuote...].firstIndex(of: "\"") else { break }
            result[name] = String(rest[afterQuote..<end])
            rest = rest[rest.index(after: end)...]
        }
        return result
    }
}
