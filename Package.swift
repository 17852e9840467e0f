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
    ],
    targets: [
        // Pure values and merge rules: no clock, no randomness, no I/O.
        .target(
            name: "EnlaceModel",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // The `enlace` executable: argument parsing and wiring only.
        .executableTarget(
            name: "enlace",
            dependencies: [
                "EnlaceModel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // `swift run -c release enlace-bench`: throughput figures, never assertions.
        .executableTarget(
            name: "enlace-bench",
            dependencies: ["EnlaceModel"],
            path: "Sources/EnlaceBenchmarks"
        ),
        .testTarget(name: "EnlaceModelTests", dependencies: ["EnlaceModel"]),
    ],
    swiftLanguageModes: [.v6]
)
