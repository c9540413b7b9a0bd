#if canImport(Glibc)
import Glibc
#endif
import CProcess

/// Runs a program directly (posix_spawn, never a shell) with typed arguments, a time limit and a cap
/// on the output kept. The probes use `run(_:_:timeoutSeconds:outputLimit:)`; tasks use
/// `run(_ invocation:)`, which adds standard input (how secrets reach a program: never its
/// arguments or environment), a fixed environment, its own process group killed whole at the time
/// limit, a memory limit, and the last part of each output stream.
public enum ChildProcess {
    public struct Result: Sendable, Equatable {
        /// Exit status, or `nil` when the program was killed at the time limit or by a signal.
        public var status: Int32?
        public var output: [UInt8]
        public var timedOut: Bool
    }

    public struct LaunchError: Error, Equatable {
        public var errno: Int32
    }

    /// Standard error is discarded and standard input is /dev/null; the last `outputLimit` bytes of
    /// standard output are kept.
    public static func run(_ executable: String, _ arguments: [String], timeoutSeconds: Double, outputLimit: Int) throws(LaunchError) -> Result {
        let outcome = try run(Invocation(executable: executable, arguments: arguments, environment: nil, timeoutSeconds: timeoutSeconds,
                                         outputLimit: outputLimit, keepStandardError: false, ownProcessGroup: false))
        return Result(status: outcome.status, output: outcome.standardOutput, timedOut: outcome.timedOut)
    }

    public struct Invocation: Sendable {
        public var executable: String
        public var arguments: [String]
        /// `NAME=value` entries; `nil` passes the agent's own environment on (the probes only).
        public var environment: [String]?
        /// Written to the program's standard input, which is then closed; `nil` is /dev/null.
        public var standardInput: [UInt8]?
        public var timeoutSeconds: Double
        /// Bytes kept from the end of each output stream.
        public var outputLimit: Int
        public var keepStandardError = true
        /// The program leads a process group of its own, and the whole group is killed at the time
        /// limit, and once the program has exited (what it left behind in its group).
        public var ownProcessGroup = true
        /// Address-space limit (RLIMIT_AS) in bytes, applied just after the program starts.
        public var memoryLimitBytes: UInt64?

        public init(executable: String, arguments: [String], environment: [String]?, standardInput: [UInt8]? = nil, timeoutSeconds: Double,
                    outputLimit: Int, keepStandardError: Bool = true, ownProcessGroup: Bool = true, memoryLimitBytes: UInt64? = nil) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.standardInput = standardInput
            self.timeoutSeconds = timeoutSeconds
            self.outputLimit = outputLimit
            self.keepStandardError = keepStandardError
            self.ownProcessGroup = ownProcessGroup
            self.memoryLimitBytes = memoryLimitBytes
        }
    }

    public struct Outcome: Sendable, Equatable {
        /// Exit status, or `nil` when the program was killed (at the time limit, or by a signal).
        public var status: Int32?
        /// The signal that ended the program, if one did.
        public var signal: Int32?
        public var timedOut: Bool
        public var standardOutput: [UInt8]
        public var standardError: [UInt8]
        /// Bytes written in all, of which the last `outputLimit` are kept.
        public var standardOutputBytes: Int
        public var standardErrorBytes: Int
        public var seconds: Double
    }

    public static func run(_ invocation: Invocation) throws(LaunchError) -> Outcome {
        let started = monotonicSeconds()
        var output = try Pipe(), errors = try Pipe()
        var input = invocation.standardInput == nil ? nil : try Pipe()
        defer {
            output.closeBoth()
            errors.closeBoth()
            input?.closeBoth()
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input.readEnd, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output.writeEnd, 1)
        if invocation.keepStandardError {
            posix_spawn_file_actions_adddup2(&actions, errors.writeEnd, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // Nothing of the agent's reaches the program: no socket, no file, no pipe of another run.
        deskside_spawn_close_from(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Signals back to their defaults and none blocked: the agent's own dispositions are not the program's.
        var defaults = sigset_t(), empty = sigset_t()
        sigemptyset(&defaults)
        sigemptyset(&empty)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if invocation.ownProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([invocation.executable] + invocation.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned: Int32
        if let environment = invocation.environment {
            let envp = environment.map { strdup($0) } + [nil]
            defer { envp.forEach { free($0) } }
            spawned = posix_spawn(&pid, invocation.executable, &actions, &attributes, argv, envp)
        } else {
            spawned = posix_spawn(&pid, invocation.executable, &actions, &attributes, argv, environ)
        }
        output.closeWriteEnd()
        errors.closeWriteEnd()
        input?.closeReadEnd()
        guard spawned == 0 else { throw LaunchError(errno: spawned) }
        if let bytes = invocation.memoryLimitBytes {
            _ = deskside_limit_address_space(pid, bytes)
        }
        let target = invocation.ownProcessGroup ? -pid : pid

        var stdout = Tail(limit: invocation.outputLimit), stderr = Tail(limit: invocation.outputLimit)
        var pending = invocation.standardInput.map { ArraySlice($0) }
        if let writeEnd = input?.writeEnd { _ = fcntl(writeEnd, F_SETFL, fcntl(writeEnd, F_GETFL) | O_NONBLOCK) }
        let deadline = started + invocation.timeoutSeconds
        var timedOut = false
        var status: Int32 = 0
        var reaped = false
        var exitedAt: Double?
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            var descriptors: [pollfd] = []
            if output.readEnd >= 0 { descriptors.append(pollfd(fd: output.readEnd, events: Int16(POLLIN), revents: 0)) }
            if errors.readEnd >= 0, invocation.keepStandardError { descriptors.append(pollfd(fd: errors.readEnd, events: Int16(POLLIN), revents: 0)) }
            if let writeEnd = input?.writeEnd, writeEnd >= 0 { descriptors.append(pollfd(fd: writeEnd, events: Int16(POLLOUT), revents: 0)) }
            if !reaped {
                let result = waitpid(pid, &status, WNOHANG)
                if result == pid {
                    reaped = true
                    exitedAt = monotonicSeconds()
                }
            }
            // Done when the program has exited and its outputs are closed; what it left behind
            // holding them open gets two seconds.
            if reaped && (descriptors.isEmpty || monotonicSeconds() - exitedAt! > 2) { break }
            let now = monotonicSeconds()
            if now >= deadline {
                timedOut = !reaped
                break
            }
            if descriptors.isEmpty {
                usleep(10000)
                continue
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(min(deadline - now, 0.05) * 1000) + 1)
            if ready <= 0 { continue }
            for descriptor in descriptors where descriptor.revents != 0 {
                if descriptor.fd == input?.writeEnd {
                    let written = pending!.withUnsafeBytes { write(descriptor.fd, $0.baseAddress, $0.count) }
                    if written > 0 { pending = pending!.dropFirst(written) }
                    if (written < 0 && errno != EAGAIN && errno != EINTR) || pending!.isEmpty { input?.closeWriteEnd() }
                    continue
                }
                let count = chunk.withUnsafeMutableBytes { read(descriptor.fd, $0.baseAddress, $0.count) }
                if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                if count <= 0 {
                    if descriptor.fd == output.readEnd { output.closeReadEnd() } else { errors.closeReadEnd() }
                    continue
                }
                if descriptor.fd == output.readEnd { stdout.append(chunk[0..<count]) } else { stderr.append(chunk[0..<count]) }
            }
        }
        // At the limit the whole group goes; after a normal exit, whatever the program left in its group.
        if timedOut || invocation.ownProcessGroup { kill(target, SIGKILL) }
        if !reaped { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        let exited = status & 0x7F == 0
        return Outcome(status: exited && !timedOut ? (status >> 8) & 0xFF : nil, signal: exited ? nil : status & 0x7F, timedOut: timedOut,
                       standardOutput: stdout.bytes, standardError: stderr.bytes, standardOutputBytes: stdout.total,
                       standardErrorBytes: stderr.total, seconds: monotonicSeconds() - started)
    }

    public static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// A pipe whose ends are closed once, and never inherited by other programs the agent starts.
    private struct Pipe {
        var readEnd: Int32
        var writeEnd: Int32

        init() throws(LaunchError) {
            var ends: [Int32] = [0, 0]
            guard deskside_pipe_cloexec(&ends) == 0 else { throw LaunchError(errno: errno) }
            (readEnd, writeEnd) = (ends[0], ends[1])
        }

        mutating func closeReadEnd() {
            if readEnd >= 0 { close(readEnd) }
            readEnd = -1
        }

        mutating func closeWriteEnd() {
            if writeEnd >= 0 { close(writeEnd) }
            writeEnd = -1
        }

        mutating func closeBoth() {
            closeReadEnd()
            closeWriteEnd()
        }
    }

    /// The last `limit` bytes of a stream, in bounded memory however much is written.
    private struct Tail {
        let limit: Int
        private var buffer: [UInt8] = []
        private(set) var total = 0

        init(limit: Int) { self.limit = limit }

        mutating func append(_ bytes: ArraySlice<UInt8>) {
            total += bytes.count
            guard limit > 0 else { return }
            buffer.append(contentsOf: bytes.suffix(limit))
            if buffer.count > 2 * limit { buffer.removeFirst(buffer.count - limit) }
        }

        var bytes: [UInt8] { Array(buffer.suffix(limit)) }
    }
}
