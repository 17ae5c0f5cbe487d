import Foundation
import GRDB
import RebalancerCore
import RebalancerNode
import RebalancerWire

/// The checks after a chaos run, from what the processes left on disk, opened read-only: the
/// coordinator's journal, every executor's record, every verifier's ledger, and the venues'
/// final report. It trusts none of them: each executed plan's quorum is re-verified from the
/// journaled envelope, and each transfer the venues accepted is matched to such a plan.
public struct ChaosAudit: Sendable {
    /// Where each node's files are.
    public struct Paths: Sendable {
        /// Every coordinator's journal (the leader's and its standbys').
        public var journals: [String]
        /// Each executor's record, by node id.
        public var executorRecords: [NodeID: String]
        /// Each verifier's ledger, by node id.
        public var verifierLedgers: [NodeID: String]
        /// The venues' final report.
        public var venuesReport: String

        /// Creates the paths.
        public init(journals: [String], executorRecords: [NodeID: String], verifierLedgers: [NodeID: String], venuesReport: String) {
            self.journals = journals
            self.executorRecords = executorRecords
            self.verifierLedgers = verifierLedgers
            self.venuesReport = venuesReport
        }
    }

    /// A journaled approved plan.
    struct Approved {
        var planSeq: UInt64
        var digest: [UInt8]
        var envelope: [UInt8]
    }

    let topology: Deployment
    let paths: Paths

    /// An audit of `topology`'s files at `paths`.
    public init(topology: Deployment, paths: Paths) {
        self.topology = topology
        self.paths = paths
    }

    /// Opens a database read-only; nil if it does not exist (the node never wrote one).
    static func open(_ path: String) throws -> DatabaseQueue? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// The approved plans of every coordinator's journal, one per (planSeq, digest), in order: a
    /// plan followed by a standby appears in both journals once.
    func approvedPlans() throws -> [Approved] {
        var seen = Set<[UInt8]>()
        var all: [Approved] = []
        for path in paths.journals {
            guard let db = try Self.open(path) else { continue }
            let rows = try db.read { db in
                try Row.fetchAll(db, sql: "SELECT plan_seq, digest, envelope FROM approved ORDER BY plan_seq").map {
                    Approved(planSeq: UInt64($0["plan_seq"] as Int64), digest: Array($0["digest"] as Data), envelope: Array($0["envelope"] as Data))
                }
            }
            for row in rows where seen.insert(withUnsafeBytes(of: row.planSeq.bigEndian, Array.init) + row.digest).inserted { all.append(row) }
        }
        return all.sorted { $0.planSeq < $1.planSeq }
    }

    /// Executed plan sequences and digests of one executor.
    func executed(_ path: String) throws -> [(planSeq: UInt64, digest: [UInt8])] {
        guard let db = try Self.open(path) else { return [] }
        return try db.read { db in
            try Row.fetchAll(db, sql: "SELECT plan_seq, digest FROM executed ORDER BY plan_seq").map {
                (UInt64($0["plan_seq"] as Int64), Array($0["digest"] as Data))
            }
        }
    }

    /// Transfer ids and states of one executor.
    func transfers(_ path: String) throws -> [String: String] {
        guard let db = try Self.open(path) else { return [:] }
        return try db.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT id, state FROM transfer").map { ($0["id"] as String, $0["state"] as String) }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// Signed digests of one verifier, by planSeq.
    func signed(_ path: String) throws -> [UInt64: [UInt8]] {
        guard let db = try Self.open(path) else { return [:] }
        return try db.read { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT plan_seq, digest FROM signed").map { (UInt64($0["plan_seq"] as Int64), Array($0["digest"] as Data)) },
                       uniquingKeysWith: { a, _ in a })
        }
    }

    /// Plan sequences journaled as approved but in no executor's record: what the run waits on
    /// before stopping everything.
    public func unexecuted() throws -> [UInt64] {
        var done = Set<UInt64>()
        for path in paths.executorRecords.values { done.formUnion(try executed(path).map(\.planSeq)) }
        return try approvedPlans().map(\.planSeq).filter { !done.contains($0) }
    }

    /// The plan in a journaled envelope if the envelope is the coordinator's, for this planSeq,
    /// and carries `quorum` valid signatures of distinct verifiers over the digest recomputed here.
    func verifiedPlan(_ approved: Approved) -> (plan: Plan, signers: Set<NodeID>)? {
        guard let envelope = try? Envelope(serializedBytes: approved.envelope),
              let coordinator = topology.coordinators.first(where: { $0.id == envelope.sender }),
              envelope.type == .approvedPlan, envelope.isSigned(by: coordinator.signingKey),
              let wire = try? WireApprovedPlan(serializedBytes: envelope.payload), wire.hasPlan
        else { return nil }
        let plan = Plan(wire: wire.plan)
        let digest = WireDigest.plan(plan)
        guard plan.planSeq == approved.planSeq, digest == approved.digest,
              plan.topologyID == topology.id, plan.epoch == topology.epoch else { return nil }
        let signers = wire.validSigners(of: digest, keys: topology.signingKeys(of: .verifier))
        return signers.count >= topology.quorum ? (plan, signers) : nil
    }

    /// Runs every check. `liveDigests` are the approved plans the monitor saw published.
    public func run(liveDigests: [UInt64: Set<[UInt8]>]) throws -> ChaosReport.Audit {
        var audit = ChaosReport.Audit()
        let approved = try approvedPlans()
        audit.plansApproved = approved.count
        var digests: [UInt64: Set<[UInt8]>] = [:]
        for a in approved { digests[a.planSeq, default: []].insert(a.digest) }
        for (seq, set) in liveDigests { digests[seq, default: []].formUnion(set) }
        audit.publishedNotJournaled = liveDigests.keys.filter { seq in !approved.contains { $0.planSeq == seq } }.sorted()

        // Executors' records.
        var executedBy: [UInt64: [NodeID]] = [:]
        var executorTransfers: [String: String] = [:]
        for (node, path) in paths.executorRecords.sorted(by: { $0.key < $1.key }) {
            for row in try executed(path) {
                executedBy[row.planSeq, default: []].append(node)
                digests[row.planSeq, default: []].insert(row.digest)
            }
            executorTransfers.merge(try transfers(path)) { a, _ in a }
        }
        audit.plansExecuted = executedBy.count
        // Verifiers' ledgers: a digest a quorum of them signed for a journaled planSeq is an
        // approval, and must be that plan. A digest fewer signed is a proposal that never reached
        // quorum (its coordinator died mid-vote and the next proposal took the sequence, which
        // the verifiers that signed the first refuse): it can never execute, so it is no second approval.
        let journaled = Dictionary(approved.map { ($0.planSeq, $0.digest) }, uniquingKeysWith: { a, _ in a })
        var signers: [UInt64: [[UInt8]: Int]] = [:]
        for path in paths.verifierLedgers.values {
            for (seq, digest) in try signed(path) where journaled[seq] != nil {
                signers[seq, default: [:]][digest, default: 0] += 1
            }
        }
        for (seq, counts) in signers {
            for (digest, count) in counts where count >= topology.quorum { digests[seq, default: []].insert(digest) }
        }
        audit.approvedTwice = digests.filter { $0.value.count > 1 }.keys.sorted()
        audit.lost = approved.map(\.planSeq).filter { executedBy[$0] == nil }
        audit.executedNotApproved = executedBy.keys.filter { journaled[$0] == nil }.sorted()

        // Quorum: re-verify the journaled envelope of every executed plan.
        var plans: [UInt64: Plan] = [:]
        for a in approved {
            if let verified = verifiedPlan(a) {
                plans[a.planSeq] = verified.plan
            } else if executedBy[a.planSeq] != nil {
                audit.executedWithoutQuorum.append(a.planSeq)
            }
        }
        audit.executedWithoutQuorum += audit.executedNotApproved
        audit.executedWithoutQuorum.sort()
        audit.quorumVerified = executedBy.keys.filter { plans[$0] != nil }.count

        // The outside world: every transfer the venues accepted belongs to a verified, executed
        // plan, each id once; every transfer of an executed plan reached the venues.
        let report = try VenuesReport.read(from: paths.venuesReport)
        var acceptedCount: [String: Int] = [:]
        for transfer in report.accepted { acceptedCount[transfer.id, default: 0] += 1 }
        audit.duplicateExecutions = acceptedCount.filter { $0.value > 1 }.keys.sorted()
            + executedBy.filter { $0.value.count > Set($0.value).count }.keys.map { "\($0)" }
        audit.resubmissionsRefused = report.refused["duplicate_transfer_id"] ?? 0
        for transfer in report.accepted {
            guard let (seq, index) = Transfer.parseID(transfer.id), let plan = plans[seq], executedBy[seq] != nil else {
                audit.unauthorisedTransfers.append(transfer.id)
                continue
            }
            let canonical = Plan.canonical(plan.transfers)
            guard canonical.indices.contains(index), canonical[index].from == transfer.from, canonical[index].to == transfer.to,
                  canonical[index].amount == transfer.amount else {
                audit.unauthorisedTransfers.append(transfer.id)
                continue
            }
        }
        audit.transfersAccepted = report.accepted.count
        audit.transfersRefused = report.refused.filter { $0.key != "duplicate_transfer_id" }.values.reduce(0, +)
        audit.transfersNeverSubmitted = executorTransfers.keys.filter { acceptedCount[$0] == nil && report.refusedTransfers[$0] == nil }.sorted()

        // Capital.
        audit.initialCapital = report.initialCapital
        audit.finalCapital = report.capitalInSystem
        audit.feesPaid = report.feesPaid
        audit.penaltiesCharged = report.penaltiesCharged
        audit.cumulativePnL = report.cumulativePnL
        audit.liquidations = report.liquidations
        audit.feesOfAcceptedTransfers = report.accepted.reduce(0) { $0 + $1.fee }
        audit.capitalReconciled = report.reconciles && audit.feesOfAcceptedTransfers == report.feesPaid
        return audit
    }
}
