import Foundation

/// Building an external adapter from the topology's `adapter:` mapping (minus `kind`).
extension ExternalAdapter {
    /// A parameter that is missing or wrong, named as in the topology (`adapter.command: ...`).
    public struct ParameterError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The field, e.g. `adapter.timeout_ms`.
        public var field: String
        /// What is wrong with it.
        public var reason: String

        public var description: String { "\(field): \(reason)" }
    }

    /// The parameters an `external` adapter takes.
    public static let parameterNames: Set<String> = ["command", "timeout_ms", "restart_backoff_ms", "max_restart_backoff_ms"]

    /// Validates `parameters` and builds the configuration:
    /// `command` (required; split on spaces, quotes group words; credentials go to the adapter by
    /// reference, e.g. `--api-key-env NAME`), `timeout_ms` (100...600000, default 10000),
    /// `restart_backoff_ms` (1...60000, default 250), `max_restart_backoff_ms` (default 30000).
    public static func configuration(parameters: [String: String]) throws(ParameterError) -> Configuration {
        if let unknown = parameters.keys.sorted().first(where: { !parameterNames.contains($0) }) {
            throw ParameterError(field: "adapter.\(unknown)", reason: "unknown parameter of an external adapter; expected \(parameterNames.sorted().joined(separator: ", "))")
        }
        guard let text = parameters["command"], !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ParameterError(field: "adapter.command", reason: "required: the adapter program and its arguments, e.g. \"python3 -m rebalancer_ccxt_adapter --exchange binanceusdm\"")
        }
        let command: [String]
        do { command = try CommandWords.split(text) } catch { throw ParameterError(field: "adapter.command", reason: error.description) }
        let timeout = try integer(parameters, "timeout_ms", in: 100...600_000, default: 10_000)
        let backoff = try integer(parameters, "restart_backoff_ms", in: 1...60_000, default: 250)
        let maxBackoff = try integer(parameters, "max_restart_backoff_ms", in: backoff...3_600_000, default: max(30_000, backoff))
        return Configuration(command: command, timeoutMs: timeout, restartBackoffMs: backoff, maxRestartBackoffMs: maxBackoff)
    }

    /// An adapter built from the topology's parameters (see `configuration(parameters:)`).
    public init(parameters: [String: String]) throws(ParameterError) {
        self.init(try Self.configuration(parameters: parameters))
    }

    private static func integer(_ parameters: [String: String], _ name: String, in range: ClosedRange<Int64>, default value: Int64) throws(ParameterError) -> Int64 {
        guard let text = parameters[name] else { return value }
        guard let number = Int64(text), range.contains(number) else {
            throw ParameterError(field: "adapter.\(name)", reason: "must be an integer from \(range.lowerBound) to \(range.upperBound) (milliseconds), got \"\(text)\"")
        }
        return number
    }
}

/// Splits a command line into words: spaces separate, single or double quotes group.
enum CommandWords {
    struct Unbalanced: Error, CustomStringConvertible {
        var description: String { "unbalanced quote" }
    }

    static func split(_ text: String) throws(Unbalanced) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw Unbalanced() }
        if inWord { words.append(current) }
        return words
    }
}
