#if canImport(Glibc)
public import Glibc
#endif

/// Small files that must survive a crash (identities, spooled reports, state): written to a temporary
/// name with their final mode from creation, synced, renamed over the target, and the directory
/// synced, so that a crash leaves the old file or the new one, never a torn one. Reads are bounded and
/// take regular files only (a FIFO or a device planted in a state directory cannot hang or flood us).
public enum DurableFile {
    public enum FileError: Error, Equatable, CustomStringConvertible {
        /// The disk is full (ENOSPC or EDQUOT); nothing was replaced.
        case diskFull(path: String)
        case io(errno: Int32, path: String)

        public var description: String {
            switch self {
            case .diskFull(let path): "cannot write \(path): the disk is full"
            case .io(let code, let path): "cannot write \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o600) throws(FileError) {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(errno, temporary) }
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let code = errno
                close(fd)
                unlink(temporary)
                throw failure(code, path)
            }
            offset += count
        }
        let synced = fsync(fd) == 0
        let code = errno
        close(fd)
        guard synced else {
            unlink(temporary)
            throw failure(code, path)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .io(errno: code, path: path)
        }
        let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        let directoryFD = open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            fsync(directoryFD)
            close(directoryFD)
        }
    }

    /// The file's bytes; `nil` when it is missing, not a regular file, larger than `limit`, or unreadable.
    public static func read(_ path: String, limit: Int = 64 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= limit else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            offset += count
        }
        return bytes
    }

    /// Creates `path` and its missing parents; the last component gets `mode`.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(FileError) {
        var parent = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true).dropLast() {
            parent += "/" + component
            if mkdir(parent, 0o755) != 0 && errno != EEXIST { throw .io(errno: errno, path: parent) }
        }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw .io(errno: errno, path: path) }
    }

    private static func failure(_ code: Int32, _ path: String) -> FileError {
        code == ENOSPC || code == EDQUOT ? .diskFull(path: path) : .io(errno: code, path: path)
    }
}
