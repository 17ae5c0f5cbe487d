import Testing
@testable import RebalancerCore

/// What the executor's shell used to decide itself about the transfers it drives: when to submit,
/// resubmit or ask the venue, whether a reported status moves a transfer, whether a failed call
/// fails it or is tried again.
@Suite struct ExecutorTransferTests {
    let id = "7/0"
    let second = Nanos.perSecond
    let interval = Executor.transferFollowInterval

    /// An executor following one transfer `a -> b` over `route`, accepted at time 0.
    func following(_ route: Executor.TransferRoute = .venue(hasDestination: true)) -> (Executor, [Executor.Directive]) {
        var e = Executor(topology: Fixture.topology(), executed: [])
        let first = e.on(.transfer(.accepted(id: id, from: "a", to: "b", route: route)), now: 0)
        return (e, first)
    }

    /// The transfer directives of a tick (the tick's own schedule left out).
    func tick(_ e: inout Executor, at now: Nanos) -> [Executor.Directive] {
        e.on(.tick, now: now).filter { if case .transfer = $0 { true } else { false } }
    }

    @Test func submittingIsRecordedBeforeTheSubmitAndASecondDriveWaitsForTheFirst() {
        var (e, first) = following()
        #expect(first == [.transfer(.recordSubmitting(id: id))])
        #expect(tick(&e, at: 10 * second).isEmpty, "a submit in flight: no second one for the same key")
        #expect(e.on(.transfer(.submittingRecorded(id: id)), now: 1) == [.transfer(.submit(id: id))])
        #expect(e.transfers[id]?.state == .submitting)
        #expect(e.on(.transfer(.answered(id: id, .submit, state: .submitted, reason: "ok")), now: 2) == [
            .transfer(.recordStatus(id: id, state: .submitted, reason: "ok", previous: .submitting)),
        ])
        #expect(e.on(.transfer(.statusRecorded(id: id, state: .submitted, reason: "ok")), now: 3) == [
            .transfer(.statusApplied(id: id, state: .submitted, reason: "ok", final: false)),
        ])
    }

    @Test func aRefusedSubmittingRecordSubmitsNothingAndIsTriedFromALaterTick() {
        var (e, _) = following()
        #expect(e.on(.transfer(.submittingNotRecorded(id: id)), now: 1).isEmpty)
        #expect(e.transfers[id]?.state == .accepted)
        #expect(tick(&e, at: 2) == [.transfer(.recordSubmitting(id: id))])
    }

    @Test func anOlderOrEqualAnswerMovesNothingAndAFailedWriteGivesTheStateBack() {
        var (e, _) = following()
        _ = e.on(.transfer(.submittingRecorded(id: id)), now: 1)
        #expect(e.on(.transfer(.answered(id: id, .submit, state: .pending, reason: nil)), now: 2) == [
            .transfer(.recordStatus(id: id, state: .pending, reason: nil, previous: .submitting)),
        ])
        // The state is taken before the write is awaited: an older answer meanwhile moves nothing.
        #expect(e.on(.transfer(.reported(id: id, state: .submitted, reason: nil)), now: 3).isEmpty)
        #expect(e.on(.transfer(.reported(id: id, state: .pending, reason: nil)), now: 3).isEmpty)
        #expect(e.on(.transfer(.statusNotRecorded(id: id, state: .pending, previous: .submitting)), now: 4).isEmpty)
        #expect(e.transfers[id]?.state == .submitting)
        #expect(e.on(.transfer(.reported(id: id, state: .submitted, reason: nil)), now: 5) == [
            .transfer(.recordStatus(id: id, state: .submitted, reason: nil, previous: .submitting)),
        ])
    }

    @Test func aFinalStatusEndsTheTransfer() {
        var (e, _) = following(.simulated)
        _ = e.on(.transfer(.submittingRecorded(id: id)), now: 1)
        _ = e.on(.transfer(.reported(id: id, state: .settled, reason: nil)), now: 2)
        #expect(e.on(.transfer(.statusRecorded(id: id, state: .settled, reason: nil)), now: 3) == [
            .transfer(.statusApplied(id: id, state: .settled, reason: nil, final: true)),
        ])
        #expect(e.transfers[id] == nil)
        #expect(e.on(.transfer(.reported(id: id, state: .failed, reason: "late")), now: 4).isEmpty, "nothing moves a final transfer")
    }

    static let unknownOutcome: [Executor.VenueFailure] = [.timeout, .unavailable, .malformed, .rateLimited(retryAfter: 1)]
    static let refusals: [Executor.VenueFailure] = [.unauthorized, .rejected, .notFound, .unsupported]

    @Test(arguments: unknownOutcome)
    func aSubmitWithoutAReadableAnswerIsLookedUpAgainNeverFailed(_ failure: Executor.VenueFailure) {
        var (e, _) = following()
        _ = e.on(.transfer(.submittingRecorded(id: id)), now: 1)
        #expect(e.on(.transfer(.callFailed(id: id, .submit, failure, detail: "d")), now: second) == [
            .transfer(.submitOutcomeUnknown(id: id, detail: "d", retryIn: interval)),
        ])
        #expect(tick(&e, at: second + interval - 1).isEmpty, "not before the retry delay")
        #expect(tick(&e, at: second + interval) == [.transfer(.recordSubmitting(id: id))])
    }

    @Test(arguments: refusals)
    func aSubmitTheVenueRefusedFailsTheTransfer(_ failure: Executor.VenueFailure) {
        var (e, _) = following()
        _ = e.on(.transfer(.submittingRecorded(id: id)), now: 1)
        #expect(e.on(.transfer(.callFailed(id: id, .submit, failure, detail: "refused")), now: 2) == [
            .transfer(.recordStatus(id: id, state: .failed, reason: "refused", previous: .submitting)),
        ])
    }

    @Test func aRateLimitWaitsForItsRetryAfterButNeverLessThanTheFollowInterval() {
        #expect(Executor.delay(after: .rateLimited(retryAfter: 9 * second)) == 9 * second)
        #expect(Executor.delay(after: .rateLimited(retryAfter: 1)) == interval)
        #expect(Executor.delay(after: .timeout) == interval)
    }

    @Test func aSubmittedTransferIsAskedAboutOncePerIntervalAndAStatusFailureWaits() {
        var (e, _) = following()
        _ = e.on(.transfer(.submittingRecorded(id: id)), now: 1)
        _ = e.on(.transfer(.answered(id: id, .submit, state: .submitted, reason: nil)), now: 2)
        _ = e.on(.transfer(.statusRecorded(id: id, state: .submitted, reason: nil)), now: 3)
        #expect(tick(&e, at: 4) == [.transfer(.askStatus(id: id))])
        #expect(tick(&e, at: 5 * second).isEmpty, "the question is in flight")
        #expect(e.on(.transfer(.answered(id: id, .status, state: .submitted, reason: nil)), now: 6 * second).isEmpty, "the same state moves nothing")
        #expect(tick(&e, at: 6 * second + interval - 1).isEmpty, "asked at most once per interval")
        #expect(tick(&e, at: 6 * second + interval) == [.transfer(.askStatus(id: id))])
        let at = 6 * second + interval
        #expect(e.on(.transfer(.callFailed(id: id, .status, .rateLimited(retryAfter: 10 * second), detail: "429")), now: at) == [
            .transfer(.statusUnavailable(id: id, detail: "429", retryIn: 10 * second)),
        ])
        #expect(tick(&e, at: at + 10 * second - 1).isEmpty)
        #expect(tick(&e, at: at + 10 * second) == [.transfer(.askStatus(id: id))])
    }

    @Test func theSimulatedMarketIsNeverAskedItsReceiptsReport() {
        var (e, _) = following(.simulated)
        _ = e.on(.transfer(.submittingRecorded(id: id)), now: 1)
        _ = e.on(.transfer(.reported(id: id, state: .submitted, reason: nil)), now: 2)
        _ = e.on(.transfer(.statusRecorded(id: id, state: .submitted, reason: nil)), now: 3)
        #expect(tick(&e, at: 100 * second).isEmpty)
    }

    @Test func aTransferNothingCanMoveFailsWithItsReason() {
        let (_, noGateway) = following(.noGateway)
        #expect(noGateway == [.transfer(.recordStatus(id: id, state: .failed, reason: "no gateway moves capital out of a", previous: .accepted))])
        let (_, noAddress) = following(.venue(hasDestination: false))
        #expect(noAddress == [.transfer(.recordStatus(id: id, state: .failed, reason: "b has no deposit_address", previous: .accepted))])
    }

    @Test func aMonitorOnlyExecutorRecordsThePlanAndReportsEveryTransferItWouldSubmit() {
        var e = Executor(topology: Fixture.topology(), executed: [], monitorOnly: true)
        let plan = Plan(topologyID: "test", epoch: 1, planSeq: 4, createdAt: 0, expiresAt: 10_000,
                        transfers: [Transfer(from: "b", to: "a", amount: 100_00)], basis: [], triggerVenue: "a", triggerObservedAt: 0, strategy: "threshold")
        let out = e.onApproved(plan, previousPlanSeq: 0, validSigners: ["verifier-1", "verifier-2", "verifier-3"], now: 5)
        #expect(out == [.accepted(plan), .wouldSubmit(id: "4/0", transfer: Transfer(from: "b", to: "a", amount: 100_00), planSeq: 4)])
    }

    @Test func transfersResumedAfterARestartAreDrivenFromTheFirstTickInIdOrder() {
        var e = Executor(topology: Fixture.topology(), executed: [])
        #expect(e.on(.transfer(.resumed(id: "3/1", state: .submitting, from: "a", to: "b", route: .simulated)), now: 0).isEmpty)
        #expect(e.on(.transfer(.resumed(id: "3/0", state: .accepted, from: "a", to: "c", route: .simulated)), now: 0).isEmpty)
        #expect(e.on(.transfer(.resumed(id: "3/2", state: .settled, from: "a", to: "c", route: .simulated)), now: 0).isEmpty)
        #expect(e.transfers["3/2"] == nil, "a final transfer is not followed")
        #expect(tick(&e, at: 1) == [.transfer(.recordSubmitting(id: "3/0")), .transfer(.recordSubmitting(id: "3/1"))])
    }
}
