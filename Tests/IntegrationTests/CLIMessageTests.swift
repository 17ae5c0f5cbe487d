import Foundation
import Testing

/// The exact words the real binary prints for each mistake a new operator makes: one row per
/// case, so a changed message is a deliberate change of this table.
@Suite("CLI messages", .serialized)
struct CLIMessageTests {
    /// One command line and what it must print.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var arguments: @Sendable (Fixture) -> [String]
        var status: Int32
        var expected: @Sendable (Fixture) -> [String]
        var absent: [String] = []
        var description: String { name }
    }

    /// Files the cases point at, made once in a temporary folder.
    struct Fixture: Sendable {
        let directory: String
        var topology: String { directory + "/topology.yaml" }
        var brokenYAML: String { directory + "/broken.yaml" }
        var brokenJSON: String { directory + "/broken.json" }
        var pricesOutOfOrder: String { directory + "/prices.csv" }
        var wrongType: String { directory + "/wrong-type.json" }

        static func make() throws -> Fixture {
            let directory = NSTemporaryDirectory() + "rebalancer-cli-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let fixture = Fixture(directory: directory)
            let initialised = try Cluster.run(["topology", "init", "--dir", directory, "--venues", "2", "--verifiers", "1", "--quorum", "1"])
            guard initialised.status == 0 else { throw ClusterError("topology init failed: \(initialised.output)") }
            try "id: broken\nepoch 1\nquorum: 1\n".write(toFile: fixture.brokenYAML, atomically: true, encoding: .utf8)
            try "{\n  \"venues\": [\n    {\"id\": \"a\" \"b\"}\n  ]\n}\n".write(toFile: fixture.brokenJSON, atomically: true, encoding: .utf8)
            try "{\"venues\": [{\"id\": \"a\", \"floor_buffer\": \"lots\"}]}".write(toFile: fixture.wrongType, atomically: true, encoding: .utf8)
            try "time,close\n2024-01-02,100\n2024-01-01,101\n".write(toFile: fixture.pricesOutOfOrder, atomically: true, encoding: .utf8)
            return fixture
        }
    }

    static let rootUsage = "Usage: rebalancer <subcommand>"

    static let cases: [Case] = [
        Case(name: "negative seconds", arguments: { _ in ["demo", "--seconds", "-1"] }, status: 64,
             expected: { _ in ["Error: --seconds must be more than 0 and at most 86400, got -1", "Usage: rebalancer demo"] }),
        Case(name: "zero seconds", arguments: { _ in ["demo", "--seconds", "0"] }, status: 64,
             expected: { _ in ["Error: --seconds must be more than 0 and at most 86400, got 0"] }),
        Case(name: "trace without replay", arguments: { _ in ["demo", "--trace"] }, status: 64,
             expected: { _ in ["Error: --trace needs --replay", "Usage: rebalancer demo"] }),
        Case(name: "mirror without replay", arguments: { _ in ["demo", "--mirror-after", "40"] }, status: 64,
             expected: { _ in ["Error: --mirror-after needs --replay and a tick of at least 0", "Usage: rebalancer demo"] }),
        Case(name: "foresight without replay", arguments: { _ in ["demo", "--foresight"] }, status: 64,
             expected: { _ in ["Error: --foresight needs --replay (for a live run: rebalancer hindsight --run DIR --foresight)", "Usage: rebalancer demo"] }),
        Case(name: "replay with a dashboard", arguments: { _ in ["demo", "--replay", "--dashboard", "127.0.0.1:8080"] }, status: 64,
             expected: { _ in ["Error: --replay plays the seeded path on one thread: it takes neither --prices nor --dashboard", "Usage: rebalancer demo"] }),
        Case(name: "negative hours", arguments: { _ in ["sim", "--hours", "-2"] }, status: 64,
             expected: { _ in ["Error: --hours must be more than 0 and at most 87600, got -2"] }),
        Case(name: "unknown node", arguments: { f in ["executor", "--id", "nobody", "--topology", f.topology] }, status: 1,
             expected: { f in ["Error: node 'nobody' is not in \(f.topology); its executor nodes: executor-1\nSee 'rebalancer executor --help'."] },
             absent: [rootUsage]),
        Case(name: "node of another role", arguments: { f in ["executor", "--id", "verifier-1", "--topology", f.topology] }, status: 1,
             expected: { f in ["Error: node 'verifier-1' is a verifier, not an executor; its executor nodes: executor-1\nSee 'rebalancer executor --help'."] },
             absent: [rootUsage]),
        Case(name: "unknown venue", arguments: { f in ["watcher", "--venue", "v9", "--topology", f.topology] }, status: 1,
             expected: { f in ["Error: no watcher for venue 'v9' in \(f.topology); its watched venues: v1, v2\nSee 'rebalancer watcher --help'."] },
             absent: [rootUsage]),
        Case(name: "malformed plan input", arguments: { f in ["plan", "--input", f.brokenJSON] }, status: 1,
             expected: { f in ["Error: \(f.brokenJSON): not valid JSON: line 3, column 16: Invalid value\nSee 'rebalancer plan --help'."] },
             absent: ["DecodingError", "dataCorrupted", rootUsage]),
        Case(name: "plan input with a field of the wrong type", arguments: { f in ["plan", "--input", f.wrongType] }, status: 1,
             expected: { f in ["Error: \(f.wrongType): venues[0].floor_buffer: expected an integer"] }, absent: [rootUsage]),
        Case(name: "plan input that cannot be read", arguments: { f in ["plan", "--input", f.topology + ".json"] }, status: 1,
             expected: { f in ["Error: --input: cannot read \(f.topology).json"] }, absent: [rootUsage]),
        Case(name: "YAML syntax error on its own line", arguments: { f in ["topology", "check", f.brokenYAML] }, status: 1,
             expected: { _ in ["line 2", "not valid YAML: could not find expected ':' while scanning a simple key (noticed on line 3)"] }),
        Case(name: "version", arguments: { _ in ["--version"] }, status: 0, expected: { _ in ["0.7.0"] }),
        Case(name: "plan defaults to optimal", arguments: { _ in ["plan", "--input", Self.example] }, status: 0,
             expected: { _ in ["\"strategy\" : \"optimal\""] }),
        Case(name: "plan reports the bound, gap, solves and solve time", arguments: { _ in ["plan", "--input", Self.example, "--time-limit-ms", "500"] }, status: 0,
             expected: { _ in ["\"solver\" : {", "\"lower_bound\" :", "\"lp_bound\" :", "\"gap\" :", "\"solves\" :", "\"nodes\" :", "\"solve_ms\" :", "\"proven_optimal\" :"] }),
        Case(name: "plan refuses a negative search effort", arguments: { _ in ["plan", "--input", Self.example, "--search-effort=-1"] }, status: 64,
             expected: { _ in ["Error: --search-effort must be a number at least 0", "Usage: rebalancer plan"] }),
        Case(name: "plan with search effort 0 solves the root only", arguments: { _ in ["plan", "--input", Self.example, "--search-effort", "0"] }, status: 0,
             expected: { _ in ["\"nodes\" : 1", "\"lower_bound\" :"] }),
        Case(name: "plan refuses a non-positive time limit", arguments: { _ in ["plan", "--input", Self.example, "--time-limit-ms", "0"] }, status: 64,
             expected: { _ in ["Error: --time-limit-ms must be positive", "Usage: rebalancer plan"] }),
        Case(name: "sim compares every strategy", arguments: { _ in ["sim", "--hours", "2"] }, status: 0,
             expected: { _ in ["static", "threshold", "optimal", "predictive"] }),
        Case(name: "prices out of time order", arguments: { f in ["sim", "--hours", "1", "--prices", f.pricesOutOfOrder] }, status: 1,
             expected: { f in ["Error: \(f.pricesOutOfOrder): line 3: time '2024-01-01' does not come after the previous row's '2024-01-02' (rows must be in time order; each row is one tick and the spacing of the times is not used)"] },
             absent: [rootUsage]),
        Case(name: "hindsight without a run", arguments: { _ in ["hindsight"] }, status: 64,
             expected: { _ in ["Error: Missing expected argument '--run <run>'", "Usage: rebalancer hindsight --run <run>"] }),
        Case(name: "hindsight of a folder with no record", arguments: { f in ["hindsight", "--run", f.directory + "/keys"] }, status: 1,
             expected: { f in ["Error: --run: no market-record.jsonl in \(f.directory)/keys or its subdirectories (run the venues with a data directory)"] },
             absent: [rootUsage]),
    ]

    static let example: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent("examples/state.json").path
    }()

    static let fixture = Result { try Fixture.make() }

    @Test(arguments: cases)
    func printsTheExactMessage(_ row: Case) throws {
        let fixture = try Self.fixture.get()
        let result = try Cluster.run(row.arguments(fixture), timeout: 60)
        #expect(result.status == row.status, "\(row.name): \(result.output)")
        for text in row.expected(fixture) {
            #expect(result.output.contains(text), "\(row.name): expected \(text.debugDescription) in:\n\(result.output)")
        }
        for text in row.absent {
            #expect(!result.output.contains(text), "\(row.name): did not expect \(text.debugDescription) in:\n\(result.output)")
        }
    }
}
