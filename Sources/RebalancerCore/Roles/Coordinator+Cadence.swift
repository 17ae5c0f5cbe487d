/// The coordinator's own timers: how often it ticks, heartbeats, relays the verifier-set
/// rotations and asks the executors to refill its journal. The shell sleeps as long as
/// `.scheduleTick` says and feeds `.tick` back; it keeps no period of its own.
extension Coordinator {
    /// Asking the executors for the approved plans the journal lacks, a few times (an executor may
    /// connect late), until one hands something back.
    struct Refill: Sendable, Equatable {
        /// Ask for the plans after this planSeq.
        var after: UInt64
        /// How many times they were asked.
        var attempts = 0
        /// When they are next asked (nil: one heartbeat after the first tick).
        var nextAt: Nanos?
    }

    /// How many times the executors are asked to refill the journal before it is taken as complete.
    public static let refillAttempts = 12

    /// How often a coordinator ticks: five times a heartbeat, at most every 50 ms. Each tick
    /// heartbeats (so executors and verifiers see a silent coordinator within a fifth of a
    /// heartbeat) and checks expiries, liveness and leadership.
    public static func tickInterval(_ topology: Topology) -> Nanos {
        max(50, topology.timing.heartbeatMs / 5) * Nanos.perMillisecond
    }

    /// One heartbeat interval.
    var heartbeat: Nanos { topology.timing.heartbeatMs * Nanos.perMillisecond }

    /// What a tick does besides planning: refill requests and rotation relays once a heartbeat, a
    /// heartbeat every tick, and the next tick.
    mutating func cadence(now: Nanos) -> [Directive] {
        var out: [Directive] = []
        if var asking = refill {
            if asking.nextAt == nil { asking.nextAt = now + heartbeat }
            if let due = asking.nextAt, now >= due {
                if asking.attempts < Self.refillAttempts {
                    asking.attempts += 1
                    asking.nextAt = now + heartbeat
                    out.append(.askExecutors(after: asking.after))
                    refill = asking
                } else {
                    refill = nil
                }
            } else {
                refill = asking
            }
        }
        out.append(.heartbeat(lastPlanSeq: lastApproved))
        if let due = nextRelayAt, now >= due {
            out.append(.relayRotations)
            nextRelayAt = now + heartbeat
        } else if nextRelayAt == nil {
            nextRelayAt = now + heartbeat
        }
        out.append(.scheduleTick(after: Self.tickInterval(topology)))
        return out
    }
}
