public import DesksideInventory

/// Memory totals from /proc/meminfo (proc(5)) and modules from the SMBIOS table.
public struct MemoryProbe: Sendable {
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    public func read(notes: inout NoteLog) -> Memory {
        var memory = Memory()
        do throws(SystemRoot.ReadError) {
            let values = Self.parse(meminfo: try root.readText("/proc/meminfo"))
            memory.totalBytes = values["MemTotal"]
            memory.availableBytes = values["MemAvailable"] ?? values["MemFree"]
            memory.swapTotalBytes = values["SwapTotal"]
            memory.swapFreeBytes = values["SwapFree"]
            if memory.totalBytes == nil {
                notes.add(.hardware, probe: "memory", kind: .malformed, source: "/proc/meminfo", message: "/proc/meminfo has no MemTotal line")
            }
        } catch {
            notes.add(.hardware, probe: "memory", error: error, source: "/proc/meminfo")
        }
        do throws(SystemRoot.ReadError) {
            let table = SMBIOSTable(bytes: try root.read(SMBIOSTable.path))
            memory.modules = table.memoryModules
            if table.truncated {
                notes.add(.hardware, probe: "smbios", kind: .malformed, source: SMBIOSTable.path,
                          message: "\(SMBIOSTable.path) ends inside a structure; modules after it are missing")
            }
        } catch {
            notes.add(.hardware, probe: "smbios", error: error, source: SMBIOSTable.path)
        }
        return memory
    }

    /// `Name:   1234 kB` lines to bytes.
    public static func parse(meminfo: String) -> [String: UInt64] {
        var values: [String: UInt64] = [:]
        for line in meminfo.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[0].hasSuffix(":"), let number = UInt64(fields[1]) else { continue }
            let multiplier: UInt64 = fields.count > 2 && fields[2] == "kB" ? 1024 : 1
            values[String(fields[0].dropLast())] = Checked.multiply(number, multiplier)
        }
        return values
    }
}
