import Logging
import RebalancerCore

extension NodeRuntime {
    /// Logs and counts what an `UpstreamWatch` observed: `upstream.silent` (a warning naming the
    /// endpoint) or `upstream.recovered` (a notice); nothing for nil.
    public func report(_ event: UpstreamWatch.Event?, of watch: UpstreamWatch) {
        report(event, upstream: watch.upstream, endpoint: watch.endpoint)
    }

    /// Logs and counts what an `UpstreamWatch` of `upstream` at `endpoint` observed (see `report(_:of:)`).
    public func report(_ event: UpstreamWatch.Event?, upstream: String, endpoint: String) {
        switch event {
        case nil: return
        case let .silent(forMs, nextInMs):
            counters.increment("upstream.silent")
            logger.warning("no messages from upstream", metadata: [
                "upstream": "\(upstream)", "endpoint": "\(endpoint)", "silent_ms": "\(forMs)", "next_warning_in_ms": "\(nextInMs)",
            ])
        case let .recovered(afterMs):
            counters.increment("upstream.recovered")
            logger.notice("upstream is back", metadata: ["upstream": "\(upstream)", "endpoint": "\(endpoint)", "silent_ms": "\(afterMs)"])
        }
    }
}
