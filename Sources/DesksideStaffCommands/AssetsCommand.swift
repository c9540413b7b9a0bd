import ArgumentParser
import DesksideClient
import DesksideJSON

struct AssetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assets", abstract: "The asset register.",
                                                    subcommands: [List.self, Show.self, History.self, Software.self, Explain.self, Assign.self, Create.self, Update.self,
                                                                  Categories.self, Locations.self, Checkout.self, Checkin.self, Loans.self,
                                                                  Audit.self, Labels.self, Merge.self, Unmerge.self, Import.self])

    static let columns = [Column("id"), Column("tag"), Column("hostname"), Column("name"), Column("status"), Column("serial"), Column("model"), Column("os", "osName"), Column("version", "osVersion"),
                          Column("owner"), Column("last user", "lastUser"), Column("faults", "faultCount"), Column("last seen", "lastSeenAt")]

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List assets, filtered.")
        @Option(help: "Text anywhere (hostname, serial, owner, OS, model).") var search: String?
        @Option var hostname: String?
        @Option var serial: String?
        @Option(help: "Owner's username or name, or the last logged-in user.") var owner: String?
        @Option(help: "Operating system name or version.") var os: String?
        @Option(help: "Assets with this package installed (exact name).") var package: String?
        @Option(help: "Agents not heard from for this long: 7d, 2w.") var silent: String?
        @Flag(help: "Assets with pending security updates.") var missingSecurityUpdates = false
        @Flag(help: "Assets assigned to nobody.") var unassigned = false
        @Option(help: "A lifecycle status: ordered, inStock, deployed, inRepair, retired, lostOrStolen, disposed.") var status: String?
        @Option var category: String?
        @Option(help: "A location id: assets there or anywhere inside it.") var location: Int64?
        @Option(help: "An asset tag, exactly.") var tag: String?
        @Option(help: "Assets with this tag among their tags.") var tagged: String?
        @Option(help: "Warranty ending by this day (YYYY-MM-DD).") var warrantyBefore: String?
        @Option(help: "Due for a physical audit by this day (YYYY-MM-DD).") var auditDue: String?
        @Flag(help: "Last audited somewhere else than their location.") var auditLocationMismatch = false
        @Flag(help: "Only assets without an agent.") var noAgent = false
        @Option(help: "hostname, tag, os, lastReport, created.") var sort: String?
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            for (name, value) in [("q", search), ("hostname", hostname), ("serial", serial), ("owner", owner), ("os", os), ("package", package)] {
                if let value { query.append((name, value)) }
            }
            if let silent { query.append(("silentDays", String(try Duration.days(silent)))) }
            if missingSecurityUpdates { query.append(("missingSecurityUpdates", "true")) }
            if unassigned { query.append(("unassigned", "true")) }
            for (name, value) in [("status", status), ("category", category), ("locationId", location.map(String.init)), ("tag", tag), ("tagged", tagged),
                                  ("warrantyBefore", warrantyBefore), ("auditDueBy", auditDue), ("sort", sort)] {
                if let value { query.append((name, value)) }
            }
            if auditLocationMismatch { query.append(("auditLocationMismatch", "true")) }
            if noAgent { query.append(("hasAgent", "false")) }
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/assets", query: query) }
            output.list(document["items"]?.elements ?? [], columns: AssetsCommand.columns, document: document, footer: page.footer(document))
        }
    }

    /// What `show` prints: everything, or one section of it.
    enum ShowSection: String, CaseIterable, ExpressibleByArgument {
        case summary, register, hardware, os, updates, faults, owners, tickets, history
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One asset: summary, hardware, OS, pending updates, faults, owners, tickets and recent history.",
            discussion: "The packages: deskside assets software ID. The whole history: deskside assets history ID.")
        @Argument var id: Int64
        @Option(help: "Only this section: \(ShowSection.allCases.map(\.rawValue).joined(separator: ", ")).") var section: ShowSection?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let detail = try await api { try await client.call("GET", "/assets/\(id)") }
            if output.json || output.csv { return output.record(detail, fields: AssetsCommand.columns.map { Column($0.header, "asset." + $0.path.joined(separator: ".")) }) }
            let inventory = detail["inventory"] ?? .null
            let hardware = inventory["hardware"] ?? .null
            for part in section.map({ [$0] }) ?? ShowSection.allCases {
                switch part {
                case .summary:
                    output.record(detail["asset"] ?? .null, fields: AssetsCommand.columns)
                case .register:
                    Swift.print("\nregister")
                    output.record(detail["register"] ?? .null, fields: AssetsCommand.registerFields)
                case .hardware:
                    Swift.print("\nhardware")
                    output.record(hardware, fields: [Column("vendor", "system.vendor"), Column("model", "system.model"), Column("serial", "system.serial"),
                                                     Column("chassis", "system.chassisType"), Column("BIOS", "bios.version"), Column("CPU", "cpu.model"),
                                                     Column("cores", "cpu.cores"), Column("memory bytes", "memory.totalBytes")])
                    Section.print("disks", hardware["disks"]?.elements ?? [], [Column("name"), Column("model"), Column("serial"), Column("bytes", "sizeBytes"),
                                                                              Column("SMART", "smart.verdict")])
                    Section.print("volumes", hardware["volumes"]?.elements ?? [], [Column("mount", "mountPoint"), Column("filesystem"),
                                                                                  Column("bytes", "sizeBytes"), Column("free", "freeBytes")])
                    Section.print("network", hardware["networkInterfaces"]?.elements ?? [], [Column("name"), Column("mac"), Column("ipv4"), Column("state")])
                    Section.print("batteries", hardware["batteries"]?.elements ?? [], [Column("name"), Column("status"), Column("design", "designCapacity"),
                                                                                      Column("full", "fullCapacity"), Column("cycles", "cycleCount")])
                case .os:
                    Swift.print("\noperating system")
                    output.record(inventory["os"] ?? .null, fields: [Column("name", "prettyName"), Column("version"), Column("kernel", "kernelRelease"),
                                                                     Column("hostname")])
                    let users = (inventory["os"]?["loggedInUsers"]?.elements ?? []).compactMap { $0["name"]?.text }
                    Swift.print("users     " + Output.terminalSafe(users.joined(separator: ", ")))
                case .updates:
                    Section.print("pending updates", inventory["updates"]?["pending"]?.elements ?? [],
                                  [Column("package", "name"), Column("installed", "installedVersion"), Column("candidate", "candidateVersion"),
                                   Column("security"), Column("suites")])
                case .faults:
                    Section.print("faults", detail["faults"]?.elements ?? [], [Column("code"), Column("severity"), Column("summary"), Column("since", "firstSeenAt")])
                case .owners:
                    Section.print("owners", detail["assignments"]?.elements ?? [], [Column("at"), Column("owner", "username"), Column("by", "actor"), Column("note")])
                case .tickets:
                    Section.print("tickets", detail["tickets"]?.elements ?? [], TicketsCommand.columns)
                case .history:
                    let events = detail["history"]?.elements ?? []
                    Section.print("history", Array(events.prefix(section == .history ? events.count : 10)), History.columns)
                }
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An asset's history, newest first: every change of its inventory, faults, agents and owners.")
        @Argument var id: Int64
        @Option(help: "Only one section: hardware, os, software, updates, health, faults, agent, register, ...") var section: String?
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        static let columns = [Column("at"), Column("section"), Column("item"), Column("old", "oldValue"), Column("new", "newValue")]

        func run() async throws {
            var query = page.query
            if let section { query.append(("section", section)) }
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/assets/\(id)/history", query: query) }
            output.list(document["items"]?.elements ?? [], columns: Self.columns, document: document, footer: page.footer(document))
        }
    }

    struct Software: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An asset's installed packages, by name.")
        @Argument var id: Int64
        @Option(help: "Packages whose name contains this.") var search: String?
        @OptionGroup var page: PageOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var query = page.query
            if let search { query.append(("q", search)) }
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/assets/\(id)/software", query: query) }
            output.list(document["items"]?.elements ?? [], columns: [Column("name"), Column("version"), Column("architecture"), Column("manager")],
                        document: document, footer: page.footer(document))
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Why an asset is the machine it is: its identifiers, and each agent with the rule that put it there.")
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let explanation = try await api { try await client.call("GET", "/assets/\(id)/explain") }
            if output.json || output.csv {
                return output.list(explanation["agents"]?.elements ?? [], columns: Self.agentColumns, document: explanation, footer: nil)
            }
            output.record(explanation["asset"] ?? .null, fields: AssetsCommand.columns)
            let identity = explanation["identity"] ?? .null
            output.record(identity, fields: [Column("system UUID", "systemUUID"), Column("serial"), Column("maker", "vendor"),
                                             Column("built-in MACs", "fixedMACs"), Column("fixed disks", "diskSerials")])
            Section.print("agents", explanation["agents"]?.elements ?? [], Self.agentColumns)
            let merges = explanation["merges"]?.elements ?? []
            if !merges.isEmpty { Section.print("merges", merges, AssetsCommand.mergeColumns) }
            let devices = explanation["intakeDevices"]?.elements ?? []
            if !devices.isEmpty {
                Section.print("other inventory agents (FusionInventory, GLPI, OCS)", devices,
                              [Column("device", "deviceId"), Column("source"), Column("protocol"), Column("agent", "agentVersion"),
                               Column("last inventory", "lastInventoryAt"), Column("last contact", "lastSeenAt"), Column("refused claim", "conflict")])
            }
            Swift.print("\nmatching rules, strongest first:")
            for rule in explanation["rules"]?.elements ?? [] { Swift.print("  " + Output.terminalSafe(rule.text ?? "")) }
        }

        static let agentColumns = [Column("agent"), Column("since"), Column("until"), Column("rule"), Column("reason")]
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign an asset to a person (or to nobody with --to none).")
        @Argument var id: Int64
        @Option(help: "Username or account id, or none.") var to: String
        @Option(help: "Why (kept in the asset's history of owners).") var note = ""
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let account: BodyValue = to == "none" ? .null : .int(try await AccountReference.id(to, client: client))
            let asset = try await api { try await client.call("PUT", "/assets/\(id)/owner", body: ["accountId": account, "note": .string(note)]) }
            output.record(asset, fields: AssetsCommand.columns)
        }
    }
}

/// A titled sub-list in a `show`.
enum Section {
    static func print(_ title: String, _ items: [JSONValue], _ columns: [Column]) {
        Swift.print("\n\(title) (\(items.count))")
        if !items.isEmpty { Output.table(header: columns.map(\.header), rows: items.map { item in columns.map { $0.value(item) } }) }
    }
}

/// Durations in whole days as people write them: `7d`, `2w`.
enum Duration {
    static func days(_ text: String) throws -> Int {
        guard let unit = text.last, let number = Int(text.dropLast()), number > 0 else {
            throw ValidationError("a duration is a number and a unit: 7d, 2w")
        }
        switch unit {
        case "d": return number
        case "w": return number * 7
        default: throw ValidationError("a duration's unit is d (days) or w (weeks), not \(unit)")
        }
    }

    /// `30m`, `12h`, `7d`, `2w` in minutes.
    static func minutes(_ text: String) throws -> Int64 {
        guard let unit = text.last, let number = Int64(text.dropLast()), number > 0 else {
            throw ValidationError("a duration is a number and a unit: 30m, 12h, 7d")
        }
        switch unit {
        case "m": return number
        case "h": return number * 60
        case "d": return number * 1440
        case "w": return number * 10080
        default: throw ValidationError("a duration's unit is m, h, d or w, not \(unit)")
        }
    }
}
