import RebalancerCore

extension PricePath {
    /// A problem in a price CSV file, with the 1-based line it was found on.
    public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line number.
        public var line: Int
        /// What is wrong with that line.
        public var problem: String

        /// Creates an error.
        public init(line: Int, problem: String) {
            self.line = line
            self.problem = problem
        }

        /// For example `line 7: close 'abc' is not a number`.
        public var description: String { "line \(line): \(problem)" }
    }

    /// Parses closes from CSV text with header `time,close`; one row per tick, in order.
    ///
    /// Each row is one tick: the spacing of the times is not used, only their order. The times
    /// must increase (compared as numbers when both are numbers, otherwise as text, which orders
    /// ISO-8601 timestamps of one format); the close must be a finite positive number. Blank lines and a leading byte-order mark are skipped, `\r\n` line ends and spaces around fields are accepted.
    /// Throws `CSVError` naming the line of the first problem; at least one row is required.
    public static func parseCSV(_ text: String) throws -> [Double] {
        var closes: [Double] = []
        var sawHeader = false
        var lineNumber = 0
        var previousTime: String?
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : text[...]
        for rawLine in body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces()
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
            if !sawHeader {
                guard fields.count == 2, fields[0].lowercased() == "time", fields[1].lowercased() == "close" else {
                    throw CSVError(line: lineNumber, problem: "expected header 'time,close', found '\(line)'")
                }
                sawHeader = true
                continue
            }
            guard fields.count == 2 else {
                throw CSVError(line: lineNumber, problem: "expected 2 fields (time,close), found \(fields.count)")
            }
            if let previous = previousTime, !isLater(fields[0], than: previous) {
                throw CSVError(
                    line: lineNumber,
                    problem: "time '\(fields[0])' does not come after the previous row's '\(previous)' (rows must be in time order; each row is one tick and the spacing of the times is not used)"
                )
            }
            previousTime = fields[0]
            let field = fields[1]
            guard let close = Double(field) else {
                throw CSVError(line: lineNumber, problem: "close '\(field)' is not a number")
            }
            guard close.isFinite, close > 0 else {
                throw CSVError(line: lineNumber, problem: "close '\(field)' is not a finite positive number")
            }
            closes.append(close)
        }
        if !sawHeader {
            throw CSVError(line: max(lineNumber, 1), problem: "missing header 'time,close'")
        }
        if closes.isEmpty {
            throw CSVError(line: lineNumber, problem: "no price rows after the header")
        }
        return closes
    }
}

/// Whether `time` comes after `previous`: as numbers when both are numbers, otherwise as text.
private func isLater(_ time: String, than previous: String) -> Bool {
    if let a = Double(time), let b = Double(previous) { return a > b }
    return time > previous
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    fileprivate func trimmingSpaces() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
