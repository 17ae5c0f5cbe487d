import Foundation

/// The process's own resident memory and CPU time, read from `/proc/self` at each scrape
/// (Linux); nil where `/proc` is not there.
public enum ProcessStats {
    /// Resident set size in bytes.
    public static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// User plus system CPU time in seconds.
    public static func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) ", field 3 is the state; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Both, as Prometheus text lines labelled with `node`.
    public static func prometheusText(node: String) -> String {
        var out = ""
        if let bytes = residentBytes() {
            out += "# TYPE rebalancer_process_resident_memory_bytes gauge\nrebalancer_process_resident_memory_bytes{node=\"\(node)\"} \(bytes)\n"
        }
        if let seconds = cpuSeconds() {
            out += "# TYPE rebalancer_process_cpu_seconds_total counter\nrebalancer_process_cpu_seconds_total{node=\"\(node)\"} \(seconds)\n"
        }
        return out
    }
}
