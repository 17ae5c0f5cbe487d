import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running adapter child: its stdin for requests, a dedicated reader thread turning its
/// stdout into lines for the inbox (never blocking the cooperative pool), and its exit noticed.
/// stderr is inherited: it is the adapter's log.
///
/// `@unchecked Sendable`: `process` is only started in `init` and then queried (thread-safe in
/// Foundation); writes to stdin and `inputClosed` are guarded by `writeLock`.
final class AdapterProcess: @unchecked Sendable {
    let inbox = AdapterInbox()
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let writeLock = NSLock()
    private var inputClosed = false  // guarded by writeLock

    private static let ignoreBrokenPipe: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Starts `command` (looked up on PATH); the child's environment is the host's.
    init(command: [String]) throws(VenueError) {
        _ = Self.ignoreBrokenPipe
        guard let executable = command.first, !executable.isEmpty else { throw .unsupported("empty adapter command") }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardInput = input
        process.standardOutput = output
        let inbox = inbox
        process.terminationHandler = { process in
            inbox.close(.unavailable("adapter exited with status \(process.terminationStatus)"))
        }
        do {
            try process.run()
        } catch {
            throw .unavailable("cannot start adapter \(executable): \(error)")
        }
        let thread = Thread { [self] in readLines() }
        thread.name = "adapter-reader-\(process.processIdentifier)"
        thread.start()
    }

    /// The reader thread's loop: blocking reads of stdout, split into lines, until EOF.
    private func readLines() {
        let reading = output.fileHandleForReading.fileDescriptor
        var buffer = LineBuffer()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(reading, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            let (lines, dropped) = buffer.append(Data(chunk[0..<count]))
            for _ in 0..<dropped { inbox.dropOversized() }
            for line in lines { inbox.deliver(line) }
        }
        // stdout closed: give the exit status a moment to arrive so the reason names it.
        for _ in 0..<100 where process.isRunning { usleep(10_000) }
        inbox.close(.unavailable(process.isRunning ? "adapter closed its stdout" : "adapter exited with status \(process.terminationStatus)"))
    }

    /// The child's process id.
    var pid: Int32 { process.processIdentifier }

    /// Whether the child is still running.
    var isRunning: Bool { process.isRunning }

    /// Writes one line (a newline is appended); false when the child no longer reads.
    func send(_ line: Data) -> Bool {
        var bytes = line
        bytes.append(0x0A)
        let fd = input.fileHandleForWriting.fileDescriptor
        return writeLock.withLock {
            guard !inputClosed else { return false }
            return bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0, errno == EINTR { continue }
                    guard written > 0 else { return false }
                    offset += written
                }
                return true
            }
        }
    }

    /// Closes the child's stdin (the protocol's "shut down"); SIGKILL if it is still running after `graceMs`.
    func stop(graceMs: Int = 2_000) {
        writeLock.withLock {
            guard !inputClosed else { return }
            inputClosed = true
            try? input.fileHandleForWriting.close()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(graceMs)) { [self] in kill9() }
    }

    /// Sends SIGKILL now.
    func kill9() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
