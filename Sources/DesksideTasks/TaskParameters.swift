import DesksideJSON

/// How a new local account's password is set.
public enum PasswordSetting: Sendable, Equatable, Codable {
    /// No password: the account cannot sign in with one (a key or a directory does it).
    case locked
    /// This crypt(5) hash.
    case hash(String)
    /// This crypt(5) hash of a one-time password, which the person must change at first sign-in.
    /// The collector hashes it; the plain password never reaches the agent.
    case oneTime(hash: String)

    private enum CodingKeys: String, CodingKey { case mode, hash }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let mode = try container.decode(String.self, forKey: .mode)
        // Only the keys of the mode: `{"mode": "locked", "hash": …}` is a mistake, said as one.
        if mode == "locked", container.contains(.hash) {
            throw DecodingError.dataCorruptedError(forKey: .hash, in: container, debugDescription: "a locked password takes no hash")
        }
        switch mode {
        case "locked": self = .locked
        case "hash": self = .hash(try container.decode(String.self, forKey: .hash))
        case "oneTime": self = .oneTime(hash: try container.decode(String.self, forKey: .hash))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .mode, in: container, debugDescription: "unknown password mode '\(other)' (locked, hash, oneTime)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .locked: try container.encode("locked", forKey: .mode)
        case .hash(let hash):
            try container.encode("hash", forKey: .mode)
            try container.encode(hash, forKey: .hash)
        case .oneTime(let hash):
            try container.encode("oneTime", forKey: .mode)
            try container.encode(hash, forKey: .hash)
        }
    }
}

/// `account.create`: a local user with its full name, supplementary groups (created when missing),
/// shell, home and password.
public struct AccountCreate: Sendable, Equatable, Codable {
    public var username: String
    public var fullName: String
    public var groups: [String]
    public var shell: String
    public var home: String?
    public var password: PasswordSetting

    public init(username: String, fullName: String = "", groups: [String] = [], shell: String = "/bin/bash", home: String? = nil,
                password: PasswordSetting = .locked) {
        self.username = username
        self.fullName = fullName
        self.groups = groups
        self.shell = shell
        self.home = home
        self.password = password
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        username = try container.decode(String.self, forKey: .username)
        fullName = try container.decodeIfPresent(String.self, forKey: .fullName) ?? ""
        groups = try container.decodeIfPresent([String].self, forKey: .groups) ?? []
        shell = try container.decodeIfPresent(String.self, forKey: .shell) ?? "/bin/bash"
        home = try container.decodeIfPresent(String.self, forKey: .home)
        password = try container.decodeIfPresent(PasswordSetting.self, forKey: .password) ?? .locked
    }

    /// `/home/<username>` unless another home is given.
    public var homeDirectory: String { home ?? "/home/" + username }
}

/// `account.lock`: the account can no longer sign in (password locked, account expired).
public struct AccountLock: Sendable, Equatable, Codable {
    public var username: String
    public init(username: String) { self.username = username }
}

/// `account.groups`: the account's supplementary groups become exactly these (none removes it from all).
public struct AccountGroups: Sendable, Equatable, Codable {
    public var username: String
    public var groups: [String]
    public init(username: String, groups: [String]) {
        self.username = username
        self.groups = groups
    }
}

/// `packages.install` and `packages.remove`.
public struct PackageList: Sendable, Equatable, Codable {
    public var packages: [String]
    public init(packages: [String]) { self.packages = packages }
}

/// `updates.apply`: the pending security updates only, or every pending update.
public struct UpdatesApply: Sendable, Equatable, Codable {
    public var securityOnly: Bool
    public init(securityOnly: Bool = true) { self.securityOnly = securityOnly }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        securityOnly = try container.decodeIfPresent(Bool.self, forKey: .securityOnly) ?? true
    }
}

/// `hostname.set`.
public struct HostnameSet: Sendable, Equatable, Codable {
    public var hostname: String
    public init(hostname: String) { self.hostname = hostname }
}

/// `reboot`: after `delayMinutes`, with `message` shown to the people signed in.
public struct Reboot: Sendable, Equatable, Codable {
    public var delayMinutes: Int
    public var message: String
    public init(delayMinutes: Int = 1, message: String = "") {
        self.delayMinutes = delayMinutes
        self.message = message
    }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        delayMinutes = try container.decodeIfPresent(Int.self, forKey: .delayMinutes) ?? 1
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
    }
}

/// `script.run`: a script from the collector's library, its text carried in the signed task, with
/// arguments passed as separate arguments (never put into the script's text).
public struct ScriptRun: Sendable, Equatable, Codable {
    public var name: String
    public var body: String
    public var arguments: [String]
    public init(name: String, body: String, arguments: [String] = []) {
        self.name = name
        self.body = body
        self.arguments = arguments
    }
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        body = try container.decode(String.self, forKey: .body)
        arguments = try container.decodeIfPresent([String].self, forKey: .arguments) ?? []
    }

    /// Interpreters a library script may name on its `#!` line.
    public static let interpreters = ["/bin/sh", "/bin/bash", "/usr/bin/sh", "/usr/bin/bash", "/usr/bin/python3"]
    public static let maxBodyBytes = 64 << 10
}
