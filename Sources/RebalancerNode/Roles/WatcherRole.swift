import Foundation
import Logging
import RebalancerCore
import RebalancerWire
import ZeroMQ

/// A watcher: reads one venue (here through the simulated market's feed, as it would read an
/// exchange API) and publishes its full state, signed, sequence-numbered, re-published every
/// heartbeat so a late subscriber converges at once.
public actor WatcherRole: RoleHandler {
    private let runtime: NodeRuntime
    private let venue: VenueID
    private let feed: SocketLoop.Handle
    private let publisher: SocketLoop.Handle
    private let opener: EnvelopeOpener
    private var seq: UInt64
    private var last: Envelope?
    private var lastPublishedAt: Nanos = 0
    private var heartbeatSeq: UInt64 = 0
    private var trend = UtilisationTrend()
    private var venuesWatch: UpstreamWatch

    /// Sets up the sockets of the watcher of `venue`.
    public init(runtime: NodeRuntime) throws {
        guard let venue = runtime.node.venue, let market = runtime.topology.venuesNode else {
            throw WatcherError.misconfigured("watcher \(runtime.node.id) needs a venue and a venues node")
        }
        self.runtime = runtime
        self.venue = venue
        venuesWatch = UpstreamWatch(upstream: "\(market.id).feed", endpoint: market.endpoints["feed"] ?? "?", staleAfterMs: runtime.topology.timing.staleAfterMs, now: runtime.clock.now())
        feed = try runtime.connect(.sub, to: market, endpoint: "feed", subscribe: [Topic.tick(venue)], conflate: true)
        publisher = try runtime.bind(.pub, endpoint: "feed", receive: false)
        opener = EnvelopeOpener(senders: [market.id: market.signingKey], types: [.marketTick])
        // Starting from the clock in microseconds keeps sequence numbers increasing across restarts.
        seq = UInt64(runtime.clock.now() / 1000)
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
        guard let (opened, tick) = runtime.open(inbound.frames[1], with: opener, from: inbound.handle, as: WireMarketTick.self) else { return }
        runtime.report(venuesWatch.heard(now: runtime.clock.now()), of: venuesWatch)
        guard tick.state.venue == venue else { return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type) }
        seq += 1
        var state = tick.state
        state.seq = seq
        state.observedAtNs = runtime.clock.now()
        state.topologyID = runtime.topology.id
        state.utilisationTrend = trend.update(maintenanceMargin: state.maintenanceMargin, balance: state.balance, at: state.observedAtNs)
        guard let envelope = runtime.seal(state, type: .venueState) else { return }
        last = envelope
        publish(envelope)
    }

    public func tick() async {
        let now = runtime.clock.now()
        runtime.report(venuesWatch.check(now: now), of: venuesWatch)
        if let last, now - lastPublishedAt >= runtime.topology.timing.heartbeatMs * Nanos.perMillisecond {
            // Same signed bytes again: a late subscriber converges, a duplicate is recognised by seq.
            publish(last)
        }
        heartbeatSeq += 1
        if let envelope = runtime.heartbeat(seq: heartbeatSeq) {
            runtime.send(envelope, topic: Topic.heartbeat, on: publisher)
        }
    }

    private func publish(_ envelope: Envelope) {
        runtime.send(envelope, topic: Topic.state(venue), on: publisher)
        runtime.counters.increment("states.published")
        lastPublishedAt = runtime.clock.now()
    }

    /// Setup failures.
    public enum WatcherError: Error, CustomStringConvertible {
        /// The topology does not give the watcher what it needs.
        case misconfigured(String)
        /// A readable description.
        public var description: String {
            switch self { case let .misconfigured(text): text }
        }
    }
}
