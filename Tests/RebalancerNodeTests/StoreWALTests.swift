import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// The WAL a store writes ahead: commits overwrite it instead of growing it, and what a crash
/// leaves (valid frames, then zeros) recovers every commit.
@Suite struct StoreWALTests {
    let directory = NSTemporaryDirectory() + "store-wal-\(UUID().uuidString.prefix(8))"

    func size(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test func commitsOverwriteTheSizedWALAndACrashCopyRecoversEverySignature() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/ledger.sqlite"
        let ledger = try VerifierLedger(path: path)
        let wal = path + "-wal"
        let sized = try size(wal)
        #expect(sized >= 256 * 4096, "the WAL is written ahead when the store opens")
        for seq in 1...40 { try ledger.record(planSeq: UInt64(seq), digest: [UInt8(seq)], transfers: [], at: Nanos(seq)) }
        #expect(try size(wal) == sized, "40 commits landed inside the WAL")
        // What a crash leaves: the database and its WAL as they are while the ledger is open (the
        // shared-memory index is rebuilt from the WAL, whose zeros past the last frame are ignored).
        try FileManager.default.createDirectory(atPath: directory + "/crash", withIntermediateDirectories: true)
        let copy = directory + "/crash/ledger.sqlite"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.copyItem(atPath: wal, toPath: copy + "-wal")
        let recovered = try VerifierLedger(path: copy)
        #expect(try recovered.lastSigned()?.seq == 40)
        #expect(try recovered.lastSigned()?.digest == [40])
        #expect(throws: VerifierLedger.LedgerError.self) { try recovered.record(planSeq: 40, digest: [0], transfers: [], at: 99) }
        try recovered.record(planSeq: 41, digest: [41], transfers: [], at: 100)
        #expect(try recovered.lastSigned()?.seq == 41)
    }
}
