import DesksideJSON
import DesksideDesk
import DesksideHTTP
import DesksideAssets
import DesksideHelpdesk
import DesksideLabels
import DesksideInventory
import DesksideStoreSQLite
import DesksideTasks
import Foundation
import Hummingbird
import NIOCore

/// `GET /assets` (the CLI's filters, sorting, paging; `/assets.csv` exports the same list),
/// `GET /assets/{id}` (everything the register knows), and its actions: assign, refresh inventory,
/// run a task, start an onboarding.
struct AssetPages {
    let route: ConsoleRoute

    struct ListView {
        var chrome: Chrome
        var filters: [Filter]
        var sorts: [Choice]
        var descending: Bool
        var missingSecurity: Bool
        var unassigned: Bool
        var silent: Bool
        var auditDue: Bool
        var auditMismatch: Bool
        var warrantyEnding: Bool
        var rows: [Row]
        var total: Int
        var range: String
        var previous: String?
        var next: String?
    }

    struct Filter {
        var name: String
        var label: String
        var value: String
    }

    struct Choice {
        var value: String
        var label: String
        var selected: Bool
    }

    struct Row {
        var id: Int64
        var tag: String
        var hostname: String
        var os: String
        var model: String
        var owner: String
        var status: String
        var lastReport: String
        var faults: Int
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("assets") { request, context in
            let (query, parameters) = try Self.query(request)
            let page = try await route.call(context) { desk, principal in try desk.assets(principal, query) }
            return route.page("assets", Self.listView(context, query: query, parameters: parameters, page: page))
        }
        // Label sheets: one asset's on a roll printer's label, or the list's on A4 (or any template).
        group.get("assets/labels.pdf") { request, context in
            var (query, _) = try Self.query(request)
            query.limit = LabelSheet.maxLabels
            let name = request.uri.queryParameters.get("template").map { String($0) } ?? "avery-l7160"
            guard let template = LabelTemplate.named(name) else { throw ConsoleError.badForm("no label template \(name)") }
            return try await Self.labels(route, request, context, query, template)
        }
        group.get("assets/:id/label.pdf") { request, context in
            var query = CollectorStore.AssetQuery()
            query.ids = [try context.id()]
            return try await Self.labels(route, request, context, query, LabelTemplate.named("roll-62x29")!)
        }
        group.get("assets/:id") { request, context in
            let id = try context.id()
            let parameters = request.uri.queryParameters
            let software = AssetView.SoftwareQuery(filter: String((parameters.get("software") ?? "").prefix(100)),
                                                   offset: min(max(Int(parameters.get("softwareOffset") ?? "0") ?? 0, 0), 1_000_000))
            let detail = try await route.call(context) { desk, principal in
                (try desk.asset(principal, id: id, packages: false),
                 try desk.assetPackages(principal, id: id, nameContains: software.filter, limit: AssetView.SoftwareQuery.pageSize, offset: software.offset),
                 try desk.tasks(principal, { var q = CollectorStore.TaskQuery(); q.assetID = id; q.limit = 20; return q }()).items,
                 principal.role.readsEverything ? try desk.locations(principal) : [],
                 principal.role.readsEverything ? try desk.explainAsset(principal, id: id) : nil)
            }
            return route.page("asset", AssetView(context, detail.0, packages: detail.1, software: software, tasks: detail.2, locations: detail.3, explanation: detail.4,
                                               done: parameters.get("done").map { String($0) }))
        }
        group.post("assets/:id/assign") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, form in
                let username = form.text("account")?.trimmingCharacters(in: .whitespaces) ?? ""
                var owner: Int64?
                if !username.isEmpty {
                    guard let account = try await desk.account(principal, username: username) else { throw ConsoleError.badForm("there is no account \(username)") }
                    owner = account.id
                }
                _ = try await desk.blocking { [owner] in try desk.assignAsset(principal, id: id, to: owner, note: form.text("note") ?? "") }
                return "/assets/\(id)?done=assigned"
            }
        }
        group.post("assets/:id/status") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                guard let status = AssetStatus(rawValue: form.text("status") ?? "") else { throw ConsoleError.badForm("choose a status") }
                _ = try desk.setAssetStatus(principal, id: id, status)
                return "/assets/\(id)?done=status"
            }
        }
        group.post("assets/:id/register") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                _ = try desk.updateAsset(principal, id: id, try Self.registerChanges(form))
                return "/assets/\(id)?done=register"
            }
        }
        group.post("assets/:id/checkout") { request, context in
            let id = try context.id()
            return try await route.postAsync(request, context) { desk, principal, form in
                let username = try form.required("account", "The person")
                guard let account = try await desk.account(principal, username: username) else { throw ConsoleError.badForm("there is no account \(username)") }
                var due: CalendarDate?
                if let text = form.text("expectedReturn"), !text.isEmpty {
                    do { due = try CalendarDate(text) } catch { throw ConsoleError.badForm("the return date is a date: YYYY-MM-DD") }
                }
                _ = try await desk.blocking { [due] in try desk.checkOut(principal, assetIDs: [id], to: account.id, expectedReturn: due, note: form.text("note") ?? "") }
                return "/assets/\(id)?done=checkedOut"
            }
        }
        group.post("assets/:id/checkin") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, _ in
                _ = try desk.checkIn(principal, assetID: id)
                return "/assets/\(id)?done=checkedIn"
            }
        }
        group.post("assets/:id/audit") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                _ = try desk.auditAsset(principal, .id(id), locationId: try form.id("locationId"), note: form.text("note") ?? "", moveHere: form.flag("moveHere"))
                return "/assets/\(id)?done=audited"
            }
        }
        group.post("assets/:id/refresh") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, _ in
                _ = try desk.runTask(principal, .init(kind: .inventoryRefresh, assetIds: [id]))
                return "/assets/\(id)?done=task"
            }
        }
        group.post("assets/:id/task") { request, context in
            let id = try context.id()
            return try await route.post(request, context) { desk, principal, form in
                guard let kind = TaskKind(rawValue: form.text("kind") ?? "") else { throw ConsoleError.badForm("choose a kind of task") }
                let parameters = try Self.parameters(kind, form)
                _ = try desk.runTask(principal, .init(kind: kind, parameters: parameters, assetIds: [id]))
                return "/assets/\(id)?done=task"
            }
        }
    }

    /// A PDF sheet whose QR codes open this console at the address the browser used.
    static func labels(_ route: ConsoleRoute, _ request: Request, _ context: APIContext, _ query: CollectorStore.AssetQuery,
                       _ template: LabelTemplate) async throws -> Response {
        let base = (route.session.secure ? "https://" : "http://") + (request.head.authority ?? "localhost")
        let bytes = try await route.call(context) { desk, principal in
            try desk.labelSheet(principal, query, template: template, format: .pdf, baseURL: base)
        }
        return Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"labels.pdf\""],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The register form's fields: an empty box clears its field.
    static func registerChanges(_ form: ConsoleForm) throws -> AssetChanges {
        var changes = AssetChanges()
        func text(_ name: String) -> Change<String> {
            guard let value = form.text(name) else { return .keep }
            return value.trimmingCharacters(in: .whitespaces).isEmpty ? .clear : .set(value)
        }
        func date(_ name: String, _ label: String) throws -> Change<CalendarDate> {
            switch text(name) {
            case .set(let value):
                do { return .set(try CalendarDate(value.trimmingCharacters(in: .whitespaces), field: label)) } catch { throw ConsoleError.badForm("\(label) is a date: YYYY-MM-DD") }
            case .clear: return .clear
            case .keep: return .keep
            }
        }
        if case .set(let tag) = text("tag") { changes.tag = .set(tag) }
        changes.name = text("name")
        changes.department = text("department")
        changes.supplier = text("supplier")
        changes.orderNumber = text("orderNumber")
        changes.cost = text("cost")
        changes.notes = text("notes")
        changes.purchaseDate = try date("purchaseDate", "the purchase date")
        changes.warrantyEnd = try date("warrantyEnd", "the warranty's end")
        switch text("warrantyMonths") {
        case .set(let value):
            guard let months = Int(value.trimmingCharacters(in: .whitespaces)) else { throw ConsoleError.badForm("the warranty months are a number") }
            changes.warrantyMonths = .set(months)
        case .clear: changes.warrantyMonths = .clear
        case .keep: break
        }
        switch text("locationId") {
        case .set(let value):
            guard let id = Int64(value) else { throw ConsoleError.badForm("choose a location") }
            changes.locationId = .set(id)
        case .clear: changes.locationId = .clear
        case .keep: break
        }
        switch text("tags") {
        case .set(let value): changes.tags = .set(value.split(separator: ",").map(String.init))
        case .clear: changes.tags = .clear
        case .keep: break
        }
        return changes
    }

    /// The list's query from the address: the same names as the API's.
    static func query(_ request: Request) throws -> (CollectorStore.AssetQuery, [String: String]) {
        let given = request.uri.queryParameters
        var query = CollectorStore.AssetQuery()
        var kept: [String: String] = [:]
        func text(_ name: String) -> String? {
            guard let value = given.get(name), !value.isEmpty else { return nil }
            kept[name] = String(value.prefix(200))
            return kept[name]
        }
        query.text = text("q")
        query.hostname = text("hostname")
        query.os = text("os")
        query.owner = text("owner")
        query.package = text("package")
        query.missingSecurityUpdates = text("missingSecurityUpdates") == "true"
        query.unassigned = text("unassigned") == "true"
        if text("silent") == "true" { query.silentSince = Date().addingTimeInterval(-7 * 86400) }
        query.category = text("category")
        query.tagged = text("tagged")
        query.tag = text("tag")
        let today = CalendarDate(secondsSince1970: Date().timeIntervalSince1970)
        if text("auditDue") == "true" { query.auditDueBy = today }
        query.auditLocationMismatch = text("auditMismatch") == "true"
        if text("warrantyEnding") == "true" { (query.warrantyFrom, query.warrantyBefore) = (today, today.adding(days: 90)) }
        if let status = text("status") { query.status = AssetStatus(rawValue: status) }
        if let sort = text("sort") { query.sort = CollectorStore.AssetSort(rawValue: sort) ?? .hostname }
        query.descending = text("order") == "desc"
        query.limit = 50
        query.offset = min(max(Int(text("offset") ?? "0") ?? 0, 0), 10_000_000)
        return (query, kept)
    }

    static func listView(_ context: APIContext, query: CollectorStore.AssetQuery, parameters: [String: String],
                         page: (items: [CollectorStore.AssetSummary], total: Int)) -> ListView {
        func link(offset: Int) -> String {
            var parameters = parameters
            parameters["offset"] = "\(offset)"
            return "/assets?" + Address.query(parameters)
        }
        let first = page.total == 0 ? 0 : query.offset + 1
        return ListView(
            chrome: Chrome(context, title: "Assets", section: "assets"),
            filters: [("q", "Search"), ("hostname", "Host name"), ("tag", "Asset tag"), ("category", "Category"), ("tagged", "Tagged"), ("os", "Operating system"),
                      ("owner", "Owner"), ("package", "Package installed")]
                .map { Filter(name: $0.0, label: $0.1, value: parameters[$0.0] ?? "") },
            sorts: [("hostname", "Host name"), ("tag", "Asset tag"), ("os", "Operating system"), ("lastReport", "Last report"), ("created", "First seen")]
                .map { Choice(value: $0.0, label: $0.1, selected: query.sort.rawValue == $0.0) },
            descending: query.descending, missingSecurity: query.missingSecurityUpdates, unassigned: query.unassigned,
            silent: query.silentSince != nil, auditDue: query.auditDueBy != nil, auditMismatch: query.auditLocationMismatch,
            warrantyEnding: query.warrantyBefore != nil,
            rows: page.items.map { asset in
                Row(id: asset.id, tag: asset.tag, hostname: asset.name ?? asset.hostname ?? "(no name)", os: [asset.osName, asset.osVersion].compactMap { $0 }.joined(separator: " "),
                    model: [asset.vendor, asset.model].compactMap { $0 }.joined(separator: " "), owner: asset.owner ?? "",
                    status: (AssetStatus(rawValue: asset.status) ?? .deployed).label, lastReport: asset.lastReportAt ?? "never", faults: asset.faultCount)
            },
            total: page.total, range: "\(first)–\(query.offset + page.items.count) of \(page.total)",
            previous: query.offset > 0 ? link(offset: max(0, query.offset - query.limit)) : nil,
            next: query.offset + page.items.count < page.total ? link(offset: query.offset + page.items.count) : nil)
    }

    /// A task's parameters from the run-a-task form: package names, a host name, or none.
    static func parameters(_ kind: TaskKind, _ form: ConsoleForm) throws -> JSONValue {
        let words = (form.text("packages") ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }).map { JSONValue.string(String($0)) }
        switch kind {
        case .packagesInstall, .packagesRemove: return .object([("packages", .array(words))])
        case .hostnameSet: return .object([("hostname", .string(try form.required("hostname", "The host name")))])
        case .updatesApply: return .object([("securityOnly", .bool(form.flag("securityOnly")))])
        case .inventoryRefresh: return .object([])
        default: throw ConsoleError.badForm("\(kind.rawValue) is run from the API or the CLI, where all its parameters can be given")
        }
    }
}
