import Foundation
import GRDB
import RebalancerCore

/// What a verifier has signed, durable before any approval leaves the process: after a crash it
/// never signs another digest for a signed planSeq, nor anything below it.
public final class VerifierLedger: Sendable {
    private let store: Store

    /// Opens the ledger at `path`.
    public init(path: String) throws {
        store = try Store(path: path, migrations: [("v1", { db in
            try db.create(table: "signed") { t in
                t.primaryKey("plan_seq", .integer)
                t.column("digest", .blob).notNull()
                t.column("signed_at", .integer).notNull()
                t.column("transfers", .blob).notNull()
            }
        })])
    }

    /// The last plan signed, if any.
    public func lastSigned() throws -> (seq: UInt64, digest: [UInt8])? {
        try store.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT plan_seq, digest FROM signed ORDER BY plan_seq DESC LIMIT 1") else { return nil }
            return (UInt64(row["plan_seq"] as Int64), Array(row["digest"] as Data))
        }
    }

    /// Transfers signed since `since`, for the sliding-window limits.
    public func outflows(since: Nanos) throws -> [Verifier.SignedOutflow] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT signed_at, transfers FROM signed WHERE signed_at >= ?", arguments: [since]).flatMap { row in
                let transfers = (try? JSONDecoder().decode([Transfer].self, from: row["transfers"] as Data)) ?? []
                return transfers.map { Verifier.SignedOutflow(at: row["signed_at"], transfer: $0) }
            }
        }
    }

    /// Durably records a signature. Throws, and so nothing is sent, if the sequence is already
    /// signed with another digest or a higher sequence is signed (`LedgerError`), or if the write fails.
    public func record(planSeq: UInt64, digest: [UInt8], transfers: [Transfer], at: Nanos) throws {
        try store.write { db in try Self.insert(db, planSeq: planSeq, digest: digest, transfers: transfers, at: at) }
    }

    private static func insert(_ db: Database, planSeq: UInt64, digest: [UInt8], transfers: [Transfer], at: Nanos) throws {
        // Statements prepared once per connection (GRDB's cache): the write is on the vote's path.
        let highest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(plan_seq) FROM signed")) ?? 0
        if let existing = try Data.fetchOne(db.cachedStatement(sql: "SELECT digest FROM signed WHERE plan_seq = ?"), arguments: [Int64(planSeq)]) {
            guard Array(existing) == digest else { throw LedgerError.equivocation(planSeq) }
            return
        }
        guard Int64(planSeq) > highest else { throw LedgerError.notIncreasing(planSeq, UInt64(highest)) }
        try db.cachedStatement(sql: "INSERT INTO signed (plan_seq, digest, signed_at, transfers) VALUES (?, ?, ?, ?)")
            .execute(arguments: [Int64(planSeq), Data(digest), at, try JSONEncoder().encode(transfers)])
    }

    /// Refusals of the ledger.
    public enum LedgerError: Error, CustomStringConvertible {
        /// Another digest is already signed under this sequence.
        case equivocation(UInt64)
        /// A higher sequence is already signed.
        case notIncreasing(UInt64, UInt64)

        /// A readable description.
        public var description: String {
            switch self {
            case let .equivocation(seq): "planSeq \(seq) already signed with another digest"
            case let .notIncreasing(seq, highest): "planSeq \(seq) not above signed \(highest)"
            }
        }
    }
}
