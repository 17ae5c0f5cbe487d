import Foundation
import RebalancerCore
import RebalancerSimulation

/// The price path a simulated market played, as `rebalancer venues` records it in its data
/// directory (`market-record.jsonl`): one JSON object per line, first a header with the book and
/// the routes, then one line per tick (its time, the mark price, the venues liquidated at it).
/// Appended as the market runs, so a run cut short still leaves every tick it played.
public struct MarketRecord: Sendable {
    /// The file name inside the venues node's data directory.
    public static let fileName = "market-record.jsonl"

    /// The first line.
    public struct Header: Codable, Sendable {
        /// The deployment.
        public var topologyID: String
        /// The market as it ran (seed overrides applied).
        public var market: MarketSpec
        /// The routes transfers settled along.
        public var routes: [Topology.Route]
        /// True when the prices replay a recorded CSV.
        public var replay: Bool

        enum CodingKeys: String, CodingKey {
            case topologyID = "topology_id"
            case market, routes, replay
        }
    }

    /// One tick (tick 0 is the market opening, before any price move).
    public struct Tick: Codable, Sendable {
        /// The tick number.
        public var tick: Int
        /// When it ran, in nanoseconds of the market's clock.
        public var atNs: Nanos
        /// The mark price after it.
        public var price: Double
        /// Venues liquidated at this tick.
        public var liquidated: [VenueID]?
        /// Transfers the market accepted since the previous tick.
        public var accepted: [Accepted]?

        enum CodingKeys: String, CodingKey {
            case tick
            case atNs = "at_ns"
            case price, liquidated, accepted
        }
    }

    /// A transfer the market accepted.
    public struct Accepted: Codable, Sendable, Equatable {
        /// Its id (`planSeq/index`).
        public var id: String
        /// Source venue.
        public var from: VenueID
        /// Destination venue.
        public var to: VenueID
        /// Amount debited at the source, in cents.
        public var amount: Amount
    }

    /// The header.
    public var header: Header
    /// Every tick, in order.
    public var ticks: [Tick]

    /// The path for `HindsightPath` and the liquidations that happened, as (venue, tick).
    public var path: HindsightPath {
        HindsightPath(accounts: header.market.accounts, routes: header.routes, prices: ticks.map(\.price), times: ticks.map(\.atNs))
    }

    /// Every liquidation, in order.
    public var liquidations: [(venue: VenueID, tick: Int)] {
        ticks.flatMap { tick in (tick.liquidated ?? []).map { (venue: $0, tick: tick.tick) } }
    }

    /// The hindsight report of the run, under the live system's rules: the deployment's floors
    /// and limits when `topology` is given, a transfer leaving at least
    /// `HindsightRules.liveMinimumDecisionNanos` after the tick it was decided on for the proof of
    /// "unavoidable", and `decisionNanos` (the demo's median decision time) for the schedule that
    /// proves "avoidable".
    public func hindsight(topology: Topology? = nil, decisionNanos: Nanos = DemoReplay.defaultDecisionNanos) -> HindsightReport {
        HindsightReport(path: livePath(topology: topology, decisionNanos: decisionNanos), liquidations: liquidations)
    }

    /// The forks of the run after which a strategy that does not see the future must guess
    /// (`HindsightPath.foresightForks`, mirrored around the market's calm drift), under the same
    /// rules as `hindsight`; at most `most`, the earliest first.
    public func foresightForks(topology: Topology? = nil, decisionNanos: Nanos = DemoReplay.defaultDecisionNanos, most: Int = 3) -> [HindsightPath.ForesightFork] {
        let path = livePath(topology: topology, decisionNanos: decisionNanos)
        return path.foresightForks(through: path.ticks, drift: header.market.logDriftPerTick, most: most)
    }

    /// `path` under the live system's rules (see `hindsight`).
    func livePath(topology: Topology?, decisionNanos: Nanos) -> HindsightPath {
        var path = path
        if let topology {
            path.rules = HindsightRules(topology: topology, minimumDecisionNanos: HindsightRules.liveMinimumDecisionNanos, decisionNanos: decisionNanos)
        } else {
            path.rules = HindsightRules(minimumDecisionNanos: HindsightRules.liveMinimumDecisionNanos, decisionNanos: decisionNanos)
        }
        return path
    }

    /// Reads a record; a directory is searched for the file itself or one level down (a demo's
    /// data directory holds one directory per node). A torn last line (a run killed mid-write) is ignored.
    public static func read(from path: String) throws -> MarketRecord {
        let file = try locate(path)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw MarketRecordError("cannot read \(file)") }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let decoder = JSONDecoder()
        guard let first = lines.first, let header = try? decoder.decode(Header.self, from: Data(first.utf8)) else {
            throw MarketRecordError("\(file): the first line is not a market record header")
        }
        var ticks: [Tick] = []
        for (n, line) in lines.dropFirst().enumerated() {
            guard let tick = try? decoder.decode(Tick.self, from: Data(line.utf8)) else {
                if n == lines.count - 2 { break }
                throw MarketRecordError("\(file): line \(n + 2) is not a tick")
            }
            guard tick.tick == ticks.count else { throw MarketRecordError("\(file): line \(n + 2) holds tick \(tick.tick), expected \(ticks.count)") }
            ticks.append(tick)
        }
        guard !ticks.isEmpty else { throw MarketRecordError("\(file): no tick recorded") }
        return MarketRecord(header: header, ticks: ticks)
    }

    private static func locate(_ path: String) throws -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { throw MarketRecordError("no file or directory at \(path)") }
        guard isDirectory.boolValue else { return path }
        let direct = (path as NSString).appendingPathComponent(fileName)
        if fm.fileExists(atPath: direct) { return direct }
        let children = ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted()
        for child in children {
            let candidate = ((path as NSString).appendingPathComponent(child) as NSString).appendingPathComponent(fileName)
            if fm.fileExists(atPath: candidate) { return candidate }
        }
        throw MarketRecordError("no \(fileName) in \(path) or its subdirectories (run the venues with a data directory)")
    }
}

/// A market record that cannot be read.
public struct MarketRecordError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Appends a `MarketRecord` as the market runs.
final class MarketRecorder {
    private let handle: FileHandle
    private let encoder = JSONEncoder()

    /// Creates (truncating) the file at `path` and writes the header and tick 0.
    init(path: String, header: MarketRecord.Header, opening: MarketRecord.Tick) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        guard FileManager.default.createFile(atPath: path, contents: nil) else { throw MarketRecordError("cannot create \(path)") }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        encoder.outputFormatting = [.sortedKeys]
        try append(header)
        try append(opening)
    }

    /// Appends one line.
    func append(_ value: some Encodable) throws {
        var data = try encoder.encode(value)
        data.append(0x0A)
        try handle.write(contentsOf: data)
    }

    deinit { try? handle.close() }
}
