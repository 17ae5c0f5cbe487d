import Foundation

/// The machine's processes as /proc lists them, for tests that must show what runs and what is gone.
enum ProcessTable {
    struct Entry {
        let pid: Int32
        let parent: Int32
        let arguments: [String]
    }

    static func entries() -> [Entry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name in
            guard let pid = Int32(name),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")"),
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline")
            else { return nil }
            // After "pid (comm)": state, ppid, ...
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = Int32(fields[1]), fields[0] != "Z" else { return nil }
            let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return Entry(pid: pid, parent: parent, arguments: arguments)
        }
    }

    /// Live (not zombie) children of `pid`.
    static func children(of pid: Int32) -> [Entry] { entries().filter { $0.parent == pid } }

    /// Live processes whose command line contains `argument` exactly.
    static func running(withArgument argument: String) -> [Entry] { entries().filter { $0.arguments.contains(argument) } }
}

/// Runs the binary with `arguments` and waits up to `seconds` for it to exit; a process still
/// running then is stopped and reported with a nil status.
func runToExit(_ arguments: [String], within seconds: Double = 30) async throws -> (status: Int32?, output: String) {
    let log = NSTemporaryDirectory() + "rebalancer-run-\(UUID().uuidString.prefix(8)).log"
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: log) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Cluster.binary)
    process.arguments = arguments
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let exited = await eventually(seconds) { !process.isRunning }
    if !exited { process.terminate() }
    process.waitUntilExit()
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    return (exited ? process.terminationStatus : nil, output)
}
