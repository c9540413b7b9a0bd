/// apt's pins (apt_preferences(5)), from /etc/apt/preferences and the files in /etc/apt/preferences.d
/// (those with no extension or `.pref`). A pin matches packages by name, glob or `/regex/`, and
/// versions by `Pin: version`, `Pin: origin HOST` or `Pin: release a=,n=,v=,o=,l=,c=,b=`; the first
/// matching pin for a package sets its priority, else the first matching `Package: *` pin, else the
/// suite's default.
public struct AptPreferences: Sendable {
    /// Where one version of a package comes from, as pins see it.
    public struct Source: Sendable {
        public var release: AptRelease?
        /// Host of the repository URI (`deb.debian.org`).
        public var host: String?
        public var component: String?
        public var architecture: String?

        public init(release: AptRelease?, host: String?, component: String?, architecture: String?) {
            self.release = release
            self.host = host
            self.component = component
            self.architecture = architecture
        }
    }

    struct Pin: Sendable {
        var packages: [String]
        var kind: String
        var argument: String
        var priority: Int

        var isGeneric: Bool { packages == ["*"] }
    }

    private var pins: [Pin] = []

    public var isEmpty: Bool { pins.isEmpty }

    public init() {}

    /// Reads the preference files under `root`.
    public init(root: SystemRoot, notes: inout NoteLog) {
        var files = root.exists("/etc/apt/preferences") ? ["/etc/apt/preferences"] : []
        files += root.list("/etc/apt/preferences.d").filter(Self.isPreferencesFile).map { "/etc/apt/preferences.d/" + $0 }
        for file in files {
            let text: String
            do throws(SystemRoot.ReadError) {
                text = try root.readText(file)
            } catch {
                notes.add(.updates, probe: "apt", error: error, source: file)
                continue
            }
            let parsed = Self.parse(text)
            pins += parsed.pins
            if parsed.malformed > 0 {
                notes.add(.updates, probe: "apt", kind: .malformed, source: file, message: "\(file) has \(parsed.malformed) pin(s) that could not be read; they were ignored")
            }
        }
    }

    /// apt reads files named with letters, digits, `_`, `-` and `.`, with no extension or `.pref`.
    static func isPreferencesFile(_ name: String) -> Bool {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) else { return false }
        return !name.contains(".") || name.hasSuffix(".pref")
    }

    static func parse(_ text: String) -> (pins: [Pin], malformed: Int) {
        let parsed = ControlStanzaReader.parse(Array(text.utf8), fields: ["Package", "Pin", "Pin-Priority"], unterminatedLastLine: true)
        var pins: [Pin] = []
        var malformed = 0
        for stanza in parsed.stanzas {
            guard let package = stanza[0], let pin = stanza[1], let priorityText = stanza[2], let priority = Int(priorityText) else {
                malformed += 1
                continue
            }
            let kind = String(pin.prefix(while: { $0 != " " }))
            let argument = String(pin.dropFirst(kind.count).drop(while: { $0 == " " }))
            guard ["release", "origin", "version"].contains(kind) else {
                malformed += 1
                continue
            }
            pins.append(Pin(packages: package.split(separator: " ").map(String.init), kind: kind, argument: argument, priority: priority))
        }
        return (pins, malformed)
    }

    /// The priority of `version` of `package` from `source`, or `default` when no pin matches.
    public func priority(package: String, version: String, source: Source, default defaultPriority: Int) -> Int {
        for pin in pins where !pin.isGeneric && pin.packages.contains(where: { Self.nameMatches($0, package) }) {
            if Self.matches(pin, version: version, source: source) { return pin.priority }
        }
        for pin in pins where pin.isGeneric {
            if Self.matches(pin, version: version, source: source) { return pin.priority }
        }
        return defaultPriority
    }

    static func nameMatches(_ pattern: String, _ name: String) -> Bool {
        if pattern.count > 2, pattern.hasPrefix("/"), pattern.hasSuffix("/") {
            let expression = String(pattern.dropFirst().dropLast())
            guard let regex = try? Regex(expression) else { return false }
            return (try? regex.firstMatch(in: name)) != nil
        }
        return Glob.matches(pattern, name)
    }

    static func matches(_ pin: Pin, version: String, source: Source) -> Bool {
        switch pin.kind {
        case "version":
            return Glob.matches(pin.argument, version)
        case "origin":
            let host = pin.argument.trimmingQuotes()
            return host.isEmpty ? source.host == nil : source.host == host
        default:
            let conditions = pin.argument.split(separator: ",").map { $0.trimmingSpaces() }
            guard !conditions.isEmpty else { return false }
            for condition in conditions {
                let pair = condition.split(separator: "=", maxSplits: 1).map(String.init)
                // A bare word is an archive (suite) name.
                let (key, value) = pair.count == 2 ? (pair[0], pair[1]) : ("a", pair[0])
                let actual: String?
                switch key {
                case "a": actual = source.release?.suite
                case "n": actual = source.release?.codename
                case "o": actual = source.release?.origin
                case "l": actual = source.release?.label
                case "c": actual = source.component
                case "b": actual = source.architecture
                default: actual = nil
                }
                guard let actual, Glob.matches(value.trimmingQuotes(), actual) else { return false }
            }
            return true
        }
    }
}

/// Shell-style globs (`*`, `?`) as apt uses them in pins.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard pattern.contains("*") || pattern.contains("?") else { return pattern == text }
        return match(Array(pattern), Array(text))
    }

    private static func match(_ p: [Character], _ t: [Character]) -> Bool {
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && (p[pi] == "?" || p[pi] == t[ti]) {
                pi += 1
                ti += 1
            } else if pi < p.count && p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

extension String {
    fileprivate func trimmingQuotes() -> String {
        var s = Substring(self)
        if s.count >= 2, s.first == "\"", s.last == "\"" { s = s.dropFirst().dropLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
