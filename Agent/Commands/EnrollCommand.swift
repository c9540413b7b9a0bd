#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import DesksideAgentRuntime
import DesksideFiles
import DesksideProbes
import DesksideTransport
import NIOPosix

/// `deskside-agent enroll`: obtains this agent's identity from the collector.
struct EnrollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enroll",
        abstract: "Enroll this machine with a collector: a key made here, a certificate from the collector's CA.",
        discussion: """
            The token is read from a file readable only by its owner, never from the command line. The collector \
            must present a certificate chain containing the CA with the given fingerprint (printed by \
            `deskside-collector serve`), or nothing is sent. The token is not needed after enrollment.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The collector's agent address.", valueName: "HOST:PORT"))
    var collector: String

    @Option(name: .long, help: ArgumentHelp("File holding the enrollment token (mode 0600 or stricter).", valueName: "FILE"))
    var tokenFile: String

    @Option(name: .long, help: ArgumentHelp("The collector CA's fingerprint.", valueName: "SHA256:HEX"))
    var caFingerprint: String

    @OptionGroup var state: StateOption

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let endpoint: Endpoint
        do { endpoint = try Endpoint(parsing: collector) } catch { throw ValidationError("--collector: \(error)") }
        let token = try Self.readToken(tokenFile)
        let directory = try state.directory()
        let hostname = SystemRoot("/").attribute("/proc/sys/kernel/hostname") ?? "unknown"
        do {
            let identity = try await Enroller.enroll(collector: endpoint, token: token, caFingerprint: caFingerprint, hostname: hostname,
                                                     stateDirectory: directory, group: MultiThreadedEventLoopGroup.singleton)
            print("enrolled as agent \(identity.record.agentID) with the collector at \(endpoint); identity in \(directory)/identity")
        } catch {
            throw RuntimeError("enrollment failed: \(error)")
        }
    }

    /// The token, from a regular file that only its owner can read.
    static func readToken(_ path: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { throw RuntimeError("cannot read the token file \(path): \(String(cString: strerror(errno)))") }
        guard info.st_mode & 0o077 == 0 else {
            throw RuntimeError("the token file \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let bytes = DurableFile.read(path, limit: 4096) else { throw RuntimeError("cannot read the token file \(path)") }
        let token = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        guard !token.isEmpty else { throw RuntimeError("the token file \(path) is empty") }
        return token
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
