import Foundation

/// Reads a Binance USDⓈ-M futures account with the signed `GET /fapi/v2/account` (weight 5 of
/// the 2400 per minute per IP). The used weight Binance reports in `X-MBX-USED-WEIGHT-1M`
/// tightens the budget; 429 and 418 block it for the `Retry-After`. -1022 (bad signature) and
/// -2015 (bad key, IP or permission) are `unauthorized`. A read-only key is enough.
///
/// Parameters: `api_key_file` or `api_key_env`, `api_secret_file` or `api_secret_env`
/// (required), `recv_window_ms` (5000), `base_url` (https://fapi.binance.com), `timeout_ms`,
/// `max_attempts`, `backoff_ms`, `weight_per_minute` (2400).
public struct BinanceUSDMReader: VenueReader {
    /// The adapter kind in the topology.
    public static let kind = "binance-usdm"
    /// The weight of `GET /fapi/v2/account`.
    public static let requestWeight = 5
    public var kind: String { Self.kind }
    /// Credentials and `recvWindow`.
    public let signer: BinanceSigner
    /// Base URL, timeout, retries, budget.
    public let settings: HTTPAdapterSettings
    private let requester: VenueRequester
    private let clock: any VenueClock

    /// A reader from the topology's parameters; the error names the bad field.
    public init(
        parameters: [String: String], clock: any VenueClock = SystemVenueClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment }
    ) throws(AdapterParameterError) {
        var reader = AdapterParameters(parameters)
        signer = try BinanceSigner.read(&reader, environment: environment)
        settings = try HTTPAdapterSettings.read(&reader, defaultBaseURL: "https://fapi.binance.com", defaultWeightPerMinute: 2400)
        try reader.finish()
        self.clock = clock
        requester = settings.requester(clock: clock, random: random, usedWeightHeader: "x-mbx-used-weight-1m")
    }

    public func snapshot() async throws(VenueError) -> VenueSnapshot {
        let signer = signer
        let settings = settings
        let clock = clock
        let response = try await requester.perform(weight: Self.requestWeight) { () throws(VenueError) in
            let signed = try signer.sign([], timestampMs: clock.nowMs())
            return VenueHTTPRequest(method: "GET", url: try settings.url("/fapi/v2/account", query: signed.query), headers: signed.headers)
        }
        guard response.status == 200 else { throw BinanceErrors.error(for: response) }
        let account = try VenueJSON.decode(BinanceResponses.FuturesAccount.self, from: response.body)
        return try Self.snapshot(account, readAtMs: UInt64(max(0, clock.nowMs())))
    }

    /// Maps the account to a snapshot. Binance reports the maintenance margin; the mark price is
    /// recovered from `entryPrice + unrealizedProfit / positionAmt`; the sequence is the latest
    /// `updateTime`, or `readAtMs` when Binance gives none.
    public static func snapshot(_ account: BinanceResponses.FuturesAccount, readAtMs: UInt64) throws(VenueError) -> VenueSnapshot {
        var positions: [VenueSnapshot.Position] = []
        var sequence = account.updateTime ?? 0
        for (index, position) in account.positions.enumerated() {
            let field = "positions[\(index)]"
            let size = try VenueJSON.decimal(position.positionAmt, field: field + ".positionAmt")
            guard size != 0 else { continue }
            let entry = try VenueJSON.decimal(position.entryPrice, field: field + ".entryPrice")
            let pnl = try VenueJSON.decimal(position.unrealizedProfit, field: field + ".unrealizedProfit")
            positions.append(VenueSnapshot.Position(
                market: position.symbol, size: NSDecimalNumber(decimal: size).doubleValue,
                markPrice: NSDecimalNumber(decimal: entry + pnl / size).doubleValue
            ))
            sequence = max(sequence, position.updateTime)
        }
        return VenueSnapshot(
            equity: try VenueJSON.cents(account.totalMarginBalance, field: "totalMarginBalance"),
            maintenanceMargin: try VenueJSON.cents(account.totalMaintMargin, field: "totalMaintMargin"),
            initialMargin: try VenueJSON.cents(account.totalInitialMargin, field: "totalInitialMargin"),
            withdrawable: try VenueJSON.cents(account.maxWithdrawAmount, field: "maxWithdrawAmount"),
            withdrawalsEnabled: account.canWithdraw,
            positions: positions,
            venueSequence: sequence == 0 ? readAtMs : sequence,
            marginSource: .reported
        )
    }
}
