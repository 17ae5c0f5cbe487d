import Foundation
import Logging
import RebalancerCore
import RebalancerSimulation
import RebalancerWire
import ZeroMQ

/// The simulated outside world: every venue's balances and positions, a moving price, fees,
/// liquidations, and transfers settled after their route's latency. Watchers read its feed as
/// they would read an exchange API; executors submit transfers to it as they would send
/// transactions, and get a receipt when each is accepted and when it settles.
///
/// In load mode every tick is a burst of market ticks published back to back, each changing
/// every venue's state, to measure how many verified states the coordinator and verifiers take.
/// With a report path, the final figures and every accepted transfer are written there as JSON
/// on shutdown, for the chaos check to reconcile capital against the executors' records.
///
/// With a warm-up, the market publishes its opening state every tick for that long before its
/// price path moves (no price step, settlement or liquidation, nothing recorded), so that a
/// pipeline started just before it can join the feeds before anything happens.
public actor VenuesRole: RoleHandler {
    /// How long one load-mode burst runs before the actor lets orders in.
    public static let loadBurst: Duration = .milliseconds(20)

    private let runtime: NodeRuntime
    private var market: Market
    private let feed: SocketLoop.Handle
    private let orders: SocketLoop.Handle
    private let orderOpener: EnvelopeOpener
    private var submitter: [String: [UInt8]] = [:]
    private var liquidationsSeen = 0
    private let load: Bool
    private let reportPath: String?
    private var accepted: [VenuesReport.Transfer] = []
    private var refused: [String: Int] = [:]
    private var refusedTransfers: [String: String] = [:]
    private var recorder: MarketRecorder?
    private var acceptedSinceTick: [MarketRecord.Accepted] = []
    /// Until when (clock ns) the warm-up holds the price path still; nil once it moves.
    private var warmupEndsAt: Nanos?
    /// The record to open when the price path starts moving (after the warm-up).
    private var pendingRecord: (path: String, header: MarketRecord.Header)?

    /// Sets up the market and its sockets; `prices` replays a recorded path instead of the seeded
    /// walk; `load` publishes as fast as it can; `reportPath` receives the final figures on shutdown;
    /// `recordPath` receives the price path as it is played (`MarketRecord`; never in load mode);
    /// `warmupSeconds` holds the price path still that long, publishing the opening state.
    public init(runtime: NodeRuntime, prices: [Double]? = nil, load: Bool = false, reportPath: String? = nil, recordPath: String? = nil, warmupSeconds: Double = 0) throws {
        self.runtime = runtime
        self.load = load
        self.reportPath = reportPath
        let topology = runtime.topology
        let market = Market(spec: runtime.deployment.market, routes: topology.routes, prices: prices.map { PricePath.replay($0) })
        self.market = market
        feed = try runtime.bind(.pub, endpoint: "feed", receive: false)
        orders = try runtime.bind(.router, endpoint: "orders", receive: true)
        orderOpener = EnvelopeOpener(senders: topology.signingKeys(of: .executor), types: [.transferOrder])
        if let recordPath, !load {
            pendingRecord = (recordPath, MarketRecord.Header(topologyID: topology.id, market: runtime.deployment.market, routes: topology.routes, replay: prices != nil))
        }
        let now = runtime.clock.now()
        if warmupSeconds > 0 {
            warmupEndsAt = now + Nanos(warmupSeconds * Double(Nanos.perSecond))
        } else {
            recorder = Self.openRecord(pendingRecord, now: now, price: market.price, logger: runtime.logger)
            pendingRecord = nil
        }
        runtime.logger.info("market open", metadata: [
            "venues": "\(market.venues.count)", "price": "\(market.price)", "capital": "\(market.initialCapital)", "warmup_s": "\(warmupSeconds)",
        ])
    }

    /// The recorder of the price path from its opening at `now`; nil (logged) when it cannot write.
    private static func openRecord(_ record: (path: String, header: MarketRecord.Header)?, now: Nanos, price: Double, logger: Logger) -> MarketRecorder? {
        guard let record else { return nil }
        do {
            return try MarketRecorder(path: record.path, header: record.header, opening: .init(tick: 0, atNs: now, price: price))
        } catch {
            logger.error("cannot record the price path", metadata: ["path": "\(record.path)", "error": "\(error)"])
            return nil
        }
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        guard inbound.handle == orders, inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle, peer: inbound.peerUserID) }
        let identity = inbound.frames[0]
        guard let (opened, order) = runtime.open(inbound.frames[1], with: orderOpener, from: inbound.handle, peer: inbound.peerUserID, as: WireTransferOrder.self) else { return }
        guard order.hasTransfer else {
            return runtime.drop(.malformedPayload, from: inbound.handle, sender: opened.sender, type: opened.type, peer: inbound.peerUserID)
        }
        let now = runtime.clock.now()
        let result = market.submit(transferID: order.transferID, from: order.transfer.from, to: order.transfer.to, amount: order.transfer.amount, now: now)
        var receipt = WireOrderReceipt()
        receipt.transferID = order.transferID
        receipt.atNs = now
        switch result {
        case let .success(due):
            submitter[order.transferID] = identity
            let fee = market.route(from: order.transfer.from, to: order.transfer.to).map { Market.fee(on: $0, amount: order.transfer.amount) } ?? 0
            accepted.append(.init(id: order.transferID, from: order.transfer.from, to: order.transfer.to, amount: order.transfer.amount, fee: fee, executor: opened.sender))
            if recorder != nil || pendingRecord != nil { acceptedSinceTick.append(.init(id: order.transferID, from: order.transfer.from, to: order.transfer.to, amount: order.transfer.amount)) }
            receipt.state = .submitted
            receipt.detail = "settles in \((due - now) / Nanos.perMillisecond) ms"
            runtime.counters.increment("transfers.accepted")
        case let .failure(rejection):
            receipt.state = .failed
            receipt.detail = rejection.code
            refused[rejection.code, default: 0] += 1
            if refusedTransfers[order.transferID] == nil { refusedTransfers[order.transferID] = rejection.code }
            runtime.counters.increment("transfers.refused.\(rejection.code)")
            runtime.logger.warning("transfer refused", metadata: ["executor": "\(opened.sender)", "id": "\(LogText.quoted(order.transferID))", "reason": "\(LogText.quoted("\(rejection)", limit: 200))"])
        }
        reply(receipt, to: identity)
    }

    public func tick() async {
        if let ends = warmupEndsAt {
            let now = runtime.clock.now()
            guard now >= ends else { return publish(now: now) }
            warmupEndsAt = nil
            recorder = Self.openRecord(pendingRecord, now: now, price: market.price, logger: runtime.logger)
            pendingRecord = nil
            runtime.logger.info("price path started", metadata: ["price": "\(market.price)"])
        }
        guard load else { return step(now: runtime.clock.now()) }
        let started = ContinuousClock.now
        repeat {
            step(now: runtime.clock.now())
        } while ContinuousClock.now - started < Self.loadBurst
    }

    /// One market tick: settle, liquidate, and publish every venue's state.
    private func step(now: Nanos) {
        var liquidated: [VenueID] = []
        defer { record(now: now, liquidated: liquidated) }
        for event in market.tick(now: now) {
            switch event {
            case let .settled(id, from, to, credited):
                runtime.counters.increment("transfers.settled")
                guard let identity = submitter.removeValue(forKey: id) else { continue }
                var receipt = WireOrderReceipt()
                receipt.transferID = id
                receipt.state = .settled
                receipt.detail = "\(from)->\(to)"
                receipt.credited = credited
                receipt.atNs = now
                reply(receipt, to: identity)
            case let .liquidated(venue, penalty):
                liquidated.append(venue)
                runtime.counters.increment("liquidations")
                runtime.logger.warning("liquidated", metadata: ["venue": "\(venue)", "penalty": "\(penalty)", "price": "\(market.price)"])
            case let .regimeChanged(regime):
                runtime.logger.info("volatility regime", metadata: ["regime": "\(regime.rawValue)"])
            }
        }
        publish(now: now)
    }

    /// Publishes every venue's state as of the market's current tick.
    private func publish(now: Nanos) {
        for venue in market.venues {
            guard let state = market.state(of: venue, seq: market.ticks, observedAt: now) else { continue }
            var tick = WireMarketTick()
            tick.state = state.wire
            tick.price = market.price
            tick.liquidations = UInt64(market.liquidations)
            tick.feesPaid = market.feesPaid
            tick.penaltiesCharged = market.penaltiesCharged
            tick.transfersSettled = UInt64(market.transfersSettled)
            tick.capitalInSystem = market.capitalInSystem
            tick.initialCapital = market.initialCapital
            if let envelope = runtime.seal(tick, type: .marketTick) {
                runtime.send(envelope, topic: Topic.tick(venue), on: feed)
                runtime.counters.increment("ticks.published")
            }
        }
    }

    /// Appends the tick just played to the record; a failed write stops recording (logged once).
    private func record(now: Nanos, liquidated: [VenueID]) {
        guard let recorder else { return }
        defer { acceptedSinceTick.removeAll() }
        do {
            try recorder.append(MarketRecord.Tick(
                tick: Int(market.ticks), atNs: now, price: market.price, liquidated: liquidated.isEmpty ? nil : liquidated,
                accepted: acceptedSinceTick.isEmpty ? nil : acceptedSinceTick
            ))
        } catch {
            runtime.logger.error("price path record stopped", metadata: ["error": "\(error)"])
            self.recorder = nil
        }
    }

    private func reply(_ receipt: WireOrderReceipt, to identity: [UInt8]) {
        guard let envelope = runtime.seal(receipt, type: .orderReceipt) else { return }
        runtime.send(envelope, to: identity, on: orders)
    }

    /// The market's final figures, for logs on shutdown, and the report file if asked for.
    public func stopping() async {
        runtime.logger.info("market closed", metadata: [
            "liquidations": "\(market.liquidations)", "fees_paid": "\(market.feesPaid)",
            "penalties": "\(market.penaltiesCharged)", "settled": "\(market.transfersSettled)",
            "capital": "\(market.capitalInSystem)", "initial": "\(market.initialCapital)",
        ])
        guard let reportPath else { return }
        let report = VenuesReport(
            initialCapital: market.initialCapital, capitalInSystem: market.capitalInSystem, feesPaid: market.feesPaid,
            penaltiesCharged: market.penaltiesCharged, cumulativePnL: market.cumulativePnL, liquidations: market.liquidations,
            ticks: market.ticks, transfersSettled: market.transfersSettled, transfersInFlight: market.transfersInFlight,
            accepted: accepted, refused: refused, refusedTransfers: refusedTransfers
        )
        do {
            try report.write(to: reportPath)
            runtime.logger.info("report written", metadata: ["path": "\(reportPath)"])
        } catch {
            runtime.logger.error("cannot write report", metadata: ["path": "\(reportPath)", "error": "\(error)"])
        }
    }
}
