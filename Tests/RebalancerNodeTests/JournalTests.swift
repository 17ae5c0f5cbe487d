import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// What must survive a crash: reopened databases remember, and refuse what would break a promise.
@Suite struct JournalTests {
    let directory = NSTemporaryDirectory() + "journal-\(UUID().uuidString.prefix(8))"

    @Test func coordinatorContinuesAfterTheHighestSequenceEverUsedAndNeverJournalsOneTwice() throws {
        let path = directory + "/coordinator.sqlite"
        do {
            let journal = try CoordinatorJournal(path: path)
            #expect(try journal.lastPlanSeq() == 0)
            try journal.reserve(planSeq: 1)
            try journal.append(planSeq: 1, digest: [1], envelope: [10, 11], at: 5)
            try journal.reserve(planSeq: 2)  // proposed, never approved: still never reused
        }
        let reopened = try CoordinatorJournal(path: path)
        #expect(try reopened.lastPlanSeq() == 2)
        #expect(try reopened.lastApproved() == 1)
        #expect(try reopened.append(planSeq: 1, digest: [9], envelope: [9], at: 6) == false)
        try reopened.append(planSeq: 3, digest: [3], envelope: [30], at: 7)
        let replay = try reopened.approved(after: 0)
        #expect(replay.map(\.planSeq) == [1, 3])
        #expect(replay.first?.envelope == [10, 11])
        #expect(try reopened.approved(after: 1).map(\.planSeq) == [3])
    }

    @Test func aReserveNeverLowersWhatWasReservedAndAnAppendIsNeverRepeated() throws {
        let path = directory + "/coordinator-now.sqlite"
        do {
            let journal = try CoordinatorJournal(path: path)
            try journal.reserve(planSeq: 1)
            #expect(try journal.append(planSeq: 1, digest: [1], envelope: [10], at: 5))
            try journal.reserve(planSeq: 4)
            try journal.reserve(planSeq: 2)  // never lowers what was reserved
        }
        let reopened = try CoordinatorJournal(path: path)
        #expect(try reopened.lastPlanSeq() == 4)
        #expect(try reopened.append(planSeq: 1, digest: [9], envelope: [9], at: 6) == false)
        #expect(try reopened.approved(after: 0).map(\.envelope) == [[10]])
    }

    @Test func verifierNeverSignsAnotherDigestForASequenceNorALowerOneAfterRestart() async throws {
        let path = directory + "/verifier.sqlite"
        let transfer = Transfer(from: "a", to: "b", amount: 100)
        do {
            let ledger = try VerifierLedger(path: path)
            try ledger.record(planSeq: 4, digest: [4], transfers: [transfer], at: 1_000)
        }
        let ledger = try VerifierLedger(path: path)
        #expect(try ledger.lastSigned()?.seq == 4)
        #expect(try ledger.lastSigned()?.digest == [4])
        try ledger.record(planSeq: 4, digest: [4], transfers: [transfer], at: 1_001)  // the same answer again is fine
        #expect(throws: VerifierLedger.LedgerError.self) { try ledger.record(planSeq: 4, digest: [5], transfers: [], at: 1_002) }
        #expect(throws: VerifierLedger.LedgerError.self) { try ledger.record(planSeq: 3, digest: [3], transfers: [], at: 1_003) }
        #expect(try ledger.outflows(since: 0) == [Verifier.SignedOutflow(at: 1_000, transfer: transfer)])
        #expect(try ledger.outflows(since: 2_000).isEmpty)
    }

    @Test func executorRecordsAPlanOnceAndKeepsTransferStates() async throws {
        let path = directory + "/executor.sqlite"
        do {
            let record = try ExecutorRecord(path: path)
            #expect(try record.accept(planSeq: 7, digest: [7], transferIDs: ["7/0", "7/1"], at: 1))
            try record.update(transferID: "7/0", state: .settled, at: 2)
        }
        let record = try ExecutorRecord(path: path)
        #expect(try record.executed() == [7])
        #expect(try record.accept(planSeq: 7, digest: [7], transferIDs: ["7/0"], at: 3) == false)
        #expect(try record.transfers(in: .accepted) == ["7/1"])
        #expect(try record.transfers(in: .settled) == ["7/0"])
    }
}
