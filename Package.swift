// swift-tools-version:6.1
import PackageDescription

/// Deskside: asset and endpoint management for internal IT help desks.
///
/// Layout (see docs/ARCHITECTURE.md): shared libraries in Sources/, the agent in Agent/,
/// the collector in Collector/, tests in Tests/. Executables are thin entry points over libraries.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // An import is internal unless marked `public import`: a module's public API says which modules
    // its users see, and the build refuses a public declaration that leaks an internally imported type.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "deskside",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "deskside-agent", targets: ["deskside-agent"]),
        .executable(name: "deskside-collector", targets: ["deskside-collector"]),
        .executable(name: "deskside", targets: ["deskside"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Already in the graph through Hummingbird; named for NIOHTTPTypes (HTTP parts in a channel handler).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The staff CLI reads templates written in YAML; the collector takes JSON only.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // /metrics: swift-metrics is already in the graph through Hummingbird; swift-prometheus renders it.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // The PostgreSQL store, for fleets past one machine (issue 17); the SQLite file stays the default.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // MARK: System libraries (Debian: zlib1g-dev, liblz4-dev, liblzma-dev, libsqlite3-dev)
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CLZMA", path: "Sources/CLZMA", pkgConfig: "liblzma", providers: [.apt(["liblzma-dev"])]),
        .target(name: "CProcess", path: "Agent/CProcess"),
        .systemLibrary(name: "CCrypt", path: "Collector/CCrypt"),
        .target(name: "CClock", path: "Sources/CClock"),
        .target(name: "DesksideVersion", path: "Sources/DesksideVersion", exclude: ["README.md"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CSQLite", path: "Agent/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // MARK: Shared libraries
        .target(
            name: "DesksideJSON",
            path: "Sources/DesksideJSON",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideInventory",
            dependencies: ["DesksideJSON", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/DesksideInventory",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideCompression",
            dependencies: ["CZlib", "CLZ4", "CLZMA"],
            path: "Sources/DesksideCompression",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        // The fault checks: the agent runs them on its inventory, the collector on inventories other agents send.
        .target(
            name: "DesksideChecks",
            dependencies: ["DesksideInventory"],
            path: "Sources/DesksideChecks",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(name: "DesksideFiles", path: "Sources/DesksideFiles", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(
            name: "DesksideLogging",
            dependencies: ["DesksideJSON", .product(name: "Logging", package: "swift-log")],
            path: "Sources/DesksideLogging",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideTasks",
            dependencies: ["DesksideJSON", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/DesksideTasks",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideProtocol",
            dependencies: ["DesksideInventory", "DesksideJSON", "DesksideCompression", "DesksideTasks", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/DesksideProtocol",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "DesksideTransport",
            dependencies: [
                "DesksideProtocol", "DesksideInventory",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Sources/DesksideTransport",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        // MARK: Staff CLI (a client of the REST API)
        .target(
            name: "DesksideClient",
            dependencies: ["DesksideJSON", "DesksideFiles"],
            path: "Sources/DesksideClient",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideStaffCommands",
            dependencies: ["DesksideAPI", "DesksideClient", "DesksideJSON", "DesksideFiles", "DesksideVersion", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Yams", package: "Yams")],
            path: "Sources/DesksideStaffCommands",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "deskside", dependencies: ["DesksideStaffCommands"], path: "Sources/deskside", swiftSettings: swiftSettings),

        // MARK: Agent
        .target(
            name: "DesksideAgentTasks",
            dependencies: ["DesksideTasks", "DesksideProbes", "DesksideInventory", "DesksideFiles", "DesksideJSON"],
            path: "Agent/Tasks",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideProbes",
            dependencies: ["DesksideJSON", "DesksideInventory", "DesksideCompression", "DesksideFiles", "DesksideVersion", "CSQLite", "CProcess"],
            path: "Agent/Probes",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideSpool",
            dependencies: ["DesksideCompression", "DesksideFiles"],
            path: "Agent/Spool",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideSession",
            dependencies: ["DesksideProtocol", "DesksideInventory"],
            path: "Agent/Session",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideAgentRuntime",
            dependencies: [
                "DesksideJSON",
                "DesksideAgentTasks", "DesksideTasks",
                "DesksideTransport", "DesksideProtocol", "DesksideSession", "DesksideSpool", "DesksideProbes", "DesksideChecks",
                "DesksideInventory", "DesksideFiles", "DesksideVersion",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Agent/Runtime",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideAgentCommands",
            dependencies: [
                "DesksideJSON",
                "DesksideAgentTasks",
                "DesksideInventory", "DesksideProbes", "DesksideChecks", "DesksideAgentRuntime", "DesksideSpool", "DesksideFiles", "DesksideTransport",
                "CClock", "DesksideVersion",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            path: "Agent/Commands",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "deskside-agent",
            dependencies: ["DesksideAgentCommands"],
            path: "Agent/Executable",
            swiftSettings: swiftSettings
        ),

        // MARK: Collector
        .target(name: "DesksideHelpdesk", dependencies: ["DesksideAPI", "DesksideInventory", "DesksideJSON"], path: "Collector/Helpdesk", exclude: ["README.md"], swiftSettings: swiftSettings),
        .systemLibrary(name: "CQRencode", path: "Collector/CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .target(name: "DesksideLabels", dependencies: ["CQRencode"], path: "Collector/Labels", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(name: "DesksideAssets", dependencies: ["DesksideInventory", "DesksideHelpdesk"], path: "Collector/Assets", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(
            name: "DesksideNotifications",
            dependencies: ["DesksideHelpdesk", .product(name: "Crypto", package: "swift-crypto")],
            path: "Collector/Notifications", exclude: ["README.md"], swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideInterop",
            dependencies: ["DesksideInventory", "DesksideJSON", "DesksideCompression"],
            path: "Collector/Interop",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideMetrics",
            dependencies: ["DesksideStoreSQLite", .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus")],
            path: "Collector/Metrics",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideIntake",
            dependencies: [
                "DesksideInterop", "DesksideStoreSQLite", "DesksideChecks", "DesksideInventory", "DesksideMetrics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Collector/Intake",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // The REST API's resources, shared by the collector and the staff CLI.
        .target(name: "DesksideAPI", path: "Sources/DesksideAPI", exclude: ["README.md"], swiftSettings: swiftSettings),
        // The store: repository protocols and the records they exchange (DesksideStore), an SQLite
        // implementation on GRDB (the default, embedded), a PostgreSQL one on postgres-nio.
        .target(
            name: "DesksideStore",
            dependencies: ["DesksideAPI", "DesksideHelpdesk", "DesksideInventory", .product(name: "Crypto", package: "swift-crypto")],
            path: "Collector/Store",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideStorePostgres",
            dependencies: [
                "DesksideAPI", "DesksideStore", "DesksideHelpdesk", "DesksideJSON",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Collector/StorePostgres",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideStoreSQLite",
            dependencies: [
                "DesksideAPI", "DesksideStore", "DesksideProvisioning",
                "DesksideTasks","DesksideInventory", "DesksideJSON", "DesksideProtocol", "DesksideHelpdesk", "DesksideNotifications", "DesksideAssets",
                .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "Crypto", package: "swift-crypto")],
            path: "Collector/StoreSQLite",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "DesksideAuthority",
            dependencies: [
                "DesksideInventory",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Collector/Authority",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideEnrollment",
            dependencies: ["DesksideStoreSQLite", "DesksideAuthority", "DesksideHelpdesk", .product(name: "X509", package: "swift-certificates")],
            path: "Collector/Enrollment",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideCollectorHome",
            dependencies: [
                "DesksideTasks","DesksideStoreSQLite", "DesksideHelpdesk", "DesksideAssets", "DesksideAuthority", "DesksideFiles", "DesksideJSON",
                           .product(name: "X509", package: "swift-certificates")],
            path: "Collector/Home",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideCollectorCommands",
            dependencies: [
                "DesksideJSON",
                "DesksideCollectorHome", "DesksideStoreSQLite", "DesksideAgentServer", "DesksideHTTP", "DesksideIntake", "DesksideMetrics", "CClock", "DesksideConsole", "DesksideDelivery", "DesksideMail", "DesksideNotifications", "DesksideDesk", "DesksideHelpdesk", "DesksideEnrollment", "DesksideTransport",
                "DesksideFiles", "DesksideInventory", "DesksideLogging", "DesksideAssets", "DesksideVersion",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Collector/Commands",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "deskside-collector",
            dependencies: ["DesksideCollectorCommands"],
            path: "Collector/Executable",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideIngest",
            dependencies: ["DesksideStoreSQLite", "DesksideProtocol", "DesksideInventory"],
            path: "Collector/Ingest",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "DesksideAgentServer",
            dependencies: [
                "DesksideTasks",
                "DesksideTransport", "DesksideProtocol", "DesksideIngest", "DesksideEnrollment", "DesksideStoreSQLite", "DesksideInventory", "DesksideHelpdesk",
                "DesksideMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Collector/AgentServer",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "DesksideMail",
            dependencies: [
                "DesksideNotifications",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Collector/Mail", exclude: ["README.md"], swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideDelivery",
            dependencies: [
                "DesksideMail", "DesksideNotifications", "DesksideStoreSQLite", "DesksideJSON",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Collector/Delivery", exclude: ["README.md"], swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideProvisioning",
            dependencies: ["DesksideTasks", "DesksideJSON"],
            path: "Collector/Provisioning",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideDesk",
            dependencies: ["DesksideAPI", 
                "DesksideProvisioning",
                "CCrypt",
                "DesksideTasks","DesksideHelpdesk", "DesksideNotifications", "DesksideStore", "DesksideStoreSQLite", "DesksideInventory", "DesksideJSON", "DesksideAssets", "DesksideLabels", .product(name: "HummingbirdBcrypt", package: "hummingbird-auth")],
            path: "Collector/Desk",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideConsole",
            dependencies: ["DesksideAPI", 
                "DesksideHTTP", "DesksideDesk", "DesksideNotifications", "DesksideHelpdesk", "DesksideAssets", "DesksideLabels", "DesksideStore", "DesksideStoreSQLite", "DesksideInventory", "DesksideProvisioning", "DesksideJSON",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Collector/Console",
            exclude: ["README.md", "Templates", "Static"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DesksideHTTP",
            dependencies: ["DesksideAPI", 
                "DesksideProvisioning",
                "DesksideDesk", "DesksideNotifications", "DesksideHelpdesk", "DesksideAssets", "DesksideLabels", "DesksideStore", "DesksideStoreSQLite", "DesksideInventory", "DesksideJSON", "DesksideTransport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Collector/HTTP",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks
        .executableTarget(
            name: "deskside-loadgen",
            dependencies: [
                "DesksideCollectorHome", "DesksideStoreSQLite", "DesksideAuthority", "DesksideInventory", "DesksideProtocol", "DesksideSession", "DesksideTransport", "DesksideProbes",
                "DesksideTasks", "DesksideHelpdesk",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/CollectorLoad",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .target(name: "DesksideTestSupport", dependencies: ["DesksideInventory"], path: "Tests/Support"),
        .target(name: "DesksideFuzzing", dependencies: ["DesksideProtocol", "DesksideCompression", "DesksideJSON"], path: "Tests/Fuzzing",
                swiftSettings: swiftSettings),
        .testTarget(
            name: "FuzzCorpusTests",
            dependencies: ["DesksideTestSupport", "DesksideFuzzing"],
            path: "Tests/FuzzCorpusTests"
        ),
        .testTarget(
            name: "DesksideHelpdeskTests",
            dependencies: ["DesksideAPI", "DesksideHelpdesk", "DesksideInventory"],
            path: "Tests/DesksideHelpdeskTests"
        ),
        .testTarget(
            name: "DesksideInventoryTests",
            dependencies: ["DesksideJSON", "DesksideTestSupport", "DesksideInventory"],
            path: "Tests/DesksideInventoryTests"
        ),
        .testTarget(
            name: "DesksideJSONTests",
            dependencies: ["DesksideTestSupport", "DesksideJSON"],
            path: "Tests/DesksideJSONTests"
        ),
        .testTarget(
            name: "DesksideProtocolTests",
            dependencies: ["DesksideJSON", "DesksideTestSupport", "DesksideProtocol", "DesksideProbes", "DesksideInventory"],
            path: "Tests/DesksideProtocolTests"
        ),
        .testTarget(
            name: "DesksideAgentTasksTests",
            dependencies: ["DesksideTestSupport", "DesksideAgentTasks", "DesksideTasks", "DesksideProbes", "DesksideFiles"],
            path: "Tests/DesksideAgentTasksTests"
        ),
        .testTarget(
            name: "DesksideNotificationsTests",
            dependencies: ["DesksideNotifications"],
            path: "Tests/DesksideNotificationsTests"
        ),
        .testTarget(
            name: "DesksideLabelsTests",
            dependencies: ["DesksideLabels", "DesksideTestSupport"],
            path: "Tests/DesksideLabelsTests"
        ),
        .testTarget(
            name: "DesksideAssetsTests",
            dependencies: ["DesksideAssets", "DesksideInventory", "DesksideHelpdesk"],
            path: "Tests/DesksideAssetsTests"
        ),
        .testTarget(
            name: "DesksideProvisioningTests",
            dependencies: ["DesksideProvisioning", "DesksideTasks", "DesksideJSON"],
            path: "Tests/DesksideProvisioningTests"
        ),
        .testTarget(
            name: "DesksideTasksTests",
            dependencies: ["DesksideTasks", "DesksideJSON"],
            path: "Tests/DesksideTasksTests"
        ),
        .testTarget(
            name: "DesksideCompressionTests",
            dependencies: ["DesksideTestSupport", "DesksideCompression"],
            path: "Tests/DesksideCompressionTests"
        ),
        .testTarget(
            name: "DesksideProbesTests",
            dependencies: ["DesksideJSON", "DesksideTestSupport", "DesksideProbes", "DesksideChecks", "DesksideInventory"],
            path: "Tests/DesksideProbesTests"
        ),
        .testTarget(
            name: "DesksideSpoolTests",
            dependencies: ["DesksideTestSupport", "DesksideSpool"],
            path: "Tests/DesksideSpoolTests"
        ),
        .testTarget(
            name: "DesksideSessionTests",
            dependencies: ["DesksideSession", "DesksideProtocol", "DesksideInventory"],
            path: "Tests/DesksideSessionTests"
        ),
        .testTarget(
            name: "DesksideStoreConformanceTests",
            dependencies: ["DesksideAPI", "DesksideStore", "DesksideStoreSQLite", "DesksideStorePostgres", "DesksideHelpdesk", "DesksideJSON", "DesksideTestSupport",
                           .product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio")],
            path: "Tests/DesksideStoreConformanceTests"
        ),
        .testTarget(
            name: "DesksideStoreSQLiteTests",
            dependencies: ["DesksideJSON", "DesksideTestSupport", "DesksideStoreSQLite", "DesksideHelpdesk", "DesksideProtocol", "DesksideProbes", "DesksideInventory", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Tests/DesksideStoreSQLiteTests"
        ),
        .testTarget(
            name: "DesksideHTTPTests",
            dependencies: ["DesksideClient", "DesksideAPI", "DesksideTestSupport", "DesksideHTTP", "DesksideDesk", "DesksideStoreSQLite", .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOHTTPTypes", package: "swift-nio-extras")],
            path: "Tests/DesksideHTTPTests"
        ),
        .testTarget(
            name: "DesksideConsoleTests",
            dependencies: ["DesksideTestSupport", "DesksideConsole", .product(name: "Mustache", package: "swift-mustache")],
            path: "Tests/DesksideConsoleTests"
        ),
        .testTarget(
            name: "DesksideDeskTests",
            dependencies: ["DesksideTestSupport", "DesksideDesk", "DesksideHelpdesk", "DesksideStoreSQLite", "DesksideInventory", "DesksideProbes",
                           "DesksideJSON", "DesksideProvisioning", "DesksideTasks", "DesksideNotifications"],
            path: "Tests/DesksideDeskTests"
        ),
        .testTarget(
            name: "DesksideIngestTests",
            dependencies: ["DesksideJSON", "DesksideTestSupport", "DesksideIngest", "DesksideStoreSQLite", "DesksideProtocol", "DesksideProbes", "DesksideInventory"],
            path: "Tests/DesksideIngestTests"
        ),
        .testTarget(
            name: "DesksideAuthorityTests",
            dependencies: [
                "DesksideAuthority", "DesksideTestSupport",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/DesksideAuthorityTests"
        ),
        .testTarget(
            name: "DesksideEnrollmentTests",
            dependencies: [
                "DesksideEnrollment", "DesksideStoreSQLite", "DesksideAuthority", "DesksideTestSupport",
                .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/DesksideEnrollmentTests"
        ),
        .testTarget(
            name: "DesksideCollectorHomeTests",
            dependencies: ["DesksideCollectorHome", "DesksideStoreSQLite", "DesksideAuthority", "DesksideTestSupport",
                           .product(name: "X509", package: "swift-certificates")],
            path: "Tests/DesksideCollectorHomeTests"
        ),
        .testTarget(
            name: "DesksideLoggingTests",
            dependencies: ["DesksideLogging", "DesksideJSON", .product(name: "Logging", package: "swift-log")],
            path: "Tests/DesksideLoggingTests"
        ),
        .testTarget(
            name: "DesksideInteropTests",
            dependencies: ["DesksideTestSupport", "DesksideInterop", "DesksideInventory", "DesksideChecks", "DesksideCompression", "DesksideJSON", "CZlib"],
            path: "Tests/DesksideInteropTests"
        ),
        .testTarget(
            name: "DesksideChecksTests",
            dependencies: ["DesksideJSON", "DesksideTestSupport", "DesksideChecks", "DesksideInventory"],
            path: "Tests/DesksideChecksTests"
        ),
        .testTarget(
            name: "DesksideAgentServerTests",
            dependencies: [
                "DesksideTestSupport", "DesksideAgentServer", "DesksideCollectorHome", "DesksideAuthority", "DesksideEnrollment", "DesksideLogging", "DesksideStoreSQLite",
                "DesksideTransport", "DesksideProtocol", "DesksideCompression", "DesksideInventory", "DesksideProbes", "DesksideSession",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DesksideAgentServerTests"
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["DesksideJSON", "DesksideTestSupport", "DesksideInventory", "DesksideAuthority", "DesksideTasks", "DesksideNotifications", "DesksideCompression",
                           .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/EndToEndTests"
        ),
    ]
)
