#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// The security audit log (sign-ins, accounts, tokens, scripts, rules: who did what, allowed or
/// refused), as each engine keeps it (`SQLiteAuditTrail`, `PostgresAuditTrail`). Append-only:
/// nothing in the product changes or removes an entry.
public protocol AuditTrail: Sendable {
    /// Appends an entry. `detail` must hold no secret (the desk writes ids and names, never a
    /// password or token, nor what was typed as an unknown username).
    func record(_ entry: AuditEntry) async throws
    /// Every entry, oldest first.
    func entries() async throws -> [AuditEntry]
}

/// One line of the audit log.
public struct AuditEntry: Sendable, Equatable {
    public var at: Date
    /// A username, `token:NAME`, `agent:UUID`, `account:ID` or `-` (unknown).
    public var actor: String
    public var action: String
    public var allowed: Bool
    public var detail: String

    public init(at: Date, actor: String, action: String, allowed: Bool, detail: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.allowed = allowed
        self.detail = detail
    }
}
