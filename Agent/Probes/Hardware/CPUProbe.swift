public import DesksideInventory

/// Processor model and topology from /proc/cpuinfo (proc(5)), maximum frequency from cpufreq
/// (Documentation/admin-guide/pm/cpufreq.rst).
public struct CPUProbe: Sendable {
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    public func read(architecture: String?, notes: inout NoteLog) -> CPU {
        var cpu: CPU
        do throws(SystemRoot.ReadError) {
            cpu = Self.parse(cpuinfo: try root.readText("/proc/cpuinfo"))
            if cpu.threads == nil {
                notes.add(.hardware, probe: "cpu", kind: .malformed, source: "/proc/cpuinfo", message: "/proc/cpuinfo lists no processor")
            }
        } catch {
            notes.add(.hardware, probe: "cpu", error: error, source: "/proc/cpuinfo")
            cpu = CPU()
        }
        cpu.architecture = architecture
        let maxima = root.list("/sys/devices/system/cpu").filter { $0.hasPrefix("cpu") && $0.dropFirst(3).allSatisfy(\.isNumber) }
            .compactMap { root.attribute("/sys/devices/system/cpu/\($0)/cpufreq/cpuinfo_max_freq").flatMap(Int.init) }
        if let khz = maxima.max() { cpu.maxFrequencyMHz = khz / 1000 }
        return cpu
    }

    /// Parses /proc/cpuinfo. x86 lists `physical id`, `core id` per logical processor; ARM lists only
    /// `processor` entries (then cores equal threads and sockets are unknown).
    public static func parse(cpuinfo: String) -> CPU {
        var cpu = CPU()
        var threads = 0
        var sockets: Set<String> = []
        var cores: Set<String> = []
        var currentSocket = "0"
        for line in cpuinfo.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingWhitespace()
            let value = line[line.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "processor": threads += 1
            case "model name", "Model", "cpu model": if cpu.model == nil, !value.isEmpty { cpu.model = value }
            case "vendor_id", "CPU implementer": if cpu.vendor == nil { cpu.vendor = vendorName(value) }
            case "physical id":
                currentSocket = value
                sockets.insert(value)
            case "core id": cores.insert(currentSocket + "/" + value)
            default: break
            }
        }
        guard threads > 0 else { return cpu }
        cpu.threads = threads
        cpu.sockets = sockets.isEmpty ? nil : sockets.count
        cpu.cores = cores.isEmpty ? threads : cores.count
        return cpu
    }

    static func vendorName(_ id: String) -> String {
        switch id {
        case "GenuineIntel": "Intel"
        case "AuthenticAMD": "AMD"
        case "0x41": "ARM"
        case "0x61": "Apple"
        case "0x51": "Qualcomm"
        default: id
        }
    }
}

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
