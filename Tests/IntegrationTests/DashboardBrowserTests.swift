import Foundation
import RebalancerCore
import RebalancerNode
import Testing

/// `rebalancer dashboard` on a real cluster, opened in headless Chromium (selenium and
/// chromium-driver, `Tests/Fixtures/dashboard/check_dashboard.py`): the page loads without console
/// errors, shows every venue, and shows a newly approved plan with its votes. Without a browser the
/// test says so and reads the event stream over HTTP instead.
@Suite(.serialized) struct DashboardBrowserTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/dashboard/check_dashboard.py").path

    /// A cluster whose tight bands keep plans coming, plus the dashboard on a free port.
    static func start() throws -> (Cluster, Deployment) {
        let (cluster, topology) = try Cluster.busy(venues: 3)
        try cluster.startAllButCoordinators(topology)
        try cluster.start("coordinator", ["coordinator"])
        try cluster.start("dashboard", ["dashboard", "--listen", "127.0.0.1:0"])
        return (cluster, topology)
    }

    /// The URL the dashboard printed.
    static func url(of cluster: Cluster) async -> String? {
        var url: String?
        _ = await eventually(30) {
            url = cluster.log("dashboard").split(separator: "\n").first { $0.hasPrefix("dashboard: http://") }
                .map { String($0.dropFirst("dashboard: ".count)) }
            return url != nil
        }
        return url
    }

    struct BrowserResult: Decodable {
        struct Vote: Decodable { var verifier: String; var vote: String }
        struct Plan: Decodable { var seq: UInt64; var createdMs: Double; var receivedMs: Double; var shownMs: Double; var votes: [Vote] }
        var unavailable: String?
        var error: String?
        var venues: [String]?
        var plan: Plan?
        var console_errors: [String]?
    }

    /// One cluster for the stream, the page and the browser: the stream starts with the
    /// deployment and carries every venue; the page is one offline file; in the browser it shows
    /// every venue and a newly approved plan with its votes; SIGTERM with a page open exits cleanly.
    @Test func thePageAndItsStreamShowEveryVenueAndNewPlansAndEndCleanlyOnSIGTERM() async throws {
        let (cluster, topology) = try Self.start()
        defer { cluster.stopAll() }
        let url = try #require(await Self.url(of: cluster), "the dashboard prints its URL: \(cluster.log("dashboard"))")
        let venues = topology.venues.map(\.id)
        let stream = try Self.readStream(url + "events", seconds: 4)
        #expect(stream.hasPrefix("retry: 1000\n\nevent: hello\n"), "the deployment comes first")
        for venue in venues { #expect(stream.contains("\"venue\":\"\(venue)\""), "venue \(venue) in the stream") }
        let page = try Self.readStream(url, seconds: 5)
        #expect(page.contains("<title>rebalancer dashboard</title>") && !page.contains("https://"), "one offline page, no CDN")

        let screenshot = ProcessInfo.processInfo.environment["DASHBOARD_SCREENSHOT"] ?? cluster.directory + "/dashboard.png"
        let run = try Self.python([Self.script, url, "--venues", venues.joined(separator: ","), "--timeout", "60", "--screenshot", screenshot])
        let last = run.output.split(separator: "\n").last.map(String.init) ?? ""
        let result = try #require(try? JSONDecoder().decode(BrowserResult.self, from: Data(last.utf8)), "check_dashboard.py printed no result: \(run.output)")
        #expect(result.error == nil, "the browser run failed: \(result.error ?? "")")
        if let why = result.unavailable {
            print("DashboardBrowserTests: no headless browser (\(why)); checking the event stream over HTTP instead")
            let stream = try Self.readStream(url + "events", seconds: 20)
            #expect(stream.contains("event: plan") && stream.contains("\"vote\":\"approve\""), "an approved plan with its votes")
            #expect(cluster.stop("dashboard") == 0)
            return
        }
        #expect(run.status == 0, "\(run.output)")
        #expect(Set(result.venues ?? []) == Set(venues), "every venue of the topology is shown")
        #expect(result.console_errors == [], "no console errors")
        let plan = try #require(result.plan, "a new plan is shown; dashboard log: \(cluster.log("dashboard").suffix(2000))")
        #expect(plan.votes.map(\.verifier).sorted() == topology.verifiers.map(\.id).sorted(), "every verifier has a place")
        #expect(plan.votes.filter { $0.vote == "approve" }.count >= topology.quorum, "a quorum of verified approvals")
        // Shown within two seconds of its approval: the plan is approved after it is created, so
        // this bounds the time from approval to the page from above.
        #expect(plan.shownMs - plan.createdMs < 2000, "shown \(plan.shownMs - plan.createdMs) ms after its creation")
        #expect(cluster.coordinatorApproved(plan.seq), "the coordinator logged plan \(plan.seq) approved")
        #expect(FileManager.default.fileExists(atPath: screenshot))
        #expect(cluster.stop("dashboard") == 0, "SIGTERM: a clean exit with a page open")
    }

    @Test func theDemoServesThePageWhileItRuns() async throws {
        let cluster = try Cluster(venues: 3, verifiers: 4, quorum: 3)
        let port = Cluster.freeBasePort()
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: Cluster.binary)
        demo.arguments = ["demo", "--topology", cluster.topologyPath, "--seconds", "6", "--quiet", "--data-dir", cluster.directory + "/demo",
                          "--dashboard", "127.0.0.1:\(port)"]
        let pipe = Pipe()
        demo.standardOutput = pipe
        demo.standardError = FileHandle.nullDevice
        try demo.run()
        var stream = ""
        let served = await eventually(12) {
            stream = (try? Self.readStream("http://127.0.0.1:\(port)/events", seconds: 3)) ?? ""
            return stream.contains("event: venue")
        }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        demo.waitUntilExit()
        #expect(served, "the demo's dashboard streams venue states: \(stream.prefix(500))")
        #expect(output.contains("dashboard: http://127.0.0.1:\(port)/"), "the demo prints the URL: \(output)")
        #expect(demo.terminationStatus == 0)
        #expect((try? Self.readStream("http://127.0.0.1:\(port)/", seconds: 2)) == "", "the dashboard stops with the demo")
    }

    @Test func aBadListenAddressIsRefusedWithTheValueNamed() throws {
        let cluster = try Cluster(venues: 2, verifiers: 1, quorum: 1)
        let result = try Cluster.run(["dashboard", "--topology", cluster.topologyPath, "--listen", "localhost"])
        #expect(result.status != 0)
        #expect(result.output.contains("--listen must be host:port") && result.output.contains("'localhost'"), "\(result.output)")
    }

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// What `url` sends within `seconds` (curl, which streams).
    static func readStream(_ url: String, seconds: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sN", "--max-time", "\(seconds)", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}

extension Cluster {
    /// True when the coordinator's log names plan `seq` as approved.
    func coordinatorApproved(_ seq: UInt64) -> Bool {
        log("coordinator").split(separator: "\n").contains { $0.contains("approved") && $0.contains("plan_seq=\(seq)") }
    }
}
