/// One problem found in a topology file, named by its field path (`nodes[3].curve_key`) and,
/// when known, the line of the file it sits on.
public struct TopologyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field path, e.g. `routes[2].capacity`; empty for a problem with the file as a whole.
    public var path: String
    /// The 1-based line in the YAML file, when known.
    public var line: Int?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path (line N): message`, the form `rebalancer topology check` prints.
    public var description: String {
        switch (path.isEmpty, line) {
        case (true, nil): return message
        case (true, let line?): return "line \(line): \(message)"
        case (false, nil): return "\(path): \(message)"
        case (false, let line?): return "\(path) (line \(line)): \(message)"
        }
    }
}

/// A topology that failed to load: every problem found, in file order where lines are known.
public struct TopologyErrors: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, at least one.
    public var errors: [TopologyError]

    /// Wraps a list of problems.
    public init(_ errors: [TopologyError]) {
        self.errors = errors
    }

    /// One problem per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
