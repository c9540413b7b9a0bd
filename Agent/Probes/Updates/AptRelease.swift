/// What apt's Release (or InRelease) file says about one suite: who publishes it, which suite it is,
/// and whether it is opted out of automatic upgrades (experimental, backports).
public struct AptRelease: Sendable, Equatable {
    public var origin: String?
    public var label: String?
    public var suite: String?
    public var codename: String?
    public var notAutomatic = false
    public var butAutomaticUpgrades = false

    public init(origin: String? = nil, label: String? = nil, suite: String? = nil, codename: String? = nil,
                notAutomatic: Bool = false, butAutomaticUpgrades: Bool = false) {
        self.origin = origin
        self.label = label
        self.suite = suite
        self.codename = codename
        self.notAutomatic = notAutomatic
        self.butAutomaticUpgrades = butAutomaticUpgrades
    }

    /// Parses a Release file, or an InRelease file (the same fields inside OpenPGP clear-signing armor,
    /// RFC 4880 §7, with dash-escaped lines).
    public init(parsing bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        if lines.first?.hasPrefix("-----BEGIN PGP SIGNED MESSAGE-----") == true {
            // Armor headers ("Hash: ...") run up to the first blank line; the signature starts the tail.
            let bodyStart = (lines.firstIndex(where: { $0.isEmpty }) ?? 0) + 1
            let bodyEnd = lines.firstIndex(where: { $0.hasPrefix("-----BEGIN PGP SIGNATURE-----") }) ?? lines.count
            lines = bodyStart < bodyEnd ? Array(lines[bodyStart..<bodyEnd]).map { $0.hasPrefix("- ") ? $0.dropFirst(2) : $0 } : []
        }
        for line in lines {
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":"), line.first != " " else { continue }
            let key = line[..<colon].lowercased()
            let value = String(line[line.index(after: colon)...].trimmingPrefix(" "))
            switch key {
            case "origin": origin = value
            case "label": label = value
            case "suite": suite = value
            case "codename": codename = value
            case "notautomatic": notAutomatic = value.lowercased() == "yes"
            case "butautomaticupgrades": butAutomaticUpgrades = value.lowercased() == "yes"
            default: break
            }
        }
    }

    /// apt's default pin priority for this suite (apt_preferences(5)): 1 for NotAutomatic suites,
    /// 100 when they also allow automatic upgrades, 500 otherwise.
    public var defaultPriority: Int {
        if notAutomatic { return butAutomaticUpgrades ? 100 : 1 }
        return 500
    }

    /// A security suite: Debian's `*-security` (label `Debian-Security`), Ubuntu's `*-security`.
    public var isSecurity: Bool {
        for name in [suite, codename].compactMap({ $0 }) where name.hasSuffix("-security") || name.hasSuffix("/updates") {
            return true
        }
        return label?.contains("Security") ?? false
    }

    /// The name shown for the suite, as `apt list` shows it.
    public var displayName: String? { suite ?? codename }
}

extension Substring {
    fileprivate func trimmingPrefix(_ character: Character) -> Substring {
        var result = self
        while result.first == character { result.removeFirst() }
        return result
    }
}
