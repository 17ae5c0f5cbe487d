import Foundation
import Logging
import RebalancerCore
import RebalancerVenues
import RebalancerWire
import ZeroMQ

/// One recorded transfer on its way through its source venue's gateway: what the shell needs to
/// call the gateway and publish its status (where it stands is the core's `FollowedTransfer`).
struct LiveTransfer: Sendable {
    /// As recorded when it was accepted or resumed.
    var row: RecordedTransfer
    /// What the gateway is asked to do.
    var request: TransferRequest
}

/// How the executor moves capital: every transfer of an accepted plan goes to the gateway of its
/// source venue. The record says `submitting` before the gateway is called and the outcome is
/// recorded after; a submit whose outcome is unknown is retried later through `submit`, which
/// looks the key up first, so no transfer is made twice, even across a crash. Transfers not final
/// are followed with `status(of:)` from the tick until they settle or fail. When to call, whether
/// an answer moves a transfer and whether a failure is tried again are the core's decisions
/// (`Executor+Transfers.swift`); this shell calls the gateways, writes the record and publishes.
extension ExecutorRole {

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

    /// What moves a transfer's capital, as the gateways say (the core decides what follows from it).
    static func route(for request: TransferRequest, gateways: [VenueID: any TransferGateway]) -> Executor.TransferRoute {
        guard let gateway = gateways[request.from] else { return .noGateway }
        if gateway.kind == VenueAdapter.simulatedKind { return .simulated }
        return .venue(hasDestination: !request.destination.isEmpty)
    }

    /// Starts driving a transfer the record has just accepted.
    func start(_ row: RecordedTransfer) {
        let request = Self.request(for: row, topology: runtime.topology)
        live[row.id] = LiveTransfer(row: row, request: request)
        let event = Executor.TransferEvent.accepted(id: row.id, from: row.from, to: row.to, route: Self.route(for: request, gateways: gateways))
        Task { await self.feed(event) }
    }

    /// Monitor-only: records, publishes and logs what would be transferred; submits nothing.
    func wouldTransfer(_ row: RecordedTransfer) async {
        let topology = runtime.topology
        let fee = topology.route(from: row.from, to: row.to)?.fee(for: row.amount) ?? 0
        let asset = topology.venue(row.from)?.asset ?? ""
        let detail = "monitor-only: would transfer \(Self.usd(row.amount)) \(asset) \(row.from) -> \(row.to), fee \(Self.usd(fee)) (key \(row.key))"
        do {
            try record.update(transferID: row.id, state: .wouldTransfer, detail: detail, at: runtime.clock.now())
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

    /// Hands the core a transfer event and carries out what it says, in order.
    func feed(_ event: Executor.TransferEvent) async {
        for directive in step(.transfer(event)) {
            if case let .transfer(step) = directive { await perform(step) }
        }
    }

    /// Carries out one of the core's transfer directives; each outcome goes back to the core.
    func perform(_ directive: Executor.TransferDirective) async {
        switch directive {
        case let .recordSubmitting(id):
            do {
                try record.update(transferID: id, state: .submitting, at: runtime.clock.now())
            } catch {
                runtime.logger.critical("cannot record transfer as submitting; not submitting", metadata: ["id": "\(id)", "error": "\(error)"])
                return await feed(.submittingNotRecorded(id: id))
            }
            await feed(.submittingRecorded(id: id))
        case let .submit(id):
            await call(.submit, for: id)
        case let .askStatus(id):
            await call(.status, for: id)
        case let .recordStatus(id, state, reason, previous):
            do {
                try record.update(transferID: id, state: state, detail: reason, at: runtime.clock.now())
            } catch {
                runtime.logger.critical("cannot record transfer status", metadata: ["id": "\(id)", "state": "\(state.rawValue)", "error": "\(error)"])
                return await feed(.statusNotRecorded(id: id, state: state, previous: previous))
            }
            await feed(.statusRecorded(id: id, state: state, reason: reason))
        case let .statusApplied(id, state, reason, final):
            applied(state, reason: reason, to: id, final: final)
        case let .submitOutcomeUnknown(id, detail, _):
            runtime.counters.increment("transfers.submit_unknown")
            runtime.logger.warning("transfer submission outcome unknown; its key is looked up before any resubmission", metadata: [
                "id": "\(id)", "key": "\(live[id]?.row.key ?? "")", "error": "\(LogText.quoted(detail, limit: 200))",
            ])
        case let .statusUnavailable(id, detail, _):
            runtime.counters.increment("transfers.status_unavailable")
            runtime.logger.info("transfer status not available", metadata: ["id": "\(id)", "error": "\(LogText.quoted(detail, limit: 200))"])
        }
    }

    /// Calls the source venue's gateway (submit, or ask the status) and reports the outcome to the core.
    private func call(_ call: Executor.VenueCall, for id: String) async {
        guard let transfer = live[id], let gateway = gateways[transfer.row.from] else { return }
        let result: Result<TransferStatus, VenueError>
        do throws(VenueError) {
            switch call {
            case .submit: result = .success(try await gateway.submit(transfer.request))
            case .status: result = .success(try await gateway.status(of: transfer.request.key))
            }
        } catch {
            result = .failure(error)
        }
        switch result {
        case let .success(status):
            await feed(.answered(id: id, call, state: status.state.recorded, reason: status.reason))
        case let .failure(error):
            await feed(.callFailed(id: id, call, error.failure, detail: error.description))
        }
    }

    /// A status the simulated market's receipt reported.
    func reported(_ status: TransferStatus, for id: String) async {
        await feed(.reported(id: id, state: status.state.recorded, reason: status.reason))
    }

    /// Counts, publishes and logs a transfer's new state, which the record holds; a final one ends it.
    private func applied(_ state: Executor.TransferState, reason: String?, to id: String, final: Bool) {
        guard let row = live[id]?.row else { return }
        runtime.counters.increment("transfers.\(state.rawValue)")
        let trigger = triggerAt[row.planSeq] ?? 0
        switch state {
        case .submitted:
            runtime.decisionHop(.transferSubmitted, since: trigger)
            publish(planSeq: row.planSeq, index: Int32(row.index), id: id, state: .submitted, detail: reason ?? "", trigger: trigger)
        case .settled:
            runtime.decisionHop(.settled, since: trigger)
            publish(planSeq: row.planSeq, index: Int32(row.index), id: id, state: .settled, detail: reason ?? "\(row.from)->\(row.to)", trigger: trigger)
        case .failed:
            publish(planSeq: row.planSeq, index: Int32(row.index), id: id, state: .failed, detail: reason ?? "", trigger: trigger)
            runtime.logger.warning("transfer failed", metadata: ["id": "\(LogText.quoted(id))", "detail": "\(LogText.quoted(reason ?? "", limit: 200))"])
        case .pending, .accepted, .submitting, .wouldTransfer:
            break  // recorded; the wire has no such state
        }
        if final {
            live.removeValue(forKey: id)
            runtime.logger.info("transfer final", metadata: ["id": "\(id)", "state": "\(state.rawValue)", "key": "\(row.key)"])
        }
    }
}

extension TransferStatus.State {
    /// The record's state for a venue's answer.
    var recorded: Executor.TransferState {
        switch self {
        case .submitted: .submitted
        case .pending: .pending
        case .settled: .settled
        case .failed: .failed
        }
    }
}

extension VenueError {
    /// The core's name for this failure (the core decides whether it is tried again).
    var failure: Executor.VenueFailure {
        switch self {
        case let .rateLimited(retryAfterMs, _): .rateLimited(retryAfter: retryAfterMs * Nanos.perMillisecond)
        case .unauthorized: .unauthorized
        case .timeout: .timeout
        case .unavailable: .unavailable
        case .malformed: .malformed
        case .rejected: .rejected
        case .notFound: .notFound
        case .unsupported: .unsupported
        }
    }
}
