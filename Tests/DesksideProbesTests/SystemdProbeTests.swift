@testable import DesksideProbes
import DesksideInventory
import DesksideTestSupport
import Foundation
import Testing

/// Failed units over a real dbus-daemon: a stand-in for systemd owns org.freedesktop.systemd1 on a
/// private bus and answers ListUnitsFiltered, so the daemon checks every message both ways.
@Suite(.enabled(if: Fixtures.which("dbus-daemon") != nil, "needs dbus-daemon (Debian package dbus-daemon)"))
struct SystemdProbeTests {
    /// A private bus whose socket sits where the probe looks for the system bus, under a fixture root.
    final class PrivateBus: @unchecked Sendable {
        let root: String
        let process = Process()

        init() throws {
            root = try Fixtures.temporaryDirectory()
            try FileManager.default.createDirectory(atPath: root + "/run/dbus", withIntermediateDirectories: true)
            let config = """
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <type>custom</type>
              <listen>unix:path=\(root)/run/dbus/system_bus_socket</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """
            try config.write(toFile: root + "/bus.conf", atomically: true, encoding: .utf8)
            process.executableURL = URL(fileURLWithPath: Fixtures.which("dbus-daemon")!)
            process.arguments = ["--config-file=\(root)/bus.conf", "--nofork", "--nopidfile"]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            // Ready when a client gets through; on a loaded machine that can take seconds.
            for _ in 0..<3000 {
                if (try? DBusConnection(socketPath: root + "/run/dbus/system_bus_socket")) != nil { break }
                usleep(10000)
            }
        }

        deinit {
            // dbus-daemon keeps running on SIGTERM while clients are connected.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    /// One unit as systemd's ListUnits returns it: (ssssssouso).
    static func unit(_ writer: inout DBusWriter, name: String, description: String, active: String) {
        writer.align(8)
        for value in [name, description, "loaded", active, active == "failed" ? "failed" : "running", ""] { writer.string(value) }
        writer.string("/org/freedesktop/systemd1/unit/" + name.replacingOccurrences(of: ".", with: "_2e").replacingOccurrences(of: "-", with: "_2d"))
        writer.uint32(0)
        writer.string("")
        writer.string("/")
    }

    @Test func failedUnitsComeFromSystemdOverTheBus() throws {
        let bus = try PrivateBus()
        let systemd = try DBusConnection(socketPath: bus.root + "/run/dbus/system_bus_socket")
        var request = DBusWriter()
        request.string("org.freedesktop.systemd1")
        request.uint32(4) // DBUS_NAME_FLAG_DO_NOT_QUEUE
        let owned = try systemd.call(DBusMessage(kind: .methodCall, serial: 0, path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus",
                                                 member: "RequestName", destination: "org.freedesktop.DBus", signature: "su", body: request.bytes))
        #expect(owned.body.first == 1) // DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER

        let answered = DispatchSemaphore(value: 0)
        let received = LockedBox<DBusMessage?>(nil)
        let responder = UncheckedBox(systemd)
        DispatchQueue.global().async {
            defer { answered.signal() }
            for _ in 0..<20 {
                guard let call = try? responder.value.receive() else { return }
                guard call.kind == .methodCall, call.member == "ListUnitsFiltered" else { continue }
                received.set(call)
                var body = DBusWriter()
                body.array(elementAlignment: 8) { units in
                    Self.unit(&units, name: "backup.service", description: "Nightly <backup> \"job\"", active: "failed")
                    Self.unit(&units, name: "cups.service", description: "CUPS", active: "active")
                    Self.unit(&units, name: "apt-daily.service", description: "", active: "failed")
                }
                try? responder.value.send(message: DBusMessage(kind: .methodReturn, serial: 99, replySerial: call.serial, destination: call.sender,
                                                               signature: "a(ssssssouso)", body: body.bytes))
                return
            }
        }
        var notes = NoteLog()
        let units = SystemdProbe(root: SystemRoot(bus.root)).failedUnits(notes: &notes)
        answered.wait()
        #expect(notes.notes.isEmpty, "\(notes.notes)")
        #expect(units == [FailedUnit(name: "apt-daily.service"), FailedUnit(name: "backup.service", description: "Nightly <backup> \"job\"")])
        // The call asked for failed units only.
        let call = try #require(received.get())
        #expect(call.signature == "as")
        #expect(call.interface == "org.freedesktop.systemd1.Manager")
    }

    @Test func noSystemdOnTheBusIsANoteNotAnError() throws {
        let bus = try PrivateBus()
        var notes = NoteLog()
        let units = SystemdProbe(root: SystemRoot(bus.root)).failedUnits(notes: &notes)
        #expect(units == nil)
        #expect(notes.notes.first?.message.contains("ServiceUnknown") == true, "\(notes.notes)")
    }

    @Test func noBusAtAll() {
        var notes = NoteLog()
        #expect(SystemdProbe(root: SystemRoot(Fixtures.system("fedora"))).failedUnits(notes: &notes) == nil)
        #expect(notes.notes.first?.kind == .unavailable)
    }

    @Test func hostileMessagesAreRefusedNotFatal() {
        // A length field claiming more than the cap, and a body that runs past the end.
        var huge: [UInt8] = [UInt8(ascii: "l"), 2, 0, 1, 0xFF, 0xFF, 0xFF, 0x7F, 1, 0, 0, 0, 0, 0, 0, 0]
        #expect(throws: DBusMessage.FormatError.self) { _ = try DBusMessage.length(ofMessageStarting: huge) }
        huge[4...7] = [8, 0, 0, 0]
        #expect(throws: DBusMessage.FormatError.self) { _ = try DBusMessage(decoding: huge) }
        #expect(throws: DBusConnection.ConnectionError.self) { _ = try SystemdProbe.parseUnits([0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 1]) }
    }

    @Test func messagesRoundTrip() throws {
        var body = DBusWriter()
        body.array(elementAlignment: 4) { $0.string("failed") }
        let message = DBusMessage(kind: .methodCall, serial: 7, path: "/a", interface: "b.c", member: "D", destination: "e.f", signature: "as", body: body.bytes)
        #expect(try DBusMessage(decoding: message.encoded()) == message)
    }
}

final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value { lock.withLock { value } }
}

struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
