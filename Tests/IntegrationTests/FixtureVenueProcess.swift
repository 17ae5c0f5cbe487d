import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A loopback fixture venue (Tests/Fixtures/venues/venue_fixture.py) run as a real process for
/// one test, with the control endpoints the watcher tests use. Stopped when released. (The
/// adapters' own tests hold the full harness: Tests/RebalancerVenuesTests/Support/FixtureVenue.swift.)
final class FixtureVenueProcess: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/venues/venue_fixture.py").path

    let baseURL: String
    private let process: Process

    /// Starts the fixture for `venue` (`hyperliquid`, `binance`, `dydx`) and waits for its port.
    init(_ venue: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script, "--venue", venue, "--port", "0"]
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
            throw ClusterError("fixture \(venue) did not start: \(text)")
        }
        baseURL = "http://\(address)"
    }

    deinit {
        guard process.isRunning else { return }
        process.terminate()
        for _ in 0..<50 where process.isRunning { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Queues a fault (`500`, `503`, `slow`, ...) for the next `count` requests.
    func inject(_ fault: [String: Any]) async throws { try await control("POST", "/_fixture/inject", fault) }

    /// Drops every queued fault (the outage ends).
    func clearFaults() async throws { try await control("POST", "/_fixture/clear", [:]) }

    /// Sets account fields (dotted paths into the venue's answer).
    func set(_ fields: [String: String]) async throws { try await control("POST", "/_fixture/state", ["set": fields]) }

    /// Every account read moves equity and withdrawable by `by` USD.
    func drift(by: String) async throws { try await control("POST", "/_fixture/drift", ["by": by]) }

    private func control(_ method: String, _ path: String, _ body: [String: Any]) async throws {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ClusterError("control \(path) failed: \(String(decoding: data, as: UTF8.self))")
        }
    }
}
