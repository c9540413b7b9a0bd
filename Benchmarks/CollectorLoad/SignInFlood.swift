import Foundation
import NIOConcurrencyHelpers
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Clients that hammer `POST /api/v1/login` with wrong passwords for as long as a phase runs, to
/// show that sign-ins (bcrypt, rate limits) do not hold back report acknowledgements.
///
/// The clients run in a child process (this program, `deskside-loadgen flood`), at the lowest CPU
/// priority: an attacker's clients run on the attacker's machines, so on this shared machine they
/// take only what the collector and the measuring agents leave. Run inside the load generator, as
/// before, they starved its own agents and the delay they measured was partly their own.
final class SignInFlood: @unchecked Sendable {
    private let process = Process()
    private let output = Pipe()

    /// Starts `clients` loops against `base` (`http://HOST:PORT`) for `seconds`.
    init(base: String, clients: Int, seconds: Int) throws {
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["flood", base, String(clients), String(seconds)]
        process.standardOutput = output
        try process.run()
    }

    /// Waits for the clients to finish; returns how many answers of each status they had, and the CPU
    /// seconds they used.
    func finish() -> (statuses: [Int: Int], cpuSeconds: Double) {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let counts = (try? JSONSerialization.jsonObject(with: data) as? [String: Double]) ?? [:]
        var statuses: [Int: Int] = [:]
        for (key, value) in counts { if let status = Int(key) { statuses[status] = Int(value) } }
        return (statuses, counts["cpu", default: 0])
    }

    /// The child: `clients` loops for `seconds`, then the counts by status as JSON on standard output.
    static func run(base: String, clients: Int, seconds: Int) async {
        setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        let url = URL(string: base + "/api/v1/login")!
        let session = URLSession(configuration: .ephemeral)
        let statuses = NIOLockedValueBox<[Int: Int]>([:])
        let end = Date().addingTimeInterval(Double(seconds))
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var request = URLRequest(url: url)
                    request.httpMethod = "POST"
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.httpBody = Data(#"{"username": "admin", "password": "wrong guess \#(client)"}"#.utf8)
                    while Date() < end {
                        let status = ((try? await session.data(for: request))?.1 as? HTTPURLResponse)?.statusCode ?? 0
                        statuses.withLockedValue { $0[status, default: 0] += 1 }
                    }
                }
            }
        }
        var counts = statuses.withLockedValue { $0.reduce(into: [String: Double]()) { $0[String($1.key)] = Double($1.value) } }
        counts["cpu"] = CPUShare.cpuSeconds("/proc/self/stat")
        FileHandle.standardOutput.write(try! JSONSerialization.data(withJSONObject: counts))
    }
}
