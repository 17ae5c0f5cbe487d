import Foundation
import GRDB

/// An executor's durable record: every plan it accepted and what became of each transfer.
/// A plan is recorded before its first transfer is submitted, so a restart never repeats one.
public final class ExecutorRecord: Sendable {
    private let store: Store

    /// Opens the record at `path`.
    public init(path: String) throws {
        store = try Store(path: path, migrations: [("v1", { db in
            try db.create(table: "executed") { t in
                t.primaryKey("plan_seq", .integer)
                t.column("digest", .blob).notNull()
                t.column("accepted_at", .integer).notNull()
            }
            try db.create(table: "transfer") { t in
                t.primaryKey("id", .text)
                t.column("plan_seq", .integer).notNull()
                t.column("state", .text).notNull()
                t.column("updated_at", .integer).notNull()
            }
        }), ("v2-rotations", { db in
            try db.create(table: "rotation") { t in
                t.primaryKey("to_epoch", .integer)
                t.column("signed", .blob).notNull()
                t.column("applied_at", .integer).notNull()
            }
        })])
    }

    /// Durably records an applied verifier-set rotation (the signed bytes as received).
    public func recordRotation(toEpoch: UInt64, signed: [UInt8], at: Int64) throws {
        try store.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO rotation (to_epoch, signed, applied_at) VALUES (?, ?, ?)", arguments: [Int64(toEpoch), Data(signed), at])
        }
    }

    /// Applied rotations in epoch order, with when they were applied.
    public func rotations() throws -> [(signed: [UInt8], appliedAt: Int64)] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT signed, applied_at FROM rotation ORDER BY to_epoch").map { (Array($0["signed"] as Data), $0["applied_at"]) }
        }
    }

    /// Every executed plan sequence.
    public func executed() throws -> Set<UInt64> {
        try store.read { db in Set(try Int64.fetchAll(db, sql: "SELECT plan_seq FROM executed").map { UInt64($0) }) }
    }

    /// Durably records an accepted plan and its transfers as submitted-to-be. False if already there.
    @discardableResult
    public func accept(planSeq: UInt64, digest: [UInt8], transferIDs: [String], at: Int64) throws -> Bool {
        try store.write { db in
            if try Int64.fetchOne(db, sql: "SELECT plan_seq FROM executed WHERE plan_seq = ?", arguments: [Int64(planSeq)]) != nil { return false }
            try db.execute(sql: "INSERT INTO executed (plan_seq, digest, accepted_at) VALUES (?, ?, ?)", arguments: [Int64(planSeq), Data(digest), at])
            for id in transferIDs {
                try db.execute(sql: "INSERT INTO transfer (id, plan_seq, state, updated_at) VALUES (?, ?, 'accepted', ?)", arguments: [id, Int64(planSeq), at])
            }
            return true
        }
    }

    /// Records a transfer's new state.
    public func update(transferID: String, state: String, at: Int64) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE transfer SET state = ?, updated_at = ? WHERE id = ?", arguments: [state, at, transferID])
        }
    }

    /// Transfers recorded in a state, for resuming after a restart.
    public func transfers(in state: String) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT id FROM transfer WHERE state = ? ORDER BY id", arguments: [state]) }
    }
}
