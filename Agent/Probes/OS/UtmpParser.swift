public import DesksideInventory
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Parses the utmp file (/run/utmp, utmp(5)): fixed 384-byte `struct utmp` records as glibc writes
/// them on 64-bit Linux (ut_type at 0, ut_line at 8, ut_user at 44, ut_host at 76, ut_tv.tv_sec at 340).
/// USER_PROCESS records (type 7) are the open sessions.
public enum UtmpParser {
    public static let recordSize = 384
    static let userProcess: Int32 = 7

    public static func loggedInUsers(_ bytes: [UInt8]) -> (users: [LoggedInUser], trailingBytes: Int) {
        var users: [LoggedInUser] = []
        var offset = 0
        while offset + recordSize <= bytes.count {
            defer { offset += recordSize }
            let record = bytes[offset..<(offset + recordSize)]
            guard int32(record, 0) == userProcess else { continue }
            let name = string(record, 44, 32)
            guard !name.isEmpty else { continue }
            let host = string(record, 76, 256)
            let seconds = int32(record, 340)
            users.append(LoggedInUser(
                name: name, terminal: string(record, 8, 32), host: host.isEmpty ? nil : host,
                loginTime: seconds > 0 ? Date(timeIntervalSince1970: Double(seconds)) : nil
            ))
        }
        return (users, bytes.count - offset)
    }

    private static func int32(_ record: ArraySlice<UInt8>, _ at: Int) -> Int32 {
        let base = record.startIndex + at
        return Int32(bitPattern: UInt32(record[base]) | UInt32(record[base + 1]) << 8 | UInt32(record[base + 2]) << 16 | UInt32(record[base + 3]) << 24)
    }

    private static func string(_ record: ArraySlice<UInt8>, _ at: Int, _ length: Int) -> String {
        let field = record[(record.startIndex + at)..<(record.startIndex + at + length)]
        let text = field.prefix(while: { $0 != 0 })
        return SystemRoot.printable(Array(text)) ?? ""
    }
}
