#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import DesksideJSON

/// Reading one field of an agent's record as the model wants it, whatever the agent wrote: text cut
/// to the model's bounds (and cleaned of control characters, which would reach terminals and logs),
/// numbers written as text or as JSON numbers, booleans as `0`/`1`/`true`/`false`, dates in the forms
/// the agents use.
struct IntakeFields {
    let value: IntakeValue

    init(_ value: IntakeValue) { self.value = value }

    /// The first of `keys` that holds non-empty text, cleaned and cut to `max` characters.
    func text(_ keys: String..., max: Int = 255) -> String? {
        for key in keys {
            if let raw = value[key]?.text, let clean = Self.clean(raw, max: max) { return clean }
        }
        return nil
    }

    func texts(_ key: String, max: Int = 255) -> [String] {
        value[key]?.texts.compactMap { Self.clean($0, max: max) } ?? []
    }

    static func clean(_ raw: String, max: Int) -> String? {
        // Most values are short, clean text: kept as they are, without a copy.
        let bytes = raw.utf8
        if !bytes.isEmpty, bytes.count <= max, bytes.first != 0x20, bytes.last != 0x20,
           !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 }) {
            return raw
        }
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars where scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80...0x9F).contains(scalar.value) {
            scalars.append(scalar)
        }
        var text = Substring(String(scalars))
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        guard !text.isEmpty else { return nil }
        return String(text.prefix(max))
    }

    func int(_ keys: String...) -> Int? {
        for key in keys {
            guard let raw = value[key]?.text?.split(separator: " ").first else { continue }
            if let number = Int(raw) { return number }
            if let number = Double(raw), number.isFinite, abs(number) < 1e15 { return Int(number) }
        }
        return nil
    }

    /// A non-negative size in `unit` bytes (`MB` of the agents: 1,048,576 bytes, or 1,000,000 for disks).
    func bytes(_ key: String, unit: UInt64) -> UInt64? {
        guard let number = int(key), number > 0 else { return nil }
        let (bytes, overflow) = UInt64(number).multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }

    func bool(_ key: String) -> Bool? {
        switch value[key]?.text?.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }

    /// `YYYY-MM-DD[ hh:mm[:ss]]`, `YYYY/MM/DD`, or with slashes first the day (`dayFirst`, as
    /// FusionInventory writes Windows install dates) or the month (as firmware writes its date).
    func date(_ key: String, dayFirst: Bool = true) -> Date? {
        guard let raw = text(key, max: 32) else { return nil }
        return Self.date(raw, dayFirst: dayFirst)
    }

    static func date(_ raw: String, dayFirst: Bool) -> Date? {
        let parts = raw.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard let day = parts.first else { return nil }
        let numbers = day.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map { Int($0) }
        guard numbers.count == 3, let a = numbers[0], let b = numbers[1], let c = numbers[2] else { return nil }
        let (year, month, dayOfMonth): (Int, Int, Int)
        if a > 999 {
            (year, month, dayOfMonth) = (a, b, c)
        } else if c > 999 {
            (year, month, dayOfMonth) = dayFirst ? (c, b, a) : (c, a, b)
        } else {
            return nil
        }
        guard (1970...2100).contains(year), (1...12).contains(month), (1...31).contains(dayOfMonth) else { return nil }
        var time = "00:00:00"
        if parts.count > 1 {
            let clock = parts[1].split(separator: ":").map { Int($0) }
            if clock.count >= 2, let hour = clock[0], let minute = clock[1], (0...23).contains(hour), (0...59).contains(minute) {
                let second = clock.count > 2 ? min(59, max(0, clock[2] ?? 0)) : 0
                time = "\(pad(hour)):\(pad(minute)):\(pad(second))"
            }
        }
        return ISO8601.parse("\(year)-\(pad(month))-\(pad(dayOfMonth))T\(time)Z").map { Date(timeIntervalSince1970: $0) }
    }

    /// As ``date(_:dayFirst:)``, written `YYYY-MM-DD` (the model's form for firmware dates).
    func day(_ key: String, dayFirst: Bool) -> String? {
        date(key, dayFirst: dayFirst).map { String(ISO8601.format(secondsSince1970: $0.timeIntervalSince1970).prefix(10)) }
    }

    static func pad(_ number: Int) -> String { number < 10 ? "0\(number)" : String(number) }
}
