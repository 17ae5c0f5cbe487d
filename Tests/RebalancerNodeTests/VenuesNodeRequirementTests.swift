import RebalancerCore
import Testing
@testable import RebalancerNode

/// Issue #9: a `venues` node (the simulated market) is required only when some venue is
/// simulated; watchers of real venues read their APIs and need none. `poll_ms` is validated.
@Suite("Venues node requirement and poll_ms")
struct VenuesNodeRequirementTests {
    static let address = "0x" + String(repeating: "ab", count: 20)

    /// The fixture without its venues node, every venue given `adapter` (nil: simulated).
    static func withoutMarket(adapter: VenueAdapter?) throws -> Deployment {
        var topology = try TopologyFixture.topology()
        topology.nodes.removeAll { $0.role == .venues }
        for index in topology.venues.indices { topology.venues[index].adapter = adapter }
        if adapter != nil { topology.routes = [] }  // read-only readers: no route may leave them
        return topology
    }

    static func missingMarket(_ errors: [TopologyError]) -> [TopologyError] {
        errors.filter { $0.path == "nodes" && $0.message.contains("no venues node") }
    }

    @Test func simulatedVenuesNeedTheVenuesNode() throws {
        let errors = TopologyCheck.validate(try Self.withoutMarket(adapter: nil))
        let missing = Self.missingMarket(errors)
        #expect(missing.count == 1, "\(errors)")
        #expect(missing.first?.message.contains("venues[0] (v1) is the simulated market") == true, "\(missing)")
        #expect(Self.missingMarket(TopologyCheck.validate(try Self.withoutMarket(adapter: VenueAdapter(kind: "simulated")))).count == 1)
    }

    @Test func realVenuesOnlyNeedNoVenuesNode() throws {
        let topology = try Self.withoutMarket(adapter: VenueAdapter(kind: "hyperliquid", parameters: ["address": Self.address, "poll_ms": "250"]))
        let errors = TopologyCheck.validate(topology)
        #expect(Self.missingMarket(errors).isEmpty, "\(errors)")
        #expect(!errors.contains { $0.path.contains("adapter") }, "\(errors)")
    }

    @Test func oneSimulatedVenueAmongRealOnesStillNeedsIt() throws {
        var topology = try Self.withoutMarket(adapter: VenueAdapter(kind: "hyperliquid", parameters: ["address": Self.address]))
        topology.venues[2].adapter = nil
        let missing = Self.missingMarket(TopologyCheck.validate(topology))
        #expect(missing.first?.message.contains("venues[2] (v3)") == true, "\(missing)")
    }

    @Test(arguments: ["10", "3600001", "soon", "-5"])
    func badPollMsIsNamed(_ value: String) throws {
        let topology = try Self.withoutMarket(adapter: VenueAdapter(kind: "hyperliquid", parameters: ["address": Self.address, "poll_ms": value]))
        let errors = TopologyCheck.validate(topology).filter { $0.path == "venues[0].adapter.poll_ms" }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("must be an integer from 50 to 3600000") == true, "\(errors)")
    }
}
