import Foundation

/// The few calls of etcd's v3 API a leadership lease needs, over its HTTP/JSON gateway
/// (`POST /v3/lease/grant`, `/v3/kv/txn`, `/v3/lease/keepalive`): keys and values travel base64
/// encoded, 64-bit integers as decimal strings, as the gateway's JSON mapping of the protobuf
/// messages defines them.
public struct EtcdClient: Sendable {
    /// What went wrong talking to etcd.
    public struct Failure: Error, CustomStringConvertible {
        /// A readable description.
        public let description: String
    }

    /// The client URL, for example `http://127.0.0.1:2379`.
    public let endpoint: URL
    private let timeoutMs: Int64

    /// A client of the etcd at `endpoint`; each call gives up after `timeout` seconds.
    public init(endpoint: URL, timeout: TimeInterval = 1) {
        self.endpoint = endpoint
        timeoutMs = Int64(timeout * 1000)
    }

    /// Grants a lease of `ttlSeconds`; returns its id.
    public func grant(ttlSeconds: Int64) async throws -> Int64 {
        let reply = try await call("/v3/lease/grant", ["TTL": "\(ttlSeconds)"])
        guard let id = Self.int64(reply["ID"]) else { throw Failure(description: "lease grant: no ID in \(reply)") }
        return id
    }

    /// Creates `key` = `value` under `lease` if the key does not exist. Returns whether it was
    /// created, and the key's current value otherwise.
    public func createIfAbsent(key: String, value: String, lease: Int64) async throws -> (created: Bool, holder: String?) {
        let k = Data(key.utf8).base64EncodedString()
        let reply = try await call("/v3/kv/txn", [
            "compare": [["key": k, "result": "EQUAL", "target": "CREATE", "create_revision": "0"]],
            "success": [["request_put": ["key": k, "value": Data(value.utf8).base64EncodedString(), "lease": "\(lease)"]]],
            "failure": [["request_range": ["key": k]]],
        ])
        if reply["succeeded"] as? Bool == true { return (true, value) }
        let responses = reply["responses"] as? [[String: Any]] ?? []
        let range = responses.first?["response_range"] as? [String: Any]
        let kv = (range?["kvs"] as? [[String: Any]])?.first
        let holder = (kv?["value"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
        return (false, holder)
    }

    /// The value of `key`, or nil when it does not exist.
    public func value(of key: String) async throws -> String? {
        let reply = try await call("/v3/kv/range", ["key": Data(key.utf8).base64EncodedString()])
        let kv = (reply["kvs"] as? [[String: Any]])?.first
        return (kv?["value"] as? String).flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Renews `lease`; returns the seconds it has left (0 when it has expired or does not exist).
    public func keepAlive(lease: Int64) async throws -> Int64 {
        let reply = try await call("/v3/lease/keepalive", ["ID": "\(lease)"])
        let result = reply["result"] as? [String: Any] ?? [:]
        return Self.int64(result["TTL"]) ?? 0
    }

    private func call(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        guard let host = endpoint.host else { throw Failure(description: "\(endpoint): no host") }
        let port = endpoint.port ?? 2379
        let base = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        let (status, data) = try await HTTPExchange.post(
            host: host, port: port, path: base + path, body: Array(try JSONSerialization.data(withJSONObject: body)), timeoutMs: timeoutMs)
        guard status == 200 else {
            throw Failure(description: "\(path): HTTP \(status): \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        // The keep-alive is a stream: its first line is the answer.
        let line = data.split(separator: UInt8(ascii: "\n")).first ?? data[...]
        guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
            throw Failure(description: "\(path): not a JSON object")
        }
        return object
    }

    private static func int64(_ value: Any?) -> Int64? {
        if let text = value as? String { return Int64(text) }
        if let number = value as? NSNumber { return number.int64Value }
        return nil
    }
}
