import Crypto
import Foundation

/// Binance's SIGNED endpoints: the parameters plus `timestamp` and `recvWindow` as a query
/// string, `signature` = hex HMAC-SHA256 of that exact string under the secret key, and the API
/// key in the `X-MBX-APIKEY` header. Both secrets are read from their references at every
/// request, so a rotated key is picked up and a missing one is reported as `unauthorized`.
public struct BinanceSigner: Sendable {
    /// Where the API key is.
    public let apiKey: CredentialReference
    /// Where the secret key is.
    public let secretKey: CredentialReference
    /// `recvWindow`, ms: how long after `timestamp` Binance still accepts the request.
    public let recvWindowMs: Int
    private let environment: @Sendable () -> [String: String]

    /// A signer; `environment` is read for `.environment` references.
    public init(apiKey: CredentialReference, secretKey: CredentialReference, recvWindowMs: Int, environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment }) {
        self.apiKey = apiKey
        self.secretKey = secretKey
        self.recvWindowMs = recvWindowMs
        self.environment = environment
    }

    /// The signed query (`...&timestamp=...&recvWindow=...&signature=...`) and the headers.
    public func sign(_ parameters: [(String, String)], timestampMs: Int64) throws(VenueError) -> (query: String, headers: [String: String]) {
        let key: String
        let secret: String
        do throws(CredentialReference.LoadError) {
            key = try apiKey.load(environment: environment())
            secret = try secretKey.load(environment: environment())
        } catch {
            throw .unauthorized(code: 0, message: error.description)
        }
        let all = parameters + [("timestamp", String(timestampMs)), ("recvWindow", String(recvWindowMs))]
        let query = all.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        return (query + "&signature=" + Self.signature(query, secret: secret), ["X-MBX-APIKEY": key])
    }

    /// Hex HMAC-SHA256 of `payload` under `secret`, as Binance computes it.
    public static func signature(_ payload: String, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(payload.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }

    private static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

extension BinanceSigner {
    /// Reads `api_key_file`/`api_key_env`, `api_secret_file`/`api_secret_env` and `recv_window_ms` (5000).
    public static func read(_ parameters: inout AdapterParameters, environment: @escaping @Sendable () -> [String: String]) throws(AdapterParameterError) -> BinanceSigner {
        BinanceSigner(
            apiKey: try parameters.credential("api_key"),
            secretKey: try parameters.credential("api_secret"),
            recvWindowMs: try parameters.integer("recv_window_ms", default: 5_000, in: 1...60_000),
            environment: environment
        )
    }
}
