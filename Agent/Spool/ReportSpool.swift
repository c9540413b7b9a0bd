#if canImport(Glibc)
import Glibc
#endif
import DesksideCompression
import DesksideFiles

/// Reports waiting for the collector's acknowledgement, on disk, so that they survive the agent's
/// restart and days offline. Bounded in entries and bytes: when the bound forces old reports out, the
/// loss is recorded as a gap, to be reported at the next contact; the gap is kept on disk with the
/// spool (`DIR/loss`), so that a restart before that contact does not forget it. Each entry is checked (magic, length,
/// CRC-32) when read; a damaged one is set aside in `corrupt/` and counted as lost, never fatal.
///
/// Layout: `DIR/<sequence, 20 digits>.report`, each written to a temporary name, synced, then renamed,
/// so that a crash leaves either the whole entry or none.
public final class ReportSpool {
    /// Why the spool could not take a report.
    public enum SpoolError: Error, Equatable {
        /// The disk is full (ENOSPC or EDQUOT); the report was not kept.
        case diskFull
        case io(errno: Int32, path: String)
    }

    /// One stored report.
    public struct Entry: Sendable, Equatable {
        public var sequence: UInt64
        public var body: [UInt8]
    }

    /// What was lost: reports dropped for the bound, or found damaged.
    public struct Loss: Sendable, Equatable {
        public var droppedReports = 0
        public var firstSequence: UInt64?
        public var lastSequence: UInt64?
        public var corruptEntries = 0

        public var isEmpty: Bool { droppedReports == 0 && corruptEntries == 0 }

        /// `dropped first last corrupt`, one line; `nil` for an unreadable file (nothing is assumed lost).
        var encoded: [UInt8] {
            Array("\(droppedReports) \(firstSequence.map(String.init) ?? "-") \(lastSequence.map(String.init) ?? "-") \(corruptEntries)\n".utf8)
        }

        init() {}

        init?(encoded: [UInt8]) {
            let fields = String(decoding: encoded, as: UTF8.self).split(whereSeparator: \.isWhitespace)
            guard fields.count == 4, let dropped = Int(fields[0]), let corrupt = Int(fields[3]), dropped >= 0, corrupt >= 0 else { return nil }
            droppedReports = dropped
            firstSequence = UInt64(fields[1])
            lastSequence = UInt64(fields[2])
            corruptEntries = corrupt
        }

        mutating func drop(_ sequence: UInt64) {
            droppedReports += 1
            firstSequence = min(firstSequence ?? sequence, sequence)
            lastSequence = max(lastSequence ?? sequence, sequence)
        }
    }

    static let magic: [UInt8] = Array("DSKSPL1\n".utf8)
    static let headerLength = magic.count + 8

    public let directory: String
    public let maxEntries: Int
    public let maxBytes: Int
    /// Losses not yet reported (see ``forget(_:)``), kept on disk.
    public private(set) var loss = Loss() {
        didSet { saveLoss() }
    }

    /// Opens (creating when needed) the spool in `directory`, mode 0700.
    public init(directory: String, maxEntries: Int = 1000, maxBytes: Int = 64 << 20) throws(SpoolError) {
        self.directory = directory
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
        for path in [directory, directory + "/corrupt"] where mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw .io(errno: errno, path: path)
        }
        if let bytes = DurableFile.read(lossPath, limit: 4096), let saved = Loss(encoded: bytes) { loss = saved }
    }

    /// Stores a report under its sequence number, then enforces the bound by dropping the oldest.
    public func append(sequence: UInt64, body: [UInt8]) throws(SpoolError) {
        var record = Self.magic
        let length = UInt32(body.count)
        let checksum = CRC32.checksum(body)
        for value in [length, checksum] { record += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        record += body
        let path = self.path(sequence)
        do throws(DurableFile.FileError) {
            try DurableFile.write(record, to: path)
        } catch {
            switch error {
            case .diskFull: throw .diskFull
            case .io(let code, let path): throw .io(errno: code, path: path)
            }
        }
        try enforceBound()
    }

    /// Pending reports in sequence order. Entries whose content is damaged are moved aside and counted
    /// in ``loss``; entries that cannot be read right now (an I/O error, too many open files) are skipped
    /// and tried again next time, never discarded.
    public func pending() -> [Entry] {
        sequences().compactMap(read)
    }

    /// The oldest pending report, reading no more files than needed to find it.
    public func oldest() -> Entry? {
        sequences().lazy.compactMap(read).first
    }

    /// The pending report numbered `sequence`, if the spool holds it.
    public func entry(at sequence: UInt64) -> Entry? {
        Self.size(path(sequence)) > 0 ? read(sequence) : nil
    }

    private func read(_ sequence: UInt64) -> Entry? {
        let path = self.path(sequence)
        guard let record = DurableFile.read(path, limit: 1 << 30) else { return nil }
        guard let body = Self.body(of: record) else {
            setAside(path, sequence: sequence)
            return nil
        }
        return Entry(sequence: sequence, body: body)
    }

    /// Removes every report up to and including `sequence`: the collector has committed them.
    public func acknowledge(through sequence: UInt64) {
        for stored in sequences() where stored <= sequence { unlink(path(stored)) }
    }

    /// Returns the losses to report, and forgets them.
    public func takeLoss() -> Loss {
        let taken = loss
        forget(taken)
        return taken
    }

    /// Forgets losses once a spooled report carries them; what was lost since (`loss` minus `reported`)
    /// stays. Drops go oldest first, so what stays lies after `reported`'s sequences.
    public func forget(_ reported: Loss) {
        var rest = loss
        rest.droppedReports = max(0, rest.droppedReports - reported.droppedReports)
        rest.corruptEntries = max(0, rest.corruptEntries - reported.corruptEntries)
        if rest.droppedReports == 0 {
            rest.firstSequence = nil
            rest.lastSequence = nil
        } else if let last = reported.lastSequence, let first = rest.firstSequence, first <= last {
            rest.firstSequence = last + 1
        }
        loss = rest
    }

    private var lossPath: String { directory + "/loss" }

    /// Best effort: a loss that cannot be written is still reported by this process.
    private func saveLoss() {
        if loss.isEmpty {
            unlink(lossPath)
        } else {
            try? DurableFile.write(loss.encoded, to: lossPath)
        }
    }

    // MARK: - Files

    func path(_ sequence: UInt64) -> String {
        let digits = String(sequence)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".report"
    }

    public func sequences() -> [UInt64] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var result: [UInt64] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            if name.hasSuffix(".report"), let sequence = UInt64(name.dropLast(7)) { result.append(sequence) }
        }
        return result.sorted()
    }

    private func enforceBound() throws(SpoolError) {
        var stored = sequences().map { ($0, Self.size(path($0))) }
        var total = stored.reduce(0) { $0 + $1.1 }
        while stored.count > 1 && (stored.count > maxEntries || total > maxBytes) {
            let (oldest, size) = stored.removeFirst()
            unlink(path(oldest))
            total -= size
            loss.drop(oldest)
        }
    }

    /// Moves a damaged entry out of the queue; when even that fails, it stays and is skipped again.
    private func setAside(_ path: String, sequence: UInt64) {
        let target = directory + "/corrupt/" + String(sequence) + ".report"
        if rename(path, target) == 0 { loss.corruptEntries += 1 }
    }

    static func body(of record: [UInt8]) -> [UInt8]? {
        guard record.count >= headerLength, Array(record[0..<magic.count]) == magic else { return nil }
        func word(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 8 | UInt32(record[at + $1]) } }
        let length = Int(word(magic.count))
        let checksum = word(magic.count + 4)
        guard record.count == headerLength + length else { return nil }
        let body = Array(record[headerLength...])
        return CRC32.checksum(body) == checksum ? body : nil
    }

    static func size(_ path: String) -> Int {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }
}
