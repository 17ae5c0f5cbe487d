import Foundation
import RebalancerCore
import RebalancerVenues
import Testing
@testable import RebalancerNode

/// Issue #9 item 1: one conversion of a venue read into a published state, for the simulated
/// market and every real adapter alike.
@Suite("VenueSnapshot to VenueState")
struct VenueStateSnapshotTests {
    @Test func aRealReadBecomesAStateWithTheLargestPositionsMarkAndItsMarketsSummedSize() {
        let snapshot = VenueSnapshot(
            equity: 2_510_341, maintenanceMargin: 127_119, initialMargin: 211_865, withdrawable: 2_140_311,
            withdrawalsEnabled: false,
            positions: [
                .init(market: "ETH-USD", size: -4, markPrice: 3_000),           // 12 000 notional
                .init(market: "BTC-USD", size: 0.5, markPrice: 50_000),         // 25 000 notional: the largest
                .init(market: "BTC-USD", size: -0.125, markPrice: 50_010),
            ],
            venueSequence: 7, marginSource: .derived, pendingIn: 1_000, pendingOut: 2_000,
            pendingTransfers: ["t1"], settledTransfers: ["t0"], volatility: nil, depth: 5_000_000
        )
        let state = VenueState(venue: "v1", snapshot: snapshot)
        #expect(state.venue == "v1")
        #expect(state.balance == 2_510_341)
        #expect(state.maintenanceMargin == 127_119)
        #expect(state.initialMargin == 211_865)
        #expect(state.markPrice == 50_000)
        #expect(state.positionSize == 0.375)
        #expect(!state.withdrawalsEnabled)
        #expect(state.pendingIn == 1_000 && state.pendingOut == 2_000)
        #expect(state.pendingTransfers == ["t1"] && state.settledTransfers == ["t0"])
        #expect(state.volatility == 0, "a venue that reports no volatility")
        #expect(state.depth == 5_000_000)
        #expect(state.seq == 0 && state.observedAt == 0 && state.utilisationTrend == 0, "the watcher stamps these")
    }

    @Test func noPositionsIsFlatAtMarkZero() {
        let state = VenueState(venue: "v2", snapshot: VenueSnapshot(equity: 100, maintenanceMargin: 0, initialMargin: 0, withdrawable: 100, venueSequence: 1))
        #expect(state.positionSize == 0 && state.markPrice == 0)
        #expect(state.balance == 100 && state.withdrawalsEnabled)
        #expect(state.pendingIn == 0 && state.pendingTransfers.isEmpty && state.depth == 0)
    }

    @Test func theSimulatedMarketRoundTripsEverythingItReports() throws {
        let market = VenueState(
            venue: "v3", seq: 41, observedAt: 123_456, balance: 1_500_000, maintenanceMargin: 400_000, initialMargin: 800_000,
            markPrice: 61_234.5, volatility: 0.65, positionSize: -2.5, depth: 90_000_000, withdrawalsEnabled: false,
            pendingIn: 25_000, pendingOut: 10_000, pendingTransfers: ["p-1", "p-2"], settledTransfers: ["s-9"], utilisationTrend: 0.01
        )
        let reader = SimulatedVenueReader(venue: "v3")
        reader.update(market)
        var expected = market
        expected.seq = 0
        expected.observedAt = 0
        expected.utilisationTrend = 0
        #expect(VenueState(venue: "v3", snapshot: try reader.current()) == expected)
        #expect(reader.kind == "simulated")

        var flat = market
        flat.positionSize = 0
        reader.update(flat)
        #expect(VenueState(venue: "v3", snapshot: try reader.current()).markPrice == 61_234.5, "a flat venue keeps its mark")
    }

    @Test func theSimulatedMarketBeforeItsFirstTickIsAnErrorNotZero() async {
        let reader = SimulatedVenueReader(venue: "v1")
        await #expect(throws: VenueError.unavailable("no tick from the simulated market yet")) { try await reader.snapshot() }
    }

    @Test func aSnapshotWithoutTheNewFieldsStillDecodes() throws {
        let json = #"{"equity":1,"maintenanceMargin":2,"initialMargin":3,"withdrawable":4,"withdrawalsEnabled":true,"positions":[],"venueSequence":5,"marginSource":"reported"}"#
        let snapshot = try JSONDecoder().decode(VenueSnapshot.self, from: Data(json.utf8))
        #expect(snapshot == VenueSnapshot(equity: 1, maintenanceMargin: 2, initialMargin: 3, withdrawable: 4, venueSequence: 5))
    }
}
