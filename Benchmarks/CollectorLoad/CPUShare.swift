import Foundation

/// A phase's rate and the CPU the collector and this generator spent on it, read from /proc: on a
/// machine both share, the collector's CPU time per message is the figure that does not depend on
/// how much of the machine the generator took.
struct CPUShare {
    var rate: Double
    var collectorCores: Double
    var generatorCores: Double
    var collectorMicrosPerMessage: Double

    static func measure(collector pid: Int32, _ phase: () async throws -> Double) async throws -> CPUShare {
        let start = Date()
        let (collectorBefore, generatorBefore) = (cpuSeconds("/proc/\(pid)/stat"), cpuSeconds("/proc/self/stat"))
        let rate = try await phase()
        let seconds = Date().timeIntervalSince(start)
        let collector = cpuSeconds("/proc/\(pid)/stat") - collectorBefore
        let generator = cpuSeconds("/proc/self/stat") - generatorBefore
        return CPUShare(rate: rate, collectorCores: collector / seconds, generatorCores: generator / seconds,
                        collectorMicrosPerMessage: collector * 1e6 / max(1, rate * seconds))
    }

    /// User plus system time of a process, in seconds (fields 14 and 15 of /proc/PID/stat).
    static func cpuSeconds(_ statPath: String) -> Double {
        guard let stat = try? String(contentsOfFile: statPath, encoding: .utf8),
              let afterName = stat.range(of: ") ", options: .backwards) else { return 0 }
        let fields = stat[afterName.upperBound...].split(separator: " ")
        // After the name, field 3 (state) is at index 0, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
