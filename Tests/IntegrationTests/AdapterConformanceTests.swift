import Foundation
import Testing
import VenueFixtures

/// `rebalancer adapter test` run as a real process: against the pip-installed ccxt reference
/// adapter talking to the loopback Binance fixture exchange (every check must pass, one
/// withdrawal must reach the fixture), and against adapters that break the protocol.
@Suite(.serialized) struct AdapterConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixture = root.appendingPathComponent("Tests/Fixtures/ccxt/fixture_exchange.py").path
    static let fake = root.appendingPathComponent("Tests/Fixtures/adapters/fake_adapter.py").path

    /// A started fixture exchange; it exits when `stop()` closes its stdin (or SIGKILL), since
    /// children of the test runner may not get SIGTERM.
    struct Fixture {
        let process: Process
        let input: Pipe
        let port: Int

        func stop() {
            try? input.fileHandleForWriting.close()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Starts the fixture exchange and reads the port it printed.
    func startFixture(key: String, secret: String) throws -> Fixture {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.fixture, "--api-key", key, "--secret", secret, "--exit-on-stdin-eof"]
        let pipe = Pipe()
        let input = Pipe()
        process.standardOutput = pipe
        process.standardInput = input
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("listening 127.0.0.1:"), let port = Int(line.split(separator: ":").last ?? "") else {
            Fixture(process: process, input: input, port: 0).stop()
            throw FixtureError(description: "fixture did not print its port: \(text)")
        }
        return Fixture(process: process, input: input, port: port)
    }

    struct FixtureError: Error, CustomStringConvertible { var description: String }

    /// Runs the binary with extra environment; status and combined output.
    func rebalancer(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Cluster.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The fixture's control endpoint, read with Python's urllib (Foundation's Data(contentsOf:) has no HTTP on Linux).
    func fixtureState(port: Int) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())", "http://127.0.0.1:\(port)/_fixture/state"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func ccxtCommand(port: Int, stateFile: String) -> [String] {
        ["python3", "-m", "rebalancer_ccxt_adapter", "--exchange", "binanceusdm", "--api-key-env", "RB_TEST_BINANCE_KEY",
         "--secret-env", "RB_TEST_BINANCE_SECRET", "--base-url", "http://127.0.0.1:\(port)", "--state-file", stateFile]
    }

    @Test func ccxtReferenceAdapterPassesEveryCheckAndWithdrawsOnce() throws {
        let fixture = try startFixture(key: "fixture-key", secret: "fixture-secret")
        defer { fixture.stop() }
        let port = fixture.port
        let state = NSTemporaryDirectory() + "ccxt-state-\(UUID().uuidString.prefix(8)).json"
        let result = try rebalancer(
            ["adapter", "test", "--transfer", "--amount-cents", "12345", "--asset", "USDT", "--network", "ARBITRUM",
             "--destination", "0x1111111111111111111111111111111111111111", "--"] + ccxtCommand(port: port, stateFile: state),
            environment: ["RB_TEST_BINANCE_KEY": "fixture-key", "RB_TEST_BINANCE_SECRET": "fixture-secret"]
        )
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.output.contains("FAIL"), "\(result.output)")
        for check in ["handshake", "snapshot.fields", "snapshot.invariants", "concurrent-requests", "unknown-method", "malformed-request", "transfer.find-unknown", "transfer.submit-idempotent", "transfer.find-submitted", "shutdown"] {
            #expect(result.output.contains("ok \(check)"), "missing ok \(check) in \(result.output)")
        }
        let withdrawals = try fixtureState(port: port)["withdrawals"] as? [[String: Any]] ?? []
        #expect(withdrawals.count == 1, "submitted twice under one key must withdraw once: \(withdrawals)")
        #expect(withdrawals.first?["amount"] as? String == "123.45")
    }

    @Test func aBadSecretIsReportedAsUnauthorized() throws {
        let fixture = try startFixture(key: "fixture-key", secret: "fixture-secret")
        defer { fixture.stop() }
        let port = fixture.port
        let state = NSTemporaryDirectory() + "ccxt-state-\(UUID().uuidString.prefix(8)).json"
        let result = try rebalancer(["adapter", "test", "--"] + ccxtCommand(port: port, stateFile: state),
                                    environment: ["RB_TEST_BINANCE_KEY": "fixture-key", "RB_TEST_BINANCE_SECRET": "wrong-secret"])
        #expect(result.status != 0)
        #expect(result.output.contains("FAIL snapshot.fields: unauthorized (-1022)"), "\(result.output)")
    }

    @Test func aWrongProtocolVersionFailsTheHandshake() throws {
        let result = try rebalancer(["adapter", "test", "--", "python3", Self.fake, "--state-dir", NSTemporaryDirectory() + "fake-\(UUID().uuidString.prefix(8))", "--version", "2"])
        #expect(result.status != 0)
        #expect(result.output.contains("FAIL handshake"), "\(result.output)")
        #expect(result.output.contains("adapter speaks protocol version 2; this host speaks version 1"), "\(result.output)")
    }

    @Test func anAdapterWritingGarbageAndIgnoringBadRequestsFails() throws {
        let result = try rebalancer(["adapter", "test", "--timeout-ms", "1500", "--", "python3", Self.fake, "--state-dir", NSTemporaryDirectory() + "fake-\(UUID().uuidString.prefix(8))", "--garbage", "--ignore-malformed"])
        #expect(result.status != 0)
        #expect(result.output.contains("FAIL malformed-request"), "\(result.output)")
        #expect(result.output.contains("FAIL no-garbage-output"), "\(result.output)")
        #expect(result.output.contains("ok snapshot.fields"), "\(result.output)")
    }

    @Test func theSchemaAcceptsEveryDocumentedExampleAndRefusesBadMessages() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.root.appendingPathComponent("docs/tools/check_adapter_schema.py").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("examples valid"), "\(output)")
    }

    @Test func aMissingCommandIsAUsageError() throws {
        let result = try rebalancer(["adapter", "test"])
        #expect(result.status != 0)
        #expect(result.output.contains("give the adapter command after --"), "\(result.output)")
    }
}
