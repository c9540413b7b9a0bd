#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

public import DesksideInventory

/// The filesystem a probe reads: `/` on a real machine, or a fixture tree holding copies of a system's
/// files. Every read is bounded, so that a huge or endless file (a hostile /proc entry, a runaway log)
/// cannot exhaust the agent's memory.
public struct SystemRoot: Sendable {
    /// Absolute path of the root, without a trailing slash unless it is `/`.
    public let path: String

    /// Reads of small files are cut here; larger files are refused with ``ReadError/tooLarge``.
    public static let smallFileLimit = 1 << 20

    public init(_ path: String = "/") {
        var trimmed = path
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed.isEmpty ? "/" : trimmed
    }

    /// Whether this is the live system rather than a copy of one.
    public var isLiveSystem: Bool { path == "/" }

    /// The host path of `relative` (an absolute path inside the probed system).
    public func hostPath(_ relative: String) -> String {
        if path == "/" { return relative }
        return relative.hasPrefix("/") ? path + relative : path + "/" + relative
    }

    /// Why a file could not be read.
    public enum ReadError: Error, Equatable {
        case missing
        case unreadable(errno: Int32)
        case tooLarge(limit: Int)

        /// The note kind for this error.
        public var noteKind: ProbeNote.Kind {
            switch self {
            case .missing: .missing
            case .unreadable: .unreadable
            case .tooLarge: .tooLarge
            }
        }

        public var message: String {
            switch self {
            case .missing: "does not exist"
            case .unreadable(let code): code == EINVAL ? "is not a regular file" : "cannot be read: \(String(cString: strerror(code)))"
            case .tooLarge(let limit): "is larger than \(limit) bytes and was skipped"
            }
        }
    }

    /// Opens a regular file for reading. Non-blocking and checked with fstat, so that a FIFO or a device
    /// put where a file should be (`/dev/watchdog`, a pipe nobody writes) is refused instead of hanging
    /// or acting on the agent, which runs as root.
    static func openRegularFile(_ path: String) throws(ReadError) -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT || code == ENOTDIR ? .missing : .unreadable(errno: code)
        }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .unreadable(errno: EINVAL)
        }
        return fd
    }

    /// Reads a whole file, refusing it when it is longer than `limit` bytes.
    /// Files in /proc and /sys report a size of 0 or 4096, so the limit is enforced while reading.
    public func read(_ relative: String, limit: Int = SystemRoot.smallFileLimit) throws(ReadError) -> [UInt8] {
        let fd = try Self.openRegularFile(hostPath(relative))
        defer { close(fd) }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(errno: errno)
            }
            if count == 0 { break }
            if result.count + count > limit { throw .tooLarge(limit: limit) }
            result.append(contentsOf: chunk[0..<count])
        }
        return result
    }

    /// Reads a file in pieces of at most 64 KiB, refusing more than `limit` bytes in all; for large
    /// files parsed as they stream (dpkg's status, pci.ids), so that they never sit in memory whole.
    public func forEachChunk(_ relative: String, limit: Int, _ body: (UnsafeRawBufferPointer) throws(ReadError) -> Void) throws(ReadError) {
        let fd = try Self.openRegularFile(hostPath(relative))
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 65536)
        var total = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(errno: errno)
            }
            if count == 0 { return }
            total += count
            if total > limit { throw .tooLarge(limit: limit) }
            var failure: ReadError?
            chunk.withUnsafeBytes { raw in
                do throws(ReadError) { try body(UnsafeRawBufferPointer(rebasing: raw[0..<count])) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Calls `body` with each line of a file (without its newline), reading it in pieces.
    public func forEachLine(_ relative: String, limit: Int, _ body: (UnsafeRawBufferPointer) -> Void) throws(ReadError) {
        var carry: [UInt8] = []
        try forEachChunk(relative, limit: limit) { chunk throws(ReadError) in
            var start = 0
            for index in chunk.indices where chunk[index] == 0x0A {
                if carry.isEmpty {
                    body(UnsafeRawBufferPointer(rebasing: chunk[start..<index]))
                } else {
                    carry.append(contentsOf: chunk[start..<index])
                    carry.withUnsafeBytes { body($0) }
                    carry.removeAll(keepingCapacity: true)
                }
                start = index + 1
            }
            carry.append(contentsOf: chunk[start...])
        }
        if !carry.isEmpty { carry.withUnsafeBytes { body($0) } }
    }

    /// Reads a text file; invalid UTF-8 is replaced, never fatal.
    public func readText(_ relative: String, limit: Int = SystemRoot.smallFileLimit) throws(ReadError) -> String {
        String(decoding: try read(relative, limit: limit), as: UTF8.self)
    }

    /// Reads a one-value sysfs or procfs attribute: trimmed text, `nil` when absent, unreadable, empty,
    /// or not printable text (binary junk). Use ``attribute(_:notes:section:probe:)`` to record why.
    public func attribute(_ relative: String) -> String? {
        guard let bytes = try? read(relative, limit: 65536) else { return nil }
        return Self.printable(bytes)
    }

    /// Like ``attribute(_:)``, but a file that exists and holds junk leaves a `malformed` note.
    public func attribute(_ relative: String, notes: inout NoteLog, section: InventorySection, probe: String) -> String? {
        let bytes: [UInt8]
        do throws(ReadError) {
            bytes = try read(relative, limit: 65536)
        } catch .missing {
            return nil
        } catch {
            notes.add(section, probe: probe, error: error, source: relative)
            return nil
        }
        if let text = Self.printable(bytes) { return text }
        if !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0 }) {
            notes.add(section, probe: probe, kind: .malformed, source: relative, message: "holds bytes that are not text; value ignored")
        }
        return nil
    }

    /// Trimmed text when `bytes` is valid UTF-8 without control characters; `nil` otherwise or when empty.
    static func printable(_ bytes: [UInt8]) -> String? {
        var slice = bytes[...]
        while let last = slice.last, last == 0x0A || last == 0x20 || last == 0x09 || last == 0x0D || last == 0 { slice.removeLast() }
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        guard !slice.isEmpty else { return nil }
        guard slice.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }) else { return nil }
        guard let text = String(validating: slice, as: UTF8.self) else { return nil }
        return text
    }

    /// Entries of a directory, sorted; empty when it does not exist.
    public func list(_ relative: String) -> [String] {
        guard let dir = opendir(hostPath(relative)) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The target of a symbolic link, as stored.
    public func readLink(_ relative: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(hostPath(relative), &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Metadata of a file (following links), or `nil` when it does not exist.
    public func status(_ relative: String) -> FileStatus? {
        var info = stat()
        guard stat(hostPath(relative), &info) == 0 else { return nil }
        return FileStatus(info)
    }

    public func exists(_ relative: String) -> Bool { status(relative) != nil }

    public func isDirectory(_ relative: String) -> Bool { status(relative)?.isDirectory ?? false }
}

/// The parts of `stat(2)` that probes use.
public struct FileStatus: Sendable, Equatable, Codable {
    public var size: Int64
    public var modifiedNanoseconds: Int64
    public var inode: UInt64
    public var isDirectory: Bool

    init(_ info: stat) {
        size = Int64(info.st_size)
        // A timestamp past the year 2262 does not fit in nanoseconds: clamp rather than trap.
        let (nanoseconds, overflow) = Int64(info.st_mtim.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        modifiedNanoseconds = overflow ? (info.st_mtim.tv_sec < 0 ? Int64.min : Int64.max) : nanoseconds &+ Int64(info.st_mtim.tv_nsec)
        inode = UInt64(info.st_ino)
        isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
    }

    public var modified: Date { Date(timeIntervalSince1970: Double(modifiedNanoseconds) / 1e9) }
}
