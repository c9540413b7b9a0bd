public import DesksideJSON

/// A task's kind with its typed parameters. `validate()` is the one set of rules, run by the
/// collector before signing and by the agent before running.
public enum TaskSpec: Sendable, Equatable {
    case accountCreate(AccountCreate)
    case accountLock(AccountLock)
    case accountGroups(AccountGroups)
    case packagesInstall(PackageList)
    case packagesRemove(PackageList)
    case updatesApply(UpdatesApply)
    case hostnameSet(HostnameSet)
    case inventoryRefresh
    case reboot(Reboot)
    case scriptRun(ScriptRun)

    public var kind: TaskKind {
        switch self {
        case .accountCreate: .accountCreate
        case .accountLock: .accountLock
        case .accountGroups: .accountGroups
        case .packagesInstall: .packagesInstall
        case .packagesRemove: .packagesRemove
        case .updatesApply: .updatesApply
        case .hostnameSet: .hostnameSet
        case .inventoryRefresh: .inventoryRefresh
        case .reboot: .reboot
        case .scriptRun: .scriptRun
        }
    }

    /// The parameter names each kind takes: anything else is refused (a misspelt `pakages` would
    /// otherwise install nothing and say so as a success).
    public static func fields(of kind: TaskKind) -> Set<String> {
        switch kind {
        case .accountCreate: ["username", "fullName", "groups", "shell", "home", "password"]
        case .accountLock: ["username"]
        case .accountGroups: ["username", "groups"]
        case .packagesInstall, .packagesRemove: ["packages"]
        case .updatesApply: ["securityOnly"]
        case .hostnameSet: ["hostname"]
        case .inventoryRefresh: []
        case .reboot: ["delayMinutes", "message"]
        case .scriptRun: ["name", "body", "arguments"]
        }
    }

    /// Reads `parameters` (a JSON object) for `kind` and validates it.
    public init(kind: TaskKind, parameters: JSONValue) throws(TaskValidationError) {
        guard case .object(let members) = parameters else { throw .init(field: "parameters", reason: "must be an object") }
        let allowed = Self.fields(of: kind)
        if let unknown = members.first(where: { !allowed.contains($0.key) }) {
            throw .init(field: unknown.key, reason: "is not a parameter of \(kind.rawValue)"
                        + (allowed.isEmpty ? " (it takes none)" : " (it takes \(allowed.sorted().joined(separator: ", ")))"))
        }
        if kind == .accountCreate, case .object(let password)? = members.first(where: { $0.key == "password" })?.value,
           let unknown = password.first(where: { $0.key != "mode" && $0.key != "hash" }) {
            throw .init(field: "password." + unknown.key, reason: "is not a field of a password (mode, hash)")
        }
        func read<T: Decodable>(_ type: T.Type) throws(TaskValidationError) -> T {
            do { return try JSONCoder.decode(type, from: parameters) } catch { throw .init(field: "parameters", reason: error.message) }
        }
        switch kind {
        case .accountCreate: self = .accountCreate(try read(AccountCreate.self))
        case .accountLock: self = .accountLock(try read(AccountLock.self))
        case .accountGroups: self = .accountGroups(try read(AccountGroups.self))
        case .packagesInstall: self = .packagesInstall(try read(PackageList.self))
        case .packagesRemove: self = .packagesRemove(try read(PackageList.self))
        case .updatesApply: self = .updatesApply(try read(UpdatesApply.self))
        case .hostnameSet: self = .hostnameSet(try read(HostnameSet.self))
        case .inventoryRefresh: self = .inventoryRefresh
        case .reboot: self = .reboot(try read(Reboot.self))
        case .scriptRun: self = .scriptRun(try read(ScriptRun.self))
        }
        try validate()
    }

    /// The parameters as a JSON object.
    public var parameters: JSONValue {
        func tree<T: Encodable>(_ value: T) -> JSONValue {
            // The parameter types hold strings, integers and booleans only: encoding cannot fail.
            (try? JSONParser.parse(JSONCoder.encode(value))) ?? .object([])
        }
        switch self {
        case .accountCreate(let value): return tree(value)
        case .accountLock(let value): return tree(value)
        case .accountGroups(let value): return tree(value)
        case .packagesInstall(let value), .packagesRemove(let value): return tree(value)
        case .updatesApply(let value): return tree(value)
        case .hostnameSet(let value): return tree(value)
        case .inventoryRefresh: return .object([])
        case .reboot(let value): return tree(value)
        case .scriptRun(let value): return tree(value)
        }
    }

    public func validate() throws(TaskValidationError) {
        switch self {
        case .accountCreate(let account):
            try TaskValidation.checkAccountName(account.username, field: "username")
            try TaskValidation.checkFullName(account.fullName, field: "fullName")
            try TaskValidation.checkList(account.groups, field: "groups", limit: 32, allowEmpty: true, each: TaskValidation.checkAccountName)
            try TaskValidation.checkAbsolutePath(account.shell, field: "shell")
            if let home = account.home { try TaskValidation.checkAbsolutePath(home, field: "home") }
            switch account.password {
            case .locked: break
            case .hash(let hash), .oneTime(let hash): try TaskValidation.checkPasswordHash(hash, field: "password.hash")
            }
        case .accountLock(let lock):
            try TaskValidation.checkAccountName(lock.username, field: "username")
        case .accountGroups(let change):
            try TaskValidation.checkAccountName(change.username, field: "username")
            try TaskValidation.checkList(change.groups, field: "groups", limit: 32, allowEmpty: true, each: TaskValidation.checkAccountName)
        case .packagesInstall(let list), .packagesRemove(let list):
            try TaskValidation.checkList(list.packages, field: "packages", limit: 100, allowEmpty: false, each: TaskValidation.checkPackageName)
        case .updatesApply, .inventoryRefresh:
            break
        case .hostnameSet(let change):
            try TaskValidation.checkHostname(change.hostname, field: "hostname")
        case .reboot(let reboot):
            guard (0...1440).contains(reboot.delayMinutes) else {
                throw .init(field: "delayMinutes", reason: "must be between 0 and 1440 minutes")
            }
            try TaskValidation.checkMessage(reboot.message, field: "message")
        case .scriptRun(let script):
            try TaskValidation.checkAccountName(script.name, field: "name")
            guard script.body.utf8.count <= ScriptRun.maxBodyBytes else {
                throw .init(field: "body", reason: "must be at most \(ScriptRun.maxBodyBytes) bytes")
            }
            guard !script.body.unicodeScalars.contains("\0") else { throw .init(field: "body", reason: "may not hold NUL") }
            let firstLine = script.body.prefix { $0 != "\n" }
            guard firstLine.hasPrefix("#!"),
                  ScriptRun.interpreters.contains(String(firstLine.dropFirst(2).prefix { $0 != " " })) else {
                throw .init(field: "body", reason: "must start with '#!' and one of \(ScriptRun.interpreters.joined(separator: ", "))")
            }
            try TaskValidation.checkList(script.arguments, field: "arguments", limit: 32, allowEmpty: true) { value, field throws(TaskValidationError) in
                try TaskValidation.checkMessage(value, field: field, limit: 1024)
            }
        }
    }
}
