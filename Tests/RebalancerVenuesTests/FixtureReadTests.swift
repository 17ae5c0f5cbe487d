import Foundation
import RebalancerVenues
import Testing
import VenueFixtures

/// Each native adapter against its loopback fixture venue (a real process on a real socket).
@Suite("Native adapters read fixture venues")
struct FixtureReadTests {
    static let hlAddress = "0x0123456789abcdef0123456789abcdef01234567"
    static let dydxAddress = "dydx14zzueazeh0hj67cghhf9jypslcf9sh2n5k6art"

    static func binanceParameters(_ fixture: FixtureVenue, _ extra: [String: String] = [:]) -> [String: String] {
        ["api_key_env": "RB_FIXTURE_KEY", "api_secret_env": "RB_FIXTURE_SECRET", "base_url": fixture.baseURL, "backoff_ms": "50"].merging(extra) { $1 }
    }

    static func environment(secret: String = FixtureVenue.apiSecret) -> @Sendable () -> [String: String] {
        { ["RB_FIXTURE_KEY": FixtureVenue.apiKey, "RB_FIXTURE_SECRET": secret] }
    }

    @Test func hyperliquidExactCentsAndMovingBalances() async throws {
        let fixture = try FixtureVenue("hyperliquid")
        let reader = try HyperliquidReader(parameters: ["address": Self.hlAddress, "base_url": fixture.baseURL, "unified": "true"])
        let first = try await reader.snapshot()
        #expect(first.equity == 1_310_948 + 1_463)
        #expect(first.withdrawable == 1_310_451 + 1_463)
        #expect(first.initialMargin == 497)
        try await fixture.set(["crossMaintenanceMarginUsed": "1234.567"])
        try await fixture.drift(by: "-100.25")
        let second = try await reader.snapshot()
        #expect(second.maintenanceMargin == 123_457)
        #expect(second.equity == first.equity - 10_025)
        #expect(second.venueSequence > first.venueSequence)
        let requests = try await fixture.requests()
        #expect(requests.map(\.path) == ["/info", "/info", "/info", "/info"])
    }

    @Test func binanceSignedReadExactCents() async throws {
        let fixture = try FixtureVenue("binance")
        let reader = try BinanceUSDMReader(parameters: Self.binanceParameters(fixture), environment: Self.environment())
        let snapshot = try await reader.snapshot()
        #expect(snapshot.equity == 2_302_247)
        #expect(snapshot.maintenanceMargin == 12_105)
        #expect(snapshot.initialMargin == 121_053)
        #expect(snapshot.withdrawable == 2_181_194)
        #expect(snapshot.positions.map(\.market) == ["BTCUSDT"])
    }

    @Test func binanceBadSignatureIsRefusedAndReportedAsUnauthorized() async throws {
        let fixture = try FixtureVenue("binance")
        let reader = try BinanceUSDMReader(parameters: Self.binanceParameters(fixture), environment: Self.environment(secret: "not-the-secret"))
        await #expect(throws: VenueError.unauthorized(code: -1022, message: "Signature for this request is not valid.")) {
            try await reader.snapshot()
        }
        let requests = try await fixture.requests()
        #expect(requests.count == 1, "a refused signature is not retried")
        #expect(requests.first?.status == 400)
    }

    @Test func dydxDerivedMargin() async throws {
        let fixture = try FixtureVenue("dydx")
        let reader = try DYDXReader(parameters: ["address": Self.dydxAddress, "base_url": fixture.baseURL])
        let snapshot = try await reader.snapshot()
        #expect(snapshot.maintenanceMargin == 127_119)
        #expect(snapshot.initialMargin == 211_865)
        #expect(snapshot.marginSource == .derived)
        try await fixture.set(["markets:markets.BTC-USD.oraclePrice": "50850"])
        let cheaper = try await reader.snapshot()
        #expect(cheaper.maintenanceMargin == 127_119 - 15_000)
        #expect(cheaper.venueSequence > snapshot.venueSequence)
    }

    @Test func dydxUnknownSubaccountIsAnErrorNotZero() async throws {
        let fixture = try FixtureVenue("dydx")
        let reader = try DYDXReader(parameters: ["address": Self.dydxAddress, "subaccount_number": "3", "base_url": fixture.baseURL])
        do throws(VenueError) {
            _ = try await reader.snapshot()
            Issue.record("read an absent subaccount")
        } catch {
            #expect(error.code == "rejected")
        }
    }
}
