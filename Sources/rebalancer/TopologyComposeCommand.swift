import ArgumentParser
import Foundation
import RebalancerCore
import RebalancerNode

/// `rebalancer topology compose FILE`: the Docker Compose file running every process of a topology,
/// so `docker/compose.yaml` is generated from the topology instead of kept in step by hand.
struct TopologyComposeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compose",
        abstract: "Print a Docker Compose file with one service per process of the topology (the monitor excepted).",
        discussion: """
            Loads and validates the topology (its keys must exist: run the demo once or `rebalancer keygen`), \
            then prints the compose YAML. From the repository root:
              rebalancer topology compose topology/local.yaml > docker/compose.yaml
            """
    )

    @Argument(help: "The topology file.")
    var file: String

    @Option(help: "The directory the compose file goes to; mount sources and the build context are written relative to it.")
    var composeDir: String = "docker"

    @Option(help: "Where the topology file is mounted inside the containers (absolute).")
    var mount: String = "/etc/rebalancer/topology.yaml"

    func validate() throws {
        guard mount.hasPrefix("/"), !mount.hasSuffix("/") else { throw ValidationError("--mount must be an absolute file path") }
        guard !composeDir.isEmpty else { throw ValidationError("--compose-dir must not be empty") }
    }

    func run() throws {
        let topology: Topology
        do {
            topology = try TopologyFile.load(path: file)
        } catch let failure as TopologyErrors {
            for error in failure.errors { writeError("\(file): \(error)") }
            throw ExitCode(1)
        }
        print(ComposeFile.render(topology: topology, topologyMount: mount, topologyFile: file, composeDirectory: composeDir), terminator: "")
    }
}

private func writeError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
