import Foundation

/// Reads a Hyperliquid account through `POST /info`: `clearinghouseState` for the perpetuals
/// account and, for a unified account, `spotClearinghouseState` for the USDC that backs it.
/// Reads need no key. Hyperliquid limits each IP to 1200 weight per minute; these requests
/// weigh 2 each.
///
/// Parameters (`adapter:` in the topology): `address` (required, the 0x account address),
/// `unified` (false), `base_url` (https://api.hyperliquid.xyz), `timeout_ms`, `max_attempts`,
/// `backoff_ms`, `weight_per_minute` (1200).
public struct HyperliquidReader: VenueReader {
    /// The adapter kind in the topology.
    public static let kind = "hyperliquid"
    /// The weight of a `clearinghouseState` or `spotClearinghouseState` request.
    public static let requestWeight = 2
    public var kind: String { Self.kind }
    /// The account address, lower-cased.
    public let address: String
    /// Whether spot USDC counts as collateral (unified account).
    public let unified: Bool
    /// Base URL, timeout, retries, budget.
    public let settings: HTTPAdapterSettings
    private let requester: VenueRequester

    /// A reader from the topology's parameters; the error names the bad field.
    public init(parameters: [String: String], clock: any VenueClock = SystemVenueClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) throws(AdapterParameterError) {
        var reader = AdapterParameters(parameters)
        let address = try reader.required("address")
        guard address.range(of: "^0x[0-9a-fA-F]{40}$", options: .regularExpression) != nil else {
            throw AdapterParameterError(name: "address", message: "must be a 0x-prefixed 40-hex-digit address, got \"\(address)\"")
        }
        self.address = address.lowercased()
        unified = try reader.boolean("unified", default: false)
        settings = try HTTPAdapterSettings.read(&reader, defaultBaseURL: "https://api.hyperliquid.xyz", defaultWeightPerMinute: 1200)
        try reader.finish()
        requester = settings.requester(clock: clock, random: random)
    }

    public func snapshot() async throws(VenueError) -> VenueSnapshot {
        let perp: HyperliquidResponses.ClearinghouseState = try await info(type: "clearinghouseState")
        let spot: HyperliquidResponses.SpotClearinghouseState? = unified ? try await info(type: "spotClearinghouseState") : nil
        return try Self.snapshot(perp: perp, spot: spot)
    }

    private func info<T: Decodable>(type: String) async throws(VenueError) -> T {
        let url = try settings.url("/info")
        let body = Data(#"{"type":"\#(type)","user":"\#(address)"}"#.utf8)
        let response = try await requester.perform(weight: Self.requestWeight) { () throws(VenueError) in
            VenueHTTPRequest(method: "POST", url: url, headers: ["Content-Type": "application/json"], body: body)
        }
        guard response.status == 200 else {
            let text = String(decoding: response.body.prefix(200), as: UTF8.self)
            throw .rejected(code: response.status, message: "\(type): \(text)")
        }
        return try VenueJSON.decode(T.self, from: response.body)
    }
}
