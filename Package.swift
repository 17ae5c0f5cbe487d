// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "rebalancer",
    // macOS 15 for Synchronization's Mutex.
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rebalancer", targets: ["rebalancer"]),
        .library(name: "RebalancerCore", targets: ["RebalancerCore"]),
        .library(name: "RebalancerSimulation", targets: ["RebalancerSimulation"]),
        .library(name: "RebalancerWire", targets: ["RebalancerWire"]),
        .library(name: "ZeroMQ", targets: ["ZeroMQ"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already resolved through Hummingbird; the etcd client speaks HTTP/1.1 with its codec.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // No pkgConfig: libzmq.pc on Debian adds -isystem flags SwiftPM refuses with a warning;
        // zmq.h is in the default include path and the module map links libzmq.
        .systemLibrary(
            name: "CZeroMQ",
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // The decision logic verifiers trust: domain, roles, verifier, policy, optimizer, risk, quorum.
        .target(name: "RebalancerCore"),
        // The market simulator, the offline simulation, hindsight and the optimizer's benchmark instances.
        .target(name: "RebalancerSimulation", dependencies: ["RebalancerCore"]),
        .target(
            name: "RebalancerWire",
            dependencies: [
                "RebalancerCore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "RebalancerVenues",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "RebalancerNode",
            dependencies: [
                // RebalancerSimulation: the venues role runs the simulated market.
                "RebalancerCore", "RebalancerWire", "ZeroMQ", "RebalancerVenues", "RebalancerSimulation",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The operator's tools around the node runtime: the local demo, the chaos run, the load bench,
        // and the compose, Prometheus and Grafana generators.
        .target(
            name: "RebalancerTools",
            dependencies: [
                "RebalancerCore", "RebalancerSimulation", "RebalancerWire", "RebalancerNode", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The monitor node's live web page: Hummingbird serves the page and its event stream.
        .target(
            name: "RebalancerDashboard",
            dependencies: [
                "RebalancerCore", "RebalancerWire", "RebalancerNode", "ZeroMQ",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "rebalancer",
            dependencies: [
                "RebalancerNode", "RebalancerVenues", "RebalancerDashboard", "RebalancerSimulation", "RebalancerTools",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "RebalancerCoreTests", dependencies: ["RebalancerCore", "RebalancerSimulation"]),
        .testTarget(name: "RebalancerSimulationTests", dependencies: ["RebalancerCore", "RebalancerSimulation"]),
        .testTarget(
            name: "RebalancerWireTests",
            dependencies: ["RebalancerWire"],
            resources: [.copy("Vectors")]
        ),
        .testTarget(name: "RebalancerNodeTests", dependencies: ["RebalancerNode", "RebalancerTools", "RebalancerSimulation"]),
        // Loopback fixture venues run as real processes, shared by the adapter and multi-process tests.
        .target(name: "VenueFixtures", path: "Tests/VenueFixtures"),
        .testTarget(name: "RebalancerVenuesTests", dependencies: ["RebalancerVenues", "VenueFixtures"]),
        // The test kit: an in-memory transport, a manual clock and a cluster of roles in one process.
        .target(
            name: "RebalancerTestKit",
            dependencies: ["RebalancerNode", "RebalancerCore", "RebalancerWire", "ZeroMQ", .product(name: "Logging", package: "swift-log")],
            path: "Tests/RebalancerTestKit"
        ),
        // Every role's scenarios in one process over the test kit, in milliseconds each.
        .testTarget(
            name: "RoleScenarioTests",
            dependencies: ["RebalancerTestKit", "RebalancerNode", "RebalancerSimulation", "RebalancerWire", "RebalancerCore", "ZeroMQ"]
        ),
        .testTarget(name: "IntegrationTests", dependencies: ["RebalancerNode", "RebalancerTestKit", "RebalancerTools", "RebalancerSimulation", "RebalancerWire", "RebalancerCore", "ZeroMQ", "VenueFixtures"]),
    ]
)

// The Docker image is built from Package.swift, Sources and proto only (docker/Dockerfile): it
// neither needs nor copies the tests. SwiftPM refuses a manifest whose target folders are missing,
// so when the Tests folder as a whole is absent, the test targets are left out and that source-only
// copy loads and builds; in a checkout with Tests/, a missing test folder is still an error.
if !FileManager.default.fileExists(atPath: Context.packageDirectory + "/Tests") {
    package.targets.removeAll { $0.type == .test || $0.path?.hasPrefix("Tests/") == true }
}
