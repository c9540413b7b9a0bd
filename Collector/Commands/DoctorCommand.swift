#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import CClock
import DesksideAgentServer
import DesksideAssets
import DesksideCollectorHome
import DesksideStoreSQLite
import DesksideTransport
import X509
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `deskside-collector doctor`: what is wrong with a collector, explained, without reading the source.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check a collector's data directory and machine, and explain what is wrong.",
        discussion: "Secrets' file modes, certificate and CA expiry, the open-file limit against the connection cap, free disk space, the database's integrity, the clock, the listeners, the history and its retention. Exits 1 when a check fails."
    )

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The collector's settings file, for its listeners and limits.", valueName: "FILE")) var config: String?

    func run() throws {
        let file = try config.map(ServeConfiguration.load) ?? ServeConfiguration()
        let findings = try Doctor(directory: options.data, configuration: file).run()
        for finding in findings {
            print("\(pad(finding.verdict.rawValue, 8)) \(pad(finding.check, 12)) \(finding.detail)")
        }
        if findings.contains(where: { $0.verdict == .fail }) { throw ExitCode(1) }
    }
}

/// The doctor's checks, each a finding: `ok`, `warning` (works, but look at it) or `fail`.
struct Doctor {
    let directory: String
    let configuration: ServeConfiguration
    var now = Date()

    struct Finding {
        enum Verdict: String { case ok, warning, fail }
        var verdict: Verdict
        var check: String
        var detail: String
    }

    func run() throws -> [Finding] {
        guard FileManager.default.fileExists(atPath: directory + "/deskside.sqlite") else {
            return [Finding(verdict: .fail, check: "data", detail: "\(directory) holds no collector database (start the collector once, or restore a backup)")]
        }
        var findings = secrets()
        findings += try certificates()
        findings.append(fileLimit())
        findings.append(diskSpace())
        // Read as it is: the doctor never migrates or writes the database of a collector that may be running.
        let database = try CollectorStore.inspect(database: directory + "/deskside.sqlite")
        if !database.problems.isEmpty {
            findings.append(Finding(verdict: .fail, check: "database", detail: "\(database.problems.prefix(3).joined(separator: "; ")): restore the last backup (deskside-collector restore)"))
        } else if !database.unknownMigrations.isEmpty {
            findings.append(Finding(verdict: .fail, check: "database", detail: "written by a newer version of Deskside (\(database.unknownMigrations.joined(separator: ", "))): run that version"))
        } else {
            findings.append(Finding(verdict: .ok, check: "database", detail: "integrity and foreign keys check out"
                                    + (database.pendingMigrations > 0 ? "; \(database.pendingMigrations) schema migration(s) run at the next start, after a copy" : "")))
        }
        findings.append(clock())
        findings += listeners()
        let retention = (configuration.assets ?? RegisterSettings()).historyRetentionDays
        findings.append(Finding(verdict: .ok, check: "history", detail: "\(database.events) asset events since \(database.oldestEventAt ?? "now"); kept \(retention) days (assets.historyRetentionDays)"))
        return findings
    }

    /// Private keys and secrets readable by their owner only, in a directory only the owner enters.
    func secrets() -> [Finding] {
        var findings: [Finding] = []
        let paths = [""] + ["ca", "secrets", "tasks", "tls"].map { "/" + $0 }
        var loose: [String] = []
        for path in paths.map({ directory + $0 }) where FileManager.default.fileExists(atPath: path) {
            if let mode = mode(path), mode & 0o077 != 0 { loose.append("\(path) (\(String(mode, radix: 8)), want 700)") }
        }
        let keys = ["ca/ca-key.pem", "tls/server-key.pem", "tasks/signing-key", "secrets/admin-token", "secrets/admin-password", "secrets/enrollment-token"]
        for key in keys.map({ directory + "/" + $0 }) where FileManager.default.fileExists(atPath: key) {
            if let mode = mode(key), mode & 0o077 != 0 { loose.append("\(key) (\(String(mode, radix: 8)), want 600)") }
        }
        findings.append(loose.isEmpty ? Finding(verdict: .ok, check: "secrets", detail: "keys and secrets are readable by their owner only")
                        : Finding(verdict: .fail, check: "secrets", detail: "others can read \(loose.joined(separator: ", ")): chmod them, and consider the secrets exposed"))
        return findings
    }

    func mode(_ path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_mode & 0o777) : nil
    }

    /// The CA's and the server certificate's remaining validity.
    func certificates() throws -> [Finding] {
        [("CA", directory + "/ca/ca.pem", "plan a CA rollover (deskside-collector ca rollover prepare)"),
         ("server cert", directory + "/tls/server.pem", "the collector renews it at start; restart it")].map { name, path, advice -> Finding in
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8), let certificate = try? Certificate(pemEncoded: pem) else {
                return Finding(verdict: .fail, check: "certificates", detail: "\(path) is missing or not a certificate")
            }
            let days = Int(certificate.notValidAfter.timeIntervalSince(now) / 86400)
            let verdict: Finding.Verdict = days < 0 ? .fail : days < 30 ? .warning : .ok
            return Finding(verdict: verdict, check: "certificates", detail: "the \(name) is valid until \(certificate.notValidAfter) (\(days) days)" + (verdict == .ok ? "" : ": \(advice)"))
        }
    }

    /// The open-file limit against the connection cap (each agent holds a connection).
    func fileLimit() -> Finding {
        // What the collector gets at start: the soft limit raised to the hard one.
        let hard = FileLimit.raiseSoftLimit()
        let fits = FileLimit.largestCap(limit: hard)
        guard let cap = configuration.maxConnections else {
            let cap = min(AgentServerSettings().maxConnections, fits)
            return Finding(verdict: .ok, check: "open files", detail: "the open-file limit \(hard) allows \(cap) agents' connections (the default cap, fitted to it)")
        }
        return cap <= fits ? Finding(verdict: .ok, check: "open files", detail: "the open-file limit \(hard) allows the connection cap \(cap)")
            : Finding(verdict: .fail, check: "open files", detail: "the open-file limit \(hard) allows \(fits) connections, not maxConnections \(cap): the collector will not start; raise LimitNOFILE (systemd) or ulimit -n")
    }

    /// Free space where the database grows.
    func diskSpace() -> Finding {
        var info = statvfs()
        guard statvfs(directory, &info) == 0 else { return Finding(verdict: .warning, check: "disk", detail: "cannot read free space of \(directory)") }
        let free = Double(info.f_bavail) * Double(info.f_frsize), total = Double(info.f_blocks) * Double(info.f_frsize)
        let percent = total > 0 ? free / total * 100 : 0
        let text = "\(Int(free / 1e9)) GB free (\(Int(percent))%) for the database"
        return free < 1e9 || percent < 5 ? Finding(verdict: .fail, check: "disk", detail: text + ": free space, or the collector stops taking reports")
            : percent < 15 ? Finding(verdict: .warning, check: "disk", detail: text) : Finding(verdict: .ok, check: "disk", detail: text)
    }

    /// Whether the kernel says its clock is synchronized (agents' certificates and clock checks depend on it).
    func clock() -> Finding {
        return deskside_clock_synchronized() != 1
            ? Finding(verdict: .warning, check: "clock", detail: "the system clock is not synchronized (enable NTP: timedatectl set-ntp true); agents' clocks are judged against it")
            : Finding(verdict: .ok, check: "clock", detail: "the system clock is synchronized")
    }

    /// The listeners of the config (or the defaults), reached from this machine.
    func listeners() -> [Finding] {
        [("agents", configuration.agentListen ?? "0.0.0.0:7443"), ("HTTP", configuration.httpListen ?? "127.0.0.1:8080")].map { name, listen -> Finding in
            guard let endpoint = try? Endpoint(parsing: listen) else { return Finding(verdict: .fail, check: "listeners", detail: "\(name): \(listen) is not HOST:PORT") }
            let host = ["0.0.0.0", "::", "[::]"].contains(endpoint.host) ? "127.0.0.1" : endpoint.host
            return Endpoint(host: host, port: endpoint.port).acceptsConnections()
                ? Finding(verdict: .ok, check: "listeners", detail: "\(name) listener \(host):\(endpoint.port) answers")
                : Finding(verdict: .warning, check: "listeners", detail: "\(name) listener \(host):\(endpoint.port) does not answer: is the collector running, with this config?")
        }
    }
}

/// `text` and spaces up to `width`, for aligned columns.
private func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
