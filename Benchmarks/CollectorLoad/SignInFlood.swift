import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Clients that hammer `POST /api/v1/login` with wrong passwords for as long as a phase runs, to
/// show that sign-ins (bcrypt, rate limits) do not hold back report acknowledgements. Counts the
/// answers by status.
final class SignInFlood: @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Int: Int] = [:]
    private var tasks: [Task<Void, Never>] = []

    /// Starts `clients` loops against `base` (`http://HOST:PORT`).
    init(base: String, clients: Int) {
        let url = URL(string: base + "/api/v1/login")!
        let session = URLSession(configuration: .ephemeral)
        for client in 0..<clients {
            tasks.append(Task { [weak self] in
                var request = URLRequest(url: url)
                request.httpMethod = "POST"
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(#"{"username": "admin", "password": "wrong guess \#(client)"}"#.utf8)
                while !Task.isCancelled {
                    let status = ((try? await session.data(for: request))?.1 as? HTTPURLResponse)?.statusCode ?? 0
                    self?.lock.withLock { self?.statuses[status, default: 0] += 1 }
                }
            })
        }
    }

    /// Stops the clients; returns how many answers of each status they had.
    func stop() -> [Int: Int] {
        for task in tasks { task.cancel() }
        return lock.withLock { statuses }
    }
}
