import DesksideFuzzing

#if canImport(Glibc)
import Glibc
#endif

/// The target is chosen by `DESKSIDE_FUZZ_TARGET` (frames, decompressor, json): one fuzzer binary,
/// three targets, each with its own corpus under Fuzz/Corpus/.
nonisolated(unsafe) let target: FuzzTarget = {
    guard let name = getenv("DESKSIDE_FUZZ_TARGET").map({ String(cString: $0) }), let target = FuzzTarget(rawValue: name) else {
        fputs("set DESKSIDE_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n", stderr)
        exit(64)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    target.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
