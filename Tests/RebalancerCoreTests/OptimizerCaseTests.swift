import Foundation
import Testing
@testable import RebalancerCore

/// The four instances of issue 13 where a cheaper valid plan was found by an exact MILP
/// (Tests/Fixtures/optimizer-cases, README there): the optimizer's plan must cost no more than that
/// plan (within max($1, 1e-6 relative)) and pass the verifiers' rules.
@Suite struct OptimizerCaseTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/optimizer-cases")

    /// A plan input file, resolved.
    static func load(_ name: String) throws -> (Topology, [VenueID: VenueView]) {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".json"))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let input = try decoder.decode(PlanInput.self, from: data)
        return (try input.resolvedTopology(), input.views)
    }

    /// The cheaper plan's transfers.
    static func cheaperPlan(_ name: String) throws -> [Transfer] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".cheaper-plan.json"))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (object["transfers"] as! [[String: Any]]).map {
            Transfer(from: $0["from"] as! String, to: $0["to"] as! String, amount: ($0["amount"] as! NSNumber).int64Value)
        }
    }

    @Test(arguments: ["general-10-6", "general-10-7", "bench-100-23", "exact-1000-4"])
    func noCheaperValidPlanThanTheKnownOne(name: String) throws {
        let (topology, views) = try Self.load(name)
        let cheaper = try Self.cheaperPlan(name)
        // The known plan is valid under the same rules, so the comparison is fair.
        #expect(OptimizerTests.feasibilityProblems(cheaper, views: views, topology: topology, minimum: 100_00).isEmpty)
        let known = planCost(cheaper, views: views, topology: topology)
        let plan = TransferOptimizer().solve(views: views, topology: topology)
        #expect(plan.objective <= known + max(100, 1e-6 * known), "\(name): optimizer \(plan.objective) vs known \(known)")
        #expect(plan.objective == planCost(plan.transfers, views: views, topology: topology))
        #expect(plan.lowerBound <= plan.objective)
        #expect(Certificate.check(plan).isEmpty)
        let problems = OptimizerTests.feasibilityProblems(plan.transfers, views: views, topology: topology, minimum: 100_00)
        #expect(problems.isEmpty, "\(name): \(problems.prefix(3))")
    }
}
