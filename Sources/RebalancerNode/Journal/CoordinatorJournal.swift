import Foundation
import GRDB

/// The coordinator's journal: every plan sequence it used and every plan it approved, with the
/// approved envelope exactly as published. An approved plan is journaled before it is published.
/// Every write runs on the store's own queue, off the cooperative pool, and returns once durable.
public final class CoordinatorJournal: Sendable {
    private let store: Store

    /// Opens the journal at `path`.
    public init(path: String) throws {
        store = try Store(path: path, migrations: [("v1", { db in
            try db.create(table: "approved") { t in
                t.primaryKey("plan_seq", .integer)
                t.column("digest", .blob).notNull()
                t.column("envelope", .blob).notNull()
                t.column("approved_at", .integer).notNull()
            }
            try db.create(table: "sequence") { t in
                t.primaryKey("id", .integer)
                t.column("last_plan_seq", .integer).notNull()
            }
        })])
    }

    /// The highest plan sequence ever used (proposed or approved); the next plan takes a higher one.
    public func lastPlanSeq() throws -> UInt64 {
        try store.read { db in
            let used = try Int64.fetchOne(db, sql: "SELECT last_plan_seq FROM sequence WHERE id = 1") ?? 0
            let approved = try Int64.fetchOne(db, sql: "SELECT MAX(plan_seq) FROM approved") ?? 0
            return UInt64(max(used, approved))
        }
    }

    /// Durably reserves a plan sequence before the proposal leaves, so it is never reused.
    /// Written on the caller's thread: the coordinator runs on its own executor (the socket
    /// thread, never the cooperative pool) and sends the proposal right after.
    public func reserve(planSeq: UInt64) throws {
        try store.write { db in try Self.reserve(db, planSeq: planSeq) }
    }

    private static func reserve(_ db: Database, planSeq: UInt64) throws {
        try db.cachedStatement(sql: "INSERT INTO sequence (id, last_plan_seq) VALUES (1, ?) ON CONFLICT(id) DO UPDATE SET last_plan_seq = MAX(last_plan_seq, excluded.last_plan_seq)")
            .execute(arguments: [Int64(planSeq)])
    }

    /// Durably records an approved plan. Returns false if that sequence was already journaled.
    /// Written on the caller's thread, as `reserve` is: the plan is published right after.
    @discardableResult
    public func append(planSeq: UInt64, digest: [UInt8], envelope: [UInt8], at: Int64) throws -> Bool {
        try store.write { db in try Self.append(db, planSeq: planSeq, digest: digest, envelope: envelope, at: at) }
    }

    private static func append(_ db: Database, planSeq: UInt64, digest: [UInt8], envelope: [UInt8], at: Int64) throws -> Bool {
        if try Int64.fetchOne(db.cachedStatement(sql: "SELECT plan_seq FROM approved WHERE plan_seq = ?"), arguments: [Int64(planSeq)]) != nil {
            return false
        }
        try db.cachedStatement(sql: "INSERT INTO approved (plan_seq, digest, envelope, approved_at) VALUES (?, ?, ?, ?)")
            .execute(arguments: [Int64(planSeq), Data(digest), Data(envelope), at])
        return true
    }

    /// Approved envelopes after `planSeq`, in order, at most `limit`.
    public func approved(after planSeq: UInt64, limit: Int = 1000) throws -> [(planSeq: UInt64, envelope: [UInt8])] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT plan_seq, envelope FROM approved WHERE plan_seq > ? ORDER BY plan_seq LIMIT ?",
                             arguments: [Int64(planSeq), limit])
                .map { (UInt64($0["plan_seq"] as Int64), Array($0["envelope"] as Data)) }
        }
    }

    /// The highest approved plan sequence.
    public func lastApproved() throws -> UInt64 {
        try store.read { db in UInt64(try Int64.fetchOne(db, sql: "SELECT MAX(plan_seq) FROM approved") ?? 0) }
    }
}
