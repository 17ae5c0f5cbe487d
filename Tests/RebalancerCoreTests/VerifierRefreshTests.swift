import Testing
@testable import RebalancerCore

/// When a verifier opens a watcher state it keeps unopened before any proposal uses it
/// (`Verifier.State.opensBeforeUse`): only when it changes what the verifier checks, or its view
/// of the venue is getting old.
@Suite struct VerifierRefreshTests {
    let topology = Fixture.topology()
    /// The view's state of `a` arrived at 1 s: ratio 3.5 (between target 3 and upper band 4).
    let seen = Fixture.state("a", balance: 350_000_00, seq: 1, at: 1_000_000_000)
    let arrived: Nanos = 1_000_000_000

    func verifier() -> Verifier.State {
        var state = Verifier.State(topology: topology, lastSigned: nil)
        _ = state.on(.observed(seen), now: arrived)
        return state
    }

    /// A later claim of `a`, 100 ms after the view's, with `change` applied.
    func claim(_ change: (inout VenueState) -> Void = { _ in }) -> VenueState {
        var state = seen
        state.seq = 2
        state.observedAt = arrived + 100_000_000
        change(&state)
        return state
    }

    @Test func aHeartbeatThatChangesNothingCheckedWaitsWhileTheViewIsFresh() {
        let v = verifier()
        #expect(!v.opensBeforeUse(claim(), now: arrived + 100_000_000))
        #expect(!v.opensBeforeUse(claim { $0.balance += 1_000_00 }, now: arrived + 100_000_000), "a 0.3% move is not material")
    }

    @Test func aViewAsOldAsTheStalenessBoundIsRefreshed() {
        let v = verifier()
        let bound = topology.timing.staleAfterMs * Nanos.perMillisecond
        #expect(!v.opensBeforeUse(claim(), now: arrived + bound - 1))
        #expect(v.opensBeforeUse(claim(), now: arrived + bound))
    }

    @Test(arguments: [
        ("no view of the venue", "b"),
        ("withdrawals", "withdrawals"),
        ("band crossed", "band"),
        ("balance moved", "balance"),
        ("margin moved", "margin"),
        ("pending transfers", "pending"),
        ("settled transfers", "settled"),
    ])
    func aClaimThatChangesWhatIsCheckedIsOpenedAtOnce(_ name: String, _ change: String) {
        let v = verifier()
        let state = claim {
            switch change {
            case "b": $0.venue = "b"
            case "withdrawals": $0.withdrawalsEnabled = false
            case "band": $0.balance = 250_000_00
            case "balance": $0.balance = 340_000_00 - 20_000_00
            case "margin": $0.maintenanceMargin = 110_000_00
            case "pending": $0.pendingIn = 5_000_00
            default: $0.settledTransfers = ["t-1"]
            }
        }
        #expect(v.opensBeforeUse(state, now: arrived + 100_000_000), "\(name)")
    }
}
