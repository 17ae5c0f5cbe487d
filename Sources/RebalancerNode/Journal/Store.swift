import Foundation
import GRDB
import Metrics

/// An embedded SQLite database in WAL mode with full synchronous commits: what a node must not
/// forget across a crash. A write returns only once it is durable.
///
/// The WAL is sized when the store opens (`walPages` frames of zeros past its end) and
/// checkpointed every `walPages` pages, so a commit overwrites bytes the file already has: its
/// `fdatasync` flushes data only, never a new file size through the filesystem's journal (an
/// append costs about twice as much on this machine's disk, and far more while other processes
/// write). Zeros past the WAL's last valid frame are ignored by SQLite (a frame counts only with
/// the header's salt and a matching checksum), as are the old frames a restarted WAL overwrites.
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
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.walPages)")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        let journal = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        writeTimer = Metrics.Timer(label: "rebalancer_journal_write_seconds", dimensions: [("journal", journal)])
        var migrator = DatabaseMigrator()
        for (name, body) in migrations { migrator.registerMigration(name, migrate: body) }
        try migrator.migrate(queue)
        try sizeWAL(path: path + "-wal")
    }

    /// WAL pages between checkpoints (SQLite's default is 1,000): a checkpoint adds two syncs to
    /// one commit in this many pages, and the WAL written up front is this many frames.
    static let walPages = 256

    /// Extends the WAL with zeros up to `walPages` frames (and a margin), synced once, inside an
    /// immediate transaction: no other connection appends a frame meanwhile, and this one has
    /// written none yet. Nothing to do when the WAL is already that large.
    private func sizeWAL(path: String) throws {
        try queue.writeWithoutTransaction { db in
            let pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            let target = 32 + (Self.walPages + 16) * (pageSize + 24)
            try db.inTransaction(.immediate) {
                try WALFile.extend(path: path, to: target)
                return .commit
            }
        }
    }

    /// Runs a write transaction on the caller's thread and returns once it is durable (WAL,
    /// `synchronous = FULL`): a role calls it on its own executor (the socket thread), before it
    /// sends the message the write guards.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { writeTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - start)) }
        return try queue.write(body)
    }

    /// Runs a read.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }
}
