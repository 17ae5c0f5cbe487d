import Foundation
import RebalancerCore
import RebalancerVenues

/// Builds each venue's `VenueReader` and `TransferGateway` from its topology entry
/// (`venues[i].adapter`). A venue with no adapter, or `kind: simulated`, is the built-in market:
/// its watcher and executor use the `venues` node's sockets (`SimulatedVenue`).
///
/// One `adapter:` mapping serves both sides, split by name:
/// - `deposit_address`, `deposit_network`: how capital is paid *into* this venue (read by the
///   gateway of the venue the capital leaves; the address must be on that venue's allow-list);
/// - `withdraw_<name>`: a parameter of this venue's transfer gateway only (`withdraw_base_url`);
/// - credentials (`*_file`, `*_env`) and `recv_window_ms`: both sides;
/// - `poll_ms`: how often the watcher reads the venue (the watcher's own, no adapter's);
/// - everything else: the reader.
public enum VenueAdapterFactory {
    /// The kinds a topology may name.
    public static let kinds = [VenueAdapter.simulatedKind, HyperliquidReader.kind, BinanceUSDMReader.kind, DYDXReader.kind, externalKind]

    /// Any venue through a child process speaking docs/adapters.md (`command: ...`): one
    /// adapter both reads and transfers, so it takes the same parameters on both sides.
    public static let externalKind = "external"

    /// Why an adapter cannot be built: the field (`venues[2].adapter.address`) and the problem.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// The topology path of the field.
        public var path: String
        /// What is wrong.
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// The reader of `venue`, or nil for the simulated market.
    public static func reader(for venue: Topology.Venue, at index: Int) throws(Problem) -> (any VenueReader)? {
        guard let adapter = venue.adapter, !adapter.isSimulated else { return nil }
        let parameters = readerParameters(adapter.parameters)
        guard kinds.contains(adapter.kind) else { throw unknownKind(adapter.kind, at: index) }
        if adapter.kind == externalKind { return try external(adapter, at: index) }
        do throws(AdapterParameterError) {
            switch adapter.kind {
            case HyperliquidReader.kind: return try HyperliquidReader(parameters: parameters)
            case BinanceUSDMReader.kind: return try BinanceUSDMReader(parameters: parameters)
            default: return try DYDXReader(parameters: parameters)
            }
        } catch {
            throw Problem(path: "venues[\(index)].\(error.field)", message: error.message)
        }
    }

    /// The gateway that moves capital out of `venue`, or nil for the simulated market. Throws
    /// when the kind cannot move capital (a read-only venue such as Hyperliquid or dYdX here).
    public static func gateway(for venue: Topology.Venue, at index: Int) throws(Problem) -> (any TransferGateway)? {
        guard let adapter = venue.adapter, !adapter.isSimulated else { return nil }
        let parameters = gatewayParameters(adapter.parameters)
        guard kinds.contains(adapter.kind) else { throw unknownKind(adapter.kind, at: index) }
        if adapter.kind == externalKind { return try external(adapter, at: index) }
        guard adapter.kind == BinanceWithdrawGateway.kind else {
            throw Problem(path: "venues[\(index)].adapter.kind", message: "\(adapter.kind) is read-only here: no route may leave \(venue.id) (its withdrawals are signed chain actions; use an external adapter)")
        }
        do throws(AdapterParameterError) {
            return try BinanceWithdrawGateway(parameters: parameters)
        } catch {
            throw Problem(path: "venues[\(index)].\(error.field)", message: error.message)
        }
    }

    /// The range `poll_ms` may take, ms.
    public static let pollRange: ClosedRange<Int64> = 50...3_600_000

    /// How often the watcher of `venue` reads it, ms: its adapter's `poll_ms`, or `heartbeatMs`
    /// when absent. Throws, naming the field, for a value that is not an integer in `pollRange`.
    public static func pollMs(of venue: Topology.Venue, at index: Int, heartbeatMs: Int64) throws(Problem) -> Int64 {
        guard let text = venue.adapter?.parameters["poll_ms"]?.trimmingCharacters(in: .whitespaces) else { return heartbeatMs }
        guard let value = Int64(text), pollRange.contains(value) else {
            throw Problem(path: "venues[\(index)].adapter.poll_ms", message: "must be an integer from \(pollRange.lowerBound) to \(pollRange.upperBound) (milliseconds between reads), got \"\(text)\"")
        }
        return value
    }

    /// Where capital for `venue` is sent: its `deposit_address` (and `deposit_network`).
    public static func destination(of venue: Topology.Venue) -> (address: String, network: String?)? {
        guard let parameters = venue.adapter?.parameters, let address = parameters["deposit_address"] else { return nil }
        return (address, parameters["deposit_network"])
    }

    /// Every problem with the adapters of `topology`, each naming its field: the reader of every
    /// venue with an adapter, the gateway of every venue a route leaves, the deposit address of
    /// every venue a route from a real venue enters.
    public static func check(_ topology: Topology) -> [Problem] {
        var problems: [Problem] = []
        for (index, venue) in topology.venues.enumerated() {
            guard let adapter = venue.adapter else { continue }
            if !kinds.contains(adapter.kind) {
                problems.append(unknownKind(adapter.kind, at: index))
                continue
            }
            if adapter.isSimulated {
                if let extra = adapter.parameters.keys.sorted().first {
                    problems.append(Problem(path: "venues[\(index)].adapter.\(extra)", message: "unknown parameter (the simulated market takes none)"))
                }
                continue
            }
            do throws(Problem) { _ = try reader(for: venue, at: index) } catch { problems.append(error) }
            do throws(Problem) { _ = try pollMs(of: venue, at: index, heartbeatMs: topology.timing.heartbeatMs) } catch { problems.append(error) }
            let leaves = topology.routes.filter { $0.from == venue.id }
            if !leaves.isEmpty {
                do throws(Problem) { _ = try gateway(for: venue, at: index) } catch { problems.append(error) }
            }
        }
        for (index, venue) in topology.venues.enumerated() {
            let fromReal = topology.routes.contains { route in
                route.to == venue.id && topology.venue(route.from)?.adapter.map { !$0.isSimulated } == true
            }
            if fromReal, destination(of: venue) == nil {
                problems.append(Problem(path: "venues[\(index)].adapter.deposit_address", message: "is required: a route from a real venue pays into \(venue.id)"))
            }
        }
        return problems
    }

    private static func external(_ adapter: VenueAdapter, at index: Int) throws(Problem) -> ExternalAdapter {
        do throws(ExternalAdapter.ParameterError) {
            return try ExternalAdapter(parameters: readerParameters(adapter.parameters))
        } catch {
            throw Problem(path: "venues[\(index)].\(error.field)", message: error.reason)
        }
    }

    private static func unknownKind(_ kind: String, at index: Int) -> Problem {
        Problem(path: "venues[\(index)].adapter.kind", message: "unknown adapter kind \"\(kind)\" (expected one of: \(kinds.joined(separator: ", ")))")
    }

    private static let depositKeys: Set = ["deposit_address", "deposit_network"]
    /// The watcher's own parameters, read by no adapter.
    private static let watcherKeys: Set = ["poll_ms"]

    private static func isShared(_ key: String) -> Bool {
        key.hasSuffix("_file") || key.hasSuffix("_env") || key == "recv_window_ms"
    }

    /// The reader's parameters: all but the deposit, watcher (`poll_ms`) and `withdraw_` ones.
    static func readerParameters(_ all: [String: String]) -> [String: String] {
        all.filter { !depositKeys.contains($0.key) && !watcherKeys.contains($0.key) && !$0.key.hasPrefix("withdraw_") }
    }

    /// The gateway's parameters: the shared ones and the `withdraw_` ones without their prefix.
    static func gatewayParameters(_ all: [String: String]) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in all {
            if key.hasPrefix("withdraw_") {
                out[String(key.dropFirst("withdraw_".count))] = value
            } else if isShared(key) {
                out[key] = value
            }
        }
        return out
    }
}
