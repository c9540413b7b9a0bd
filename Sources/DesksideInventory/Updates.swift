#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// Updates the package manager would install, computed by the agent from the package lists.
public struct Updates: Codable, Sendable, Equatable {
    /// `apt` when computed from apt's lists; `nil` when no update source could be read.
    public var source: String?
    /// Sorted by name, then architecture.
    public var pending: [PendingUpdate]
    /// When the package lists were last refreshed (`apt update`).
    public var listsUpdatedAt: Date?
    /// Windows: the updates installed (`Win32_QuickFixEngineering`), as FusionInventory and GLPI Agent
    /// report them; `nil` where there are none to report (Linux, macOS).
    public var hotfixes: [Hotfix]?

    public init(source: String? = nil, pending: [PendingUpdate] = [], listsUpdatedAt: Date? = nil, hotfixes: [Hotfix]? = nil) {
        self.source = source
        self.pending = pending
        self.listsUpdatedAt = listsUpdatedAt
        self.hotfixes = hotfixes
    }

    /// When the newest installed hotfix was installed.
    public var lastHotfixAt: Date? { hotfixes?.compactMap(\.installedAt).max() }

    /// How many pending updates come from a security suite.
    public var securityCount: Int { pending.lazy.filter(\.security).count }
}

/// One package with a newer candidate version.
public struct PendingUpdate: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public var architecture: String
    public var installedVersion: String
    public var candidateVersion: String
    /// Suites the candidate is available from, e.g. `bookworm-security`.
    public var suites: [String]
    /// The candidate comes from a security suite.
    public var security: Bool
    /// When the agent first saw this candidate pending; `nil` without agent state.
    public var firstSeenAt: Date?

    public init(
        name: String, architecture: String, installedVersion: String, candidateVersion: String,
        suites: [String], security: Bool, firstSeenAt: Date? = nil
    ) {
        self.name = name
        self.architecture = architecture
        self.installedVersion = installedVersion
        self.candidateVersion = candidateVersion
        self.suites = suites
        self.security = security
        self.firstSeenAt = firstSeenAt
    }
}

/// A Windows update installed on the machine (`KB5031356`).
public struct Hotfix: Codable, Sendable, Equatable {
    public var id: String
    /// `Security Update`, `Update`, `Hotfix`, as Windows describes it.
    public var kind: String?
    public var installedAt: Date?

    public init(id: String, kind: String? = nil, installedAt: Date? = nil) {
        self.id = id
        self.kind = kind
        self.installedAt = installedAt
    }
}
