import Foundation
import RebalancerCore

/// Reads and writes the YAML form of a `Topology` (snake_case keys; Ed25519 keys as 64 hex
/// characters in `signing_key`, CURVE keys as 40 characters of Z85 in `curve_key`).
///
/// A node without key fields takes them from `<keys_dir>/<node id>.pub`, `keys_dir` being relative
/// to the topology file's directory unless absolute.
public enum TopologyFile {
    /// `keys_dir` when the file does not name one.
    public static let defaultKeysDir = "keys"

    /// Loads, resolves keys and validates the topology at `path`; throws `TopologyErrors` naming
    /// every problem with its field path and line.
    public static func load(path: String) throws -> Deployment {
        try parse(yaml: read(path: path), baseDirectory: directory(of: path), topologyPath: path)
    }

    /// Parses YAML text, reading missing keys from `keys_dir` under `baseDirectory`, and validates
    /// it; throws `TopologyErrors`. `topologyPath`, the file the text came from when known, goes into
    /// the command a "no keys" error prints.
    public static func parse(yaml: String, baseDirectory: String, topologyPath: String? = nil) throws -> Deployment {
        let decoded = decode(yaml: yaml)
        guard var topology = decoded.topology else { throw TopologyErrors(ordered(decoded.errors)) }
        var errors = resolveKeys(&topology, baseDirectory: baseDirectory)
        errors += TopologyCheck.validate(topology, topologyPath: topologyPath)
        guard errors.isEmpty else {
            throw TopologyErrors(ordered(errors.map { withLine($0, decoded.lines) }))
        }
        return topology
    }

    /// Where the topology's key files live: `keys_dir`, relative to `baseDirectory` unless absolute.
    public static func keysDirectory(of topology: Deployment, baseDirectory: String) -> String {
        topology.keysDir.hasPrefix("/") ? topology.keysDir : baseDirectory + "/" + topology.keysDir
    }

    /// The directory holding `path` (`.` for a bare file name).
    public static func directory(of path: String) -> String {
        let parent = (path as NSString).deletingLastPathComponent
        return parent.isEmpty ? "." : parent
    }

    /// The file's text, or a `TopologyErrors` saying why it cannot be read.
    static func read(path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw TopologyErrors([TopologyError(path: "", message: "cannot read \(path): no such file")])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TopologyErrors([TopologyError(path: "", message: "cannot read \(path): not a readable file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TopologyErrors([TopologyError(path: "", message: "cannot read \(path): not UTF-8 text")])
        }
        return text
    }

    /// Fills in the keys of nodes that have none inline from their `.pub` files.
    private static func resolveKeys(_ topology: inout Deployment, baseDirectory: String) -> [TopologyError] {
        let dir = keysDirectory(of: topology, baseDirectory: baseDirectory)
        var errors: [TopologyError] = []
        for index in topology.nodes.indices {
            let node = topology.nodes[index]
            guard node.signingKey.isEmpty, node.curveKey.isEmpty, TopologyCheck.isValidNodeID(node.id) else { continue }
            do {
                guard let keys = try KeyStore.loadPublic(node: node.id, dir: dir) else { continue }
                topology.nodes[index].signingKey = keys.signingKey
                topology.nodes[index].curveKey = keys.curveKey
            } catch {
                errors.append(TopologyError(path: "nodes[\(index)]", message: "\(error)"))
            }
        }
        return errors
    }

    /// The error with the line of its path, or of the nearest enclosing path, filled in.
    private static func withLine(_ error: TopologyError, _ lines: [String: Int]) -> TopologyError {
        guard error.line == nil else { return error }
        var path = Substring(error.path)
        while !path.isEmpty {
            if let line = lines[String(path)] { return TopologyError(path: error.path, line: line, message: error.message) }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = path[..<cut]
        }
        return error
    }

    /// Errors by line (those without one last), otherwise in the order found.
    private static func ordered(_ errors: [TopologyError]) -> [TopologyError] {
        errors.enumerated()
            .sorted { ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset) }
            .map(\.element)
    }
}
