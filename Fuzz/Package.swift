// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets over the parts of Deskside that face the network (the wire's frames and
/// messages, the decompressor, the JSON parser). Its own package, so that the ordinary build never
/// needs libFuzzer's `main`; `scripts/bench fuzz` builds it with `-sanitize=fuzzer,address` in
/// `.build-fuzz` and runs each target for a bounded time. The harness itself is `DesksideFuzzing` in
/// the main package, which the tests use to replay the corpus and every crash.
let package = Package(
    name: "deskside-fuzz",
    dependencies: [.package(name: "deskside", path: "..")],
    targets: [
        .executableTarget(name: "deskside-fuzz", dependencies: [.product(name: "DesksideFuzzing", package: "deskside")],
                          path: "Sources/deskside-fuzz"),
    ]
)
