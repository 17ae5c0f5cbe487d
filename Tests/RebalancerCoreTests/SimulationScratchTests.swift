import Testing
import Foundation
@testable import RebalancerCore

@Test func scratchSim() {
    let hours = Double(ProcessInfo.processInfo.environment["SIM_HOURS"] ?? "720")!
    let seed = UInt64(ProcessInfo.processInfo.environment["SIM_SEED"] ?? "1")!
    let sim = Simulation(scenario: .deltaNeutralMonth(seed: seed))
    let report = sim.run(strategies: [StaticStrategy(), GreedyThresholdStrategy(), OptimalStrategy(), PredictiveStrategy()], hours: hours)
    for (name, m) in report.strategies.sorted(by: { $0.key < $1.key }) {
        print(name, m.liquidations, Int(m.minutesBelowInitialMargin), m.transfers, Int(m.feesPaid), Int(m.latencyCost), String(format: "%.3f", m.idleCapitalShare), Int(m.penaltiesPaid), m.rejectedTransfers, String(format: "%.3f", m.reducedBookShare))
    }
    print(report.hindsight!)
}
