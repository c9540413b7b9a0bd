import Foundation

/// Paths of the test fixtures in Tests/Fixtures, and helpers to run real programs from tests.
public enum Fixtures {
    /// Tests/Fixtures in the checkout.
    public static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent() // Support
        url.deleteLastPathComponent() // Tests
        return url.appendingPathComponent("Fixtures").path
    }()

    /// A system tree under Tests/Fixtures/systems.
    public static func system(_ name: String) -> String { directory + "/systems/" + name }

    /// A file beside the system trees, e.g. `laptop.expected.json`.
    public static func sidecar(_ name: String) -> String { directory + "/systems/" + name }

    /// The package's root directory.
    public static var packageRoot: String { URL(fileURLWithPath: directory).deletingLastPathComponent().deletingLastPathComponent().path }

    /// One of the project's programs as built: in $DESKSIDE_BIN_DIR (set by scripts/test) or .build/debug.
    public static func program(_ name: String) -> String {
        (ProcessInfo.processInfo.environment["DESKSIDE_BIN_DIR"] ?? packageRoot + "/.build/debug") + "/" + name
    }

    /// Whether an executable is on this machine.
    public static func which(_ name: String) -> String? {
        for directory in ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"] {
            let path = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a program with arguments (no shell) and returns its exit status and output.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
                           in directory: String? = nil) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Write input and read both outputs concurrently, so that no pipe fills and blocks the child.
        let writer = input.fileHandleForWriting
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            if let stdin { writer.write(stdin) }
            try? writer.close()
            group.leave()
        }
        let errorData = LockedData()
        group.enter()
        DispatchQueue.global().async {
            errorData.set(err.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let output = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, output, errorData.get())
    }

    /// Writes an executable script. Its descriptor is opened close-on-exec: a descriptor open for
    /// writing that a process spawned meanwhile by another test inherits makes running the script fail
    /// with ETXTBSY ("text file busy") until that process exits (seen once in a full run, where a
    /// stand-in smartctl could not be started).
    public static func writeExecutable(_ script: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
        defer { close(descriptor) }
        let bytes = Array(script.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count else { throw CocoaError(.fileWriteUnknown) }
    }

    /// A fresh temporary directory, removed by the caller.
    public static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "deskside-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

extension FileHandle {
    /// Collects what a child writes to this pipe into `sink`, and stops watching at end of file: a
    /// handler left on a pipe keeps a dispatch source on its descriptor, and once the pipe is
    /// released that descriptor is closed (and reused) under libdispatch's event loop, which then
    /// crashes the test process (seen once in CI, in `_dispatch_event_loop_drain`).
    func collect(into sink: LockedData) {
        readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil } else { sink.append(data) }
        }
    }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
    func append(_ more: Data) { lock.withLock { data.append(more) } }
}
