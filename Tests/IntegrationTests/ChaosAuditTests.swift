import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerTools
import RebalancerWire
import Testing

/// The chaos checks must catch what they claim to: the audit over hand-made journals, records and
/// venue reports passes a clean history and flags a lost plan, a plan executed on too few
/// signatures, a transfer no plan authorised, a planSeq published with two plans, and capital
/// that does not add up.
@Suite struct ChaosAuditTests {
    struct Fixture {
        let directory = NSTemporaryDirectory() + "chaos-audit-\(UUID().uuidString.prefix(8))"
        let topology: Deployment
        let coordinator: SigningKey
        let verifiers: [(NodeID, SigningKey)]
        var paths: ChaosAudit.Paths {
            .init(journals: [directory + "/coordinator/journal.sqlite"], executorRecords: ["executor-1": directory + "/executor-1/executed.sqlite"],
                  verifierLedgers: Dictionary(uniqueKeysWithValues: verifiers.map { ($0.0, directory + "/\($0.0)/ledger.sqlite") }),
                  venuesReport: directory + "/venues/report.json")
        }

        init() throws {
            let dir = directory
            _ = try TopologyInit.make(dir: dir, venues: 2, verifiers: 4, quorum: 3, basePort: 40_000)
            let topology = try TopologyFile.load(path: dir + "/topology.yaml")
            self.topology = topology
            coordinator = try KeyStore.load(node: "coordinator", dir: dir + "/keys").signer()
            verifiers = try topology.verifiers.map { ($0.id, try KeyStore.load(node: $0.id, dir: dir + "/keys").signer()) }
        }

        func plan(_ seq: UInt64, amount: Amount = 1_000_000) -> Plan {
            Plan(topologyID: topology.id, epoch: topology.epoch, planSeq: seq, createdAt: 1, expiresAt: 2,
                 transfers: [Transfer(from: "v1", to: "v2", amount: amount)], basis: [], triggerVenue: "v2", triggerObservedAt: 1, strategy: "test")
        }

        /// Journals `plan` signed by the first `signers` verifiers; records it executed unless told not to.
        func approve(_ plan: Plan, signers: Int = 3, execute: Bool = true) async throws {
            let digest = WireDigest.plan(plan)
            var approved = WireApprovedPlan()
            approved.plan = plan.wire
            approved.approvals = verifiers.prefix(signers).map { id, key in
                var a = Rebalancer_V1_Approval()
                a.verifier = id
                a.signature = Data(key.sign(digest))
                return a
            }
            let envelope = try Envelope.seal(approved, type: .approvedPlan, sender: "coordinator", key: coordinator)
            try CoordinatorJournal(path: paths.journals[0]).append(planSeq: plan.planSeq, digest: digest, envelope: envelope.bytes(), at: 1)
            if execute {
                try ExecutorRecord(path: paths.executorRecords["executor-1"]!).accept(planSeq: plan.planSeq, digest: digest, transferIDs: ["\(plan.planSeq)/0"], at: 1)
            }
        }

        /// Records `plan` as signed in the ledgers of the first `count` verifiers.
        func sign(_ plan: Plan, by count: Int) throws {
            for (id, _) in verifiers.prefix(count) {
                try FileManager.default.createDirectory(atPath: directory + "/\(id)", withIntermediateDirectories: true)
                try VerifierLedger(path: paths.verifierLedgers[id]!).record(planSeq: plan.planSeq, digest: WireDigest.plan(plan), transfers: plan.transfers, at: 1)
            }
        }

        func venues(_ transfers: [(String, Amount)], capitalError: Amount = 0) throws {
            let route = topology.route(from: "v1", to: "v2")!
            let accepted = transfers.map { VenuesReport.Transfer(id: $0.0, from: "v1", to: "v2", amount: $0.1, fee: route.fee(for: $0.1), executor: "executor-1") }
            let fees = accepted.reduce(0) { $0 + $1.fee }
            try VenuesReport(initialCapital: 10_000_000, capitalInSystem: 10_000_000 - fees + capitalError, feesPaid: fees, penaltiesCharged: 0, cumulativePnL: 0,
                             liquidations: 0, ticks: 10, transfersSettled: accepted.count, transfersInFlight: 0, accepted: accepted, refused: [:], refusedTransfers: [:])
                .write(to: paths.venuesReport)
        }

        func audit(live: [UInt64: Set<[UInt8]>] = [:]) throws -> ChaosReport {
            let audit = try ChaosAudit(topology: topology, paths: paths).run(liveDigests: live)
            let faults = [ChaosReport.Fault(at: 1, action: "kill", node: "executor-1", pid: 1, error: "")]
            return ChaosReport(seconds: 1, faults: faults, crashed: [], executorCounters: [:], plansReplayed: 0, audit: audit)
        }
    }

    func failed(_ report: ChaosReport) -> [String] { report.checks.filter { !$0.passed }.map(\.name) }

    @Test func aCleanHistoryPasses() async throws {
        let f = try Fixture()
        try await f.approve(f.plan(1))
        try await f.approve(f.plan(2))
        try f.venues([("1/0", 1_000_000), ("2/0", 1_000_000)])
        let report = try f.audit(live: [1: [WireDigest.plan(f.plan(1))]])
        #expect(report.passed, "\(report.text)")
        #expect(report.audit.plansApproved == 2 && report.audit.plansExecuted == 2 && report.audit.quorumVerified == 2)
    }

    @Test func aLostPlanIsFlagged() async throws {
        let f = try Fixture()
        try await f.approve(f.plan(1))
        try await f.approve(f.plan(2), execute: false)
        try f.venues([("1/0", 1_000_000)])
        let report = try f.audit()
        #expect(report.audit.lost == [2])
        #expect(failed(report) == ["every approved planSeq executed exactly once"])
    }

    @Test func tooFewSignaturesAndUnplannedTransfersAreFlagged() async throws {
        let f = try Fixture()
        try await f.approve(f.plan(1), signers: 2)
        try f.venues([("1/0", 1_000_000), ("7/0", 5_000)])
        let report = try f.audit()
        #expect(report.audit.executedWithoutQuorum == [1])
        #expect(Set(report.audit.unauthorisedTransfers) == ["1/0", "7/0"])
        #expect(failed(report) == ["no transfer executed without a valid quorum"])
    }

    @Test func aSequencePublishedWithTwoPlansIsFlagged() async throws {
        let f = try Fixture()
        try await f.approve(f.plan(1))
        try f.venues([("1/0", 1_000_000)])
        let report = try f.audit(live: [1: [WireDigest.plan(f.plan(1, amount: 2_000_000))]])
        #expect(report.audit.approvedTwice == [1])
        #expect(failed(report) == ["no planSeq approved twice"])
    }

    /// A proposal one verifier signed before its coordinator died, whose sequence the next
    /// proposal took with the other three: one approval. The same with a quorum behind each: two.
    @Test func aSequenceTwoQuorumsSignedIsFlaggedAndAStrayProposalIsNot() async throws {
        let f = try Fixture()
        let stray = f.plan(1, amount: 2_000_000)
        try f.sign(stray, by: 1)
        try await f.approve(f.plan(1))
        try f.venues([("1/0", 1_000_000)])
        let report = try f.audit()
        #expect(report.passed, "\(report.text)")

        let g = try Fixture()
        try g.sign(g.plan(1, amount: 2_000_000), by: 3)
        try await g.approve(g.plan(1))
        try g.venues([("1/0", 1_000_000)])
        let twice = try g.audit()
        #expect(twice.audit.approvedTwice == [1])
        #expect(failed(twice) == ["no planSeq approved twice"])
    }

    @Test func capitalThatDoesNotAddUpIsFlagged() async throws {
        let f = try Fixture()
        try await f.approve(f.plan(1))
        try f.venues([("1/0", 1_000_000)], capitalError: -1)
        let report = try f.audit()
        #expect(failed(report) == ["capital reconciled"])
    }
}
