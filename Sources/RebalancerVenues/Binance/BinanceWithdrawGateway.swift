import Foundation

/// Moves funds out of Binance with `POST /sapi/v1/capital/withdraw/apply`, the idempotency key
/// as `withdrawOrderId`, and follows them with `GET /sapi/v1/capital/withdraw/history?withdrawOrderId=`.
/// Submitting looks the key up first, so a transfer already at Binance is never applied again;
/// an apply whose outcome is unknown (timeout, 5xx) is looked up, never repeated. The key needs
/// the "Enable Withdrawals" permission and the destination must be on the key's address
/// allow-list (Binance requires an IP restriction for withdrawal keys).
///
/// Parameters: the credentials of `BinanceUSDMReader`, `base_url` (https://api.binance.com),
/// `timeout_ms`, `max_attempts` (for lookups), `backoff_ms`, `weight_per_minute` (600: history is
/// limited to 10 requests per second; each request counts 1 here).
public struct BinanceWithdrawGateway: TransferGateway {
    /// The adapter kind in the topology.
    public static let kind = "binance-usdm"
    public var kind: String { Self.kind }
    private let account: BinanceAccount
    /// Credentials and `recvWindow`.
    public var signer: BinanceSigner { account.signer }
    /// Base URL, timeout, retries, budget.
    public var settings: HTTPAdapterSettings { account.settings }

    /// A gateway from the topology's parameters; the error names the bad field.
    public init(
        parameters: [String: String], clock: any VenueClock = SystemVenueClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment }
    ) throws(AdapterParameterError) {
        account = try BinanceAccount(
            parameters: parameters, defaultBaseURL: "https://api.binance.com", defaultWeightPerMinute: 600,
            usedWeightHeader: nil, clock: clock, random: random, environment: environment
        )
    }

    public func submit(_ request: TransferRequest) async throws(VenueError) -> TransferStatus {
        guard request.amount > 0 else { throw .rejected(code: 0, message: "amount must be positive, got \(request.amount) cents") }
        if let existing = try await find(request.key) {
            return existing
        }
        var parameters = [("coin", request.asset), ("withdrawOrderId", request.key.rawValue)]
        if let network = request.network { parameters.append(("network", network)) }
        parameters += [("address", request.destination), ("amount", VenueJSON.amountText(cents: request.amount))]
        let response: VenueHTTPResponse
        do throws(VenueError) {
            response = try await signed("POST", "/sapi/v1/capital/withdraw/apply", parameters, retry: false)
        } catch {
            // The apply may or may not have reached Binance: look it up, never apply again here.
            guard error.isRetryable else { throw error }
            if let found = try await find(request.key) { return found }
            throw error
        }
        guard response.status == 200 else { throw BinanceErrors.error(for: response) }
        let applied = try VenueJSON.decode(BinanceResponses.WithdrawApplied.self, from: response.body)
        return TransferStatus(key: request.key, state: .submitted, venueID: applied.id)
    }

    public func status(of key: IdempotencyKey) async throws(VenueError) -> TransferStatus {
        guard let found = try await find(key) else { throw .notFound }
        return found
    }

    public func find(_ key: IdempotencyKey) async throws(VenueError) -> TransferStatus? {
        let response = try await signed("GET", "/sapi/v1/capital/withdraw/history", [("withdrawOrderId", key.rawValue)], retry: true)
        guard response.status == 200 else { throw BinanceErrors.error(for: response) }
        let records = try VenueJSON.decode([BinanceResponses.WithdrawRecord].self, from: response.body)
        guard let record = records.first(where: { $0.withdrawOrderId == key.rawValue }) else { return nil }
        return Self.status(of: record, key: key)
    }

    /// Maps Binance's withdraw status: 0 email sent and 2 awaiting approval are `submitted`,
    /// 4 processing is `pending`, 6 completed is `settled`, 1 cancelled, 3 rejected and 5 failure are `failed`.
    public static func status(of record: BinanceResponses.WithdrawRecord, key: IdempotencyKey) -> TransferStatus {
        let state: TransferStatus.State
        let reason: String?
        switch record.status {
        case 0: (state, reason) = (.submitted, "email sent")
        case 2: (state, reason) = (.submitted, "awaiting approval")
        case 4: (state, reason) = (.pending, "processing")
        case 6: (state, reason) = (.settled, nil)
        case 1: (state, reason) = (.failed, "cancelled")
        case 3: (state, reason) = (.failed, "rejected" + (record.info.map { ": \($0)" } ?? ""))
        case 5: (state, reason) = (.failed, "failure" + (record.info.map { ": \($0)" } ?? ""))
        default: (state, reason) = (.pending, "unknown Binance withdraw status \(record.status)")
        }
        return TransferStatus(key: key, state: state, venueID: record.id, reason: reason)
    }

    private func signed(_ method: String, _ path: String, _ parameters: [(String, String)], retry: Bool) async throws(VenueError) -> VenueHTTPResponse {
        try await account.signed(method, path, parameters, weight: 1, retry: retry)
    }
}
