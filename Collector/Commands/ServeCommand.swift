#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import ArgumentParser
import DesksideAssets
import DesksideAgentServer
import DesksideCollectorHome
import DesksideConsole
import DesksideDelivery
import DesksideDesk
import DesksideEnrollment
import DesksideHTTP
import DesksideIntake
import DesksideHelpdesk
import DesksideLogging
import DesksideMail
import DesksideMetrics
import DesksideStoreSQLite
import DesksideTransport
import DesksideFiles
import Hummingbird
import HummingbirdTLS
import NIOSSL
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `deskside-collector serve`: the agent listener and the HTTP server on one data directory.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the collector: agents over mutual TLS, the REST API over HTTP.",
        discussion: "The first start creates DIR with the database, the CA, the server certificate, an enrollment token and an admin API token. SIGTERM or SIGINT stops it gracefully."
    )

    @OptionGroup var options: DataOptions

    @Option(name: .long, help: ArgumentHelp("Where agents connect (default 0.0.0.0:7443).", valueName: "HOST:PORT"))
    var agentListen: String?

    @Option(name: .long, help: ArgumentHelp("Where the REST API listens (default 127.0.0.1:8080).", valueName: "HOST:PORT"))
    var httpListen: String?

    @Option(name: .long, help: ArgumentHelp("Settings file (JSON; see docs/ARCHITECTURE.md).", valueName: "FILE"))
    var config: String?

    func run() async throws {
        // A peer that goes away mid-write is an error on that connection, never a reason to die.
        signal(SIGPIPE, SIG_IGN)
        let file = try config.map(ServeConfiguration.load) ?? ServeConfiguration()
        try file.validate()
        let agentEndpoint = try Self.endpoint(agentListen ?? file.agentListen ?? "0.0.0.0:7443", option: "--agent-listen")
        let httpEndpoint = try Self.endpoint(httpListen ?? file.httpListen ?? "127.0.0.1:8080", option: "--http-listen")

        var settings = AgentServerSettings()
        settings.listen = agentEndpoint
        settings.heartbeatSeconds = file.heartbeatSeconds ?? settings.heartbeatSeconds
        settings.reportIntervalSeconds = file.reportIntervalSeconds ?? settings.reportIntervalSeconds
        settings.maxConnections = file.maxConnections ?? settings.maxConnections
        settings.maxPendingPerAddress = file.maxPendingPerAddress ?? settings.maxPendingPerAddress
        settings.reportsPerMinute = file.reportsPerMinute ?? settings.reportsPerMinute
        settings.handshakeTimeoutSeconds = file.handshakeTimeoutSeconds ?? settings.handshakeTimeoutSeconds
        if let idle = file.idleTimeoutSeconds { settings.idleTimeoutSeconds = idle }
        settings.policy = file.policy ?? settings.policy
        // The cap must fit in the open-file limit: a cap set in the config file that does not is an
        // error; the default shrinks to what fits, and says so.
        let fileLimit = FileLimit.raiseSoftLimit()
        if let cap = file.maxConnections {
            do { try FileLimit.check(cap: cap, limit: fileLimit) } catch { throw CommandError("\(error)") }
        } else if settings.maxConnections > FileLimit.largestCap(limit: fileLimit) {
            settings.maxConnections = FileLimit.largestCap(limit: fileLimit)
            Self.announce("note: the connection cap is \(settings.maxConnections), what the open-file limit of \(fileLimit) allows; raise LimitNOFILE for more")
        }

        let hostname = Self.hostname()
        let home = try CollectorHome.open(directory: options.data,
                                          serverNames: ["localhost"] + (hostname.map { [$0] } ?? []) + (file.serverNames ?? []),
                                          serverAddresses: ["127.0.0.1", "::1"] + (file.serverAddresses ?? []),
                                          helpdesk: file.helpdesk ?? HelpdeskSettings(), register: file.assets ?? RegisterSettings(),
                                          durability: file.durability ?? .full)
        let dispatch = TaskDispatch(signer: home.taskSigner, caFingerprint: home.authority.fingerprint)
        let notifications = file.notifications ?? NotificationConfiguration()
        let mailIntake = try notifications.mailIntake()
        let ownPorts = ListeningPorts()
        let webhooks = try notifications.webhookClient(ownPorts: ownPorts)
        let mailDelivery = try notifications.mailDelivery(clientName: hostname ?? "deskside")
        // Before anything can change: a ticket opened in the first second must find the mail channel open.
        try home.store.setMailChannel(open: mailDelivery != nil, now: Date())
        let desk = Desk(store: home.store, tasks: dispatch, webhookCheck: { try webhooks.check($0) })
        if let password = try await desk.bootstrapAdmin(username: "admin") {
            try home.writeSecret(password, to: home.adminPasswordPath)
        }
        let caPEM = try home.authority.certificatePEM()
        // Agents' certificates of every CA the collector trusts (the next or the retired one too,
        // during a CA rollover); the server's chain is the current CA's.
        let tls = try TransportTLS.serverConfiguration(
            certificateChainPEM: try Self.read(home.serverCertificatePath) + Array(("\n" + caPEM).utf8),
            privateKeyPEM: try Self.read(home.serverKeyPath), caPEM: Array(try home.trustedCAsPEM().utf8))
        let nextCA = try home.nextAuthority().map { AgentServer.NextCA(certificatePEM: try $0.certificatePEM(), fingerprint: $0.fingerprint) }

        let logLevel = file.log?.level.flatMap(Logger.Level.init(rawValue:)) ?? .info
        let logFormat = file.log?.format ?? .logfmt
        LoggingSystem.bootstrap { label in
            var handler = LineLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            handler.format = logFormat
            return handler
        }
        let logger = Logger(label: "deskside.collector")
        let threadPool = NIOThreadPool.singleton
        let agentServer = try AgentServer(settings: settings, store: home.store,
                                          enrollment: EnrollmentService(store: home.store, authority: home.authority),
                                          tls: tls, group: MultiThreadedEventLoopGroup.singleton, threadPool: threadPool, logger: logger,
                                          nextCA: nextCA, taskKey: home.taskSigner.publicKey)
        dispatch.onQueued { [agentServer] agent in agentServer.wakeTasks(for: agent) }
        agentServer.hooks.withLockedValue { hooks in
            hooks.enrolled = { try desk.agentEnrolled($0) }
            hooks.reportStored = { try desk.agentReported($0) }
            hooks.taskFinished = { try desk.taskFinished($0) }
        }
        try desk.loadAwaitingOnboardings()

        Self.announce("""
            Deskside collector
              data directory:    \(home.directory)\(home.created ? " (created)" : "")\(home.store.backupBeforeMigration.map { "\n  upgraded; before:  \($0)" } ?? "")
              CA fingerprint:    \(home.authority.fingerprint)
              enrollment token:  \(home.enrollmentTokenPath)
              admin API token:   \(home.adminTokenPath)
              admin sign-in:     admin, password in \(home.adminPasswordPath)
            """)
        let httpLoop = CollectorHTTP.makeEventLoopGroup()
        let signIn = SignInGate()
        let httpTLS = try Self.httpTLS(file.httpTLS, home: home, endpoint: httpEndpoint)
        let scheme = httpTLS == nil ? "http" : "https"
        // Labels' QR codes open the console: its configured address, else this machine's name.
        let wildcard = ["0.0.0.0", "::", "[::]"].contains(httpEndpoint.host)
        let labelBaseURL = file.assets?.labelBaseURL ?? notifications.consoleURL
            ?? "\(scheme)://\(Endpoint(host: wildcard ? hostname ?? "localhost" : httpEndpoint.host, port: httpEndpoint.port))"
        let intake = file.intake ?? IntakeSettings()
        let store = home.store
        let metrics = MetricsExport()
        metrics.bootstrap()
        let readiness = Readiness(listeners: Set(["agents", "http"] + (intake.enabled && intake.listen != nil ? ["intake"] : [])
                                                 + (mailIntake == nil ? [] : ["mail"])),
                                  databaseWritable: { store.isWritable() })
        let intakeRoutes = intake.enabled
            ? IntakeRoutes(service: IntakeService(store: home.store, settings: intake, policy: settings.policy, logger: logger), threadPool: threadPool) : nil
        let intakeApp = try intakeRoutes.flatMap { routes in
            try intake.listen.map { try Self.intakeApplication(routes, listen: $0, plainHTTP: intake.plainHTTP, tls: httpTLS, group: httpLoop, logger: logger,
                                                               readiness: readiness) }
        }
        let app = Application(
            router: try CollectorHTTP.router(desk: desk, threadPool: threadPool, signIn: signIn,
                                             onboardingHookSecret: try notifications.onboardingHookSecret(), labelBaseURL: labelBaseURL,
                                             readiness: readiness,
                                             metrics: { [agentServer] in metrics.render(try store.operationalCounts(), connectedAgents: agentServer.connected.count) }) { router in
                try Console.add(to: router, desk: desk, threadPool: threadPool, signIn: signIn, session: ConsoleSession(secure: httpTLS != nil))
                if intake.listen == nil { intakeRoutes?.add(to: router) }
            },
            server: try httpTLS.map { try .tls(CollectorHTTP.server(signIn: signIn), tlsConfiguration: $0) } ?? CollectorHTTP.server(signIn: signIn),
            configuration: .init(address: .hostname(httpEndpoint.host, port: httpEndpoint.port), serverName: "deskside-collector"),
            services: [AgentServerService(server: agentServer, dispatch: dispatch, ownPorts: ownPorts, readiness: readiness), TicketClock(desk: desk, threadPool: threadPool, logger: logger),
                       OutboxWorker(store: home.store, mail: mailDelivery, webhooks: webhooks, retry: try notifications.retryPolicy(), rates: try notifications.deliveryRates(),
                                    group: BackgroundThreads.eventLoopGroup(nice: BackgroundThreads.deliveryNice),
                                    threadPool: BackgroundThreads.threadPool(nice: BackgroundThreads.deliveryNice), logger: logger)]
                + (mailIntake.map { [MailListener(server: $0.0, intake: $0.1, desk: desk, threadPool: threadPool, logger: logger, ownPorts: ownPorts,
                                                  readiness: readiness)] } ?? [])
                + (intakeApp.map { [$0] } ?? []),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? httpEndpoint.port
                ownPorts.add(port)
                readiness.listening("http")
                Self.announce("  HTTP API:          \(scheme)://\(Endpoint(host: httpEndpoint.host, port: port))/api/v1")
                Self.announce("  web console:       \(scheme)://\(Endpoint(host: httpEndpoint.host, port: port))/")
                if intake.enabled && intake.listen == nil {
                    Self.announce("  agents' intake:    \(scheme)://\(Endpoint(host: httpEndpoint.host, port: port))/intake/TOKEN (deskside-collector intake add NAME)")
                }
            },
            eventLoopGroupProvider: .shared(httpLoop),
            logger: logger)
        do {
            try await app.runService()
        } catch {
            throw CommandError("the collector stopped: \(error)")
        }
    }

    /// The intake on a listener of its own: TLS as the HTTP port has it; without TLS, on loopback
    /// unless the config says `plainHTTP` (FusionInventory and GLPI agents often report over plain
    /// HTTP inside a company's network, which must then be a choice).
    static func intakeApplication(_ routes: IntakeRoutes, listen: String, plainHTTP: Bool, tls: TLSConfiguration?, group: any EventLoopGroup,
                                  logger: Logger, readiness: Readiness) throws -> some Service {
        let endpoint = try endpoint(listen, option: "intake.listen")
        let loopback = endpoint.host == "localhost" || endpoint.host == "::1" || endpoint.host.hasPrefix("127.")
        guard tls != nil || loopback || plainHTTP else {
            throw CommandError("intake.listen \(endpoint) is off loopback: give httpTLS in the config file, or set intake.plainHTTP to accept inventories in clear")
        }
        let router = Router()
        routes.add(to: router)
        let scheme = tls == nil ? "http" : "https"
        return Application(router: router, server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
                           configuration: .init(address: .hostname(endpoint.host, port: endpoint.port), serverName: "deskside-collector"),
                           onServerRunning: { channel in
                               let port = channel.localAddress?.port ?? endpoint.port
                               readiness.listening("intake")
                               announce("  agents' intake:    \(scheme)://\(Endpoint(host: endpoint.host, port: port))/intake/TOKEN (deskside-collector intake add NAME)")
                           },
                           eventLoopGroupProvider: .shared(group), logger: logger)
    }

    /// Prints a line at once (stdout may be a pipe that a script or test reads).
    /// The HTTP port's TLS from the config file; without it, the port must be on loopback, since
    /// it carries passwords and session cookies.
    static func httpTLS(_ config: ServeConfiguration.HTTPTLS?, home: CollectorHome, endpoint: Endpoint) throws -> TLSConfiguration? {
        guard let config else {
            let loopback = endpoint.host == "localhost" || endpoint.host == "::1" || endpoint.host.hasPrefix("127.")
            guard loopback else {
                throw CommandError("the HTTP port \(endpoint) carries passwords and session cookies: listen on loopback, or give httpTLS in the config file")
            }
            return nil
        }
        let paths: (String, String)
        if config.collectorCertificate == true {
            paths = (home.serverCertificatePath, home.serverKeyPath)
        } else if let certificate = config.certificate, let key = config.key {
            paths = (certificate, key)
        } else {
            throw CommandError("httpTLS needs certificate and key (PEM files), or collectorCertificate: true")
        }
        do {
            var chain = try NIOSSLCertificate.fromPEMBytes(Array(try read(paths.0)))
            if config.collectorCertificate == true { chain += try NIOSSLCertificate.fromPEMBytes(Array(try home.authority.certificatePEM().utf8)) }
            let key = try NIOSSLPrivateKey(bytes: Array(try read(paths.1)), format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            return tls
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("httpTLS: cannot use \(paths.0) and \(paths.1): \(error)")
        }
    }

    static func announce(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
    }

    static func endpoint(_ text: String, option: String) throws -> Endpoint {
        do { return try Endpoint(parsing: text) } catch { throw CommandError("\(option): \(error)") }
    }

    /// This machine's name, for the server certificate made at first start.
    static func hostname() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let bytes = DurableFile.read(path, limit: 1 << 20) else { throw CommandError("cannot read \(path)") }
        return bytes
    }
}

/// The agent server as a service of the application's service group: started with it, stopped
/// gracefully on SIGTERM or SIGINT.
struct AgentServerService: Service {
    let server: AgentServer
    let dispatch: TaskDispatch
    let ownPorts: ListeningPorts
    let readiness: Readiness

    func run() async throws {
        let address = try await server.start()
        ownPorts.add(address.port ?? 0)
        readiness.listening("agents")
        let shown = address.ipAddress.map { Endpoint(host: $0, port: address.port ?? 0).description } ?? "\(address)"
        // The enroll command an onboarding prints names a host agents can reach, not 0.0.0.0.
        let wildcard = address.ipAddress == "0.0.0.0" || address.ipAddress == "::"
        dispatch.collectorAddress = wildcard ? Endpoint(host: ServeCommand.hostname() ?? "localhost", port: address.port ?? 0).description : shown
        ServeCommand.announce("  agents (TLS):      \(shown)")
        try? await gracefulShutdown()
        readiness.stopped("agents")
        await server.shutdown()
    }
}

/// The help desk's mail listener as a service: mail to the desk's address becomes tickets and
/// comments (`Desk.receiveMail`, on the thread pool).
struct MailListener: Service {
    let server: SMTPServerSettings
    let intake: Desk.MailIntakeSettings
    let desk: Desk
    let threadPool: NIOThreadPool
    let logger: Logger
    let ownPorts: ListeningPorts
    let readiness: Readiness

    func run() async throws {
        let desk = self.desk, intake = self.intake, threadPool = self.threadPool, logger = self.logger
        let listener = try await SMTPServer(server, logger: logger) { mail in
            do {
                let outcome = try await threadPool.runIfActive { try desk.receiveMail(mail.bytes, envelopeFrom: mail.mailFrom, settings: intake) }
                switch outcome {
                case .opened(let id): return .accepted("ticket DS-\(id) opened")
                case .commented(let id): return .accepted("added to DS-\(id)")
                case .ignored(let why): return .accepted("taken: \(why)")
                case .refused(let why):
                    logger.notice("mail refused", metadata: ["mail.peer": "\(mail.peer)", "mail.reason": "\(why)"])
                    return .refused(why)
                }
            } catch {
                logger.error("mail intake failed", metadata: ["mail.error": "\(error)"])
                return .deferred("the help desk cannot take mail now; try again later")
            }
        }
        readiness.listening("mail")
        if let address = listener.localAddress {
            ownPorts.add(address.port ?? server.port)
            ServeCommand.announce("  mail in (SMTP):    \(Endpoint(host: address.ipAddress ?? server.host, port: address.port ?? server.port))")
        }
        try await withGracefulShutdownHandler {
            try await listener.run()
        } onGracefulShutdown: {
            readiness.stopped("mail")
            Task { await listener.close() }
        }
    }
}

/// The help desk's clocks, every minute: silent agents, SLA breaches and escalations, automatic closure.
struct TicketClock: Service {
    let desk: Desk
    /// The sweep is a store transaction: it runs on the thread pool, never on a concurrency thread.
    let threadPool: NIOThreadPool
    let logger: Logger

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let desk = self.desk
                let result = try await threadPool.runIfActive {
                    try desk.store.recordWorkerRun("clock", at: Date())
                    return try desk.sweep()
                }
                if result.silent + result.back + result.register + result.tasks + result.tickets.escalated + result.tickets.closed + result.pruned > 0 {
                    logger.info("help desk clock", metadata: ["agents.silent": "\(result.silent)", "agents.back": "\(result.back)",
                                                             "register.faults": "\(result.register)", "tasks.ended": "\(result.tasks)",
                                                             "tickets.escalated": "\(result.tickets.escalated)", "tickets.closed": "\(result.tickets.closed)",
                                                             "history.pruned": "\(result.pruned)"])
                }
            } catch {
                logger.error("ticket clock failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}
