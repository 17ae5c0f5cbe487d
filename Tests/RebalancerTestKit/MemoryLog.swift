import Foundation
import Logging

/// The log lines of every node of a `MemoryCluster`, kept in memory: `message key=value ...`,
/// metadata sorted by key, at `.info` and above (as a role logs by default).
///
/// `@unchecked Sendable`: `lines` is read and written only under `lock`.
public final class MemoryLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String: [String]] = [:]

    /// An empty log.
    public init() {}

    /// Every line node `id` logged, in order.
    public func lines(_ id: String) -> [String] { lock.withLock { lines[id] ?? [] } }

    /// The lines node `id` logged that contain `text`.
    public func lines(_ id: String, containing text: String) -> [String] { lines(id).filter { $0.contains(text) } }

    func append(_ line: String, for id: String) { lock.withLock { lines[id, default: []].append(line) } }

    /// A handler writing node `id`'s lines here.
    func handler(for id: String) -> some LogHandler { Handler(log: self, id: id) }

    private struct Handler: LogHandler {
        let log: MemoryLog
        let id: String
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            log.append(([event.level.rawValue, event.message.description] + fields).joined(separator: " "), for: id)
        }
    }
}
