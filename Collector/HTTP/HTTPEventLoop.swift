import DesksideTransport
public import NIOPosix

extension CollectorHTTP {
    /// The HTTP server's own event loop: one thread, apart from the agent server's loops, at a lower
    /// CPU priority (`BackgroundThreads.httpNice`). When the machine is short of CPU, web requests (a
    /// flood of sign-in guesses, say) wait behind agents' reports instead of delaying their
    /// acknowledgements; when it is not, the priority changes nothing. One loop carries the API: the
    /// database work runs on the thread pool, and password checks on the sign-in gate's own thread.
    /// (Route handlers run on Swift's shared threads, as Hummingbird runs them; keeping them on this
    /// loop too, with a task executor, measured no better under the sign-in flood, so it was not kept.)
    public static func makeEventLoopGroup() -> MultiThreadedEventLoopGroup {
        BackgroundThreads.eventLoopGroup(nice: BackgroundThreads.httpNice)
    }
}
