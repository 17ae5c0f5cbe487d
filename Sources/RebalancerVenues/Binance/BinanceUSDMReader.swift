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
    private let account: BinanceAccount
    /// Credentials and `recvWindow`.
    public var signer: BinanceSigner { account.signer }
    /// Base URL, timeout, retries, budget.
    public var settings: HTTPAdapterSettings { account.settings }

    /// A reader from the topology's parameters; the error names the bad field.
    public init(
        parameters: [String: String], clock: any VenueClock = SystemVenueClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment }
    ) throws(AdapterParameterError) {
        account = try BinanceAccount(
            parameters: parameters, defaultBaseURL: "https://fapi.binance.com", defaultWeightPerMinute: 2400,
            usedWeightHeader: "x-mbx-used-weight-1m", clock: clock, random: random, environment: environment
        )
    }

    public func snapshot() async throws(VenueError) -> VenueSnapshot {
        let response = try await account.signed("GET", "/fapi/v2/account", weight: Self.requestWeight, retry: true)
        guard response.status == 200 else { throw BinanceErrors.error(for: response) }
        let futures = try VenueJSON.decode(BinanceResponses.FuturesAccount.self, from: response.body)
        return try Self.snapshot(futures, readAtMs: UInt64(max(0, account.nowMs)))
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
