import Foundation
import RebalancerVenues
import Testing
import VenueFixtures

/// Venues misbehaving: rate limits, server errors, slow answers, broken bodies.
@Suite("Native adapters when the venue misbehaves")
struct FixtureFaultTests {
    @Test(arguments: ["429", "418"])
    func noRequestBeforeRetryAfterExpires(status: String) async throws {
        let fixture = try FixtureVenue("binance")
        let reader = try BinanceUSDMReader(parameters: FixtureReadTests.binanceParameters(fixture, ["max_attempts": "3"]), environment: FixtureReadTests.environment())
        try await fixture.inject(["fault": status, "retry_after": 1.5])
        let snapshot = try await reader.snapshot()
        #expect(snapshot.equity == 2_302_247)
        let requests = try await fixture.requests()
        #expect(requests.map(\.status) == [Int(status), 200])
        #expect(requests[1].t_ms - requests[0].t_ms >= 1_500, "second request \(requests[1].t_ms - requests[0].t_ms) ms after the \(status)")
    }

    @Test func retryAfterHoldsAcrossReadsWhenTheAttemptsRunOut() async throws {
        let fixture = try FixtureVenue("hyperliquid")
        let reader = try HyperliquidReader(parameters: ["address": FixtureReadTests.hlAddress, "base_url": fixture.baseURL, "max_attempts": "1"])
        try await fixture.inject(["fault": "429", "retry_after": 1])
        await #expect(throws: VenueError.rateLimited(retryAfterMs: 1_000, status: 429)) { try await reader.snapshot() }
        _ = try await reader.snapshot()
        let requests = try await fixture.requests()
        #expect(requests.count == 2)
        #expect(requests[1].t_ms - requests[0].t_ms >= 1_000)
    }

    @Test func serverErrorsAreRetriedThenSurfacedAsUnavailable() async throws {
        let fixture = try FixtureVenue("dydx")
        let reader = try DYDXReader(parameters: ["address": FixtureReadTests.dydxAddress, "base_url": fixture.baseURL, "max_attempts": "3", "backoff_ms": "20"])
        try await fixture.inject(["fault": "503", "count": 2])
        let snapshot = try await reader.snapshot()
        #expect(snapshot.maintenanceMargin == 127_119)
        #expect(try await fixture.requests().map(\.status) == [503, 503, 200, 200])

        try await fixture.inject(["fault": "500", "count": 3])
        do throws(VenueError) {
            _ = try await reader.snapshot()
            Issue.record("read through three server errors")
        } catch {
            #expect(error.code == "unavailable")
        }
        #expect(try await fixture.requests().count == 7, "three attempts, no more")
    }

    @Test func slowAnswersTimeOutAndAreRetried() async throws {
        let fixture = try FixtureVenue("hyperliquid")
        let reader = try HyperliquidReader(parameters: ["address": FixtureReadTests.hlAddress, "base_url": fixture.baseURL, "timeout_ms": "1000", "max_attempts": "2", "backoff_ms": "20"])
        try await fixture.inject(["fault": "slow", "delay_ms": 5_000])
        let snapshot = try await reader.snapshot()
        #expect(snapshot.equity == 1_310_948)
        try await fixture.inject(["fault": "slow", "delay_ms": 5_000, "count": 2])
        await #expect(throws: VenueError.timeout(afterMs: 1_000)) { try await reader.snapshot() }
    }

    @Test func malformedJSONIsMalformedNeverZero() async throws {
        let fixture = try FixtureVenue("hyperliquid")
        let reader = try HyperliquidReader(parameters: ["address": FixtureReadTests.hlAddress, "base_url": fixture.baseURL])
        try await fixture.inject(["fault": "malformed"])
        do throws(VenueError) {
            let snapshot = try await reader.snapshot()
            Issue.record("read \(snapshot) from a truncated body")
        } catch {
            #expect(error.code == "malformed")
        }
        #expect(try await fixture.requests().count == 1, "a malformed answer is not retried")
    }

    @Test(arguments: [
        ("binance", "totalMaintMargin", "totalMaintMargin"),
        ("binance", "positions.0.positionAmt", "positions[0].positionAmt"),
        ("hyperliquid", "crossMaintenanceMarginUsed", "crossMaintenanceMarginUsed"),
        ("dydx", "subaccount.equity", "subaccount.equity"),
    ])
    func missingFieldIsMalformedNamingIt(venue: String, remove: String, named: String) async throws {
        let fixture = try FixtureVenue(venue)
        let reader: any VenueReader = switch venue {
        case "binance": try BinanceUSDMReader(parameters: FixtureReadTests.binanceParameters(fixture), environment: FixtureReadTests.environment())
        case "hyperliquid": try HyperliquidReader(parameters: ["address": FixtureReadTests.hlAddress, "base_url": fixture.baseURL])
        default: try DYDXReader(parameters: ["address": FixtureReadTests.dydxAddress, "base_url": fixture.baseURL])
        }
        try await fixture.inject(["fault": "missing", "field": remove])
        await #expect(throws: VenueError.malformed(field: named, detail: "missing")) { try await reader.snapshot() }
    }
}
