#if canImport(Glibc)
import Glibc
#endif

/// Runs a program directly (posix_spawn, never a shell) with typed arguments, a time limit and a cap
/// on the output kept. Standard input is /dev/null; standard error is discarded.
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

    public static func run(_ executable: String, _ arguments: [String], timeoutSeconds: Double, outputLimit: Int) throws(LaunchError) -> Result {
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else { throw LaunchError(errno: errno) }
        // Not inherited by other children the agent may start meanwhile.
        _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            throw LaunchError(errno: spawned)
        }
        defer { close(pipeEnds[0]) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        var timedOut = false
        let deadline = monotonicSeconds() + timeoutSeconds
        var pollDescriptor = pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)
        while true {
            let remaining = deadline - monotonicSeconds()
            if remaining <= 0 {
                timedOut = true
                break
            }
            let ready = poll(&pollDescriptor, 1, Int32(min(remaining, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = chunk.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            // Past the cap the output is drained and dropped, so that the child never blocks on a full pipe.
            if output.count < outputLimit { output.append(contentsOf: chunk[0..<min(count, outputLimit - output.count)]) }
        }
        // The child may close its output and go on running: the time limit holds for its exit too.
        var status: Int32 = 0
        while !timedOut {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { break }
            if reaped < 0 && errno != EINTR { break }
            if monotonicSeconds() >= deadline {
                timedOut = true
                break
            }
            usleep(10000)
        }
        if timedOut {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        let exited = status & 0x7F == 0
        return Result(status: exited && !timedOut ? (status >> 8) & 0xFF : nil, output: output, timedOut: timedOut)
    }

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
