import CFuzzDriver
import DesksideFuzzing

#if canImport(Glibc)
import Glibc
#endif

/// The target is chosen by `DESKSIDE_FUZZ_TARGET` (frames, decompressor, json): one fuzzer binary,
/// three targets, each with its own corpus under Fuzz/Corpus/.
nonisolated(unsafe) var target = FuzzTarget.frames

/// The executable's entry point (SwiftPM links `main` to `<module>_main`): hands over to libFuzzer.
@_cdecl("deskside_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    guard let name = getenv("DESKSIDE_FUZZ_TARGET").map({ String(cString: $0) }), let chosen = FuzzTarget(rawValue: name) else {
        let message = Array("set DESKSIDE_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        return 64
    }
    target = chosen
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOne(data!, size) }
}

/// libFuzzer's runtime refers to this symbol even when its driver is given the callback.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    target.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
