import RebalancerCore
import Testing
@testable import RebalancerNode

/// The routes `topology init` generates: a full mesh for small deployments, hubs and neighbours
/// for large ones, so a 100-venue topology is not 9,900 routes.
@Suite struct TopologyInitRoutesTests {
    @Test(arguments: [2, 6, TopologyInit.fullMeshLimit])
    func aSmallTopologyRoutesEveryOrderedPair(venues: Int) throws {
        let topology = try TopologyInit.topology(venues: venues, verifiers: 4)
        #expect(topology.routes.count == venues * (venues - 1))
        #expect(Set(topology.routes.map { "\($0.from)>\($0.to)" }).count == topology.routes.count)
    }

    @Test func aLargeTopologyRoutesThroughHubsAndNeighbours() throws {
        let topology = try TopologyInit.topology(venues: 100, verifiers: 19, quorum: 13)
        let routes = topology.routes
        #expect(routes.count < 1_200, "not all 9,900 pairs: \(routes.count)")
        #expect(Set(routes.map { "\($0.from)>\($0.to)" }).count == routes.count, "no duplicate route")
        #expect(!routes.contains { $0.from == $0.to })
        let out = Dictionary(grouping: routes, by: \.from)
        let hubs = Set(topology.venues.prefix(TopologyInit.hubCount).map(\.id))
        for venue in topology.venues where !hubs.contains(venue.id) {
            let count = out[venue.id]?.count ?? 0
            #expect((5...10).contains(count), "\(venue.id) has \(count) routes")
            // Every venue reaches every hub and every hub reaches it: any pair in two hops.
            for hub in hubs {
                #expect(routes.contains { $0.from == venue.id && $0.to == hub })
                #expect(routes.contains { $0.from == hub && $0.to == venue.id })
            }
        }
        // Hedge partners (v1/v2, v3/v4, ...) are neighbours: a direct route both ways.
        #expect(routes.contains { $0.from == "v41" && $0.to == "v42" } && routes.contains { $0.from == "v42" && $0.to == "v41" })
    }

    @Test("the heartbeat grows with the venues: 500 ms, a 3 s staleness bound and a 2 s basis tolerance up to 25 venues; 2 s, 6 s and 3 s at 100")
    func theHeartbeatGrowsWithTheVenues() throws {
        for venues in [2, 6, 25] {
            let timing = try TopologyInit.topology(venues: venues, verifiers: 4).timing
            #expect(timing == Topology.Timing(heartbeatMs: 500, staleAfterMs: 3000, planTTLms: 5000, basisToleranceMs: 2000))
        }
        #expect(try TopologyInit.topology(venues: 26, verifiers: 4).timing.heartbeatMs == 1000)
        let large = try TopologyInit.topology(venues: 100, verifiers: 19, quorum: 13).timing
        #expect(large.heartbeatMs == 2000 && large.staleAfterMs == 6000 && large.planTTLms == 5000 && large.basisToleranceMs == 3000)
    }

    @Test func theLargeTopologyIsTheSameEveryTime() throws {
        let first = try TopologyInit.topology(venues: 40, verifiers: 4).routes
        let second = try TopologyInit.topology(venues: 40, verifiers: 4).routes
        #expect(first == second)
    }
}
