// The script library's resources (`/scripts`), as the API sends and takes them and as the store's
// `ScriptRepository` exchanges them.

/// A script of the library, which `script.run` tasks and template steps name.
public struct Script: Codable, Sendable, Equatable {
    public var id: Int64
    /// A local user name's form (`^[a-z_][a-z0-9_-]*$`, at most 32).
    public var name: String
    public var description: String
    /// Starts with `#!` naming an allowed interpreter.
    public var body: String
    public var createdAt: String
    public var updatedAt: String
    public var updatedBy: String

    public init(id: Int64, name: String, description: String, body: String, createdAt: String, updatedAt: String, updatedBy: String) {
        self.id = id
        self.name = name
        self.description = description
        self.body = body
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// A script to save under the name of the path (`PUT /scripts/{name}`).
public struct ScriptFields: Codable, Sendable, Equatable {
    public var description: String?
    public var body: String

    public init(description: String? = nil, body: String) {
        self.description = description
        self.body = body
    }
}
