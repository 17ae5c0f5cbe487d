import Foundation
import RebalancerCore
@testable import RebalancerNode
import RebalancerSimulation
import Testing

/// The price path the venues process records, read back for the hindsight report.
@Suite struct MarketRecordTests {
    let directory = NSTemporaryDirectory() + "market-record-\(UUID().uuidString.prefix(8))"

    var header: MarketRecord.Header {
        let accounts = MarketScenario.deltaNeutral(venues: ["a", "b"], balance: 100_00, quantity: 10)
        let spec = MarketScenario.spec(seed: 1, accounts: accounts)
        return .init(topologyID: "t", market: spec, routes: MarketScenario.fullMesh(venues: ["a", "b"], latencyMs: 450), replay: false)
    }

    /// Writes a record of `prices` (tick k at k × 100 ms) into the venues folder of a demo directory.
    func write(_ prices: [Double], liquidated: [Int: [VenueID]] = [:]) throws -> String {
        let path = directory + "/venues/" + MarketRecord.fileName
        let recorder = try MarketRecorder(path: path, header: header, opening: .init(tick: 0, atNs: 0, price: prices[0]))
        for (k, price) in prices.enumerated().dropFirst() {
            try recorder.append(MarketRecord.Tick(tick: k, atNs: Nanos(k) * 100_000_000, price: price, liquidated: liquidated[k]))
        }
        return path
    }

    @Test func readsBackThePathAndJudgesTheLiquidations() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try write([100, 100, 100, 100, 110, 110], liquidated: [4: ["b"]])
        // A demo's data directory is searched one level down.
        let record = try MarketRecord.read(from: directory)
        #expect(record.ticks.count == 6)
        #expect(record.path.prices == [100, 100, 100, 100, 110, 110])
        #expect(record.path.times[4] == 400_000_000)
        #expect(record.liquidations.map(\.venue) == ["b"])
        // 450 ms routes: nothing sent after tick 0 lands before the jump at tick 4, and the pair has no spare capital.
        let report = record.hindsight()
        #expect(report.firstUnavoidableTick == 4)
        #expect(report.liquidations.map(\.avoidable) == [false])
    }

    @Test func aTornLastLineIsIgnoredAndABrokenOneIsNot() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write([100, 101, 102])
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"tick\":3,\"at_".utf8))
        try handle.close()
        #expect(try MarketRecord.read(from: path).ticks.count == 3)
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "\"tick\":1", with: "\"tick\":7")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MarketRecordError.self) { try MarketRecord.read(from: path) }
        #expect(throws: MarketRecordError.self) { try MarketRecord.read(from: directory + "/nowhere") }
    }
}
