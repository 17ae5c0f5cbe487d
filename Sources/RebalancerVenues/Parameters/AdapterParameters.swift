import Foundation

/// A bad adapter parameter: names the field as the topology writes it (`adapter.address`).
public struct AdapterParameterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field, `adapter.<name>`.
    public var field: String
    /// What is wrong and what is expected.
    public var message: String

    /// Creates an error about `adapter.<name>`.
    public init(name: String, message: String) {
        field = "adapter.\(name)"
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Reads an adapter's parameters: the topology's `adapter:` mapping minus `kind`, as strings.
/// Every accessor names the field it refuses; `finish()` refuses any parameter nobody read, so a
/// misspelt key is an error, not a silent default.
public struct AdapterParameters: Sendable {
    private let values: [String: String]
    private var read: Set<String> = ["kind"]

    /// Wraps `values`.
    public init(_ values: [String: String]) {
        self.values = values
    }

    /// A required, non-empty string.
    public mutating func required(_ name: String) throws(AdapterParameterError) -> String {
        guard let value = optional(name) else {
            throw AdapterParameterError(name: name, message: "is required")
        }
        return value
    }

    /// A string, or nil when absent or empty.
    public mutating func optional(_ name: String) -> String? {
        read.insert(name)
        guard let value = values[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// An integer in `range`, or `fallback` when absent.
    public mutating func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(AdapterParameterError) -> Int {
        guard let text = optional(name) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw AdapterParameterError(name: name, message: "must be an integer from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    /// `true`/`false`, or `fallback` when absent.
    public mutating func boolean(_ name: String, default fallback: Bool) throws(AdapterParameterError) -> Bool {
        guard let text = optional(name) else { return fallback }
        switch text.lowercased() {
        case "true", "yes", "1": return true
        case "false", "no", "0": return false
        default: throw AdapterParameterError(name: name, message: "must be true or false, got \"\(text)\"")
        }
    }

    /// An `http(s)` base URL without a trailing slash, or `fallback` when absent.
    public mutating func baseURL(_ name: String, default fallback: String) throws(AdapterParameterError) -> URL {
        let text = optional(name) ?? fallback
        guard let url = URL(string: text.hasSuffix("/") ? String(text.dropLast()) : text),
              let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil
        else {
            throw AdapterParameterError(name: name, message: "must be an http(s) URL, got \"\(text)\"")
        }
        return url
    }

    /// A secret given by reference: exactly one of `<name>_file` (a path, mode 0600) or
    /// `<name>_env` (an environment variable name). A secret written inline is refused.
    public mutating func credential(_ name: String) throws(AdapterParameterError) -> CredentialReference {
        if optional(name) != nil {
            throw AdapterParameterError(name: name, message: "secrets are never written in the topology; give \(name)_file (a mode 0600 file) or \(name)_env (an environment variable name)")
        }
        let file = optional("\(name)_file")
        let environment = optional("\(name)_env")
        switch (file, environment) {
        case (let path?, nil):
            return .file(path)
        case (nil, let variable?):
            guard variable.range(of: "^[A-Za-z_][A-Za-z0-9_]*$", options: .regularExpression) != nil else {
                throw AdapterParameterError(name: "\(name)_env", message: "must be an environment variable name, got \"\(variable)\"")
            }
            return .environment(variable)
        case (nil, nil):
            throw AdapterParameterError(name: "\(name)_file", message: "is required (or \(name)_env)")
        case (.some, .some):
            throw AdapterParameterError(name: "\(name)_env", message: "give either \(name)_file or \(name)_env, not both")
        }
    }

    /// Refuses any parameter that no accessor read.
    public func finish() throws(AdapterParameterError) {
        if let unknown = values.keys.filter({ !read.contains($0) }).sorted().first {
            throw AdapterParameterError(name: unknown, message: "unknown parameter")
        }
    }
}

/// The parameters every native adapter shares: timeout, attempts, backoff and rate budget.
public struct HTTPAdapterSettings: Sendable, Equatable {
    /// The base URL of the venue's API.
    public var baseURL: URL
    /// Timeout of one request, ms (`timeout_ms`, at least 1000: FoundationNetworking's URLSession
    /// on Linux fails every other request on a kept-alive connection when its timeout is under a
    /// second, seen with Swift 6.3.1).
    public var timeoutMs: Int64
    /// Attempts per read, first included (`max_attempts`).
    public var maxAttempts: Int
    /// Backoff before the second attempt, ms (`backoff_ms`).
    public var backoffMs: Int64
    /// Request weight per minute (`weight_per_minute`).
    public var weightPerMinute: Int

    /// Creates settings.
    public init(baseURL: URL, timeoutMs: Int64 = 5_000, maxAttempts: Int = 3, backoffMs: Int64 = 200, weightPerMinute: Int) {
        self.baseURL = baseURL
        self.timeoutMs = timeoutMs
        self.maxAttempts = maxAttempts
        self.backoffMs = backoffMs
        self.weightPerMinute = weightPerMinute
    }

    /// Reads `base_url`, `timeout_ms`, `max_attempts`, `backoff_ms` and `weight_per_minute`.
    public static func read(_ parameters: inout AdapterParameters, defaultBaseURL: String, defaultWeightPerMinute: Int) throws(AdapterParameterError) -> HTTPAdapterSettings {
        HTTPAdapterSettings(
            baseURL: try parameters.baseURL("base_url", default: defaultBaseURL),
            timeoutMs: Int64(try parameters.integer("timeout_ms", default: 5_000, in: 1_000...120_000)),
            maxAttempts: try parameters.integer("max_attempts", default: 3, in: 1...10),
            backoffMs: Int64(try parameters.integer("backoff_ms", default: 200, in: 0...60_000)),
            weightPerMinute: try parameters.integer("weight_per_minute", default: defaultWeightPerMinute, in: 1...1_000_000)
        )
    }

    /// A requester over these settings.
    public func requester(clock: any VenueClock = SystemVenueClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, usedWeightHeader: String? = nil) -> VenueRequester {
        VenueRequester(
            client: VenueHTTPClient(timeoutMs: timeoutMs), weightPerMinute: weightPerMinute,
            policy: RetryPolicy(maxAttempts: maxAttempts, baseDelayMs: backoffMs, maxDelayMs: max(backoffMs, 10_000), random: random),
            clock: clock, usedWeightHeader: usedWeightHeader
        )
    }

    /// `baseURL` with `path` appended and `query` (already encoded) after a `?`.
    public func url(_ path: String, query: String? = nil) throws(VenueError) -> URL {
        let text = baseURL.absoluteString + path + (query.map { "?" + $0 } ?? "")
        guard let url = URL(string: text) else { throw .unsupported("cannot form a URL from \(text)") }
        return url
    }
}
