public import DesksideJSON
public import DesksideTasks

/// What a template's parameters may name, filled in when a step becomes a task. Values are put in
/// whole strings of the task's JSON, never into text that a program interprets; the task's own
/// validation then checks the result (a full name with ':' fails there, not in /etc/passwd).
///
/// `{{account.username}}`, `{{account.name}}`, `{{account.email}}`, `{{account.department}}`,
/// `{{account.departmentGroup}}` (the department as a group name: `Field Sales` -> `field-sales`),
/// `{{asset.id}}`, `{{asset.hostname}}`, `{{asset.serial}}`.
public struct Binding: Sendable, Equatable {
    public var values: [String: String]

    public init(username: String, name: String, email: String, department: String, assetID: Int64?, hostname: String?, serial: String?) {
        values = ["account.username": username, "account.name": name, "account.email": email, "account.department": department,
                  "account.departmentGroup": Self.groupName(department),
                  "asset.id": assetID.map(String.init) ?? "", "asset.hostname": hostname ?? "", "asset.serial": serial ?? ""]
    }

    /// For checking templates: a plausible person and machine.
    public static let sample = Binding(username: "jdupont", name: "Jean Dupont", email: "jdupont@example.com", department: "Engineering",
                                       assetID: 1, hostname: "lap-0001", serial: "SN0001")
    public static let sampleHash = "$y$j9T$sample$sample"

    /// `Field Sales` -> `field-sales`: lower case, runs of other characters as one '-'.
    public static func groupName(_ department: String) -> String {
        var name = ""
        for scalar in department.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                name.unicodeScalars.append(scalar)
            } else if !name.isEmpty, name.last != "-" {
                name.append("-")
            }
        }
        while name.last == "-" { name.removeLast() }
        return String(name.prefix(32))
    }

    /// `parameters` with every `{{name}}` replaced; an unknown name is an error. A one-time
    /// password (`password: {mode: oneTime}`) gets `passwordHash`, made when the onboarding started.
    public func bind(_ parameters: JSONValue, passwordHash: String?) throws(TaskValidationError) -> JSONValue {
        try bind(parameters, path: "", passwordHash: passwordHash)
    }

    private func bind(_ value: JSONValue, path: String, passwordHash: String?) throws(TaskValidationError) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(try substitute(text, field: path.isEmpty ? "parameters" : path))
        case .array(let items):
            var bound: [JSONValue] = []
            for (index, item) in items.enumerated() { bound.append(try bind(item, path: "\(path)[\(index)]", passwordHash: passwordHash)) }
            // A group bound to an empty department drops out rather than becoming "".
            return .array(bound.filter { $0 != .string("") })
        case .object(let members):
            if path == "password", members.contains(where: { $0.key == "mode" && $0.value == .string("oneTime") }) {
                guard let passwordHash else { throw .init(field: "password", reason: "a one-time password is made when the onboarding starts") }
                return .object([("mode", .string("oneTime")), ("hash", .string(passwordHash))])
            }
            var bound: [(key: String, value: JSONValue)] = []
            for member in members {
                bound.append((member.key, try bind(member.value, path: path.isEmpty ? member.key : path + "." + member.key, passwordHash: passwordHash)))
            }
            return .object(bound)
        default:
            return value
        }
    }

    private func substitute(_ text: String, field: String) throws(TaskValidationError) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { throw .init(field: field, reason: "has '{{' without '}}'") }
            let name = String(rest[open.upperBound..<close.lowerBound].filter { $0 != " " })
            guard let value = values[name] else {
                throw .init(field: field, reason: "names {{\(name)}}, which is not one of \(values.keys.sorted().map { "{{\($0)}}" }.joined(separator: ", "))")
            }
            result += value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
