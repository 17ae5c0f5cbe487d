/// The watcher's decisions, apart from its sockets and its venue reader: when a reading becomes a
/// published state, when the last one is published again, when a real venue is read, and what it
/// says when its upstream (the market feed or the venue's API) falls silent.
///
/// A state is published on material change (`Watcher.Material`): the first reading, balance or
/// maintenance margin moved by more than `materialFraction` of the last published value, the
/// margin ratio crossed one of the venue's bands, withdrawals or pending transfers changed, or the
/// venue is below its lower band (then every reading counts). Otherwise a reading is kept, and
/// after `heartbeat` without a publication the newest reading is published (a new sequence and
/// observation time, so subscribers' staleness rules hold), or the last signed state again when
/// nothing newer was read (a late subscriber converges at once).
///
/// A value type with no clock, no I/O: the shell passes each event with `now` and carries out the
/// directives (stamping a published state's sequence, signing and sending it).
public struct Watcher: Sendable {
    /// Where readings come from.
    public enum Source: Sendable, Equatable {
        /// A pushed feed (the simulated market's ticks), watched for silence: `upstream` and
        /// `endpoint` name it in logs.
        case feed(upstream: String, endpoint: String)
        /// A real venue's API, read one read at a time every `intervalMs`.
        case polled(intervalMs: Int64)
    }

    /// How the watcher decides.
    public struct Settings: Sendable, Equatable {
        /// Largest move of balance or maintenance margin, as a share of the last published value,
        /// that is not published at once.
        public var materialFraction: Double
        /// Longest time without a publication (`heartbeat_ms`).
        public var heartbeat: Nanos
        /// How long the upstream may stay silent (`stale_after_ms`).
        public var staleAfterMs: Int64
        /// The venue (its bands: `lower_band`, `target_ratio`, `upper_band`).
        public var venue: Topology.Venue

        /// The default `materialFraction`: 5%.
        public static let defaultMaterialFraction = 0.05

        /// Settings for `venue` of `topology`.
        public init(venue: Topology.Venue, timing: Topology.Timing, materialFraction: Double = Settings.defaultMaterialFraction) {
            self.venue = venue
            self.materialFraction = materialFraction
            heartbeat = max(1, timing.heartbeatMs) * Nanos.perMillisecond
            staleAfterMs = timing.staleAfterMs
        }
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// A reading of the venue, observed (and trend-stamped) by the shell; its `seq` is the shell's to set.
        case read(VenueState)
        /// A read of a polled venue failed; `reason` is `code: detail`.
        case readFailed(reason: String)
        /// Periodic.
        case tick
    }

    /// Why a state is published.
    public enum Reason: String, Sendable, Equatable {
        /// Nothing was published before.
        case first
        /// Balance or margin moved more than the material fraction.
        case moved
        /// The margin ratio crossed a band (lower, target or upper), or is below the lower band.
        case band
        /// Withdrawals were enabled or disabled, or pending transfers changed.
        case transfers
        /// `heartbeat` passed since the last publication.
        case heartbeat
    }

    /// What the shell must do.
    public enum Directive: Sendable, Equatable {
        /// Stamp the next sequence on `state`, sign it and publish it.
        case publish(VenueState, Reason)
        /// Publish the last signed state again, the same bytes.
        case republish
        /// Start one read of the polled venue (its outcome comes back as `.read` or `.readFailed`).
        case startRead
        /// The market feed fell silent or was heard again.
        case upstream(UpstreamWatch.Event)
        /// The polled venue became stale or fresh again.
        case venue(VenuePoll.Event)
        /// Whether the polled venue is stale now (a gauge).
        case stale(Bool)
        /// Readiness, with the reason when not ready.
        case readiness(ready: Bool, reason: String)
        /// Send the node's own heartbeat.
        case heartbeat
    }

    /// Where this watcher's readings come from.
    public let source: Source
    /// How this watcher decides.
    public let settings: Settings
    /// The last state published (as handed to `.publish`), if any.
    public private(set) var published: VenueState?
    /// When something was last published.
    public private(set) var publishedAt: Nanos?
    /// The newest reading not published yet.
    public private(set) var unpublished: VenueState?
    private var upstream: UpstreamWatch?
    private var poll: VenuePoll?

    /// A watcher reading from `source`, starting at `now`.
    public init(source: Source, settings: Settings, now: Nanos) {
        self.settings = settings
        self.source = source
        switch source {
        case let .feed(name, endpoint):
            upstream = UpstreamWatch(upstream: name, endpoint: endpoint, staleAfterMs: settings.staleAfterMs, now: now)
        case let .polled(intervalMs):
            poll = VenuePoll(intervalMs: intervalMs, staleAfterMs: settings.staleAfterMs, venue: settings.venue.id, now: now)
        }
    }

    /// Failures of the polled venue since its last good read (0 for a feed).
    public var failuresInARow: Int { poll?.failuresInARow ?? 0 }

    /// Handles one event at `now`.
    public mutating func on(_ event: Event, now: Nanos) -> [Directive] {
        switch event {
        case let .read(state): return onRead(state, now: now)
        case let .readFailed(reason):
            poll?.failed(reason: reason, now: now)
            return []
        case .tick: return onTick(now: now)
        }
    }

    private mutating func onRead(_ state: VenueState, now: Nanos) -> [Directive] {
        var out: [Directive] = []
        if var upstream {
            if let event = upstream.heard(now: now) { out.append(.upstream(event)) }
            self.upstream = upstream
        }
        if var poll {
            if let event = poll.succeeded(now: now) { out.append(.venue(event)) }
            self.poll = poll
            out.append(.stale(false))
        }
        if let reason = Material.reason(state, since: published, settings: settings) {
            out.append(publish(state, reason, now: now))
        } else {
            unpublished = state
        }
        return out
    }

    private mutating func onTick(now: Nanos) -> [Directive] {
        var out: [Directive] = []
        var publishable = true
        if var upstream {
            if let event = upstream.check(now: now) { out.append(.upstream(event)) }
            self.upstream = upstream
            out.append(.readiness(ready: upstream.isFresh(now: now), reason: "market feed \(upstream.upstream) not heard recently"))
        }
        if var poll {
            if poll.startRead(now: now) { out.append(.startRead) }
            if let event = poll.check(now: now) { out.append(.venue(event)) }
            self.poll = poll
            publishable = poll.isFresh(now: now)
            out.append(.stale(!publishable))
            out.append(.readiness(ready: publishable, reason: "venue \(settings.venue.id) not read fresh"))
        }
        // Never for a stale venue: a late subscriber must not take an old state for a fresh one.
        if publishable, let publishedAt, now - publishedAt >= settings.heartbeat {
            if let unpublished {
                out.append(publish(unpublished, .heartbeat, now: now))
            } else {
                self.publishedAt = now
                out.append(.republish)
            }
        }
        out.append(.heartbeat)
        return out
    }

    private mutating func publish(_ state: VenueState, _ reason: Reason, now: Nanos) -> Directive {
        published = state
        publishedAt = now
        unpublished = nil
        return .publish(state, reason)
    }
}
