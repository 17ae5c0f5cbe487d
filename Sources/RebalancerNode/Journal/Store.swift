import Foundation
import GRDB
import Metrics

/// An embedded SQLite database in WAL mode with full synchronous commits: what a node must not
/// forget across a crash. A write returns only once it is durable.
///
/// Sendable as checked by the compiler: both stored properties are immutable and Sendable
/// (GRDB's `DatabaseQueue` serialises every access itself; swift-metrics' `Timer` is Sendable).
public final class Store: Sendable {
    let queue: DatabaseQueue
    /// `rebalancer_journal_write_seconds{journal}`: how long a durable write takes, fsync included.
    private let writeTimer: Metrics.Timer

    /// Opens (creating if needed) the database at `path` and applies `migrations` in order.
    public init(path: String, migrations: [(String, @Sendable (Database) throws -> Void)]) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        let journal = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        writeTimer = Metrics.Timer(label: "rebalancer_journal_write_seconds", dimensions: [("journal", journal)])
        var migrator = DatabaseMigrator()
        for (name, body) in migrations { migrator.registerMigration(name, migrate: body) }
        try migrator.migrate(queue)
    }

    /// Runs a write transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { writeTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        return try queue.write(body)
    }

    /// Runs a write transaction on GRDB's own serial queue, off the cooperative thread pool, and
    /// returns once it is durable (WAL, `synchronous = FULL`): what an actor awaits before it sends
    /// the message the write guards.
    public func writeDurably<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { writeTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        return try await queue.write(body)
    }

    /// Runs a read.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }
}
