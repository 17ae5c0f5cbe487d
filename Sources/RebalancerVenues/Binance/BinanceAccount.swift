import Foundation

/// One Binance API key at one base URL: its credentials, its budget and retries, and the signed
/// request every Binance endpoint takes. The futures reader and the withdraw gateway each hold one.
struct BinanceAccount: Sendable {
    /// Credentials and `recvWindow`.
    let signer: BinanceSigner
    /// Base URL, timeout, retries, budget.
    let settings: HTTPAdapterSettings
    private let requester: VenueRequester
    private let clock: any VenueClock

    /// Reads the credentials and settings from `parameters` (refusing any it does not know); the
    /// error names the bad field.
    init(
        parameters: [String: String], defaultBaseURL: String, defaultWeightPerMinute: Int, usedWeightHeader: String?,
        clock: any VenueClock, random: @escaping @Sendable () -> Double, environment: @escaping @Sendable () -> [String: String]
    ) throws(AdapterParameterError) {
        var reader = AdapterParameters(parameters)
        signer = try BinanceSigner.read(&reader, environment: environment)
        settings = try HTTPAdapterSettings.read(&reader, defaultBaseURL: defaultBaseURL, defaultWeightPerMinute: defaultWeightPerMinute)
        try reader.finish()
        self.clock = clock
        requester = settings.requester(clock: clock, random: random, usedWeightHeader: usedWeightHeader)
    }

    /// The clock's now, ms.
    var nowMs: Int64 { clock.nowMs() }

    /// Sends a SIGNED request: `parameters` plus a fresh `timestamp` and `recvWindow` on every attempt.
    func signed(_ method: String, _ path: String, _ parameters: [(String, String)] = [], weight: Int, retry: Bool) async throws(VenueError) -> VenueHTTPResponse {
        let signer = signer
        let settings = settings
        let clock = clock
        let sendable = parameters.map { Pair(name: $0.0, value: $0.1) }
        return try await requester.perform(weight: weight, retry: retry) { () throws(VenueError) in
            let signed = try signer.sign(sendable.map { ($0.name, $0.value) }, timestampMs: clock.nowMs())
            return VenueHTTPRequest(method: method, url: try settings.url(path, query: signed.query), headers: signed.headers)
        }
    }

    private struct Pair: Sendable {
        var name: String
        var value: String
    }
}
