import Testing
import RebalancerCore
import RebalancerSimulation

@Suite("MarketScenario")
struct MarketScenarioTests {
    @Test func deltaNeutralPairsOffsettingPositions() {
        let accounts = MarketScenario.deltaNeutral(
            venues: ["a", "b", "c", "d", "e"], balance: 1_000, quantity: 2.5, maintenanceRate: 0.04, initialRate: 0.08
        )
        #expect(accounts.map(\.venue) == ["a", "b", "c", "d", "e"])
        #expect(accounts.map(\.position) == [2.5, -2.5, 2.5, -2.5, 0])
        #expect(accounts.map(\.hedgeVenue) == ["b", "a", "d", "c", "e"])
        #expect(accounts.allSatisfy { $0.balance == 1_000 && $0.maintenanceRate == 0.04 && $0.initialRate == 0.08 })
    }

    @Test func fullMeshLinksEveryOrderedPair() {
        let routes = MarketScenario.fullMesh(venues: ["a", "b", "c"], latencyMs: 10)
        #expect(routes.count == 6)
        #expect(Set(routes.map { "\($0.from)>\($0.to)" }).count == 6)
        #expect(routes.allSatisfy { $0.from != $0.to && $0.latencyMs == 10 })
    }
}
