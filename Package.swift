// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Enlace",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "enlace", targets: ["enlace"]),
        .library(name: "EnlaceModel", targets: ["EnlaceModel"]),
    ],
    // Exact versions: an application pins what it ships (Package.resolved is not committed here);
    // an upgrade is a deliberate change of one line, built and tested.
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", exact: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", exact: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
    ],
    targets: [
        // Pure values and merge rules: no clock, no randomness, no I/O.
        .target(
            name: "EnlaceModel",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // What people read: the Spanish display vocabulary (every field, value, department,
        // standard, role, rule and audit action), León's time, the pages' stylesheet — shared
        // by the desk, the ventanilla and the CLI.
        // One implementation of what every page needs — passwords (scrypt), the sign-in gate and
        // its admission, tokens, forms with CSRF, strict headers, Mustache rendering.
        .target(
            name: "EnlaceWeb",
            dependencies: [
                "EnlaceModel",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        // The wire protocol both sides speak: message types, route paths, transport policy.
        .target(name: "EnlaceProtocol", dependencies: ["EnlaceModel"]),
        // A replica's storage whatever its database: the protocols that speak typed values
        // (ReplicaStore, CentralStore, NodeStore), the one replica writer above them, the vault
        // and keys, the feed and scope algorithms written once over each dialect's statements.
        .target(
            name: "EnlaceReplica",
            dependencies: ["EnlaceModel", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // The SQLite dialect: every node's store, and the central store on one machine.
        .target(
            name: "EnlaceSQLite",
            dependencies: [
                "EnlaceModel", "EnlaceReplica",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The PostgreSQL dialect: the central store past one machine.
        .target(
            name: "EnlacePostgres",
            dependencies: [
                "EnlaceModel", "EnlaceReplica",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The one import of the three above for the daemons, the CLI and the tests.
        .target(name: "EnlaceStore", dependencies: ["EnlaceReplica", "EnlaceSQLite", "EnlacePostgres"]),
        // libcurl, as the system provides it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Fixed-arity C wrappers for libcurl's variadic calls; only its .c file includes curl.h.
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        // The libcurl HTTP client and JSON over it; knows nothing about sync.
        .target(name: "EnlaceHTTP", dependencies: ["CCurlShim", "EnlaceModel"]),
        // Configuration files and the flag > environment > file order.
        .target(name: "EnlaceConfig"),
        // What both servers share: the mapping of refusals to statuses, JSON errors and
        // responses, request input, metrics, sd_notify.
        .target(
            name: "EnlaceAPI",
            dependencies: [
                "EnlaceModel", "EnlaceStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The node's push/pull engine with its schedule (the client side only).
        .target(
            name: "EnlaceSync",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceHTTP",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The field node: its record operations, local API on a Unix socket, and daemon.
        .target(
            name: "EnlaceNode",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceAPI", "EnlaceSync", "EnlaceWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The central server: sync endpoints, credentials, the office's reads and desk, audit.
        .target(
            name: "EnlaceCentral",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceAPI", "EnlaceConfig", "EnlaceWeb",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // `enlace demo`: real processes on loopback telling a day of AVGM work.
        .target(
            name: "EnlaceDemo",
            dependencies: ["EnlaceModel", "EnlaceProtocol", "EnlaceHTTP", "EnlaceWeb"],
            resources: [.copy("Resources/roster-ec0539.csv")]
        ),
        // The `enlace` executable: argument parsing and wiring only.
        .executableTarget(
            name: "enlace",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceHTTP", "EnlaceAPI", "EnlaceNode", "EnlaceCentral", "EnlaceSync",
                "EnlaceConfig", "EnlaceDemo", "EnlaceWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["BuildCommit"]
        ),
        // Writes the commit a build comes from into the `enlace` executable (`enlace --version`).
        .plugin(name: "BuildCommit", capability: .buildTool()),
        // `swift run -c release enlace-bench`: throughput figures, never assertions.
        .executableTarget(
            name: "enlace-bench",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceHTTP", "EnlaceDemo", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Sources/EnlaceBenchmarks"
        ),
        // What the test targets share: seeded randomness, input mutation, temporary folders,
        // real processes and fixtures.
        .target(
            name: "EnlaceTestSupport",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceHTTP", "EnlaceNode", "EnlaceDemo", "EnlaceSync",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/EnlaceTestSupport"
        ),
        .testTarget(
            name: "EnlaceModelTests",
            dependencies: ["EnlaceModel", "EnlaceWeb", "EnlaceTestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "EnlaceStoreTests",
            dependencies: ["EnlaceModel", "EnlaceStore", "EnlaceTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "EnlaceNodeTests",
            dependencies: [
                "EnlaceModel", "EnlaceStore", "EnlaceHTTP", "EnlaceNode", "EnlaceAPI", "EnlaceConfig", "EnlaceTestSupport", "EnlaceWeb",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "EnlaceSyncTests",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceHTTP", "EnlaceNode", "EnlaceSync", "EnlaceAPI", "EnlaceTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "EnlaceCentralTests",
            dependencies: [
                "EnlaceModel", "EnlaceProtocol", "EnlaceStore", "EnlaceHTTP", "EnlaceNode", "EnlaceCentral", "EnlaceAPI",
                "EnlaceTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "EnlaceDemoTests", dependencies: ["EnlaceModel", "EnlaceDemo", "EnlaceTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)

// The project's own code builds without a warning: a new one fails the build (and CI).
// An async function without an actor of its own runs where its caller runs (SE-0461): a store's
// transaction body and every statement it awaits stay on the store's own executor.
for target in package.targets where target.type != .plugin && target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .treatAllWarnings(as: .error), .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
    ]
}
