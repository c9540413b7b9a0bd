public import DesksideInventory

/// Failed units, asked of systemd over the system bus (`ListUnitsFiltered(["failed"])` on
/// org.freedesktop.systemd1.Manager, as `systemctl --failed` does). systemd keeps unit states in
/// memory only, so the bus is the one native source.
public struct SystemdProbe: Sendable {
    public static let busSocket = "/run/dbus/system_bus_socket"
    public let root: SystemRoot

    public init(root: SystemRoot) { self.root = root }

    /// The failed units; `nil` (with a note) when systemd is not running or the bus cannot be reached.
    public func failedUnits(notes: inout NoteLog) -> [FailedUnit]? {
        guard root.exists(Self.busSocket) else {
            let reason = root.isDirectory("/run/systemd/system") ? "the system bus socket is missing" : "systemd is not running"
            notes.add(.health, probe: "systemd", kind: .unavailable, source: Self.busSocket, message: "failed units unknown: \(reason)")
            return nil
        }
        do throws(DBusConnection.ConnectionError) {
            let connection = try DBusConnection(socketPath: root.hostPath(Self.busSocket))
            var body = DBusWriter()
            body.array(elementAlignment: 4) { $0.string("failed") }
            let reply = try connection.call(DBusMessage(
                kind: .methodCall, serial: 0, path: "/org/freedesktop/systemd1", interface: "org.freedesktop.systemd1.Manager",
                member: "ListUnitsFiltered", destination: "org.freedesktop.systemd1", signature: "as", body: body.bytes))
            guard reply.signature == "a(ssssssouso)" else {
                throw DBusConnection.ConnectionError(reason: "unexpected reply signature \(reply.signature)")
            }
            return try Self.parseUnits(reply.body)
        } catch {
            notes.add(.health, probe: "systemd", kind: .unavailable, source: Self.busSocket, message: "failed units unknown: \(error.reason)")
            return nil
        }
    }

    /// Reads `a(ssssssouso)`: name, description, load state, active state, sub state, following, unit
    /// path, job id, job type, job path. Units whose active state is not `failed` are dropped.
    static func parseUnits(_ body: [UInt8]) throws(DBusConnection.ConnectionError) -> [FailedUnit] {
        var reader = DBusReader(body)
        var units: [FailedUnit] = []
        do throws(DBusMessage.FormatError) {
            let length = Int(try reader.uint32())
            reader.align(8)
            let end = reader.offset + length
            guard end <= body.count else { throw DBusMessage.FormatError(reason: "array past the end") }
            while reader.offset < end {
                reader.align(8)
                let name = try reader.string()
                let description = try reader.string()
                _ = try reader.string()
                let active = try reader.string()
                _ = try reader.string()
                _ = try reader.string()
                _ = try reader.string()
                _ = try reader.uint32()
                _ = try reader.string()
                _ = try reader.string()
                if active == "failed" { units.append(FailedUnit(name: name, description: description.isEmpty ? nil : description)) }
            }
        } catch {
            throw DBusConnection.ConnectionError(reason: "malformed unit list: \(error.reason)")
        }
        return units.sorted { $0.name < $1.name }
    }
}
