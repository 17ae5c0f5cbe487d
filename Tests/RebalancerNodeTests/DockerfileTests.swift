import Foundation
import Testing

/// `docker/Dockerfile` checked without a Docker engine: the files its build stage copies, alone in
/// an empty folder, must load as a Swift package (SwiftPM refuses a manifest whose target folders
/// are missing before it builds anything), and the image must be multi-stage with a slim runtime
/// stage that holds only the binary and runs as a non-root user.
@Suite("Dockerfile")
struct DockerfileTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// One `FROM` stage: its base image, its name (`AS name`) and its instructions, continuation
    /// lines joined, comments dropped.
    struct Stage {
        var image: String
        var name: String?
        var instructions: [[String]] = []

        /// The instructions of one kind (`COPY`, `USER`...), as words after the keyword.
        func all(_ keyword: String) -> [[String]] {
            instructions.filter { $0.first?.uppercased() == keyword }.map { Array($0.dropFirst()) }
        }
    }

    static func stages() throws -> [Stage] {
        let text = try String(contentsOfFile: repository + "/docker/Dockerfile", encoding: .utf8)
        var logical: [String] = []
        var pending = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty, line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasSuffix("\\") { pending += line.dropLast() + " "; continue }
            logical.append(pending + line)
            pending = ""
        }
        var stages: [Stage] = []
        for line in logical {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            if keyword == "FROM" {
                let rest = words.dropFirst().filter { !$0.hasPrefix("--") }
                let name = rest.count >= 3 && rest[rest.startIndex + 1].uppercased() == "AS" ? rest[rest.startIndex + 2] : nil
                stages.append(Stage(image: rest.first ?? "", name: name))
            } else if !stages.isEmpty {
                stages[stages.count - 1].instructions.append(words)
            }
        }
        return stages
    }

    /// The sources of each `COPY` of a stage that copies from the build context (not `--from=`),
    /// with the destination relative to the stage's working directory.
    static func contextCopies(_ stage: Stage) -> [(sources: [String], destination: String)] {
        stage.all("COPY").compactMap { words in
            guard !words.contains(where: { $0.hasPrefix("--from") }) else { return nil }
            let paths = words.filter { !$0.hasPrefix("--") }
            guard let destination = paths.last, paths.count >= 2 else { return nil }
            return (Array(paths.dropLast()), destination)
        }
    }

    /// The context paths a COPY source names: itself, or every entry of its folder its `*` pattern matches.
    static func expand(_ source: String) throws -> [String] {
        guard source.contains("*") else { return [source] }
        let folder = (source as NSString).deletingLastPathComponent, pattern = (source as NSString).lastPathComponent
        let names = try FileManager.default.contentsOfDirectory(atPath: repository + "/" + (folder.isEmpty ? "." : folder))
        return names.filter { fnmatch(pattern, $0, 0) == 0 }.sorted().map { folder.isEmpty ? $0 : folder + "/" + $0 }
    }

    /// Runs a command to completion in `directory`; its status and combined output.
    static func run(_ arguments: [String], in directory: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let log = directory + "/../command.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOfFile: log, encoding: .utf8))
    }

    @Test("what the build stage copies, alone in an empty folder, loads as a package with the rebalancer executable")
    func buildStageCopyLoads() throws {
        let build = try #require(try Self.stages().first { $0.name == "build" }, "no `FROM ... AS build` stage")
        let copies = Self.contextCopies(build)
        #expect(copies.contains { $0.sources.contains("Package.swift") })
        #expect(copies.contains { $0.sources.contains("Sources") })

        let root = NSTemporaryDirectory() + "rebalancer-dockerfile-\(UUID().uuidString.prefix(8))"
        let workdir = root + "/build"
        try FileManager.default.createDirectory(atPath: workdir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        for copy in copies {
            let intoFolder = copy.destination.hasSuffix("/") || copy.sources.count > 1 || copy.sources.contains { $0.contains("*") }
            for source in try copy.sources.flatMap(Self.expand) {
                let target = intoFolder
                    ? workdir + "/" + copy.destination + "/" + (source as NSString).lastPathComponent
                    : workdir + "/" + copy.destination
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: Self.repository + "/" + source, toPath: target)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: workdir + "/Tests"), "the image build does not need the tests")

        let described = try Self.run(["swift", "package", "describe", "--type", "json"], in: workdir)
        #expect(described.status == 0, "swift package describe failed in the Dockerfile's file set:\n\(described.output)")
        #expect(!described.output.contains("should be located under"), "\(described.output)")
        let json = try #require(described.output.firstIndex(of: "{").map { String(described.output[$0...]) })
        let package = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let targets = try #require(package["targets"] as? [[String: Any]])
        #expect(targets.contains { $0["name"] as? String == "rebalancer" && $0["type"] as? String == "executable" })
        #expect(!targets.contains { $0["type"] as? String == "test" })
    }

    @Test("multi-stage: a slim runtime stage holding only the binary from the build stage, run by a non-root user")
    func runtimeStage() throws {
        let stages = try Self.stages()
        #expect(stages.count >= 2)
        let runtime = try #require(stages.last)
        #expect(runtime.image.contains("slim"), "runtime base \(runtime.image)")
        #expect(Self.contextCopies(runtime).isEmpty, "the runtime stage copies from the build context")
        let fromBuild = runtime.all("COPY").filter { $0.contains("--from=build") }
        #expect(fromBuild.count == 1)
        #expect(fromBuild.first?.last == "/usr/local/bin/rebalancer")
        let user = try #require(runtime.all("USER").last?.first, "no USER in the runtime stage")
        #expect(user != "root" && user != "0" && !user.hasPrefix("0:"))
        #expect(runtime.all("ENTRYPOINT").first?.joined(separator: " ") == "[\"rebalancer\"]")
    }
}
