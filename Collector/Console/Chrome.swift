import DesksideHTTP
import DesksideHelpdesk

/// What every page's frame shows: the title, who is signed in, the sections their role has, and
/// the form token for the forms on the page. What a role may do is `Role`'s; the frame only shows it.
struct Chrome {
    struct Link {
        var href: String
        var label: String
        var current: Bool
    }

    var title: String
    var user: String?
    var role: String?
    var csrf: String?
    var nav: [Link] = []
    var flash: String?
    /// Whether the page may show write controls (technicians and admins).
    var canWrite: Bool
    var isAdmin: Bool

    init(_ context: APIContext, title: String, section: String?, flash: String? = nil) {
        self.init(principal: context.principal, secret: context.secret, title: title, section: section, flash: flash)
    }

    /// The frame of a page for nobody signed in (the sign-in page).
    static func signedOut(title: String) -> Chrome { Chrome(principal: nil, secret: nil, title: title, section: nil, flash: nil) }

    init(principal: Principal?, secret: String?, title: String, section: String?, flash: String?) {
        self.title = title
        self.flash = flash
        user = principal?.actor
        role = principal?.role.rawValue
        csrf = secret.map { ConsoleSession.formToken(secret: $0) }
        canWrite = principal?.role.worksTickets ?? false
        isAdmin = principal?.role == .admin
        guard let principal else { return }
        let sections: [(String, String)] = principal.role.readsEverything
            ? [("dashboard", "Dashboard"), ("assets", "Assets"), ("tickets", "Tickets"), ("onboardings", "Onboarding"), ("knowledge", "Knowledge"),
               ("reports", "Reports"), ("notifications", "Notifications"), ("accounts", "Accounts")]
            : [("portal", "My machines and tickets")]
        nav = sections.map { Link(href: "/" + $0.0, label: $0.1, current: $0.0 == section) }
    }
}
