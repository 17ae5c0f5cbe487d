import Foundation
import Yams

/// Walks a composed YAML tree field by field, collecting every problem with its path and line
/// instead of stopping at the first, and remembering the line of every path it visits.
final class YAMLFieldReader {
    /// Problems found so far.
    private(set) var errors: [TopologyError] = []
    /// The line of every path visited.
    private(set) var lines: [String: Int] = [:]

    /// Records a problem at `path`, on the line of `node` when given.
    func fail(_ path: String, _ node: Node?, _ message: String) {
        errors.append(TopologyError(path: path, line: node?.mark?.line, message: message))
    }

    /// Remembers the line of `path`.
    func visit(_ path: String, _ node: Node) {
        if let line = node.mark?.line { lines[path] = line }
    }

    /// Opens a mapping whose keys must all be in `known`; reports duplicate and unknown keys.
    func fields(_ node: Node, at path: String, known: [String]) -> YAMLFields? {
        visit(path, node)
        guard case .mapping(let mapping) = node else {
            fail(path, node, "expected a mapping, found \(node.kindName)")
            return nil
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.scalar?.string ?? "?"
            let child = Self.join(path, name)
            if values[name] != nil {
                fail(child, key, "duplicate field")
            } else if !known.contains(name) {
                fail(child, key, "unknown field (expected one of: \(known.joined(separator: ", ")))")
            } else {
                values[name] = value
                visit(child, value)
            }
        }
        return YAMLFields(path: path, node: node, values: values, reader: self)
    }

    /// The items of a sequence, each with its path `path[i]`.
    func items(_ node: Node, at path: String) -> [(path: String, node: Node)]? {
        guard case .sequence(let sequence) = node else {
            fail(path, node, "expected a list, found \(node.kindName)")
            return nil
        }
        return sequence.enumerated().map { index, item in
            let itemPath = "\(path)[\(index)]"
            visit(itemPath, item)
            return (itemPath, item)
        }
    }

    /// A string-to-string mapping (for example a node's endpoints).
    func stringMap(_ node: Node, at path: String) -> [String: String]? {
        guard case .mapping(let mapping) = node else {
            fail(path, node, "expected a mapping, found \(node.kindName)")
            return nil
        }
        var result: [String: String] = [:]
        var ok = true
        for (key, value) in mapping {
            let name = key.scalar?.string ?? "?"
            let child = Self.join(path, name)
            visit(child, value)
            if result[name] != nil {
                fail(child, key, "duplicate field")
                ok = false
            } else if let text = string(value, at: child) {
                result[name] = text
            } else {
                ok = false
            }
        }
        return ok ? result : nil
    }

    /// A non-empty scalar, whatever its style or resolved tag.
    func string(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(scalar) else {
            fail(path, node, "expected a string, found \(node.kindName)")
            return nil
        }
        return scalar.string
    }

    /// `true` or `false` (plain).
    func bool(_ node: Node, at path: String) -> Bool? {
        if case .scalar(let scalar) = node, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        fail(path, node, "expected true or false, found \(node.kindName)")
        return nil
    }

    /// A plain integer scalar (underscores allowed as separators).
    func int64(_ node: Node, at path: String) -> Int64? {
        number(node, at: path, kind: "an integer") { Int64($0) }
    }

    /// A plain non-negative integer scalar.
    func uint64(_ node: Node, at path: String) -> UInt64? {
        number(node, at: path, kind: "a non-negative integer") { UInt64($0) }
    }

    /// A plain integer scalar that fits in `Int`.
    func int(_ node: Node, at path: String) -> Int? {
        number(node, at: path, kind: "an integer") { Int($0) }
    }

    /// A plain number scalar (integers accepted).
    func double(_ node: Node, at path: String) -> Double? {
        number(node, at: path, kind: "a number") { text in
            Double(text).flatMap { $0.isFinite ? $0 : nil }
        }
    }

    private func number<T>(_ node: Node, at path: String, kind: String, _ parse: (String) -> T?) -> T? {
        if case .scalar(let scalar) = node, scalar.style == .plain,
           let value = parse(scalar.string.replacingOccurrences(of: "_", with: "")) {
            return value
        }
        fail(path, node, "expected \(kind), found \(node.kindName)")
        return nil
    }

    /// `parent.child`, or `child` at the top level.
    static func join(_ parent: String, _ child: String) -> String {
        parent.isEmpty ? child : "\(parent).\(child)"
    }

    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// The fields of one YAML mapping, read through the reader that opened it.
struct YAMLFields {
    /// The mapping's path.
    let path: String
    /// The mapping node (its line is used for a missing field).
    let node: Node
    /// The fields present, by name, null values included.
    let values: [String: Node]
    /// The reader collecting problems.
    let reader: YAMLFieldReader

    /// The node and path of a field; reports it missing when `required`. Null counts as absent.
    func value(_ key: String, required: Bool) -> (node: Node, path: String)? {
        let child = YAMLFieldReader.join(path, key)
        guard let value = values[key], !value.isNull else {
            if required { reader.fail(child, values[key] ?? node, "missing required field") }
            return nil
        }
        return (value, child)
    }

    /// A field that must be present, read by one of the reader's scalar readers.
    func required<T>(_ key: String, _ read: (YAMLFieldReader) -> (Node, String) -> T?) -> T? {
        value(key, required: true).flatMap { read(reader)($0.node, $0.path) }
    }

    /// A field that may be absent; nil when absent or malformed (a malformed one is reported).
    func optional<T>(_ key: String, _ read: (YAMLFieldReader) -> (Node, String) -> T?) -> T? {
        value(key, required: false).flatMap { read(reader)($0.node, $0.path) }
    }

    /// Whether the field is present and not null.
    func has(_ key: String) -> Bool { value(key, required: false) != nil }
}

extension Node {
    /// Whether this is a null scalar (`~`, `null` or nothing).
    var isNull: Bool {
        if case .scalar(let scalar) = self { return YAMLFieldReader.isNull(scalar) }
        return false
    }

    /// How a problem names what it found.
    fileprivate var kindName: String {
        switch self {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            if YAMLFieldReader.isNull(scalar) { return "nothing" }
            let text = scalar.string.count > 44 ? String(scalar.string.prefix(40)) + "..." : scalar.string
            return "\"\(text)\""
        }
    }
}
