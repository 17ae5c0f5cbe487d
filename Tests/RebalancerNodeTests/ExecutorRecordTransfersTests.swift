import Foundation
import RebalancerCore
import RebalancerNode
import RebalancerVenues
import Testing

/// What an executor restarted mid-transfer needs: every transfer not final, with its request and key.
@Suite struct ExecutorRecordTransfersTests {
    let path = NSTemporaryDirectory() + "executor-record-\(UUID().uuidString.prefix(8))/executed.sqlite"

    @Test func unfinishedTransfersKeepTheirRequestAcrossAReopen() async throws {
        let rows = (0..<4).map { index in
            RecordedTransfer(id: "9/\(index)", planSeq: 9, index: index, from: "v1", to: "v2", amount: 100_00 + Int64(index), key: "rb-t-9-\(index)")
        }
        do {
            let record = try ExecutorRecord(path: path)
            #expect(try record.accept(planSeq: 9, digest: [9], transfers: rows, at: 1))
            try record.update(transferID: "9/0", state: .submitting, at: 2)
            try record.update(transferID: "9/1", state: .pending, detail: "processing", at: 3)
            try record.update(transferID: "9/2", state: .settled, at: 4)
            try record.update(transferID: "9/3", state: .wouldTransfer, detail: "monitor-only: would transfer", at: 5)
            // A plan recorded the pre-v3 way has no request: it is never driven again.
            #expect(try record.accept(planSeq: 8, digest: [8], transferIDs: ["8/0"], at: 6))
        }
        let record = try ExecutorRecord(path: path)
        let unfinished = try record.unfinished()
        #expect(unfinished.map(\.id) == ["9/0", "9/1"])
        #expect(unfinished.first == RecordedTransfer(id: "9/0", planSeq: 9, index: 0, from: "v1", to: "v2", amount: 100_00, key: "rb-t-9-0", state: .submitting))
        #expect(unfinished.last?.detail == "processing")
        // A state change without a detail keeps the last detail.
        try record.update(transferID: "9/1", state: .settled, at: 7)
        #expect(try record.transfer("9/1")?.detail == "processing")
        #expect(try record.transfer("9/3")?.state == .wouldTransfer)
        #expect(try record.accept(planSeq: 9, digest: [9], transfers: rows, at: 8) == false)
        #expect(try record.transfer("8/0") == nil)
        #expect(try record.transfers(in: .accepted) == ["8/0"])
    }

    /// What a coordinator that lost its journal gets back: the envelopes as received, in order,
    /// after the sequence it asks from; plans recorded without one are left out.
    @Test func approvedEnvelopesComeBackInOrderAfterTheAskedSequence() async throws {
        let record = try ExecutorRecord(path: path)
        #expect(try record.accept(planSeq: 3, digest: [3], transfers: [], at: 1, envelope: [0xC3]))
        #expect(try record.accept(planSeq: 1, digest: [1], transfers: [], at: 1, envelope: [0xC1]))
        #expect(try record.accept(planSeq: 2, digest: [2], transferIDs: [], at: 1))
        #expect(try record.accept(planSeq: 5, digest: [5], transfers: [], at: 1, envelope: [0xC5]))
        #expect(try record.approvedEnvelopes(after: 0).map(\.planSeq) == [1, 3, 5])
        #expect(try record.approvedEnvelopes(after: 1).map(\.envelope) == [[0xC3], [0xC5]])
        #expect(try record.approvedEnvelopes(after: 0, limit: 1).map(\.planSeq) == [1])
        #expect(try record.approvedEnvelopes(after: 5).isEmpty)
    }

    @Test func theSimulatedMarketsTransferIDComesFromTheKey() {
        #expect(SimulatedTransferGateway.transferID(of: .init(rawValue: "rb-local-ab12-41-3")) == "41/3")
        #expect(SimulatedTransferGateway.transferID(of: .init(rawValue: "rb-x")) == nil)
        #expect(SimulatedTransferGateway.transferID(of: .init(rawValue: "rb-local-ab-3")) == nil)
    }
}
