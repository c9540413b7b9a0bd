#if canImport(Glibc)
import Glibc
#endif
import NIOCore
public import NIOPosix

/// Threads for work that must give way to agents' reports when the machine is short of CPU: the
/// HTTP server's event loop, the delivery worker's loop and its database thread. Linux applies nice
/// per thread, so these run at a lower priority than the agent server's loops in the same process;
/// when there is CPU to spare, the priority changes nothing.
public enum BackgroundThreads {
    /// nice +5 weighs a third of a nice-0 thread; +10 a tenth.
    public static let httpNice: Int32 = 5
    public static let deliveryNice: Int32 = 10

    /// One event loop thread at `nice`.
    public static func eventLoopGroup(nice: Int32) -> MultiThreadedEventLoopGroup {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        _ = try? group.next().submit { lowerPriority(nice) }.wait()
        return group
    }

    /// A started thread pool of one thread at `nice`.
    public static func threadPool(nice: Int32) -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let done = pool.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.next()) { lowerPriority(nice) }
        _ = try? done.wait()
        return pool
    }

    /// Lowers the calling thread's priority (Linux; elsewhere nothing).
    static func lowerPriority(_ nice: Int32) {
        #if os(Linux)
        // A thread id as PRIO_PROCESS's id names only that thread.
        guard let thread = currentThreadID() else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread, nice)
        #endif
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
