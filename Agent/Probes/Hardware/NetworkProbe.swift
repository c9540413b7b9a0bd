#if canImport(Glibc)
import Glibc
#endif
public import DesksideInventory

/// Network interfaces from /sys/class/net (Documentation/ABI/testing/sysfs-class-net), IPv4 addresses
/// from the kernel's FIB (/proc/net/fib_trie local entries, matched to interfaces by /proc/net/route),
/// IPv6 addresses from /proc/net/if_inet6. Files only, so it runs the same on a fixture tree.
public struct NetworkProbe: Sendable {
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    public func read(notes: inout NoteLog) -> (interfaces: [NetworkInterface], gateway: String?) {
        let routes = Self.parse(routes: (try? root.readText("/proc/net/route")) ?? "")
        let ipv4 = Self.localAddresses(fibTrie: (try? root.readText("/proc/net/fib_trie")) ?? "", routes: routes)
        let ipv6 = Self.parse(ifInet6: (try? root.readText("/proc/net/if_inet6")) ?? "")
        let interfaces = root.list("/sys/class/net").compactMap { name -> NetworkInterface? in
            let base = "/sys/class/net/" + name
            guard root.isDirectory(base) else { return nil }
            func attribute(_ file: String) -> String? { root.attribute(base + "/" + file, notes: &notes, section: .hardware, probe: "network") }
            let mac = attribute("address").flatMap { $0 == "00:00:00:00:00:00" || $0.isEmpty ? nil : $0 }
            // Virtual and down links refuse `speed` with EINVAL; that is normal, so no note.
            let speed = root.attribute(base + "/speed").flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
            return NetworkInterface(
                name: name, mac: mac,
                ipv4: ipv4.filter { $0.interface == name }.map(\.address),
                ipv6: ipv6.filter { $0.interface == name }.map(\.address),
                state: attribute("operstate"), speedMbps: speed, mtu: attribute("mtu").flatMap(Int.init),
                wireless: root.exists(base + "/wireless") || root.exists(base + "/phy80211"),
                virtual: !root.exists(base + "/device"),
                driver: root.readLink(base + "/device/driver").map { String($0.split(separator: "/").last ?? "") }
            )
        }
        let gateway = routes.first { $0.destination == 0 && $0.mask == 0 && $0.gateway != 0 }.map { Self.dotted($0.gateway) }
        return (interfaces, gateway)
    }

    /// A row of /proc/net/route; addresses as the kernel prints them, in host (little-endian) byte order.
    public struct Route: Sendable, Equatable {
        public var interface: String
        public var destination: UInt32
        public var gateway: UInt32
        public var mask: UInt32
    }

    public static func parse(routes: String) -> [Route] {
        routes.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 8, let destination = UInt32(fields[1], radix: 16), let gateway = UInt32(fields[2], radix: 16),
                  let mask = UInt32(fields[7], radix: 16) else { return nil }
            return Route(interface: String(fields[0]), destination: destination, gateway: gateway, mask: mask)
        }
    }

    /// The machine's own IPv4 addresses (`/32 host LOCAL` leaves of the FIB trie), each given the
    /// interface of the most specific route that covers it; 127/8 belongs to `lo`.
    public static func localAddresses(fibTrie: String, routes: [Route]) -> [(interface: String, address: String)] {
        var result: [(interface: String, address: String)] = []
        var seen: Set<String> = []
        var lastAddress: String?
        for line in fibTrie.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " || $0 == "|" || $0 == "+" })
            if trimmed.hasPrefix("-- ") {
                lastAddress = String(trimmed.dropFirst(3))
            } else if trimmed.hasPrefix("/32 host LOCAL"), let address = lastAddress, seen.insert(address).inserted,
                      let value = parseIPv4(address) {
                let interface = routes.filter { $0.mask != 0 && value & $0.mask == $0.destination }
                    .max { $0.mask.nonzeroBitCount < $1.mask.nonzeroBitCount }?.interface
                result.append((interface ?? (address.hasPrefix("127.") ? "lo" : "?"), address))
            }
        }
        return result
    }

    /// Parses dotted IPv4 into the kernel's host-order value as /proc/net/route prints it.
    static func parseIPv4(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".").compactMap { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 < 256 }) else { return nil }
        return parts[0] | parts[1] << 8 | parts[2] << 16 | parts[3] << 24
    }

    static func dotted(_ value: UInt32) -> String {
        "\(value & 0xFF).\(value >> 8 & 0xFF).\(value >> 16 & 0xFF).\(value >> 24)"
    }

    /// Rows of /proc/net/if_inet6: address (32 hex digits), index, prefix length, scope, flags, name.
    public static func parse(ifInet6: String) -> [(interface: String, address: String)] {
        ifInet6.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, fields[0].count == 32 else { return nil }
            var bytes = [UInt8](repeating: 0, count: 16)
            let hex = Array(fields[0].utf8)
            for i in 0..<16 {
                guard let byte = UInt8(String(decoding: hex[(2 * i)..<(2 * i + 2)], as: UTF8.self), radix: 16) else { return nil }
                bytes[i] = byte
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, bytes, &text, socklen_t(text.count)) != nil else { return nil }
            return (String(fields[5]), String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }
}
