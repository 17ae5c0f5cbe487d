import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A loopback fixture venue (Tests/Fixtures/venues/venue_fixture.py) run as a real process for
/// one test, with its control endpoints. Stopped when released. Shared by the adapter tests and
/// the multi-process tests (a library target under Tests/, left out of a source-only checkout).
///
/// `@unchecked Sendable`: both stored properties are immutable; `process` (a Foundation
/// `Process`, not marked Sendable) is started by `init` and afterwards only queried and
/// terminated by `deinit`, when nothing else holds the fixture.
public final class FixtureVenue: @unchecked Sendable {
    /// One request as the fixture logged it on arrival.
    public struct LoggedRequest: Decodable, Sendable {
        public var method: String
        public var path: String
        public var t_ms: Int64
        public var status: Int?
    }

    /// One withdrawal the fixture applied.
    public struct Withdrawal: Decodable, Sendable {
        public var id: String
        public var amount: String
        public var withdrawOrderId: String
        public var address: String
        public var status: Int
    }

    public static let apiKey = "fixture-api-key"
    public static let apiSecret = "fixture-api-secret"
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/venues")

    public let baseURL: String
    private let process: Process

    /// Starts the fixture for `venue` (`hyperliquid`, `binance`, `dydx`) and waits for its port.
    public init(_ venue: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.directory.appendingPathComponent("venue_fixture.py").path, "--venue", venue, "--port", "0"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("listening "), let address = text.split(separator: " ").last else {
            process.terminate()
            throw FixtureError(message: "fixture \(venue) did not start: \(text)")
        }
        baseURL = "http://\(address)"
    }

    deinit {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning {
            usleep(20_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }

    /// Queues a fault (`429`, `418`, `500`, `503`, `slow`, `malformed`, `missing`).
    public func inject(_ fault: [String: Any]) async throws {
        try await control("POST", "/_fixture/inject", fault)
    }

    /// Drops every queued fault (the outage ends).
    public func clearFaults() async throws {
        try await control("POST", "/_fixture/clear", [:])
    }

    /// Sets account fields (dotted paths into the venue's answer).
    public func set(_ fields: [String: String]) async throws {
        try await control("POST", "/_fixture/state", ["set": fields])
    }

    /// Every account read moves equity and withdrawable by `by` USD.
    public func drift(by: String) async throws {
        try await control("POST", "/_fixture/drift", ["by": by])
    }

    /// The statuses later history lookups of a new withdrawal show.
    public func withdrawScript(_ statuses: [Int], info: String? = nil) async throws {
        var body: [String: Any] = ["statuses": statuses]
        if let info { body["info"] = info }
        try await control("POST", "/_fixture/withdraw_script", body)
    }

    /// The venue requests the fixture received, in arrival order.
    public func requests() async throws -> [LoggedRequest] {
        try JSONDecoder().decode([LoggedRequest].self, from: try await control("GET", "/_fixture/requests", nil))
    }

    /// A deposit arrives: equity and withdrawable move once by `by` (dollars).
    public func credit(by: String) async throws {
        _ = try await control("POST", "/_fixture/credit", ["by": by])
    }

    /// The account as the venue holds it now (the fixture's state document).
    public func state() async throws -> [String: Any] {
        let data = try await control("GET", "/_fixture/state", nil)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// The withdrawals the fixture applied, duplicates included.
    public func withdrawals() async throws -> [Withdrawal] {
        try JSONDecoder().decode([Withdrawal].self, from: try await control("GET", "/_fixture/withdrawals", nil))
    }

    @discardableResult
    private func control(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Data {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw FixtureError(message: "control \(path) failed: \(String(decoding: data, as: UTF8.self))")
        }
        return data
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The example bodies from the venues' docs, as the fixture serves them.
public enum VenueExamples {
    public static func data(_ name: String) throws -> Data {
        try Data(contentsOf: FixtureVenue.directory.appendingPathComponent("examples/\(name)"))
    }
}
