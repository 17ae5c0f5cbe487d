import Foundation
import GRDB

/// An embedded SQLite database in WAL mode with full synchronous commits: what a node must not
/// forget across a crash. A write returns only once it is durable.
public final class Store: @unchecked Sendable {
    // DatabaseQueue serialises every access itself.
    let queue: DatabaseQueue

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
        var migrator = DatabaseMigrator()
        for (name, body) in migrations { migrator.registerMigration(name, migrate: body) }
        try migrator.migrate(queue)
    }

    /// Runs a write transaction.
    public func write<T>(_ body: (Database) throws -> T) throws -> T { try queue.write(body) }

    /// Runs a read.
    public func read<T>(_ body: (Database) throws -> T) throws -> T { try queue.read(body) }
}
