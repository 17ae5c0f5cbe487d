import Foundation
import RebalancerCore
import RebalancerSimulation
import Testing
@testable import RebalancerNode

/// The topology file splits into the core's policy and the node's deployment fields.
struct DeploymentTests {
    @Test func theDeploymentFieldsSurviveRenderAndParseBesideThePolicy() throws {
        var deployment = try TopologyFixture.topology()
        deployment.keysDir = "elsewhere"
        deployment.coordination = Deployment.Coordination(etcd: "http://127.0.0.1:2379", leaseMs: 3000)
        deployment.market.seed = 77
        let parsed = try TopologyFile.parse(yaml: TopologyFile.render(deployment), baseDirectory: TopologyFixture.temporaryDirectory())
        #expect(parsed.policy == deployment.policy)
        #expect(parsed.keysDir == "elsewhere")
        #expect(parsed.coordination == deployment.coordination)
        #expect(parsed.market == deployment.market)
        #expect(parsed.endpoints(of: "coordinator") == deployment.endpoints(of: "coordinator"))
        #expect(parsed.endpoints(of: "coordinator").keys.sorted() == ["metrics", "plans", "proposals", "replay"])
        #expect(parsed.endpoints(of: "monitor").isEmpty, "the monitor binds nothing")
    }

    @Test func thePolicyMarketScaleFollowsTheSimulatedMarket() throws {
        var deployment = try TopologyFixture.topology()
        // `topology init`'s market: an hour of prices every 100 ms.
        #expect(deployment.market.secondsPerTick == 3_600 && deployment.market.tickMs == 100)
        #expect(deployment.policy.marketSecondsPerSecond == 36_000)
        #expect(RiskBands.marketSecondsPerSecond(deployment.policy) == 36_000)
        deployment.market.tickMs = 0
        #expect(deployment.policy.marketSecondsPerSecond == 1, "a market off the clock plays in market time")
        deployment.market.tickMs = 200
        deployment.market.accounts = []
        #expect(deployment.policy.marketSecondsPerSecond == 1, "no accounts: real venues")
    }

    @Test func writesThroughThePolicyFieldsReachThePolicy() throws {
        var deployment = try TopologyFixture.topology()
        deployment.quorum = 2
        deployment.nodes[0].monitorOnly = true
        #expect(deployment.policy.quorum == 2)
        #expect(deployment.policy.nodes[0].monitorOnly)
        #expect(deployment.verifiers.map(\.id) == deployment.policy.verifiers.map(\.id))
    }
}
