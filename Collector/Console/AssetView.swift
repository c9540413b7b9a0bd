import DesksideDesk
import DesksideHTTP
import DesksideAssets
import DesksideHelpdesk
import DesksideInventory
import DesksideStoreSQLite
import Foundation

/// The asset page's view: GLPI's computer page is the model (summary, hardware, software, updates,
/// faults, history, owners, tickets, tasks), each section a table.
struct AssetView {
    struct Field {
        var label: String
        var value: String
    }

    struct Item {
        var cells: [String]
    }

    struct Fault {
        var code: String
        var severity: String
        var subject: String
        var summary: String
        var facts: [Field]
        var since: String
    }

    struct Update {
        var name: String
        var installed: String
        var candidate: String
        var security: Bool
    }

    struct Ticket {
        var id: Int64
        var title: String
        var status: String
        var priority: String
    }

    struct Task {
        var id: Int64
        var kind: String
        var state: String
        var summary: String
        var at: String
    }

    struct Run {
        var provisioningId: Int64?
        var template: String
        var state: String
        var step: String
        var percent: Int
    }

    var chrome: Chrome
    var id: Int64
    var hostname: String
    var summary: [Field]
    var hardware: [Field]
    var disks: [Item]
    var volumes: [Item]
    var interfaces: [Item]
    var software: [Item]
    var softwareFilter: String
    var softwareShown: String
    var softwarePrevious: String?
    var softwareNext: String?
    var updates: [Update]
    var securityUpdates: Int
    var faults: [Fault]
    var history: [Item]
    var owners: [Item]
    var tickets: [Ticket]
    var tasks: [Task]
    var runs: [Run]
    var owner: String
    var statuses: [AssetPages.Choice]
    var register: [Field]
    /// Why the asset is this machine: its identifiers, its agents with the rule that put each here, its merges.
    var identity: [Field]
    var agents: [Item]
    var merges: [Item]
    var hasMerges: Bool
    /// FusionInventory, GLPI and OCS agents that reported for it.
    var intakeDevices: [Item]
    var hasIntakeDevices: Bool
    var form: RegisterForm?
    var locations: [AssetPages.Choice]

    /// The register form's current values.
    struct RegisterForm {
        var tag: String
        var name: String
        var department: String
        var purchaseDate: String
        var supplier: String
        var orderNumber: String
        var cost: String
        var warrantyMonths: String
        var warrantyEnd: String
        var tags: String
        var notes: String
    }

    /// The software table's search and page (packages come a page at a time: 762 on a desktop Debian).
    struct SoftwareQuery {
        static let pageSize = 100
        var filter: String
        var offset: Int
    }

    init(_ context: APIContext, _ detail: Desk.AssetDetail, packages: (items: [CollectorStore.InstalledPackage], matching: Int, total: Int),
         software query: SoftwareQuery, tasks: [CollectorStore.TaskRecord], locations: [CollectorStore.LocationView],
         explanation: Desk.AssetExplanation?, done: String?) {
        let asset = detail.asset, inventory = detail.inventory
        chrome = Chrome(context, title: asset.name ?? asset.hostname ?? asset.tag, section: "assets",
                        flash: ["assigned": "The owner is saved.", "status": "The status is saved.", "register": "The register is saved.",
                                "checkedOut": "Checked out; the person is asked to confirm receipt.", "checkedIn": "Checked in: back in stock.",
                                "audited": "The audit is recorded.",
                                "task": "The task is queued; it runs as soon as the machine is connected."][done ?? ""])
        id = asset.id
        hostname = asset.hostname ?? "(no name)"
        owner = asset.owner ?? ""
        let current = AssetStatus(rawValue: asset.status) ?? .deployed
        statuses = AssetStatus.allCases.filter { $0 == current || current.next.contains($0) }
            .map { AssetPages.Choice(value: $0.rawValue, label: $0.label, selected: $0 == current) }
        let register = detail.register
        let identified = explanation?.identity
        identity = [
            Field(label: "System UUID", value: identified?.systemUUID ?? ""), Field(label: "Serial", value: identified?.serial ?? ""),
            Field(label: "Maker", value: identified?.vendor ?? ""), Field(label: "Built-in MACs", value: identified?.fixedMACs.sorted().joined(separator: ", ") ?? ""),
            Field(label: "Fixed disks", value: identified?.diskSerials.sorted().joined(separator: ", ") ?? ""),
        ].filter { !$0.value.isEmpty }
        agents = (explanation?.agents ?? []).map { Item(cells: [$0.agent, $0.since, $0.until ?? "", $0.rule ?? "", $0.reason]) }
        hasMerges = !(explanation?.merges ?? []).isEmpty
        intakeDevices = (explanation?.intakeDevices ?? []).map {
            Item(cells: [$0.deviceId, "\($0.source) (\($0.protocol == "json" ? "GLPI Agent" : "OCS / FusionInventory"))", $0.agentVersion ?? "",
                         $0.lastInventoryAt ?? "never", $0.lastSeenAt, $0.conflict ?? ""])
        }
        hasIntakeDevices = !intakeDevices.isEmpty
        merges = (explanation?.merges ?? []).map {
            Item(cells: ["\($0.id)", "asset \($0.mergedId) into asset \($0.survivorId)", "\($0.at) by \($0.actor)", $0.undoneAt.map { "undone \($0)" } ?? ""])
        }
        self.register = [
            Field(label: "Category", value: register?.category ?? ""), Field(label: "Location", value: register?.location ?? ""),
            Field(label: "Department", value: register?.department ?? ""), Field(label: "Purchased", value: register?.purchaseDate ?? ""),
            Field(label: "Supplier", value: register?.supplier ?? ""), Field(label: "Order number", value: register?.orderNumber ?? ""),
            Field(label: "Cost", value: register?.cost ?? ""), Field(label: "Warranty ends", value: register?.warrantyEnds ?? ""),
            Field(label: "Tags", value: register?.tags.joined(separator: ", ") ?? ""),
            Field(label: "Attached to", value: register?.attachedTo.map { "asset \($0)" } ?? ""),
            Field(label: "Attached", value: register?.attached.map { "asset \($0)" }.joined(separator: ", ") ?? ""),
            Field(label: "Last audit", value: [register?.lastAuditAt, register?.lastAuditLocation.map { "at \($0)" }].compactMap { $0 }.joined(separator: " ")),
            Field(label: "Next audit due", value: register?.nextAuditDue ?? ""), Field(label: "Notes", value: register?.notes ?? ""),
        ].filter { !$0.value.isEmpty } + (register?.fields ?? [:]).sorted { $0.key < $1.key }.map { Field(label: $0.key, value: $0.value) }
        form = register.map { register in
            RegisterForm(tag: register.tag, name: register.name ?? "", department: register.department ?? "", purchaseDate: register.purchaseDate ?? "",
                         supplier: register.supplier ?? "", orderNumber: register.orderNumber ?? "", cost: register.cost ?? "",
                         warrantyMonths: register.warrantyMonths.map(String.init) ?? "", warrantyEnd: register.warrantyEnd ?? "",
                         tags: register.tags.joined(separator: ", "), notes: register.notes)
        }
        self.locations = [AssetPages.Choice(value: "", label: "(none)", selected: register?.locationId == nil)]
            + locations.map { AssetPages.Choice(value: String($0.id), label: $0.path, selected: $0.id == register?.locationId) }
        summary = [
            Field(label: "Tag", value: asset.tag), Field(label: "Name", value: asset.name ?? ""),
            Field(label: "Status", value: current.label), Field(label: "Owner", value: asset.owner ?? "nobody"),
            Field(label: "Last user", value: asset.lastUser ?? ""), Field(label: "Serial number", value: asset.serial ?? ""),
            Field(label: "Operating system", value: inventory?.os.prettyName ?? [asset.osName, asset.osVersion].compactMap { $0 }.joined(separator: " ")),
            Field(label: "Kernel", value: inventory?.os.kernelRelease ?? ""), Field(label: "Last report", value: asset.lastReportAt ?? "never"),
            Field(label: "Last seen", value: asset.lastSeenAt ?? "never"), Field(label: "First seen", value: asset.createdAt),
            Field(label: "Agent", value: asset.agentID ?? "none"),
        ].filter { !$0.value.isEmpty }
        let hardware = inventory?.hardware
        self.hardware = [
            Field(label: "Vendor and model", value: [asset.vendor, asset.model].compactMap { $0 }.joined(separator: " ")),
            Field(label: "Processor", value: [hardware?.cpu.model, hardware?.cpu.cores.map { "\($0) cores" }, hardware?.cpu.threads.map { "\($0) threads" }]
                .compactMap { $0 }.joined(separator: ", ")),
            Field(label: "Memory", value: hardware?.memory.totalBytes.map(Self.bytes) ?? ""),
            Field(label: "Memory modules", value: hardware?.memory.modules.map { [$0.slot, Self.bytes($0.sizeBytes), $0.type].compactMap { $0 }.joined(separator: " ") }
                .joined(separator: "; ") ?? ""),
            Field(label: "BIOS", value: [hardware?.bios.vendor, hardware?.bios.version, hardware?.bios.date].compactMap { $0 }.joined(separator: " ")),
            Field(label: "Virtualization", value: hardware?.virtualization ?? ""),
        ].filter { !$0.value.isEmpty }
        disks = (hardware?.disks ?? []).map { disk in
            Item(cells: [disk.name, [disk.vendor, disk.model].compactMap { $0 }.joined(separator: " "), disk.sizeBytes.map(Self.bytes) ?? "",
                         disk.smart.verdict.rawValue, disk.serial ?? ""])
        }
        volumes = (hardware?.volumes ?? []).map { volume in
            Item(cells: [volume.mountPoint, volume.filesystem, volume.sizeBytes.map(Self.bytes) ?? "", volume.freeBytes.map(Self.bytes) ?? "",
                         volume.freePercent.map { String(format: "%.0f %%", $0) } ?? ""])
        }
        interfaces = (hardware?.networkInterfaces ?? []).filter { !$0.virtual }.map { interface in
            Item(cells: [interface.name, interface.mac ?? "", (interface.ipv4 + interface.ipv6).joined(separator: ", "), interface.state ?? ""])
        }
        softwareFilter = query.filter
        software = packages.items.map { Item(cells: [$0.name, $0.version, $0.architecture, $0.manager]) }
        let first = packages.items.isEmpty ? 0 : query.offset + 1, last = query.offset + packages.items.count
        softwareShown = (packages.matching > packages.items.count ? "\(first)–\(last) of \(packages.matching)" : "\(packages.matching)")
            + (query.filter.isEmpty ? "" : " matching, of \(packages.total)")
        func link(_ offset: Int) -> String {
            "/assets/\(asset.id)?" + Address.query(["software": query.filter, "softwareOffset": "\(offset)"].filter { !$0.value.isEmpty && $0.value != "0" }) + "#software"
        }
        softwarePrevious = query.offset > 0 ? link(max(0, query.offset - SoftwareQuery.pageSize)) : nil
        softwareNext = last < packages.matching ? link(last) : nil
        let pending = inventory?.updates.pending ?? []
        updates = pending.sorted { ($0.security ? 0 : 1, $0.name) < ($1.security ? 0 : 1, $1.name) }.prefix(500)
            .map { Update(name: $0.name, installed: $0.installedVersion, candidate: $0.candidateVersion, security: $0.security) }
        securityUpdates = pending.filter(\.security).count
        faults = detail.faults.map { fault in
            Fault(code: fault.code, severity: fault.severity, subject: fault.subject, summary: fault.summary,
                  facts: fault.facts.sorted { $0.key < $1.key }.map { Field(label: $0.key, value: $0.value.description) }, since: fault.firstSeenAt)
        }
        history = detail.history.prefix(200).map { Item(cells: [$0.at, $0.section, $0.item, $0.oldValue ?? "", $0.newValue ?? ""]) }
        owners = detail.assignments.map { Item(cells: [$0.at, $0.username ?? "nobody", $0.actor, $0.note]) }
        tickets = detail.tickets.prefix(50).map { Ticket(id: $0.id, title: $0.title, status: $0.status.rawValue, priority: $0.priority.rawValue) }
        runs = detail.runs.map { run in
            let progress = OnboardingProgress.done(run.steps)
            return Run(provisioningId: run.provisioningId, template: run.templateName, state: run.state.rawValue,
                       step: "\(progress.done) of \(progress.of) steps done", percent: OnboardingProgress.percent(progress))
        }
        self.tasks = tasks.map { Task(id: $0.id, kind: $0.kind, state: $0.state.rawValue, summary: $0.summary ?? "", at: $0.createdAt) }
    }

    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
