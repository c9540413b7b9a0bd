#if canImport(Glibc)
import Glibc
#endif
import DesksideInventory

/// A minimal blocking D-Bus client over a Unix socket: EXTERNAL authentication (by the process's uid),
/// `Hello`, and method calls with a timeout. Enough to ask systemd for failed units without a child
/// process or a D-Bus library.
public final class DBusConnection {
    /// Why the bus could not be used.
    public struct ConnectionError: Error, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    private let fd: Int32
    private var nextSerial: UInt32 = 1
    private var buffer: [UInt8] = []

    /// Connects and authenticates; `timeoutSeconds` bounds every later read and write.
    public init(socketPath: String, timeoutSeconds: Int = 5) throws(ConnectionError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(socketPath.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ConnectionError(reason: "socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in pathBytes.enumerated() { raw[i] = byte }
        }
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ConnectionError(reason: "socket() failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        // From here on every property is set, so deinit closes the socket on any failure.
        guard connected == 0 else {
            throw ConnectionError(reason: "cannot connect to \(socketPath): \(String(cString: strerror(errno)))")
        }
        try authenticate()
        _ = try call(DBusMessage(kind: .methodCall, serial: 0, path: "/org/freedesktop/DBus", interface: "org.freedesktop.DBus",
                                 member: "Hello", destination: "org.freedesktop.DBus"))
    }

    deinit { if fd >= 0 { close(fd) } }

    /// The SASL exchange: a NUL byte, `AUTH EXTERNAL <hex of the uid's decimal digits>`, `OK <guid>`, `BEGIN`.
    private func authenticate() throws(ConnectionError) {
        let uid = Hex.encode(String(getuid()).utf8)
        try send([0] + Array("AUTH EXTERNAL \(uid)\r\n".utf8))
        let line = try readLine()
        guard line.hasPrefix("OK ") else { throw ConnectionError(reason: "bus refused authentication: \(line.prefix(80))") }
        try send(Array("BEGIN\r\n".utf8))
    }

    /// Sends a method call and waits for its reply, skipping signals and other traffic.
    /// A D-Bus error reply becomes a ``ConnectionError`` naming the error.
    public func call(_ message: DBusMessage) throws(ConnectionError) -> DBusMessage {
        var message = message
        message.serial = nextSerial
        nextSerial += 1
        try send(message.encoded())
        for _ in 0..<1000 {
            let reply = try receive()
            guard reply.replySerial == message.serial else { continue }
            if reply.kind == .error {
                throw ConnectionError(reason: reply.errorName ?? "error reply")
            }
            return reply
        }
        throw ConnectionError(reason: "no reply among 1000 messages")
    }

    /// Reads the next message (used by tests that play the other side of a call).
    public func receive() throws(ConnectionError) -> DBusMessage {
        while true {
            do throws(DBusMessage.FormatError) {
                if let length = try DBusMessage.length(ofMessageStarting: buffer), buffer.count >= length {
                    let message = try DBusMessage(decoding: Array(buffer[0..<length]))
                    buffer.removeFirst(length)
                    return message
                }
            } catch {
                throw ConnectionError(reason: "malformed message from the bus: \(error.reason)")
            }
            try fill()
        }
    }

    /// Sends a message as it is (serial included); for replies.
    public func send(message: DBusMessage) throws(ConnectionError) {
        try send(message.encoded())
    }

    private func readLine() throws(ConnectionError) -> String {
        while true {
            if let end = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[0..<end], as: UTF8.self)
                buffer.removeFirst(end + 1)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard buffer.count < 4096 else { throw ConnectionError(reason: "authentication line too long") }
            try fill()
        }
    }

    private func fill() throws(ConnectionError) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 && errno == EINTR { return }
        guard count > 0 else { throw ConnectionError(reason: count == 0 ? "bus closed the connection" : "timed out waiting for the bus") }
        buffer.append(contentsOf: chunk[0..<count])
    }

    private func send(_ bytes: [UInt8]) throws(ConnectionError) {
        var sent = 0
        while sent < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw ConnectionError(reason: "cannot write to the bus") }
            sent += count
        }
    }
}
