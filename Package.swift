// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Enlace",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "enlace", targets: ["enlace"]),
        .library(name: "EnlaceModel", targets: ["EnlaceModel"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
    ],
    targets: [
        // Pure values and merge rules: no clock, no randomness, no I/O.
        .target(
            name: "EnlaceModel",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // A replica's storage: the append-only SQLite journal and what is materialised from it.
        .target(
            name: "EnlaceStore",
            dependencies: ["EnlaceModel", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // libcurl, as the system provides it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Fixed-arity C wrappers for libcurl's variadic calls; only its .c file includes curl.h.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // The libcurl HTTP client; knows nothing about sync.
        .target(name: "EnlaceHTTP", dependencies: ["CCurlShim"]),
        // Configuration files and the flag > environment > file order.
        .target(name: "EnlaceConfig"),
        // What both servers share: precise JSON errors, JSON responses, off-loop store work.
        .target(
            name: "EnlaceAPI",
            dependencies: [
                "EnlaceModel", "EnlaceStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The sync protocol's messages and the node's push/pull engine with its schedule.
        .target(
            name: "EnlaceSync",
            dependencies: [
                "EnlaceModel", "EnlaceStore", "EnlaceHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The field node: its record operations, local API on a Unix socket, and daemon.
        .target(
            name: "EnlaceNode",
            dependencies: [
                "EnlaceModel", "EnlaceStore", "EnlaceAPI", "EnlaceSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The central server: sync endpoints, credentials, the office's read paths.
        .target(
            name: "EnlaceCentral",
            dependencies: [
                "EnlaceModel", "EnlaceStore", "EnlaceAPI", "EnlaceSync",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        // The `enlace` executable: argument parsing and wiring only.
        .executableTarget(
            name: "enlace",
            dependencies: [
                "EnlaceModel", "EnlaceStore", "EnlaceHTTP", "EnlaceNode", "EnlaceCentral", "EnlaceSync", "EnlaceConfig", "EnlaceDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `enlace demo`: real processes on loopback telling a day of AVGM work.
        .target(name: "EnlaceDemo", dependencies: ["EnlaceModel", "EnlaceHTTP"]),
        // `swift run -c release enlace-bench`: throughput figures, never assertions.
        .executableTarget(
            name: "enlace-bench",
            dependencies: ["EnlaceModel", "EnlaceStore"],
            path: "Sources/EnlaceBenchmarks"
        ),
        // What several test targets share: seeded randomness and input mutation.
        .target(name: "EnlaceTestSupport", path: "Tests/EnlaceTestSupport"),
        .testTarget(name: "EnlaceModelTests", dependencies: ["EnlaceModel", "EnlaceTestSupport"]),
        .testTarget(
            name: "EnlaceNodeTests",
            dependencies: [
                "EnlaceModel", "EnlaceStore", "EnlaceHTTP", "EnlaceNode", "EnlaceCentral", "EnlaceSync", "EnlaceConfig", "EnlaceDemo",
                "EnlaceTestSupport", "EnlaceAPI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
