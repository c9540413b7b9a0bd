/// The shapes a task's values must have, checked by the collector before it signs a task and by the
/// agent before it runs one. Values go to programs as separate arguments, never through a shell, but a
/// value that looks like an option (`-o APT::…`), holds a line break (a second line in
/// /etc/passwd) or walks out of a directory (`../../etc/sudoers`) is still refused here.
public struct TaskValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The parameter, as named in the task's JSON (`username`, `packages[2]`).
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

public enum TaskValidation {
    /// A local user or group name: Debian's default `NAME_REGEX` without the trailing `$` (machine
    /// accounts), at most 32 characters (the utmp limit).
    public static func checkAccountName(_ value: String, field: String) throws(TaskValidationError) {
        let scalars = Array(value.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 32 else { throw .init(field: field, reason: "must be 1 to 32 characters") }
        guard isLower(scalars[0]) || scalars[0] == "_" else {
            throw .init(field: field, reason: "must start with a lower-case letter or an underscore")
        }
        guard scalars.allSatisfy({ isLower($0) || isDigit($0) || $0 == "_" || $0 == "-" }) else {
            throw .init(field: field, reason: "may hold only lower-case letters, digits, '_' and '-'")
        }
    }

    /// The full name (GECOS field): printable text without ':' (the field separator), ',' (the
    /// GECOS subfield separator), '=' or control characters, at most 100 characters.
    public static func checkFullName(_ value: String, field: String) throws(TaskValidationError) {
        guard value.unicodeScalars.count <= 100 else { throw .init(field: field, reason: "must be at most 100 characters") }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0 == ":" || $0 == "," || $0 == "=" }) else {
            throw .init(field: field, reason: "may not hold ':', ',', '=' or control characters")
        }
        guard value.first != "-" else { throw .init(field: field, reason: "may not start with '-'") }
    }

    /// An absolute path made of plain components (letters, digits, '.', '_', '-', '+'), no '.' or
    /// '..' component, at most 255 characters: a shell or a home directory.
    public static func checkAbsolutePath(_ value: String, field: String) throws(TaskValidationError) {
        guard value.utf8.count <= 255 else { throw .init(field: field, reason: "must be at most 255 characters") }
        guard value.hasPrefix("/"), value.count > 1 else { throw .init(field: field, reason: "must be an absolute path") }
        for component in value.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard !component.isEmpty else { throw .init(field: field, reason: "may not hold an empty component ('//' or a trailing '/')") }
            guard component != ".", component != ".." else { throw .init(field: field, reason: "may not hold '.' or '..'") }
            guard component.unicodeScalars.allSatisfy({ isLower($0) || isUpper($0) || isDigit($0) || "._-+".unicodeScalars.contains($0) }) else {
                throw .init(field: field, reason: "may hold only letters, digits, '.', '_', '-' and '+' between '/'")
            }
        }
    }

    /// A password hash as crypt(5) writes it (`$y$…`, `$6$…`, `$5$…`, `$2b$…`): the characters of
    /// crypt's alphabet, '$' and ',' only, so that it fits a shadow line.
    public static func checkPasswordHash(_ value: String, field: String) throws(TaskValidationError) {
        let prefixes = ["$y$", "$gy$", "$7$", "$6$", "$5$", "$2b$", "$2y$"]
        guard prefixes.contains(where: value.hasPrefix) else {
            throw .init(field: field, reason: "must be a crypt(5) hash (yescrypt '$y$', SHA-512 '$6$', SHA-256 '$5$' or bcrypt '$2b$')")
        }
        guard value.utf8.count <= 512,
              value.unicodeScalars.allSatisfy({ isLower($0) || isUpper($0) || isDigit($0) || "./$=,".unicodeScalars.contains($0) }) else {
            throw .init(field: field, reason: "holds characters a crypt(5) hash does not have")
        }
    }

    /// A package name as apt and dnf take it: Debian's policy (lower-case letters, digits, '+', '-',
    /// '.'; at least two characters; starting with a letter or digit), with RPM's upper case and '_'
    /// allowed, and an optional `:architecture`. No version, no wildcard, never a leading '-'.
    public static func checkPackageName(_ value: String, field: String) throws(TaskValidationError) {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let name = parts.first, name.count >= 2, name.utf8.count <= 128 else {
            throw .init(field: field, reason: "must be a package name of 2 to 128 characters, optionally with ':architecture'")
        }
        guard let first = name.unicodeScalars.first, isLower(first) || isUpper(first) || isDigit(first) else {
            throw .init(field: field, reason: "must start with a letter or a digit")
        }
        guard name.unicodeScalars.allSatisfy({ isLower($0) || isUpper($0) || isDigit($0) || "+-._".unicodeScalars.contains($0) }) else {
            throw .init(field: field, reason: "may hold only letters, digits, '+', '-', '.' and '_'")
        }
        if parts.count == 2 {
            let architecture = parts[1]
            guard !architecture.isEmpty, architecture.count <= 32,
                  architecture.unicodeScalars.allSatisfy({ isLower($0) || isDigit($0) || $0 == "_" || $0 == "-" }),
                  architecture.first != "-" else {
                throw .init(field: field, reason: "has an architecture that is not a Debian or RPM architecture name")
            }
        }
    }

    /// A host name (RFC 1123): labels of letters, digits and '-', not starting or ending with '-',
    /// 1 to 63 characters each, at most 253 in all.
    public static func checkHostname(_ value: String, field: String) throws(TaskValidationError) {
        guard !value.isEmpty, value.utf8.count <= 253 else { throw .init(field: field, reason: "must be 1 to 253 characters") }
        for label in value.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63 else { throw .init(field: field, reason: "has a label that is empty or longer than 63 characters") }
            guard label.unicodeScalars.allSatisfy({ isLower($0) || isUpper($0) || isDigit($0) || $0 == "-" }) else {
                throw .init(field: field, reason: "may hold only letters, digits, '-' and '.'")
            }
            guard label.first != "-", label.last != "-" else { throw .init(field: field, reason: "has a label that starts or ends with '-'") }
        }
    }

    /// Text shown to people (a reboot message): one line, no control characters, at most `limit`
    /// characters.
    public static func checkMessage(_ value: String, field: String, limit: Int = 200) throws(TaskValidationError) {
        guard value.unicodeScalars.count <= limit else { throw .init(field: field, reason: "must be at most \(limit) characters") }
        guard !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) else {
            throw .init(field: field, reason: "may not hold line breaks or control characters")
        }
    }

    /// A list of names, each checked, without duplicates, at most `limit` of them.
    public static func checkList(_ values: [String], field: String, limit: Int, allowEmpty: Bool,
                                 each check: (String, String) throws(TaskValidationError) -> Void) throws(TaskValidationError) {
        guard allowEmpty || !values.isEmpty else { throw .init(field: field, reason: "must name at least one") }
        guard values.count <= limit else { throw .init(field: field, reason: "may name at most \(limit)") }
        for (index, value) in values.enumerated() { try check(value, "\(field)[\(index)]") }
        guard Set(values).count == values.count else { throw .init(field: field, reason: "names one more than once") }
    }

    public static func checkTimeout(_ seconds: Int, field: String = "timeoutSeconds") throws(TaskValidationError) {
        guard (1...TaskKind.maxTimeoutSeconds).contains(seconds) else {
            throw .init(field: field, reason: "must be between 1 and \(TaskKind.maxTimeoutSeconds) seconds")
        }
    }

    private static func isLower(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) }
    private static func isUpper(_ scalar: Unicode.Scalar) -> Bool { ("A"..."Z").contains(scalar) }
    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
