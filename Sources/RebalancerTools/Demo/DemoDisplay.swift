import Foundation
import RebalancerCore
import RebalancerNode

/// Draws the demo's live progress: each venue's balance against its maintenance margin, plans
/// proposed, approved and rejected, transfers, liquidations and the latest latency.
struct DemoDisplay: Sendable {
    let topology: Deployment
    let strategy: String
    let live: Bool
    private let isTerminal = isatty(STDOUT_FILENO) != 0

    init(topology: Deployment, strategy: String, live: Bool) {
        self.topology = topology
        self.strategy = strategy
        self.live = live
    }

    func render(monitor: DemoMonitor, elapsed: Double, total: Double) async {
        guard live else { return }
        let market = await monitor.market
        let venues = await monitor.venues
        let latency = await monitor.lastLatency
        // The summary's and `bench latency`'s figures, over the samples so far.
        let figures = DemoSummary.Latency(nanos: await monitor.latencies)
        var lines: [String] = []
        lines.append(String(format: "rebalancer demo · strategy %@ · %.1f / %.0f s · price %.2f", strategy, elapsed, total, market.price))
        lines.append("venue".padded(8) + "balance ($)".padded(14, left: true) + "maint. margin ($)".padded(20, left: true) + "  ratio  band 2.0 ─ target 3.0")
        for venue in topology.venues {
            guard let line = venues[venue.id] else {
                lines.append(venue.id.padded(8) + " waiting for the feed")
                continue
            }
            let s = line.state
            let ratio = s.maintenanceMargin > 0 ? line.ratio : 0
            let bar = Self.bar(ratio: ratio, lower: venue.lowerBand, target: venue.targetRatio)
            let flag = s.positionSize == 0 ? " liquidated/flat" : (ratio < venue.lowerBand ? " below band" : "")
            lines.append(s.venue.padded(8) + Self.dollars(s.balance).padded(14, left: true) + Self.dollars(s.maintenanceMargin).padded(20, left: true)
                         + String(format: "  %5.2f  ", ratio) + bar + flag)
        }
        let proposed = await monitor.counter("plans.proposed")
        let approved = await monitor.counter("plans.approved")
        let rejected = await monitor.counter("plans.rejected") + (await monitor.counter("plans.unreachable"))
        lines.append(String(format: "plans proposed %lld  approved %lld  rejected %lld · transfers settled %llu · liquidations %llu",
                            proposed, approved, rejected, market.transfersSettled, market.liquidations))
        lines.append(Self.latencyLine(figures, last: latency))
        for event in await monitor.events { lines.append("  " + event) }
        if isTerminal {
            print("\u{1B}[H\u{1B}[2J" + lines.joined(separator: "\n"))
        } else if Int(elapsed * 2) % 10 == 0 {
            print(lines.joined(separator: "\n") + "\n")
        }
    }

    /// The live view's latency line: the figures the summary and `bench latency` report, and the last sample.
    static func latencyLine(_ figures: DemoSummary.Latency, last: Int64?) -> String {
        "latency (watcher saw → executor verified) \(figures.text), last " + (last.map { String(format: "%.3f ms", Double($0) / 1e6) } ?? "-")
    }

    static func dollars(_ cents: Int64) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return formatter.string(from: NSNumber(value: Double(cents) / 100)) ?? "\(cents / 100)"
    }

    static func bar(ratio: Double, lower: Double, target: Double) -> String {
        let width = 20
        let filled = max(0, min(width, Int((ratio / (target * 2)) * Double(width))))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
    }
}

extension String {
    /// The string padded with spaces to `width`, on the right or (for numbers) on the left.
    func padded(_ width: Int, left: Bool = false) -> String {
        let pad = String(repeating: " ", count: max(0, width - count))
        return left ? pad + self : self + pad
    }
}
