import RebalancerCore
import RebalancerNode
import Testing

/// Untrusted text in logs (issue #8 item 8) and the upstream-silence schedule (item 6).
struct LogTextTests {
    @Test(arguments: [
        ("plain-node_1", "plain-node_1"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\r\\nb"),
        ("\u{1B}[31mred", "\\u{1b}[31mred"),
        ("q\"uote\\", "q\\\"uote\\\\"),
        ("nul\u{0}del\u{7F}c1\u{85}ls\u{2028}", "nul\\u{0}del\\u{7f}c1\\u{85}ls\\u{2028}"),
    ])
    func escapesEveryControlCharacter(input: String, expected: String) {
        #expect(LogText.untrusted(input) == expected)
    }

    @Test func cutsLongText() {
        let cut = LogText.untrusted(String(repeating: "x", count: 5000))
        #expect(cut == String(repeating: "x", count: LogText.maxLength) + "...")
        #expect(LogText.quoted(nil) == "-")
        #expect(LogText.quoted("a\nb") == "\"a\\nb\"")
    }

    @Test func upstreamSilenceIsReportedWithBackoffAndRecoveryOnce() {
        let ms: Int64 = 1_000_000
        var watch = UpstreamWatch(upstream: "venues.feed", endpoint: "tcp://127.0.0.1:1", staleAfterMs: 1000, now: 0)
        #expect(watch.check(now: 999 * ms) == nil)
        #expect(watch.check(now: 1000 * ms) == .silent(forMs: 1000, nextInMs: 2000))
        #expect(watch.check(now: 2999 * ms) == nil)
        #expect(watch.check(now: 3000 * ms) == .silent(forMs: 3000, nextInMs: 4000))
        #expect(watch.check(now: 7000 * ms) == .silent(forMs: 7000, nextInMs: 8000))
        #expect(watch.heard(now: 7500 * ms) == .recovered(afterMs: 7500))
        #expect(watch.heard(now: 7600 * ms) == nil)
        #expect(watch.check(now: 8599 * ms) == nil)
        #expect(watch.check(now: 8600 * ms) == .silent(forMs: 1000, nextInMs: 2000))
    }
}
