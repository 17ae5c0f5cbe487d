import Foundation
import RebalancerCore
import RebalancerSimulation

/// `sim --trace`: one CSV row per tick and venue, to explain each liquidation.
enum SimTrace {
    /// Runs `strategy` on `sim` and writes `step,price,venue,ratio,effective_ratio,initial_ratio,lower,target,sent_in,liquidated`.
    static func write(_ sim: Simulation, strategy: any Strategy, hours: Double, to path: String) throws -> SimulationMetrics {
        var text = "step,price,venue,ratio,effective_ratio,initial_ratio,lower,target,sent_in,liquidated\n"
        let metrics = sim.run(strategy, hours: hours) { step in
            for venue in step.bands.venues {
                let dead = step.liquidated.contains(venue.id) ? 1 : 0
                guard let view = step.views[venue.id], view.state.maintenanceMargin > 0 || dead == 1 else { continue }
                let m = Double(max(1, view.state.maintenanceMargin))
                let sent = step.transfers.filter { $0.to == venue.id }.reduce(Amount(0)) { $0 + $1.amount }
                text += "\(step.step),\(step.price),\(venue.id),\(Double(view.state.balance) / m),\(Double(view.effectiveBalance) / m),"
                    + "\(Double(view.state.initialMargin) / m),\(venue.lowerBand),\(venue.targetRatio),\(Double(sent) / 100),\(dead)\n"
            }
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return metrics
    }
}
