import Foundation
import Logging
import RebalancerCore
import RebalancerVenues
import RebalancerWire
import ZeroMQ

/// A watcher: reads one venue and publishes its full state, signed, sequence-numbered,
/// re-published every heartbeat so a late subscriber converges at once.
///
/// A simulated venue is read through the market's tick feed (push-driven, as fast as the market
/// ticks). A real venue (`venues[i].adapter` of another kind) is read through its `VenueReader`
/// every `poll_ms`, one read at a time; when it cannot be read for `stale_after_ms` the watcher
/// publishes nothing for it (so nothing moves to or from it), says why, and counts it in its
/// heartbeats (`venue.stale`, `venue.reads`, `venue.read_errors.<code>`).
public actor WatcherRole: RoleHandler {
    private let runtime: NodeRuntime
    private let venue: VenueID
    private let source: Source
    private let publisher: SocketLoop.Handle
    private var seq: UInt64
    private var last: Envelope?
    private var lastPublishedAt: Nanos = 0
    private var heartbeatSeq: UInt64 = 0
    private var trend = UtilisationTrend()
    private var venuesWatch: UpstreamWatch?
    private var poll: VenuePoll?
    private var readTask: Task<Void, Never>?
    private var stopped = false

    /// Runs on the node's executor (the socket thread): a message is handled and answered there.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { runtime.executor.asUnownedSerialExecutor() }

    /// Where the venue's state comes from.
    private enum Source {
        /// The simulated market's tick feed.
        case market(feed: SocketLoop.Handle, opener: EnvelopeOpener, reader: SimulatedVenueReader)
        /// A real venue's API.
        case polled(any VenueReader)
    }

    /// Sets up the sockets of the watcher of `venue`; a simulated venue needs the `venues` node.
    public init(runtime: NodeRuntime) throws {
        let topology = runtime.topology
        guard let venue = runtime.node.venue, let index = topology.venues.firstIndex(where: { $0.id == venue }) else {
            throw WatcherError.misconfigured("watcher \(runtime.node.id) needs a venue of the topology")
        }
        let entry = topology.venues[index]
        self.runtime = runtime
        self.venue = venue
        let reader: (any VenueReader)?
        do throws(VenueAdapterFactory.Problem) {
            reader = try VenueAdapterFactory.reader(for: entry, at: index)
        } catch {
            throw WatcherError.misconfigured("watcher \(runtime.node.id): \(error)")
        }
        if let reader {
            let pollMs: Int64
            do throws(VenueAdapterFactory.Problem) {
                pollMs = try VenueAdapterFactory.pollMs(of: entry, at: index, heartbeatMs: topology.timing.heartbeatMs)
            } catch {
                throw WatcherError.misconfigured("watcher \(runtime.node.id): \(error)")
            }
            source = .polled(reader)
            poll = VenuePoll(intervalMs: pollMs, staleAfterMs: topology.timing.staleAfterMs, venue: venue, now: runtime.clock.now())
            runtime.logger.info("reading venue", metadata: ["venue": "\(venue)", "adapter": "\(reader.kind)", "poll_ms": "\(pollMs)"])
        } else {
            guard let market = topology.venuesNode else {
                throw WatcherError.misconfigured("watcher \(runtime.node.id) of the simulated venue \(venue) needs a venues node")
            }
            venuesWatch = UpstreamWatch(upstream: "\(market.id).feed", endpoint: market.endpoints["feed"] ?? "?", staleAfterMs: topology.timing.staleAfterMs, now: runtime.clock.now())
            let feed = try runtime.connect(.sub, to: market, endpoint: "feed", subscribe: [Topic.tick(venue)], conflate: true)
            source = .market(feed: feed, opener: EnvelopeOpener(senders: [market.id: market.signingKey], types: [.marketTick]), reader: SimulatedVenueReader(venue: venue))
        }
        publisher = try runtime.bind(.pub, endpoint: "feed", receive: false)
        // Starting from the clock in microseconds keeps sequence numbers increasing across restarts.
        seq = UInt64(runtime.clock.now() / 1000)
    }

    /// How often the role should tick: every heartbeat, and at least every `poll_ms` for a real venue.
    public static func tickInterval(for topology: Topology, venue: VenueID) -> Duration {
        var ms = topology.timing.heartbeatMs
        if let index = topology.venues.firstIndex(where: { $0.id == venue }), topology.venues[index].adapter.map({ !$0.isSimulated }) == true,
           let poll = try? VenueAdapterFactory.pollMs(of: topology.venues[index], at: index, heartbeatMs: ms) {
            ms = min(ms, poll)
        }
        return .milliseconds(max(1, ms))
    }

    public func handle(_ inbound: SocketLoop.Inbound) async {
        guard case let .market(_, opener, reader) = source else { return }
        guard inbound.frames.count == 2 else { return runtime.drop(.badFraming, from: inbound.handle) }
        guard let (opened, tick) = runtime.open(inbound.frames[1], with: opener, from: inbound.handle, as: WireMarketTick.self) else { return }
        if var watch = venuesWatch {
            runtime.report(watch.heard(now: runtime.clock.now()), of: watch)
            venuesWatch = watch
        }
        guard tick.state.venue == venue else { return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type) }
        reader.update(VenueState(wire: tick.state))
        guard let snapshot = try? reader.current() else { return }
        publish(VenueState(venue: venue, snapshot: snapshot))
    }

    public func tick() async {
        let now = runtime.clock.now()
        if var watch = venuesWatch {
            runtime.report(watch.check(now: now), of: watch)
            venuesWatch = watch
        }
        var publishable = true
        if case let .polled(reader) = source, var poll {
            if poll.startRead(now: now) {
                readTask = Task { await self.read(reader) }
            }
            report(poll.check(now: now))
            publishable = poll.isFresh(now: now)
            runtime.counters.set("venue.stale", publishable ? 0 : 1)
            self.poll = poll
        }
        if case .polled = source {
            runtime.readiness.set(ready: publishable, reason: "venue \(venue) not read fresh")
        } else if let watch = venuesWatch {
            runtime.readiness.set(ready: watch.isFresh(now: now), reason: "market feed \(watch.upstream) not heard recently")
        }
        // Same signed bytes again: a late subscriber converges, a duplicate is recognised by seq.
        // Never for a stale venue: a late subscriber must not take an old state for a fresh one.
        if publishable, let last, now - lastPublishedAt >= runtime.topology.timing.heartbeatMs * Nanos.perMillisecond {
            send(last)
        }
        heartbeatSeq += 1
        if let envelope = runtime.heartbeat(seq: heartbeatSeq) {
            runtime.send(envelope, topic: Topic.heartbeat, on: publisher)
        }
    }

    public func stopping() async {
        stopped = true
        readTask?.cancel()
    }

    /// One read of a real venue; a good one is published at once, a failure only counted.
    private func read(_ reader: any VenueReader) async {
        let outcome: Result<VenueSnapshot, VenueError>
        do throws(VenueError) {
            outcome = .success(try await reader.snapshot())
        } catch {
            outcome = .failure(error)
        }
        guard !stopped, var poll else { return }
        let now = runtime.clock.now()
        switch outcome {
        case let .success(snapshot):
            runtime.counters.increment("venue.reads")
            let event = poll.succeeded(snapshot, now: now)
            self.poll = poll
            runtime.counters.set("venue.stale", 0)
            report(event)
            publish(VenueState(venue: venue, snapshot: snapshot))
        case let .failure(error):
            runtime.counters.increment("venue.read_errors.\(error.code)")
            poll.failed(error, now: now)
            self.poll = poll
            if poll.failuresInARow == 1 {
                runtime.logger.info("venue read failed", metadata: ["venue": "\(venue)", "reason": "\(LogText.quoted("\(error.code): \(error)", limit: 200))"])
            }
        }
    }

    private func report(_ event: VenuePoll.Event?) {
        switch event {
        case nil: return
        case let .stale(reason, forMs, nextInMs):
            runtime.counters.increment("venue.stale_warnings")
            runtime.logger.warning("venue is stale: publishing nothing for it", metadata: [
                "venue": "\(venue)", "reason": "\(LogText.quoted(reason, limit: 200))", "stale_ms": "\(forMs)", "next_warning_in_ms": "\(nextInMs)",
            ])
        case let .recovered(afterMs):
            runtime.logger.notice("venue is fresh again", metadata: ["venue": "\(venue)", "stale_ms": "\(afterMs)"])
        }
    }

    /// Stamps a read with the watcher's sequence, time, topology and trend, signs and publishes it.
    private func publish(_ read: VenueState) {
        var state = read
        seq += 1
        state.seq = seq
        state.observedAt = runtime.clock.now()
        state.utilisationTrend = trend.update(maintenanceMargin: state.maintenanceMargin, balance: state.balance, at: state.observedAt)
        var wire = state.wire
        wire.topologyID = runtime.topology.id
        guard let envelope = runtime.seal(wire, type: .venueState) else { return }
        last = envelope
        send(envelope)
    }

    private func send(_ envelope: Envelope) {
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
