#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit against the connection cap. Each connection is a descriptor, and the
/// usual soft limit (1,024) is far below the default cap (20,000): without this, accepting fails with
/// EMFILE long before the cap, and the database cannot open its files either.
public enum FileLimit {
    /// Descriptors kept for everything but agent connections: the database and its WAL, the HTTP
    /// server's connections, certificates, logs.
    public static let reserve = 1024

    public struct TooLow: Error, CustomStringConvertible {
        public var cap: Int
        public var hardLimit: Int
        public var description: String {
            "the connection cap (maxConnections \(cap)) needs \(cap + FileLimit.reserve) open files, but this process may open at most \(hardLimit): "
                + "raise the limit (LimitNOFILE= in the systemd unit, or ulimit -Hn) or lower maxConnections in the config file"
        }
    }

    /// Raises the soft limit to the hard one; returns the soft limit now in force.
    @discardableResult
    public static func raiseSoftLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return Int.max }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resource, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The largest cap that `limit` open files can hold with the reserve.
    public static func largestCap(limit: Int) -> Int { max(0, limit - reserve) }

    /// Refuses a cap that `limit` open files cannot hold.
    public static func check(cap: Int, limit: Int) throws {
        guard cap <= largestCap(limit: limit) else { throw TooLow(cap: cap, hardLimit: limit) }
    }

    #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
