import Foundation
import RebalancerCore
import RebalancerSimulation

/// The per-seed table of a sweep: hindsight, then liquidations, cost and minutes below initial
/// margin per strategy, totals, and the issue-12 checks.
enum SimSweepTable {
    /// The table as text.
    static func render(_ sweep: SimulationSweep, order: [String]) -> String {
        var lines = ["\(sweep.scenario), \(String(format: "%g", sweep.hours)) simulated hours, \(sweep.reports.count) seeds"]
        lines.append("per strategy: liquidations / fees + latency cost (USD) / minutes below initial margin")
        let seedWidth = 6
        let hindsightWidth = 18
        let column = 30
        lines.append("seed".rightPad(seedWidth) + "hindsight liq/fees".leftPad(hindsightWidth) + order.map { $0.leftPad(column) }.joined())
        func cells(_ m: SimulationMetrics?) -> String {
            guard let m else { return "-".leftPad(column) }
            return "\(m.liquidations) / \(String(format: "%.0f", m.cost)) / \(String(format: "%.0f", m.minutesBelowInitialMargin))".leftPad(column)
        }
        for report in sweep.reports {
            let h = report.hindsight.map { "\($0.liquidations) / \(String(format: "%.0f", $0.minFeesWithoutLiquidation))" } ?? "-"
            lines.append(String(report.seed).rightPad(seedWidth) + h.leftPad(hindsightWidth) + order.map { cells(report.strategies[$0]) }.joined())
        }
        let h = sweep.hindsightTotal
        lines.append("total".rightPad(seedWidth) + "\(h.liquidations) / \(String(format: "%.0f", h.minFeesWithoutLiquidation))".leftPad(hindsightWidth)
            + order.map { cells(sweep.total($0)) }.joined())
        for name in order {
            let t = sweep.total(name)
            lines.append(String(
                format: "%@: %d liquidations on seeds where hindsight has none; cost %.0f USD = %.2fx hindsight; %d transfers; %.0f minutes below initial margin",
                name, sweep.avoidableLiquidations(name), t.cost, sweep.costMultiple(name), t.transfers, t.minutesBelowInitialMargin
            ))
        }
        let standard = StrategyName.standard.rawValue
        let baseline = StrategyName.threshold.rawValue
        if order.contains(standard), order.contains(baseline) {
            lines.append("default (\(standard)) meets the issue-12 target (no avoidable liquidation, cost <= 3x hindsight, fewer minutes below IM than threshold): "
                + (sweep.meetsTarget(standard, baseline: baseline) ? "yes" : "no"))
        }
        if order.contains(StrategyName.predictive.rawValue), order.contains(baseline) {
            lines.append("predictive at least as good as threshold (liquidations, cost, minutes below IM): "
                + (sweep.atLeastAsGood(StrategyName.predictive.rawValue, as: baseline) ? "yes" : "no"))
        }
        return lines.joined(separator: "\n")
    }
}

/// Slots written by concurrent workers, one each, read once they are all done.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    // Invariant: each index is written by exactly one worker, under the lock; `values` is read
    // only after every worker has returned (concurrentPerform waits for them).
    private var slots: [Value?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] { lock.lock(); defer { lock.unlock() }; return slots.compactMap { $0 } }
}
