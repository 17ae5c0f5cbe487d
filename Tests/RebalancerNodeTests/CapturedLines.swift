import Foundation

/// Log lines written by a handler under test, kept in memory (shared by the log tests).
///
/// `@unchecked Sendable`: `lines` is read and written only under `lock`.
final class CapturedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// Keeps one line.
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    /// Every line kept, in order.
    var all: [String] { lock.withLock { lines } }
}
