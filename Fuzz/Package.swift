// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets over the parts of Deskside that face the network (the wire's frames and
/// messages, the decompressor, the JSON parser). A package of its own, so that the ordinary build
/// never links libFuzzer, and one that builds only those modules (linked in `Mirror/` to their
/// sources in the main package) and swift-crypto: the main package's graph brings command plugins
/// that cannot be linked with the sanitizers. `scripts/bench fuzz` builds it with `-sanitize=fuzzer,address`
/// in `.build-fuzz` and runs each target for a bounded time; `FuzzCorpusTests` in the main
/// package replays the corpus and every crash through the same harness (`DesksideFuzzing`).
let package = Package(
    name: "deskside-fuzz",
    dependencies: [.package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0")],
    targets: [
        .systemLibrary(name: "CZlib", path: "Mirror/CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "CLZ4", path: "Mirror/CLZ4", pkgConfig: "liblz4"),
        .systemLibrary(name: "CLZMA", path: "Mirror/CLZMA", pkgConfig: "liblzma"),
        .target(name: "DesksideJSON", path: "Mirror/DesksideJSON", exclude: ["README.md"]),
        .target(name: "DesksideCompression", dependencies: ["CZlib", "CLZ4", "CLZMA"], path: "Mirror/DesksideCompression", exclude: ["README.md"]),
        .target(name: "DesksideInventory", dependencies: ["DesksideJSON", .product(name: "Crypto", package: "swift-crypto")],
                path: "Mirror/DesksideInventory", exclude: ["README.md"]),
        .target(name: "DesksideProtocol", dependencies: ["DesksideInventory", "DesksideJSON", "DesksideCompression", .product(name: "Crypto", package: "swift-crypto")],
                path: "Mirror/DesksideProtocol", exclude: ["README.md"]),
        .target(name: "DesksideFuzzing", dependencies: ["DesksideProtocol", "DesksideCompression", "DesksideJSON"], path: "Mirror/DesksideFuzzing"),
        .target(name: "CFuzzDriver", path: "Sources/CFuzzDriver"),
        .executableTarget(name: "deskside-fuzz", dependencies: ["CFuzzDriver", "DesksideFuzzing"],
                          path: "Sources/deskside-fuzz",
                          // No Swift top-level code: `fuzzMain` is the entry point, libFuzzer's driver the loop.
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])],
                          // gold stops with an internal error on this link; lld comes with the toolchain.
                          linkerSettings: [.unsafeFlags(["-use-ld=lld"])]),
    ]
)
