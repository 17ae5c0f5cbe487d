import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTools

/// `rebalancer topology compose FILE --output OUT`: the Docker Compose file running every process of
/// a topology, so `docker/compose.yaml` is generated from the topology instead of kept in step by hand.
struct TopologyComposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Write a Docker Compose file with one service per process of the topology (the monitor excepted).",
        discussion: """
            Loads and validates the topology (its keys must exist: create the missing ones with \
            `rebalancer keygen --topology FILE`), then writes the compose YAML to --output atomically \
            (a temporary file renamed into place: on any error the existing file is left as it was), or \
            prints it when --output is not given. From the repository root:
              rebalancer topology compose topology/local.yaml --output docker/compose.yaml
            """
    )

    @Argument(help: "The topology file.")
    var file: String

    @Option(help: "The compose file to write (atomically; nothing is written on error). Printed to stdout when omitted.")
    var output: String?

    @Option(help: "The directory the compose file goes to; mount sources and the build context are written relative to it (default: the directory of --output, else docker).")
    var composeDir: String?

    @Option(help: "Where the topology file is mounted inside the containers (absolute).")
    var mount: String = "/etc/rebalancer/topology.yaml"

    func validate() throws {
        guard mount.hasPrefix("/"), !mount.hasSuffix("/") else { throw ValidationError("--mount must be an absolute file path") }
        if let composeDir, composeDir.isEmpty { throw ValidationError("--compose-dir must not be empty") }
        if let output, output.isEmpty || output.hasSuffix("/") { throw ValidationError("--output must be a file path") }
    }

    func run() throws {
        let topology: Deployment
        do {
            topology = try TopologyFile.load(path: file)
        } catch let failure as TopologyErrors {
            for error in failure.errors { writeError("\(file): \(error)") }
            if output != nil { writeError("nothing written") }
            throw ExitCode(1)
        }
        let directory = composeDir ?? output.map { TopologyFile.directory(of: $0) } ?? "docker"
        let text = ComposeFile.render(topology: topology, topologyMount: mount, topologyFile: file, composeDirectory: directory, outputFile: output)
        guard let output else { return print(text, terminator: "") }
        try ComposeFile.write(text, to: output)
        print("wrote \(output): \(topology.nodes.filter { ComposeFile.roleArguments($0) != nil }.count) services of topology \(topology.id)")
    }
}

private func writeError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
