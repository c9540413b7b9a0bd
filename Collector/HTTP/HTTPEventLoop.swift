#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix

extension CollectorHTTP {
    /// The CPU priority of the HTTP server's thread: nice +5 weighs a third of a nice-0 thread.
    public static let eventLoopNice: Int32 = 5

    /// The HTTP server's own event loop: one thread, apart from the agent server's loops, at a lower
    /// CPU priority. When the machine is short of CPU, web requests (a flood of sign-in guesses, say)
    /// wait behind agents' reports instead of delaying their acknowledgements; when it is not, the
    /// priority changes nothing. One loop carries the API: the database work runs on the thread pool,
    /// and password checks on the sign-in gate's own thread. (Route handlers run on Swift's shared
    /// threads, as Hummingbird runs them; keeping them on this loop too, with a task executor, measured
    /// no better under the sign-in flood, so it was not kept.)
    public static func makeEventLoopGroup() -> MultiThreadedEventLoopGroup {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        #if os(Linux)
        // Linux applies nice per thread: a thread id as PRIO_PROCESS's id names only that thread.
        _ = try? group.next().submit {
            guard let thread = currentThreadID() else { return }
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, eventLoopNice)
        }.wait()
        #endif
        return group
    }

    #if os(Linux)
    /// The calling thread's id, from `/proc/thread-self` (`PID/task/TID`): Glibc's `gettid` is not
    /// visible to Swift.
    static func currentThreadID() -> id_t? {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = readlink("/proc/thread-self", &buffer, 63)
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self).split(separator: "/").last.flatMap { id_t($0) }
    }
    #endif
}
