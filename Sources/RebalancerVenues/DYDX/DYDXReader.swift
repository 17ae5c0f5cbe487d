import Foundation

/// Reads a dYdX v4 subaccount from the indexer: `GET /v4/addresses/{address}/subaccountNumber/{n}`
/// for equity, free collateral and positions, and `GET /v4/perpetualMarkets` for oracle prices
/// and margin fractions, from which the margin requirements are derived (see `snapshot`). The
/// indexer is public: no key. The sequence is the indexer's block height.
///
/// Parameters: `address` (required, dydx1...), `subaccount_number` (0), `base_url`
/// (https://indexer.dydx.trade), `timeout_ms`, `max_attempts`, `backoff_ms`,
/// `weight_per_minute` (300 requests; each counts 1).
public struct DYDXReader: VenueReader {
    /// The adapter kind in the topology.
    public static let kind = "dydx-v4"
    public var kind: String { Self.kind }
    /// The dydx1... address.
    public let address: String
    /// The subaccount number (0 to 128000).
    public let subaccountNumber: Int
    /// Base URL, timeout, retries, budget.
    public let settings: HTTPAdapterSettings
    private let requester: VenueRequester

    /// A reader from the topology's parameters; the error names the bad field.
    public init(parameters: [String: String], clock: any VenueClock = SystemVenueClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) throws(AdapterParameterError) {
        var reader = AdapterParameters(parameters)
        let address = try reader.required("address")
        guard address.range(of: "^dydx1[02-9ac-hj-np-z]{38}$", options: .regularExpression) != nil else {
            throw AdapterParameterError(name: "address", message: "must be a dydx1... bech32 address (43 characters), got \"\(address)\"")
        }
        self.address = address
        subaccountNumber = try reader.integer("subaccount_number", default: 0, in: 0...128_000)
        settings = try HTTPAdapterSettings.read(&reader, defaultBaseURL: "https://indexer.dydx.trade", defaultWeightPerMinute: 300)
        try reader.finish()
        requester = settings.requester(clock: clock, random: random)
    }

    public func snapshot() async throws(VenueError) -> VenueSnapshot {
        let account = try await get("/v4/addresses/\(address)/subaccountNumber/\(subaccountNumber)", as: DYDXResponses.SubaccountResponse.self)
        let markets = try await get("/v4/perpetualMarkets", as: DYDXResponses.PerpetualMarkets.self)
        return try Self.snapshot(account.subaccount, markets: markets.markets)
    }

    private func get<T: Decodable>(_ path: String, as type: T.Type) async throws(VenueError) -> T {
        let url = try settings.url(path)
        let response = try await requester.perform(weight: 1) { () throws(VenueError) in
            VenueHTTPRequest(method: "GET", url: url, headers: ["Accept": "application/json"])
        }
        guard response.status == 200 else {
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            throw .rejected(code: response.status, message: "\(path): \(text)")
        }
        return try VenueJSON.decode(T.self, from: response.body)
    }
}
