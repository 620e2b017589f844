// swift-tools-version: 6.0
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // Each function in a section of its own, so that the linker can place
    // what the start-up runs side by side (see the strata target's link).
    .unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "Strata",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "strata", targets: ["strata"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "StrataModel", dependencies: ["CByteLoops"], swiftSettings: strictSwift),
        .target(name: "StrataThreads", dependencies: ["CLinux"], swiftSettings: strictSwift),
        .target(name: "StrataExpressions", dependencies: ["StrataModel"], swiftSettings: strictSwift),
        .target(name: "StrataPartiQL", dependencies: ["StrataModel"], swiftSettings: strictSwift),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLinux"),
        // The request path's byte loops in C: CRC-32 (x-amz-crc32), JSON string scans.
        .target(name: "CByteLoops", dependencies: ["CZlib"]),
        .target(
            name: "StrataStorage",
            dependencies: [
                "StrataModel", "StrataThreads", "CSQLite", "CZlib", .product(name: "Logging", package: "swift-log"), .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "StrataPostgres",
            dependencies: [
                "StrataModel", "StrataStorage", "StrataAdmission", "StrataPostgresWire",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .target(name: "StrataPostgresWire", dependencies: ["COpenSSL", "CLinux", "StrataThreads"], swiftSettings: strictSwift),
        .target(name: "StrataAdmission", dependencies: ["StrataModel"], swiftSettings: strictSwift),
        .target(name: "StrataAuth", dependencies: ["StrataModel", "COpenSSL"], swiftSettings: strictSwift),
        .target(
            name: "StrataAPI",
            dependencies: [
                "StrataModel", "StrataExpressions", "StrataPartiQL", "StrataStorage", "StrataAdmission", "StrataAuth",
                .product(name: "Logging", package: "swift-log"), .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSwift
        ),
        .target(
            name: "StrataServer",
            dependencies: [
                "StrataAPI", "StrataAuth", "StrataModel", "CZlib", "CByteLoops",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "strata",
            dependencies: [
                "StrataServer", "StrataAPI", "StrataAuth", "StrataStorage", "StrataPostgres", "StrataAdmission", "StrataModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSwift,
            // Release on Linux: the Swift runtime linked in (no Foundation:
            // nothing here imports it, which keeps idle RSS low); none of the binary's symbols
            // exported (the runtime's link arguments ask for -export-dynamic,
            // which nothing here needs); lld packs the relative relocations
            // (DT_RELR, glibc 2.36) and places what the start-up touches side
            // by side (Linking/startup-symbols.txt, made by
            // scripts/startup-order.sh), since the kernel maps file pages 64 KB
            // around each fault. Idle RSS: Benchmarks/README.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-static-stdlib", "-use-ld=lld",
                        "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        // Names the code no longer has are skipped, silently.
                        "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Linking/startup-symbols.txt",
                        "-Xlinker", "--no-warn-symbol-ordering",
                    ],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .executableTarget(name: "StorageShapeBenchmark", dependencies: ["CSQLite"], path: "Benchmarks/StorageShape"),
        .testTarget(name: "StrataModelTests", dependencies: ["StrataModel"]),
        .testTarget(name: "StrataExpressionsTests", dependencies: ["StrataExpressions", "StrataModel"]),
        .testTarget(name: "StrataStorageTests", dependencies: ["StrataStorage", "StrataModel", "StrataThreads", "COpenSSL"]),
        .testTarget(name: "StrataPostgresTests", dependencies: ["StrataPostgres", "StrataPostgresWire", "StrataStorage", "StrataModel"]),
        .testTarget(name: "StrataPostgresWireTests", dependencies: ["StrataPostgresWire"]),
        .testTarget(name: "StrataAdmissionTests", dependencies: ["StrataAdmission", "StrataModel"]),
        .testTarget(name: "StrataAuthTests", dependencies: ["StrataAuth", "StrataModel"]),
        .testTarget(name: "StrataPartiQLTests", dependencies: ["StrataPartiQL", "StrataModel"]),
        .testTarget(
            name: "StrataServerTests",
            dependencies: [
                "StrataServer", "StrataModel", "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .testTarget(
            name: "StrataAPITests",
            dependencies: [
                "StrataAPI", "StrataAdmission", "StrataModel", "StrataStorage", "StrataPostgres", .product(name: "Logging", package: "swift-log"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
