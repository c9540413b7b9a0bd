#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
public import DesksideAPI

/// The script library, as each engine stores it (`SQLiteScripts`, `PostgresScripts`). The desk checks
/// a script (its name, its `#!` line, its size) and who may write before a call.
public protocol ScriptRepository: Sendable {
    /// By name.
    func scripts() async throws -> [Script]
    func script(name: String) async throws -> Script?
    /// Creates the script `name`, or replaces its description and body (keeping its id and creation time).
    func saveScript(name: String, description: String, body: String, actor: String, now: Date) async throws -> Script
    /// `false` when there is no such script.
    func deleteScript(name: String) async throws -> Bool
}
