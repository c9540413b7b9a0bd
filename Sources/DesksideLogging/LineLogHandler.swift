#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif
import DesksideJSON
public import Logging

/// A swift-log handler that writes exactly one line per entry, whatever the message and metadata
/// hold: values come from agents, browsers and mails, and a CR or LF in them would otherwise let a
/// sender forge log lines. Control characters, backslashes and (in metadata) quotes are escaped; a
/// metadata value with a space or `=` is quoted.
///
/// ```
/// 2026-12-06T14:02:11Z warning deskside.collector: report refused agent.id=5f0c… report.id="r1\r\nFAKE"
/// ```
public struct LineLogHandler: LogHandler {
    /// How an entry is written: `line` (time, level, label, message, then `key=value` pairs),
    /// `logfmt` (every field a `key=value` pair: `time=... level=... logger=... msg=...`), or `json`
    /// (one object per line). Metadata keys are dotted (`agent.id`) in all three.
    public enum Format: String, Codable, Sendable, CaseIterable {
        case line, logfmt, json
    }

    public var logLevel: Logger.Level = .info
    public var format: Format = .line
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// - Parameter write: receives each line, newline included.
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    /// Lines to standard error, written whole with one `write(2)` each.
    public static func standardError(label: String) -> LineLogHandler {
        LineLogHandler(label: label) { line in
            let bytes = Array(line.utf8)
            _ = bytes.withUnsafeBytes { systemWrite(2, $0.baseAddress, $0.count) }
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        write(Self.line(time: Date(), level: event.level, label: label, message: "\(event.message)", metadata: merged, format: format))
    }

    /// The line for one entry (pure, for tests).
    public static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata,
                            format: Format = .line) -> String {
        let stamp = ISO8601.format(secondsSince1970: time.timeIntervalSince1970.rounded(.down))
        switch format {
        case .line:
            break
        case .logfmt:
            var line = "time=" + stamp + " level=" + level.rawValue + " logger=" + value(.string(label)) + " msg=" + value(.string(message), alwaysQuoted: true)
            for key in metadata.keys.sorted() { line += " " + escape(key) + "=" + value(metadata[key]!) }
            return line + "\n"
        case .json:
            let fields: [(key: String, value: JSONValue)] = [("time", .string(stamp)), ("level", .string(level.rawValue)), ("logger", .string(label)),
                                                             ("msg", .string(message))]
                + metadata.keys.sorted().filter { !["time", "level", "logger", "msg"].contains($0) }.map { ($0, .string("\(metadata[$0]!)")) }
            return String(decoding: JSONSerializer.serialize(.object(fields)), as: UTF8.self) + "\n"
        }
        var line = stamp + " " + level.rawValue + " " + escape(label) + ": " + escape(message)
        for key in metadata.keys.sorted() {
            line += " " + escape(key) + "=" + value(metadata[key]!)
        }
        return line + "\n"
    }

    static func value(_ value: Logger.Metadata.Value, alwaysQuoted: Bool = false) -> String {
        let text = escape("\(value)", quotes: true)
        return alwaysQuoted || text.isEmpty || text.contains(where: { $0 == " " || $0 == "=" }) ? "\"" + text + "\"" : text
    }

    /// Control characters as `\r`, `\n`, `\t` or `\u{XX}`; backslashes doubled; quotes escaped when asked.
    public static func escape(_ text: String, quotes: Bool = false) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"" where quotes: escaped += "\\\""
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}":
                escaped += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// `write(2)`, named apart from the handler's `write` closure.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
