import Foundation
import Logging
import RebalancerCore
import RebalancerVenues
import RebalancerWire
import ZeroMQ

/// One recorded transfer on its way through its source venue's gateway.
struct LiveTransfer: Sendable {
    /// As recorded; `state` follows the record.
    var row: RecordedTransfer
    /// What the gateway is asked to do.
    var request: TransferRequest
    /// A submit or status request is awaiting the venue: no second one for this key meanwhile.
    var inFlight = false
    /// Not before this time is the venue asked again.
    var nextAt: Nanos = 0
}

/// How the executor moves capital: every transfer of an accepted plan goes to the gateway of its
/// source venue. The record says `submitting` before the gateway is called and the outcome is
/// recorded after; a submit whose outcome is unknown is retried later through `submit`, which
/// looks the key up first, so no transfer is made twice, even across a crash. Transfers not final
/// are followed with `status(of:)` from the tick until they settle or fail.
extension ExecutorRole {
    /// How often a venue is asked about one transfer, or a submit of unknown outcome retried.
    static let followInterval: Nanos = 2 * Nanos.perSecond

    /// The gateways of the venues capital may leave, and the simulated market's socket when a
    /// venue is simulated; nothing in monitor-only mode.
    static func makeGateways(runtime: NodeRuntime, monitorOnly: Bool) throws -> (
        orders: SocketLoop.Handle?, receiptOpener: EnvelopeOpener?, gateways: [VenueID: any TransferGateway], simulated: SimulatedTransferGateway?
    ) {
        let topology = runtime.topology
        guard !monitorOnly else { return (nil, nil, [:], nil) }
        let sources = Set(topology.routes.map(\.from))
        var gateways: [VenueID: any TransferGateway] = [:]
        var needsMarket = false
        for (index, venue) in topology.venues.enumerated() where sources.contains(venue.id) {
            do throws(VenueAdapterFactory.Problem) {
                if let gateway = try VenueAdapterFactory.gateway(for: venue, at: index) {
                    gateways[venue.id] = gateway
                } else {
                    needsMarket = true
                }
            } catch {
                throw WatcherRole.WatcherError.misconfigured("\(error)")
            }
        }
        guard needsMarket else { return (nil, nil, gateways, nil) }
        guard let market = topology.venuesNode else {
            throw WatcherRole.WatcherError.misconfigured("executor needs a venues node: a route leaves a simulated venue")
        }
        let orders = try runtime.connect(.dealer, to: market, endpoint: "orders", routingID: runtime.node.id)
        let simulated = SimulatedTransferGateway(runtime: runtime, orders: orders)
        for venue in topology.venues where sources.contains(venue.id) && gateways[venue.id] == nil {
            gateways[venue.id] = simulated
        }
        let opener = EnvelopeOpener(senders: [market.id: market.signingKey], types: [.orderReceipt])
        return (orders, opener, gateways, simulated)
    }

    /// The transfers recorded but not final before a restart, to drive again from the first tick.
    static func resumable(record: ExecutorRecord, runtime: NodeRuntime, monitorOnly: Bool, simulated: SimulatedTransferGateway?) throws -> [String: LiveTransfer] {
        var live: [String: LiveTransfer] = [:]
        for row in try record.unfinished() {
            if monitorOnly {
                runtime.logger.warning("monitor-only: transfer recorded but not final before restart is left as it is", metadata: ["id": "\(row.id)", "state": "\(row.state)", "key": "\(row.key)"])
                continue
            }
            runtime.logger.notice("resuming transfer recorded before restart; its key is looked up before anything is resubmitted", metadata: [
                "id": "\(row.id)", "state": "\(row.state)", "key": "\(row.key)",
            ])
            simulated?.track(IdempotencyKey(rawValue: row.key), id: row.id)
            live[row.id] = LiveTransfer(row: row, request: request(for: row, topology: runtime.topology))
        }
        let resumed = Set(live.keys)
        for id in try record.transfers(in: .accepted) where !resumed.contains(id) && !monitorOnly {
            runtime.logger.warning("transfer recorded before this version (no request kept) and not confirmed submitted; not resubmitted", metadata: ["id": "\(id)"])
        }
        return live
    }

    /// The request of a recorded transfer: the source venue's asset, the destination's deposit address.
    static func request(for row: RecordedTransfer, topology: Topology) -> TransferRequest {
        let destination = topology.venue(row.to).flatMap(VenueAdapterFactory.destination(of:))
        return TransferRequest(
            key: IdempotencyKey(rawValue: row.key), from: row.from, to: row.to, amount: row.amount,
            asset: topology.venue(row.from)?.asset ?? "", destination: destination?.address ?? "", network: destination?.network)
    }

    /// Starts driving a transfer the record has just accepted.
    func start(_ row: RecordedTransfer) {
        live[row.id] = LiveTransfer(row: row, request: Self.request(for: row, topology: runtime.topology))
        Task { await self.drive(row.id) }
    }

    /// Monitor-only: records, publishes and logs what would be transferred; submits nothing.
    func wouldTransfer(_ row: RecordedTransfer) async {
        let topology = runtime.topology
        let fee = topology.route(from: row.from, to: row.to)?.fee(for: row.amount) ?? 0
        let asset = topology.venue(row.from)?.asset ?? ""
        let detail = "monitor-only: would transfer \(Self.usd(row.amount)) \(asset) \(row.from) -> \(row.to), fee \(Self.usd(fee)) (key \(row.key))"
        do {
            try await record.update(transferID: row.id, state: .wouldTransfer, detail: detail, at: runtime.clock.now())
        } catch {
            runtime.logger.critical("cannot record would-transfer", metadata: ["id": "\(row.id)", "error": "\(error)"])
        }
        runtime.counters.increment("transfers.would_transfer")
        publish(planSeq: row.planSeq, index: Int32(row.index), id: row.id, state: .received, detail: detail, trigger: triggerAt[row.planSeq] ?? 0)
        runtime.logger.notice("\(detail)", metadata: ["id": "\(row.id)"])
    }

    /// `1234.56` for 123456 cents.
    static func usd(_ cents: Amount) -> String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// Submits a transfer (state `submitting` is recorded first). The awaits let other messages
    /// in; `inFlight`, set before the first, keeps a second submit or lookup of the same key out meanwhile.
    func drive(_ id: String) async {
        guard let transfer = live[id], !transfer.inFlight else { return }
        guard let gateway = gateways[transfer.row.from] else {
            return await apply(TransferStatus(key: transfer.request.key, state: .failed, reason: "no gateway moves capital out of \(transfer.row.from)"), to: id)
        }
        if gateway.kind != VenueAdapter.simulatedKind, transfer.request.destination.isEmpty {
            return await apply(TransferStatus(key: transfer.request.key, state: .failed, reason: "\(transfer.row.to) has no deposit_address"), to: id)
        }
        live[id]?.inFlight = true
        do {
            try await record.update(transferID: id, state: .submitting, at: runtime.clock.now())
        } catch {
            live[id]?.inFlight = false
            runtime.logger.critical("cannot record transfer as submitting; not submitting", metadata: ["id": "\(id)", "error": "\(error)"])
            return
        }
        if let current = live[id]?.row.state, current.rank < RecordedTransfer.State.submitting.rank { live[id]?.row.state = .submitting }
        let result: Result<TransferStatus, VenueError>
        do throws(VenueError) {
            result = .success(try await gateway.submit(transfer.request))
        } catch {
            result = .failure(error)
        }
        live[id]?.inFlight = false
        switch result {
        case let .success(status):
            await apply(status, to: id)
        case let .failure(error) where error.isRetryable || error.code == "malformed":
            // The venue may or may not hold it: asked again later through submit, which looks it up first.
            runtime.counters.increment("transfers.submit_unknown")
            live[id]?.nextAt = runtime.clock.now() + Self.delay(after: error)
            runtime.logger.warning("transfer submission outcome unknown; its key is looked up before any resubmission", metadata: [
                "id": "\(id)", "key": "\(transfer.row.key)", "error": "\(LogText.quoted(error.description, limit: 200))",
            ])
        case let .failure(error):
            await apply(TransferStatus(key: transfer.request.key, state: .failed, reason: error.description), to: id)
        }
    }

    /// Asks the venue what became of a submitted transfer.
    func follow(_ id: String) async {
        guard let transfer = live[id], !transfer.inFlight, let gateway = gateways[transfer.row.from] else { return }
        live[id]?.inFlight = true
        let result: Result<TransferStatus, VenueError>
        do throws(VenueError) {
            result = .success(try await gateway.status(of: transfer.request.key))
        } catch {
            result = .failure(error)
        }
        live[id]?.inFlight = false
        switch result {
        case let .success(status):
            await apply(status, to: id)
            live[id]?.nextAt = runtime.clock.now() + Self.followInterval
        case let .failure(error):
            runtime.counters.increment("transfers.status_unavailable")
            live[id]?.nextAt = runtime.clock.now() + Self.delay(after: error)
            runtime.logger.info("transfer status not available", metadata: ["id": "\(id)", "error": "\(LogText.quoted(error.description, limit: 200))"])
        }
    }

    /// From the tick: resubmits submits of unknown outcome and follows submitted transfers, each
    /// at most once per `followInterval`. The simulated market's receipts need no asking.
    func followTransfers(now: Nanos) {
        for (id, transfer) in live where !transfer.inFlight && now >= transfer.nextAt {
            live[id]?.nextAt = now + Self.followInterval
            switch transfer.row.state {
            case .accepted, .submitting:
                Task { await self.drive(id) }
            case .submitted, .pending:
                guard let gateway = gateways[transfer.row.from], gateway.kind != VenueAdapter.simulatedKind else { continue }
                Task { await self.follow(id) }
            case .settled, .failed, .wouldTransfer:
                continue
            }
        }
    }

    /// Records, counts and publishes a transfer's new status; a status that does not move the
    /// transfer forward (an older answer, the same state) changes nothing. A final one ends it.
    /// The state is taken before the record's write is awaited, so an older answer arriving
    /// meanwhile moves nothing; a failed write gives it back.
    func apply(_ status: TransferStatus, to id: String) async {
        guard let transfer = live[id] else { return }
        let name = status.state.rawValue
        // A status the record has no state for moves nothing.
        guard let state = RecordedTransfer.State(rawValue: name), state.rank > transfer.row.state.rank else { return }
        live[id]?.row.state = state
        do {
            try await record.update(transferID: id, state: state, detail: status.reason, at: runtime.clock.now())
        } catch {
            if live[id]?.row.state == state { live[id]?.row.state = transfer.row.state }
            runtime.logger.critical("cannot record transfer status", metadata: ["id": "\(id)", "state": "\(name)", "error": "\(error)"])
            return
        }
        runtime.counters.increment("transfers.\(name)")
        let row = transfer.row
        let trigger = triggerAt[row.planSeq] ?? 0
        switch status.state {
        case .submitted:
            runtime.decisionHop(.transferSubmitted, since: trigger)
            publish(planSeq: row.planSeq, index: Int32(row.index), id: id, state: .submitted, detail: status.reason ?? "", trigger: trigger)
        case .pending: break  // recorded; the wire has no pending state
        case .settled:
            runtime.decisionHop(.settled, since: trigger)
            publish(planSeq: row.planSeq, index: Int32(row.index), id: id, state: .settled, detail: status.reason ?? "\(row.from)->\(row.to)", trigger: trigger)
        case .failed:
            publish(planSeq: row.planSeq, index: Int32(row.index), id: id, state: .failed, detail: status.reason ?? "", trigger: trigger)
            runtime.logger.warning("transfer failed", metadata: ["id": "\(LogText.quoted(id))", "detail": "\(LogText.quoted(status.reason ?? "", limit: 200))"])
        }
        if status.state == .settled || status.state == .failed {
            live.removeValue(forKey: id)
            runtime.logger.info("transfer final", metadata: ["id": "\(id)", "state": "\(name)", "key": "\(row.key)"])
        }
    }

    /// How long to wait before asking the venue again after `error`: its Retry-After when it gave one.
    static func delay(after error: VenueError) -> Nanos {
        if case let .rateLimited(ms, _) = error { return max(ms * Nanos.perMillisecond, followInterval) }
        return followInterval
    }
}
