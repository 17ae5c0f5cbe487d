import Foundation
import Logging
import RebalancerCore
import RebalancerVenues
import RebalancerWire
import ZeroMQ

/// A watcher: reads one venue and publishes its full state, signed, sequence-numbered. The
/// `Watcher` core decides when: at once on a material change (balance or margin moved, a band
/// crossed, transfers changed), else the newest reading every heartbeat, so subscribers stay
/// fresh and a late one converges at once, without a signature (and, in every subscriber, a
/// verification) for every market tick.
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
    private var heartbeatSeq: UInt64 = 0
    private var trend = UtilisationTrend()
    /// What to publish and when, what to read and what to say about silence.
    private var core: Watcher
    /// Tick topics of other venues that the subscription prefix `tick/<venue>/` also admits (a
    /// venue id that extends this one past a slash): honest ticks of another venue, passed over
    /// before any check.
    private let overlappingTopics: Set<[UInt8]>
    private var readTask: Task<Void, Never>?
    private var stopped = false
    /// The stages of the market tick being handled (`REBALANCER_TRACE`), logged when it was published.
    private var trace: StageTrace?

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
            core = Watcher(source: .polled(intervalMs: pollMs), settings: Watcher.Settings(venue: entry, timing: topology.timing), now: runtime.clock.now())
            runtime.logger.info("reading venue", metadata: ["venue": "\(venue)", "adapter": "\(reader.kind)", "poll_ms": "\(pollMs)"])
        } else {
            guard let market = topology.venuesNode else {
                throw WatcherError.misconfigured("watcher \(runtime.node.id) of the simulated venue \(venue) needs a venues node")
            }
            let upstream = Watcher.Source.feed(upstream: "\(market.id).feed", endpoint: runtime.deployment.endpoints(of: market.id)["feed"] ?? "?")
            core = Watcher(source: upstream, settings: Watcher.Settings(venue: entry, timing: topology.timing), now: runtime.clock.now())
            let feed = try runtime.connect(.sub, to: market, endpoint: "feed", subscribe: [Topic.tick(venue)], conflate: true)
            source = .market(feed: feed, opener: EnvelopeOpener(senders: [market.id: market.signingKey], types: [.marketTick]), reader: SimulatedVenueReader(venue: venue))
        }
        overlappingTopics = Set(topology.venues.map(\.id).filter { $0 != venue && Topic.tick($0).hasPrefix(Topic.tick(venue)) }.map { Array(Topic.tick($0).utf8) })
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
        if StageTrace.enabled { trace = StageTrace(receivedAt: inbound.receivedAt) }
        defer { trace = nil }
        if overlappingTopics.contains(inbound.frames[0]) { return runtime.counters.increment("ticks.other_venue") }
        guard let (opened, tick) = runtime.open(inbound.frames[1], with: opener, from: inbound.handle, as: WireMarketTick.self) else { return }
        guard tick.state.venue == venue else { return runtime.drop(.unknownSender, from: inbound.handle, sender: opened.sender, type: opened.type) }
        trace?.mark("opened")
        reader.update(VenueState(wire: tick.state))
        guard let snapshot = try? reader.current() else { return }
        apply(core.on(.read(reading(VenueState(venue: venue, snapshot: snapshot))), now: runtime.clock.now()))
    }

    public func tick() async {
        apply(core.on(.tick, now: runtime.clock.now()))
    }

    /// Carries out the core's directives.
    private func apply(_ directives: [Watcher.Directive]) {
        for directive in directives {
            switch directive {
            case let .publish(state, reason): publish(state, reason)
            case .republish:
                // Same signed bytes again: a late subscriber converges, a duplicate is recognised by seq.
                if let last { send(last) }
            case .startRead:
                if case let .polled(reader) = source { readTask = Task { await self.read(reader) } }
            case let .upstream(event):
                if case let .feed(upstream, endpoint) = core.source {
                    runtime.report(event, upstream: upstream, endpoint: endpoint)
                }
            case let .venue(event): report(event)
            case let .stale(stale): runtime.counters.set("venue.stale", stale ? 1 : 0)
            case let .readiness(ready, reason): runtime.readiness.set(ready: ready, reason: reason)
            case .heartbeat:
                heartbeatSeq += 1
                if let envelope = runtime.heartbeat(seq: heartbeatSeq) {
                    runtime.send(envelope, topic: Topic.heartbeat, on: publisher)
                }
            }
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
        guard !stopped else { return }
        let now = runtime.clock.now()
        switch outcome {
        case let .success(snapshot):
            runtime.counters.increment("venue.reads")
            apply(core.on(.read(reading(VenueState(venue: venue, snapshot: snapshot))), now: now))
        case let .failure(error):
            runtime.counters.increment("venue.read_errors.\(error.code)")
            apply(core.on(.readFailed(reason: "\(error.code): \(error)"), now: now))
            if core.failuresInARow == 1 {
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

    /// A read stamped with the time it was observed and the trend of every reading so far.
    private func reading(_ read: VenueState) -> VenueState {
        var state = read
        state.observedAt = runtime.clock.now()
        state.utilisationTrend = trend.update(maintenanceMargin: state.maintenanceMargin, balance: state.balance, at: state.observedAt)
        return state
    }

    /// Stamps a reading the core chose with the watcher's sequence and topology, signs and publishes it.
    private func publish(_ read: VenueState, _ reason: Watcher.Reason) {
        trace?.mark("decided")
        var state = read
        seq += 1
        state.seq = seq
        runtime.counters.increment("states.published.\(reason.rawValue)")
        var wire = state.wire
        wire.topologyID = runtime.topology.id
        guard let envelope = runtime.seal(wire, type: .venueState) else { return }
        last = envelope
        trace?.mark("sealed")
        send(envelope)
        trace?.mark("sent")
        trace?.log(runtime.logger, "state", planSeq: seq, executor: runtime.executor)
    }

    private func send(_ envelope: Envelope) {
        runtime.send(envelope, topic: Topic.state(venue), on: publisher)
        runtime.counters.increment("states.published")
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
