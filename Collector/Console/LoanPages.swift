import DesksideAssets
import DesksideDesk
import DesksideHTTP
import DesksideHelpdesk
import DesksideStoreSQLite
import Foundation
import Hummingbird

/// What is lent out (`/loans`: open, overdue or every loan, each with whether its receipt was
/// accepted) and the audit desk (`/audit`: type or scan a tag or a serial, say where it is).
struct LoanPages {
    let route: ConsoleRoute

    struct LoansView {
        struct Row {
            var assetId: Int64
            var tag: String
            var asset: String
            var to: String
            var out: String
            var due: String
            var accepted: String
            var back: String
            var overdue: Bool
        }

        var chrome: Chrome
        var states: [AssetPages.Choice]
        var state: String
        var rows: [Row]
        var total: Int
    }

    struct AuditView {
        var chrome: Chrome
        var locations: [AssetPages.Choice]
    }

    func add(to group: RouterGroup<APIContext>) {
        let route = self.route
        group.get("loans") { request, context in
            let state = request.uri.queryParameters.get("state").flatMap { CollectorStore.LoanFilter(rawValue: String($0)) } ?? .open
            let page = try await route.call(context) { desk, principal in try desk.loans(principal, state, limit: 500, offset: 0) }
            return route.page("loans", LoansView(
                chrome: Chrome(context, title: "Loans", section: "assets"),
                states: [("open", "Out now"), ("overdue", "Overdue returns"), ("all", "Every loan")].map {
                    AssetPages.Choice(value: $0.0, label: $0.1, selected: $0.0 == state.rawValue)
                },
                state: state.rawValue,
                rows: page.items.map { loan in
                    LoansView.Row(assetId: loan.assetId, tag: loan.tag, asset: loan.asset, to: loan.username, out: String(loan.checkedOutAt.prefix(10)),
                                  due: loan.expectedReturn ?? "", accepted: loan.acceptedAt.map { String($0.prefix(10)) } ?? "not yet",
                                  back: loan.checkedInAt.map { String($0.prefix(10)) } ?? "", overdue: loan.overdue)
                },
                total: page.total))
        }
        group.get("audit") { request, context in
            let locations = try await route.call(context) { desk, principal in try desk.locations(principal) }
            let done = request.uri.queryParameters.get("done").map { "Audited: \($0)." }
            return route.page("audit", AuditView(chrome: Chrome(context, title: "Audit by tag or serial", section: "assets", flash: done),
                                                 locations: locations.map { AssetPages.Choice(value: String($0.id), label: $0.path, selected: false) }))
        }
        group.post("audit") { request, context in
            try await route.post(request, context) { desk, principal, form in
                let scanned = try form.required("asset", "The tag or serial")
                let location = try form.id("locationId")
                let audit: CollectorStore.AuditRecord
                do {
                    audit = try desk.auditAsset(principal, .tag(scanned), locationId: location, note: form.text("note") ?? "", moveHere: form.flag("moveHere"))
                } catch HelpdeskError.unprocessable {
                    // Not a tag: a serial read off the case.
                    audit = try desk.auditAsset(principal, .serial(scanned), locationId: location, note: form.text("note") ?? "", moveHere: form.flag("moveHere"))
                }
                let found = audit.registerLocation.map { " (the register said \($0))" } ?? ""
                return "/audit?" + Address.query(["done": audit.tag + found])
            }
        }
    }
}
