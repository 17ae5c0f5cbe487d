import Foundation
import Testing
@testable import RebalancerCore
import RebalancerSimulation

/// The predictive strategy, the policy check verifiers use, and the plan report.
struct PredictiveStrategyTests {
    static func input() throws -> PlanInput {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/state.json")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(PlanInput.self, from: Data(contentsOf: url))
    }

    @Test func strategyNamesMakeTheirStrategies() {
        for name in StrategyName.allCases { #expect(name.make().name == name.rawValue) }
    }

    @Test func exampleInputPlansATopUpOfTheStarvedVenue() throws {
        let input = try Self.input()
        let topology = try input.resolvedTopology()
        let report = PlanReport.make(strategy: PredictiveStrategy(), views: input.views, topology: topology)
        #expect(!report.transfers.isEmpty)
        #expect(report.transfers.contains { $0.to == "cex-a" })
        #expect(report.objective < report.objectiveOfNothing)
        #expect(!report.potentials.isEmpty)
        let a = try #require(report.venues.first { $0.venue == "cex-a" })
        #expect(a.after > a.before)
    }

    @Test func planReportRoundTripsThroughJSON() throws {
        let input = try Self.input()
        let report = PlanReport.make(strategy: PredictiveStrategy(), views: input.views, topology: try input.resolvedTopology())
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"objective_of_nothing\""))
        #expect(text.contains("\"ratio_before\""))
        #expect(try JSONDecoder().decode(PlanReport.self, from: data) == report)
    }

    @Test func planInputRoundTrips() throws {
        let input = try Self.input()
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        #expect(try decoder.decode(PlanInput.self, from: encoder.encode(input)) == input)
    }

    @Test func inputNamingAnUnknownVenueIsRefused() throws {
        var input = try Self.input()
        input.states.append(.init(venue: "nowhere", balance: 1, maintenanceMargin: 1))
        #expect(throws: PlanInput.Problem.self) { try input.resolvedTopology() }
    }

    /// Each strategy with whether it improves on doing nothing here (`static` never moves anything).
    @Test(arguments: [("threshold", true), ("optimal", true), ("predictive", true), ("static", false)])
    func policyCheckRecomputesTheSamePlanAndObjective(strategy: String, improves: Bool) throws {
        let input = try Self.input()
        let topology = try input.resolvedTopology()
        let basis = input.views.mapValues(\.state)
        let first = try #require(PolicyCheck.recompute(strategy: strategy, basis: basis, topology: topology))
        let again = try #require(PolicyCheck.recompute(strategy: strategy, basis: basis, topology: topology))
        #expect(first.transfers == again.transfers)
        #expect(first.objective == PolicyCheck.objective(of: first.transfers, basis: basis, topology: topology, strategy: strategy))
        let nothing = PolicyCheck.objective(of: [], basis: basis, topology: topology, strategy: strategy)
        #expect(first.objective <= nothing)
        // Strictly better for a strategy that moves capital, exactly doing nothing for `static`.
        #expect((first.objective < nothing) == improves)
        #expect(first.transfers.isEmpty == !improves)
    }

    @Test func recomputedObjectiveIsTheOptimizersOwn() throws {
        let input = try Self.input()
        let topology = try input.resolvedTopology()
        let strategy = PredictiveStrategy()
        let solved = strategy.optimizer.solve(views: input.views, topology: strategy.policyTopology(views: input.views, topology: topology))
        let recomputed = try #require(PolicyCheck.recompute(strategy: "predictive", basis: input.views.mapValues(\.state), topology: topology))
        #expect(recomputed.transfers == solved.transfers)
        #expect(abs(recomputed.objective - solved.objective) <= 1e-9 * max(1, solved.objective))
    }

    @Test func unknownStrategyIsNotRecomputed() throws {
        let input = try Self.input()
        #expect(PolicyCheck.recompute(strategy: "magic", basis: input.views.mapValues(\.state), topology: try input.resolvedTopology()) == nil)
    }

    @Test func predictiveSpendsLessTimeBelowInitialMarginThanThresholdOnAShortRun() {
        // The 32-seed, 720-hour comparison is the `sim` command's (docs/strategies.md); this one
        // keeps the test fast: seed 1, 240 hours.
        let sim = Simulation(scenario: .deltaNeutralMonth(seed: 1))
        let threshold = sim.run(GreedyThresholdStrategy(), hours: 240)
        let predictive = sim.run(PredictiveStrategy(), hours: 240)
        #expect(predictive.transfers > 0)
        #expect(predictive.minutesBelowInitialMargin < threshold.minutesBelowInitialMargin)
    }
}
