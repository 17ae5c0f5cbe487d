import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// Keys in a fresh clone, through the real binary: `keygen --topology` creates every missing key in
/// the topology's `keys_dir` (whatever the working directory), every "no keys" error prints that
/// command, `topology check` names missing secret keys, and `topology compose --output` writes
/// nothing when it fails.
@Suite("TopologyKeysCommand")
struct TopologyKeysCommandTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// The binary's exit status, standard output and standard error.
    struct Outcome {
        var status: Int32
        var out: String
        var err: String
    }

    /// Runs the binary to completion in `directory`.
    static func run(_ arguments: [String], in directory: String) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Cluster.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let outFile = directory + "/.out-\(UUID().uuidString)", errFile = directory + "/.err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outFile, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: outFile); try? FileManager.default.removeItem(atPath: errFile) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outFile))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errFile))
        try process.run()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            out: try String(contentsOfFile: outFile, encoding: .utf8),
            err: try String(contentsOfFile: errFile, encoding: .utf8)
        )
    }

    /// A fresh-clone layout in a temporary directory: `repo/topology/local.yaml` (a copy of the
    /// committed one, which holds no keys) and no key folder. Returns the `repo` directory.
    static func freshClone() throws -> String {
        let root = NSTemporaryDirectory() + "rebalancer-keys-\(UUID().uuidString.prefix(8))/repo"
        try FileManager.default.createDirectory(atPath: root + "/topology", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/docker", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: repository + "/topology/local.yaml", toPath: root + "/topology/local.yaml")
        return root
    }

    static func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".out-") && !$0.hasPrefix(".err-") }.sorted()
    }

    static func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    static let nodeCount = 14

    @Test("fresh clone: check fails naming the keygen command on every \"no keys\" line; keygen --topology fixes it")
    func freshCloneCheckThenKeygen() throws {
        let repo = try Self.freshClone()
        let command = "rebalancer keygen --topology topology/local.yaml"
        let before = try Self.run(["topology", "check", "topology/local.yaml"], in: repo)
        #expect(before.status != 0)
        let noKeys = before.err.split(separator: "\n").filter { $0.contains("no keys") }
        #expect(noKeys.count == Self.nodeCount, "\(before.err)")
        #expect(noKeys.allSatisfy { $0.contains(command) }, "\(before.err)")
        #expect(!before.out.contains("ok"))

        let keygen = try Self.run(["keygen", "--topology", "topology/local.yaml"], in: repo)
        #expect(keygen.status == 0, "\(keygen.err)")
        let keys = repo + "/topology/local.keys"
        #expect(Self.files(keys).filter { $0.hasSuffix(".key") }.count == Self.nodeCount)
        #expect(Self.files(keys).filter { $0.hasSuffix(".pub") }.count == Self.nodeCount)
        for name in Self.files(keys) where name.hasSuffix(".key") { #expect(try Self.mode(keys + "/" + name) == 0o600, "\(name)") }
        #expect(!FileManager.default.fileExists(atPath: repo + "/local.keys"), "keys written relative to the working directory")

        let after = try Self.run(["topology", "check", "topology/local.yaml"], in: repo)
        #expect(after.status == 0, "\(after.err)")
        #expect(after.out.hasPrefix("ok: local, \(Self.nodeCount) nodes"))
    }

    @Test("keygen --topology writes into the topology's keys_dir from any working directory and never replaces a key")
    func keygenFollowsTopologyNotCwd() throws {
        let repo = try Self.freshClone()
        let elsewhere = (repo as NSString).deletingLastPathComponent + "/elsewhere"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        let first = try Self.run(["keygen", "--topology", "../repo/topology/local.yaml"], in: elsewhere)
        #expect(first.status == 0, "\(first.err)")
        #expect(Self.files(elsewhere).isEmpty, "wrote into the working directory: \(Self.files(elsewhere))")
        let keys = repo + "/topology/local.keys"
        let secret = keys + "/coordinator.key"
        let original = try Data(contentsOf: URL(fileURLWithPath: secret))

        // One node's keys lost: only that node gets new ones; every other key stays byte for byte.
        let others = try Self.files(keys).filter { !$0.hasPrefix("verifier-2.") }.map { ($0, try Data(contentsOf: URL(fileURLWithPath: keys + "/" + $0))) }
        try FileManager.default.removeItem(atPath: keys + "/verifier-2.key")
        try FileManager.default.removeItem(atPath: keys + "/verifier-2.pub")
        let second = try Self.run(["keygen", "--topology", "topology/local.yaml"], in: repo)
        #expect(second.status == 0, "\(second.err)")
        #expect(second.out.contains("verifier-2"))
        #expect(FileManager.default.fileExists(atPath: keys + "/verifier-2.key"))
        for (name, bytes) in others { #expect(try Data(contentsOf: URL(fileURLWithPath: keys + "/" + name)) == bytes, "\(name) changed") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: secret)) == original)

        let third = try Self.run(["keygen", "--topology", "topology/local.yaml"], in: repo)
        #expect(third.status == 0)
        #expect(third.out.contains("no key was missing"))
    }

    @Test("keygen refuses --topology with --node, --dir or --force, and a topology that does not load")
    func keygenBadInput() throws {
        let repo = try Self.freshClone()
        for arguments in [
            ["keygen", "--topology", "topology/local.yaml", "--node", "coordinator"],
            ["keygen", "--topology", "topology/local.yaml", "--dir", "x"],
            ["keygen", "--topology", "topology/local.yaml", "--force"],
            ["keygen"],
            ["keygen", "--topology", "topology/missing.yaml"],
        ] {
            let outcome = try Self.run(arguments, in: repo)
            #expect(outcome.status != 0, "\(arguments)")
            #expect(!outcome.err.isEmpty, "\(arguments)")
        }
        #expect(!FileManager.default.fileExists(atPath: repo + "/topology/local.keys"))
        #expect(Self.files(repo) == ["docker", "topology"])
    }

    @Test("check names missing secret keys, also when the keys folder is gone; --nodes and --public-only narrow it")
    func checkNamesMissingSecrets() throws {
        let directory = NSTemporaryDirectory() + "rebalancer-keys-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let initialised = try Self.run(["topology", "init", "--dir", "rb", "--venues", "2", "--verifiers", "1"], in: directory)
        #expect(initialised.status == 0, "\(initialised.err)")
        #expect(try Self.run(["topology", "check", "rb/topology.yaml"], in: directory).status == 0)

        try FileManager.default.removeItem(atPath: directory + "/rb/keys/verifier-1.key")
        let one = try Self.run(["topology", "check", "rb/topology.yaml"], in: directory)
        #expect(one.status != 0)
        #expect(one.err.contains("for 1 node(s): verifier-1"), "\(one.err)")
        #expect(one.err.contains("`rm rb/keys/verifier-1.pub` and remove the signing_key and curve_key lines of verifier-1 from rb/topology.yaml"), "\(one.err)")
        #expect(!one.out.contains("ok"))
        #expect(try Self.run(["topology", "check", "rb/topology.yaml", "--nodes", "coordinator,executor-1"], in: directory).status == 0)
        #expect(try Self.run(["topology", "check", "rb/topology.yaml", "--nodes", "verifier-1"], in: directory).status != 0)
        #expect(try Self.run(["topology", "check", "rb/topology.yaml", "--nodes", "nobody"], in: directory).status != 0)

        try FileManager.default.removeItem(atPath: directory + "/rb/keys")
        let none = try Self.run(["topology", "check", "rb/topology.yaml"], in: directory)
        #expect(none.status != 0)
        #expect(none.err.contains("(the folder does not exist)"), "\(none.err)")
        let topology = try TopologyFile.load(path: directory + "/rb/topology.yaml")
        #expect(none.err.contains("for \(topology.nodes.count) node(s): " + topology.nodes.map(\.id).joined(separator: ", ")), "\(none.err)")
        #expect(none.err.contains("rebalancer keygen --topology rb/topology.yaml"))
        #expect(none.err.contains("remove the signing_key and curve_key lines of venues, "), "\(none.err)")
        let publicOnly = try Self.run(["topology", "check", "rb/topology.yaml", "--public-only"], in: directory)
        #expect(publicOnly.status == 0, "\(publicOnly.err)")
        #expect(publicOnly.out.hasPrefix("ok: "))
    }

    @Test("compose --output writes nothing when the topology has no keys, then writes atomically once they exist")
    func composeOutputAtomic() throws {
        let repo = try Self.freshClone()
        let output = repo + "/docker/compose.yaml"
        let sentinel = "# the committed compose file\n"
        try sentinel.write(toFile: output, atomically: false, encoding: .utf8)

        let failed = try Self.run(["topology", "compose", "topology/local.yaml", "--output", "docker/compose.yaml"], in: repo)
        #expect(failed.status != 0)
        #expect(failed.err.contains("rebalancer keygen --topology topology/local.yaml"), "\(failed.err)")
        #expect(try String(contentsOfFile: output, encoding: .utf8) == sentinel)
        #expect(Self.files(repo + "/docker") == ["compose.yaml"])

        #expect(try Self.run(["keygen", "--topology", "topology/local.yaml"], in: repo).status == 0)
        let wrote = try Self.run(["topology", "compose", "topology/local.yaml", "--output", "docker/compose.yaml"], in: repo)
        #expect(wrote.status == 0, "\(wrote.err)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.hasPrefix("# Generated by `rebalancer topology compose topology/local.yaml --output docker/compose.yaml`."))
        #expect(text == (try String(contentsOfFile: Self.repository + "/docker/compose.yaml", encoding: .utf8)))
        #expect(Self.files(repo + "/docker") == ["compose.yaml"])
        #expect(try Self.mode(output) == 0o644)
        let printed = try Self.run(["topology", "compose", "topology/local.yaml"], in: repo)
        #expect(printed.out == text)

        let missingDirectory = try Self.run(["topology", "compose", "topology/local.yaml", "--output", "nowhere/compose.yaml"], in: repo)
        #expect(missingDirectory.status != 0)
        #expect(!FileManager.default.fileExists(atPath: repo + "/nowhere"))
    }

    @Test("a role started without its keys says which and prints the command that creates them")
    func roleStartWithoutKeys() throws {
        let repo = try Self.freshClone()
        let noKeys = try Self.run(["watcher", "--venue", "v1", "--topology", "topology/local.yaml", "--data-dir", "data"], in: repo)
        #expect(noKeys.status != 0)
        #expect(noKeys.err.contains("no keys"), "\(noKeys.err)")
        #expect(noKeys.err.contains("rebalancer keygen --topology topology/local.yaml"), "\(noKeys.err)")

        #expect(try Self.run(["keygen", "--topology", "topology/local.yaml"], in: repo).status == 0)
        try FileManager.default.removeItem(atPath: repo + "/topology/local.keys/verifier-3.key")
        let noSecret = try Self.run(["verifier", "--id", "verifier-3", "--topology", "topology/local.yaml", "--data-dir", "data"], in: repo)
        #expect(noSecret.status != 0)
        #expect(noSecret.err.contains("node verifier-3 has no secret key: topology/local.keys/verifier-3.key does not exist"), "\(noSecret.err)")
        #expect(noSecret.err.contains("`rm topology/local.keys/verifier-3.pub` and run `rebalancer keygen --topology topology/local.yaml`"), "\(noSecret.err)")
        #expect(!FileManager.default.fileExists(atPath: repo + "/data"))

        // keygen --topology never replaces the known public key: it says what to do and fails.
        let keygen = try Self.run(["keygen", "--topology", "topology/local.yaml"], in: repo)
        #expect(keygen.status != 0)
        #expect(keygen.err.contains("for 1 node(s) whose public keys are already known (never replaced): verifier-3"), "\(keygen.err)")
        #expect(!FileManager.default.fileExists(atPath: repo + "/topology/local.keys/verifier-3.key"))
        try FileManager.default.removeItem(atPath: repo + "/topology/local.keys/verifier-3.pub")
        #expect(try Self.run(["keygen", "--topology", "topology/local.yaml"], in: repo).status == 0)
        #expect(try Self.run(["topology", "check", "topology/local.yaml"], in: repo).status == 0)
    }
}
