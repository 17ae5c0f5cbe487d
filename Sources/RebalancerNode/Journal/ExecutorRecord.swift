import Foundation
import GRDB
import RebalancerCore

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
        }), ("v3-transfer-requests", { db in
            // What a restart needs to drive a transfer again through its venue's gateway.
            try db.alter(table: "transfer") { t in
                t.add(column: "transfer_index", .integer)
                t.add(column: "from_venue", .text)
                t.add(column: "to_venue", .text)
                t.add(column: "amount", .integer)
                t.add(column: "idempotency_key", .text)
                t.add(column: "detail", .text)
            }
        }), ("v4-approved-envelopes", { db in
            // The approved plan exactly as received, signed by the coordinator: handed back to a
            // coordinator that lost its journal, so its replay stays complete.
            try db.alter(table: "executed") { t in t.add(column: "envelope", .blob) }
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

    /// Durably records an accepted plan and each of its transfers (state `accepted`) with what a
    /// restart needs to submit it again under the same key. False if the plan is already there.
    @discardableResult
    public func accept(planSeq: UInt64, digest: [UInt8], transfers: [RecordedTransfer], at: Int64, envelope: [UInt8]? = nil) throws -> Bool {
        try store.write { db in
            if try Int64.fetchOne(db, sql: "SELECT plan_seq FROM executed WHERE plan_seq = ?", arguments: [Int64(planSeq)]) != nil { return false }
            try db.execute(sql: "INSERT INTO executed (plan_seq, digest, accepted_at, envelope) VALUES (?, ?, ?, ?)",
                           arguments: [Int64(planSeq), Data(digest), at, envelope.map { Data($0) }])
            for t in transfers {
                try db.execute(
                    sql: """
                        INSERT INTO transfer (id, plan_seq, state, updated_at, transfer_index, from_venue, to_venue, amount, idempotency_key)
                        VALUES (?, ?, 'accepted', ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [t.id, Int64(planSeq), at, t.index, t.from, t.to, t.amount, t.key])
            }
            return true
        }
    }

    /// The approved-plan envelopes recorded after `planSeq`, in order, at most `limit`.
    public func approvedEnvelopes(after planSeq: UInt64, limit: Int = 1000) throws -> [(planSeq: UInt64, envelope: [UInt8])] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT plan_seq, envelope FROM executed WHERE plan_seq > ? AND envelope IS NOT NULL ORDER BY plan_seq LIMIT ?",
                             arguments: [Int64(planSeq), limit])
                .map { (UInt64($0["plan_seq"] as Int64), Array($0["envelope"] as Data)) }
        }
    }

    /// Records a transfer's new state, and the venue's detail when there is one.
    public func update(transferID: String, state: RecordedTransfer.State, detail: String? = nil, at: Int64) throws {
        try store.write { db in
            try db.execute(
                sql: "UPDATE transfer SET state = ?, detail = COALESCE(?, detail), updated_at = ? WHERE id = ?",
                arguments: [state.rawValue, detail, at, transferID])
        }
    }

    /// One transfer as recorded.
    public func transfer(_ id: String) throws -> RecordedTransfer? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM transfer WHERE id = ?", arguments: [id]).flatMap(RecordedTransfer.init(row:))
        }
    }

    /// Every transfer recorded but not final (not settled, failed or only reported by a
    /// monitor-only executor), in id order, with what is needed to drive it again.
    public func unfinished() throws -> [RecordedTransfer] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM transfer WHERE state IN ('accepted', 'submitting', 'submitted', 'pending') ORDER BY plan_seq, transfer_index")
                .compactMap(RecordedTransfer.init(row:))
        }
    }

    /// Transfers recorded in a state, for resuming after a restart.
    public func transfers(in state: RecordedTransfer.State) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: "SELECT id FROM transfer WHERE state = ? ORDER BY id", arguments: [state.rawValue]) }
    }
}

/// One transfer of an accepted plan, as the executor's record holds it.
public struct RecordedTransfer: Sendable, Equatable {
    /// `planSeq/index` (`Transfer.id(planSeq:index:)`).
    public var id: String
    /// The plan it belongs to.
    public var planSeq: UInt64
    /// Its index in the plan's canonical order.
    public var index: Int
    /// Source venue.
    public var from: String
    /// Destination venue.
    public var to: String
    /// Amount in cents.
    public var amount: Int64
    /// The idempotency key it is submitted under.
    public var key: String
    /// Where it stands.
    public var state: State
    /// The venue's last word on it (status text, failure reason).
    public var detail: String?

    /// Creates a transfer row (state `accepted`).
    public init(id: String, planSeq: UInt64, index: Int, from: String, to: String, amount: Int64, key: String, state: State = .accepted, detail: String? = nil) {
        self.id = id
        self.planSeq = planSeq
        self.index = index
        self.from = from
        self.to = to
        self.amount = amount
        self.key = key
        self.state = state
        self.detail = detail
    }

    /// A row recorded before v3 carries no request and cannot be driven again, nor can a row in a
    /// state this version does not know: nil.
    init?(row: Row) {
        guard let index: Int = row["transfer_index"], let from: String = row["from_venue"], let to: String = row["to_venue"],
              let amount: Int64 = row["amount"], let key: String = row["idempotency_key"],
              let state = (row["state"] as String?).flatMap(State.init(rawValue:)) else { return nil }
        let planSeq: Int64 = row["plan_seq"]
        self.init(id: row["id"], planSeq: UInt64(planSeq), index: index, from: from, to: to, amount: amount, key: key, state: state, detail: row["detail"])
    }
}

extension RecordedTransfer {
    /// Where a recorded transfer stands; the raw value is what the record's `state` column holds.
    /// The executor's core owns it (and the order of the states).
    public typealias State = Executor.TransferState
}
