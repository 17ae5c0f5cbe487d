import Foundation

/// The one poll-until helper of the multi-process tests: calls `condition` every `interval` until
/// it holds or `seconds` pass, and says whether it held. The deadline is checked on every round,
/// whatever `condition` saw, so it fires even when nothing ever arrives; a condition that reads
/// a socket must itself read without blocking (or for a bounded time).
func eventually(_ seconds: Double = 10, every interval: Duration = .milliseconds(100), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
