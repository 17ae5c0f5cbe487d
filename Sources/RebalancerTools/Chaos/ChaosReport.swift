import Foundation
import RebalancerCore
import RebalancerNode

/// What a chaos run reports: the faults it injected, the audit's counts, and each check's verdict.
/// Printed at the end and written as JSON with `--json`.
public struct ChaosReport: Codable, Sendable {
    /// One injected fault.
    public struct Fault: Codable, Sendable {
        /// Seconds since the run's start.
        public var at: Double
        /// `kill` (SIGKILL), `restart`, `pause` (SIGSTOP) or `resume` (SIGCONT).
        public var action: String
        /// The node.
        public var node: String
        /// The process acted on (the new one for a restart).
        public var pid: Int32
        /// Empty when the fault was carried out; otherwise why not.
        public var error: String

        /// Creates a fault entry.
        public init(at: Double, action: String, node: String, pid: Int32, error: String) {
            self.at = at
            self.action = action
            self.node = node
            self.pid = pid
            self.error = error
        }
    }

    /// The counts the audit derived from the journals, records, ledgers and the venues' report.
    public struct Audit: Codable, Sendable {
        /// Plans in the coordinator's journal.
        public var plansApproved = 0
        /// Distinct plans in the executors' records.
        public var plansExecuted = 0
        /// Executed plans whose journaled envelope carries a valid quorum.
        public var quorumVerified = 0
        /// planSeqs seen with more than one digest (journal, live feed, executors, verifier ledgers).
        public var approvedTwice: [UInt64] = []
        /// planSeqs published live but missing from the journal.
        public var publishedNotJournaled: [UInt64] = []
        /// Approved planSeqs no executor executed.
        public var lost: [UInt64] = []
        /// Executed planSeqs the journal does not hold.
        public var executedNotApproved: [UInt64] = []
        /// Executed planSeqs without a valid quorum over the recomputed digest.
        public var executedWithoutQuorum: [UInt64] = []
        /// Transfer ids (or planSeqs) carried out more than once.
        public var duplicateExecutions: [String] = []
        /// Resubmissions of an already accepted transfer id that the venues refused (harmless).
        public var resubmissionsRefused = 0
        /// Transfers the venues accepted that match no transfer of a verified, executed plan.
        public var unauthorisedTransfers: [String] = []
        /// Transfers the venues accepted.
        public var transfersAccepted = 0
        /// Transfers the venues refused for a business reason (balance, route, ...).
        public var transfersRefused = 0
        /// Transfers an executor recorded that never reached the venues.
        public var transfersNeverSubmitted: [String] = []
        /// Capital at the start, in cents.
        public var initialCapital: Amount = 0
        /// Capital at the end (balances plus credits in flight), in cents.
        public var finalCapital: Amount = 0
        /// Route fees charged, in cents.
        public var feesPaid: Amount = 0
        /// Liquidation penalties charged, in cents.
        public var penaltiesCharged: Amount = 0
        /// Mark-to-market PnL (zero while hedged), in cents.
        public var cumulativePnL: Amount = 0
        /// Venues liquidated.
        public var liquidations = 0
        /// Sum of the fees of the accepted transfers, in cents: must equal `feesPaid`.
        public var feesOfAcceptedTransfers: Amount = 0
        /// final + fees + penalties - PnL == initial, and the fees are those of the accepted transfers.
        public var capitalReconciled = false

        /// Creates an empty audit.
        public init() {}
    }

    /// One check's verdict.
    public struct Check: Codable, Sendable {
        /// What is checked.
        public var name: String
        /// Whether it held.
        public var passed: Bool
        /// The evidence.
        public var detail: String
    }

    /// How long the run lasted, in seconds.
    public var seconds: Double
    /// Faults injected, in order.
    public var faults: [Fault]
    /// Children that exited without being killed on purpose: `id (role) status N, log`.
    public var crashed: [String]
    /// Executor counters of interest (refused plans by reason, replays), from each executor's
    /// last incarnation.
    public var executorCounters: [String: Int64]
    /// Approved plans the coordinator's replay endpoint served to executors (from its logs): plans
    /// an executor missed while it or the coordinator was down and got back.
    public var plansReplayed: Int
    /// The audit.
    public var audit: Audit
    /// The longest time between two heartbeats of a leading coordinator, in ms (an upper bound of
    /// the longest time without an active coordinator; a heartbeat interval when nothing failed over).
    public var longestWithoutLeaderMs: Double = 0
    /// Every check.
    public var checks: [Check]

    /// True when every check held.
    public var passed: Bool { checks.allSatisfy(\.passed) }

    /// Creates a report and derives the checks from the audit.
    public init(seconds: Double, faults: [Fault], crashed: [String], executorCounters: [String: Int64], plansReplayed: Int, audit: Audit) {
        self.seconds = seconds
        self.plansReplayed = plansReplayed
        self.faults = faults
        self.crashed = crashed
        self.executorCounters = executorCounters
        self.audit = audit
        func list<T>(_ items: [T]) -> String { items.isEmpty ? "none" : items.prefix(20).map { "\($0)" }.joined(separator: ", ") + (items.count > 20 ? " (\(items.count) in all)" : "") }
        let a = audit
        let failedFaults = faults.filter { !$0.error.isEmpty }
        checks = [
            Check(name: "faults injected", passed: failedFaults.isEmpty && !faults.isEmpty,
                  detail: "\(faults.count) actions, failed: \(list(failedFaults.map { "\($0.action) \($0.node): \($0.error)" }))"),
            Check(name: "no process crashed", passed: crashed.isEmpty, detail: list(crashed)),
            Check(name: "plans were approved", passed: a.plansApproved > 0, detail: "\(a.plansApproved) approved"),
            Check(name: "every approved planSeq executed exactly once",
                  passed: a.lost.isEmpty && a.duplicateExecutions.isEmpty && a.executedNotApproved.isEmpty,
                  detail: "lost \(list(a.lost)); duplicates \(list(a.duplicateExecutions)); executed but not journaled \(list(a.executedNotApproved))"),
            Check(name: "no planSeq approved twice", passed: a.approvedTwice.isEmpty && a.publishedNotJournaled.isEmpty,
                  detail: "seqs with two digests \(list(a.approvedTwice)); published but not journaled \(list(a.publishedNotJournaled))"),
            Check(name: "no transfer executed without a valid quorum",
                  passed: a.executedWithoutQuorum.isEmpty && a.unauthorisedTransfers.isEmpty,
                  detail: "\(a.quorumVerified)/\(a.plansExecuted) executed plans re-verified; without quorum \(list(a.executedWithoutQuorum)); venue transfers matching no verified plan \(list(a.unauthorisedTransfers))"),
            Check(name: "every executed transfer reached the venues", passed: a.transfersNeverSubmitted.isEmpty,
                  detail: "accepted \(a.transfersAccepted), refused \(a.transfersRefused), never submitted \(list(a.transfersNeverSubmitted))"),
            Check(name: "capital reconciled", passed: a.capitalReconciled,
                  detail: "initial \(a.initialCapital) = final \(a.finalCapital) + fees \(a.feesPaid) + penalties \(a.penaltiesCharged) - pnl \(a.cumulativePnL) → \(a.finalCapital + a.feesPaid + a.penaltiesCharged - a.cumulativePnL); fees of accepted transfers \(a.feesOfAcceptedTransfers)"),
        ]
    }

    /// The report for a terminal.
    public var text: String {
        let a = audit
        var lines: [String] = []
        lines.append(String(format: "chaos run: %.1f s, %d fault actions", seconds, faults.count))
        for fault in faults {
            let at = String(format: "%6.1f", fault.at)
            lines.append("  \(at) s  \(fault.action.padding(toLength: 8, withPad: " ", startingAt: 0))\(fault.node) (pid \(fault.pid))\(fault.error.isEmpty ? "" : " FAILED: \(fault.error)")")
        }
        lines.append("plans approved \(a.plansApproved), executed \(a.plansExecuted), duplicates \(a.duplicateExecutions.count + a.approvedTwice.count), lost \(a.lost.count), quorum re-verified \(a.quorumVerified)")
        lines.append("plans replayed to executors \(plansReplayed)")
        lines.append(String(format: "longest time without a leading coordinator's heartbeat %.0f ms", longestWithoutLeaderMs))
        lines.append("transfers accepted by the venues \(a.transfersAccepted), refused \(a.transfersRefused), resubmissions refused \(a.resubmissionsRefused), liquidations \(a.liquidations)")
        lines.append("capital \(a.capitalReconciled ? "reconciled" : "NOT reconciled"): initial $\(Double(a.initialCapital) / 100) = final $\(Double(a.finalCapital) / 100) + fees $\(Double(a.feesPaid) / 100) + penalties $\(Double(a.penaltiesCharged) / 100)")
        if !executorCounters.isEmpty {
            lines.append("executor: " + executorCounters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        for check in checks {
            lines.append("\(check.passed ? "PASS" : "FAIL")  \(check.name): \(check.detail)")
        }
        lines.append(passed ? "chaos: all checks passed" : "chaos: FAILED")
        return lines.joined(separator: "\n")
    }
}
