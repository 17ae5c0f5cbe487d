import Foundation
@testable import RebalancerVenues
import Testing
import VenueFixtures

/// The docs' example answers decoded and mapped, without a process: exact cents, documented fields.
@Suite("Venue answers decoded from the docs' examples")
struct VenueDecodingTests {
    @Test func hyperliquidClearinghouseState() throws {
        let perp = try VenueJSON.decode(HyperliquidResponses.ClearinghouseState.self, from: VenueExamples.data("hyperliquid_clearinghouseState.json"))
        let snapshot = try HyperliquidReader.snapshot(perp: perp, spot: nil)
        #expect(snapshot.equity == 1_310_948)
        #expect(snapshot.maintenanceMargin == 0)
        #expect(snapshot.initialMargin == 497)
        #expect(snapshot.withdrawable == 1_310_451)
        #expect(snapshot.venueSequence == 1_708_622_398_623)
        #expect(snapshot.marginSource == .reported)
        #expect(snapshot.positions.count == 1)
        #expect(snapshot.positions[0].market == "ETH")
        #expect(snapshot.positions[0].size == 0.0335)
        #expect(abs(snapshot.positions[0].markPrice - 2985.9) < 1e-9)
        #expect(snapshot.positions[0].liquidationPrice == 2866.26936529)
    }

    @Test func hyperliquidUnifiedAccountCountsSpotUSDC() throws {
        let perp = try VenueJSON.decode(HyperliquidResponses.ClearinghouseState.self, from: VenueExamples.data("hyperliquid_clearinghouseState.json"))
        let spot = try VenueJSON.decode(HyperliquidResponses.SpotClearinghouseState.self, from: VenueExamples.data("hyperliquid_spotClearinghouseState.json"))
        let snapshot = try HyperliquidReader.snapshot(perp: perp, spot: spot)
        #expect(snapshot.equity == 1_310_948 + 1_463)
        #expect(snapshot.withdrawable == 1_310_451 + 1_463)
    }

    @Test func binanceFuturesAccount() throws {
        let account = try VenueJSON.decode(BinanceResponses.FuturesAccount.self, from: VenueExamples.data("binance_fapi_v2_account.json"))
        let snapshot = try BinanceUSDMReader.snapshot(account, readAtMs: 42)
        #expect(snapshot.equity == 2_302_247)
        #expect(snapshot.maintenanceMargin == 12_105)
        #expect(snapshot.initialMargin == 121_053)
        #expect(snapshot.withdrawable == 2_181_194)
        #expect(snapshot.withdrawalsEnabled)
        #expect(snapshot.venueSequence == 1_625_474_304_765)
        #expect(snapshot.positions.count == 1, "zero-size symbols are not positions")
        #expect(snapshot.positions[0].market == "BTCUSDT")
        #expect(abs(snapshot.positions[0].markPrice - 60_326.54) < 1e-9)
    }

    @Test func binanceWithdrawHistoryAndStatusCodes() throws {
        let records = try VenueJSON.decode([BinanceResponses.WithdrawRecord].self, from: VenueExamples.data("binance_withdraw_history.json"))
        let key = IdempotencyKey(rawValue: "WITHDRAWtest123")
        #expect(records[0].withdrawOrderId == key.rawValue)
        #expect(BinanceWithdrawGateway.status(of: records[0], key: key).state == .settled)
        let expected: [Int: TransferStatus.State] = [0: .submitted, 1: .failed, 2: .submitted, 3: .failed, 4: .pending, 5: .failed, 6: .settled]
        for (code, state) in expected {
            var record = records[0]
            record.status = code
            #expect(BinanceWithdrawGateway.status(of: record, key: key).state == state, "status \(code)")
        }
        var failed = records[0]
        failed.status = 5
        #expect(BinanceWithdrawGateway.status(of: failed, key: key).reason?.contains("The address is not valid") == true)
    }

    @Test func dydxMarginIsDerivedFromOraclePricesAndFractions() throws {
        let account = try VenueJSON.decode(DYDXResponses.SubaccountResponse.self, from: VenueExamples.data("dydx_subaccount.json"))
        let markets = try VenueJSON.decode(DYDXResponses.PerpetualMarkets.self, from: VenueExamples.data("dydx_perpetualMarkets.json"))
        let snapshot = try DYDXReader.snapshot(account.subaccount, markets: markets.markets)
        // 0.5 x 60850 x 0.03 + 4 x 2987 x 0.03 = 1271.19; with 0.05: 2118.65
        #expect(snapshot.maintenanceMargin == 127_119)
        #expect(snapshot.initialMargin == 211_865)
        #expect(snapshot.marginSource == .derived)
        #expect(snapshot.equity == 2_510_341)
        #expect(snapshot.withdrawable == 2_140_312)
        #expect(snapshot.venueSequence == 15_871_544)
        #expect(snapshot.positions.map(\.market) == ["BTC-USD", "ETH-USD"])
        #expect(snapshot.positions.map(\.size) == [0.5, -4])
        #expect(snapshot.withdrawalsEnabled)
    }

    @Test func dydxWithdrawalsGatedWhenMarginDisabledOrMarketSettling() throws {
        var account = try VenueJSON.decode(DYDXResponses.SubaccountResponse.self, from: VenueExamples.data("dydx_subaccount.json")).subaccount
        var markets = try VenueJSON.decode(DYDXResponses.PerpetualMarkets.self, from: VenueExamples.data("dydx_perpetualMarkets.json")).markets
        account.marginEnabled = false
        #expect(try DYDXReader.snapshot(account, markets: markets).withdrawalsEnabled == false)
        account.marginEnabled = true
        markets["ETH-USD"]?.status = "FINAL_SETTLEMENT"
        #expect(try DYDXReader.snapshot(account, markets: markets).withdrawalsEnabled == false)
    }

    @Test func dydxPositionInAnUnknownMarketIsMalformedNotZeroMargin() throws {
        let account = try VenueJSON.decode(DYDXResponses.SubaccountResponse.self, from: VenueExamples.data("dydx_subaccount.json")).subaccount
        var markets = try VenueJSON.decode(DYDXResponses.PerpetualMarkets.self, from: VenueExamples.data("dydx_perpetualMarkets.json")).markets
        markets["ETH-USD"] = nil
        #expect(throws: VenueError.malformed(field: "markets.ETH-USD", detail: "missing: the market of an open position")) {
            try DYDXReader.snapshot(account, markets: markets)
        }
    }

    @Test func missingFieldNamesTheField() throws {
        var object = try JSONSerialization.jsonObject(with: VenueExamples.data("binance_fapi_v2_account.json")) as! [String: Any]
        object["totalMaintMargin"] = nil
        let data = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: VenueError.malformed(field: "totalMaintMargin", detail: "missing")) {
            try VenueJSON.decode(BinanceResponses.FuturesAccount.self, from: data)
        }
        var perp = try JSONSerialization.jsonObject(with: VenueExamples.data("hyperliquid_clearinghouseState.json")) as! [String: Any]
        var summary = perp["marginSummary"] as! [String: Any]
        summary["accountValue"] = nil
        perp["marginSummary"] = summary
        #expect(throws: VenueError.malformed(field: "marginSummary.accountValue", detail: "missing")) {
            try VenueJSON.decode(HyperliquidResponses.ClearinghouseState.self, from: JSONSerialization.data(withJSONObject: perp))
        }
    }

    @Test func notJSONIsMalformed() {
        #expect(throws: VenueError.self) { try VenueJSON.decode(BinanceResponses.FuturesAccount.self, from: Data(#"{"totalMarginBalance": "1"#.utf8)) }
        do throws(VenueError) {
            _ = try VenueJSON.decode(BinanceResponses.FuturesAccount.self, from: Data("<html>502</html>".utf8))
            Issue.record("decoded HTML")
        } catch {
            #expect(error.code == "malformed")
        }
    }

    @Test(arguments: [("13109.482328", 1_310_948), ("-0.005", -1), ("0.004", 0), ("0", 0), ("+12.345", 1_235), ("21811.93840600", 2_181_194)] as [(String, Int64)])
    func decimalsToCents(text: String, cents: Int64) throws {
        #expect(try VenueJSON.cents(text, field: "f") == cents)
    }

    @Test(arguments: ["", "abc", "1.2.3", "12abc", "-", ".", "1e5", "NaN"])
    func nonNumbersAreMalformed(text: String) {
        #expect(throws: VenueError.malformed(field: "f", detail: "\"\(text)\" is not a decimal number")) { try VenueJSON.cents(text, field: "f") }
    }

    @Test func amountsAreWrittenWithTwoDecimals() {
        #expect(VenueJSON.amountText(cents: 12_345) == "123.45")
        #expect(VenueJSON.amountText(cents: 5) == "0.05")
        #expect(VenueJSON.amountText(cents: 100) == "1.00")
    }

    @Test func binanceErrorBodies() {
        let bad = VenueHTTPResponse(status: 400, headers: [:], body: Data(#"{"code":-1022,"msg":"Signature for this request is not valid."}"#.utf8))
        #expect(BinanceErrors.error(for: bad) == .unauthorized(code: -1022, message: "Signature for this request is not valid."))
        let poor = VenueHTTPResponse(status: 400, headers: [:], body: Data(#"{"code":-4026,"msg":"User has insufficient balance"}"#.utf8))
        #expect(BinanceErrors.error(for: poor) == .rejected(code: -4026, message: "User has insufficient balance"))
        let html = VenueHTTPResponse(status: 403, headers: [:], body: Data("<html>WAF</html>".utf8))
        #expect(BinanceErrors.error(for: html).code == "unauthorized")
    }

    @Test func signatureMatchesBinanceDocsExample() {
        // The example of Binance's "SIGNED endpoint" docs (HMAC-SHA256, secretKey and totalParams).
        let secret = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
        let payload = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
        #expect(BinanceSigner.signature(payload, secret: secret) == "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")
    }
}
