#if canImport(Glibc)
import Glibc
#endif
@testable import DesksideTransport
import NIOCore
import NIOPosix
import Testing

/// The threads that give way to agents' reports (the HTTP server's loop, the delivery worker's loop
/// and database thread) really run at the lower priority, and the agents' own threads do not.
@Suite struct BackgroundThreadsTests {
    #if os(Linux)
    static func currentNice() -> Int32 {
        guard let thread = BackgroundThreads.currentThreadID() else { return -100 }
        errno = 0
        return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread)
    }

    @Test func anEventLoopAndAThreadPoolRunAtTheirNice() async throws {
        let group = BackgroundThreads.eventLoopGroup(nice: BackgroundThreads.deliveryNice)
        let pool = BackgroundThreads.threadPool(nice: BackgroundThreads.deliveryNice)
        #expect(try await group.next().submit { Self.currentNice() }.get() == 10)
        #expect(try await pool.runIfActive { Self.currentNice() } == 10)
        // The process's own priority (0 unless the tests were started under nice), which the
        // agents' loops keep.
        let base = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(getpid()))
        let shared = try await MultiThreadedEventLoopGroup.singleton.next().submit { Self.currentNice() }.get()
        #expect(shared == base, "the agents' loops keep their priority")
        try await pool.shutdownGracefully()
        try await group.shutdownGracefully()
    }
    #endif
}
