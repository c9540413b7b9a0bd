#if canImport(Glibc)
import Glibc
#endif
public import DesksideInventory

/// Mounted filesystems backed by a block device, from /proc/mounts (proc(5), fstab(5) field format with
/// octal escapes), with space from statvfs(3). Pseudo filesystems and read-only images (squashfs: snaps)
/// are left out. A device may stand at several mount points (btrfs subvolumes); each is a volume. Files
/// bind-mounted over files (a container's /etc/hosts) are not volumes and are left out.
public struct VolumeProbe: Sendable {
    /// Space figures for one mount point, as statvfs(3) gives them.
    public struct SpaceFigures: Sendable, Equatable, Codable {
        public var blockSize: UInt64
        public var blocks: UInt64
        public var blocksFree: UInt64
        public var blocksAvailable: UInt64

        public init(blockSize: UInt64, blocks: UInt64, blocksFree: UInt64, blocksAvailable: UInt64) {
            self.blockSize = blockSize
            self.blocks = blocks
            self.blocksFree = blocksFree
            self.blocksAvailable = blocksAvailable
        }
    }

    /// Asks the filesystem at a mount point (a host path) for its space; tests substitute figures.
    public typealias SpaceSource = @Sendable (_ hostPath: String) -> SpaceFigures?

    /// statvfs(3) on the live system.
    public static let statvfsSource: SpaceSource = { path in
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return SpaceFigures(blockSize: UInt64(info.f_frsize), blocks: UInt64(info.f_blocks),
                            blocksFree: UInt64(info.f_bfree), blocksAvailable: UInt64(info.f_bavail))
    }

    static let skippedFilesystems: Set<String> = ["squashfs", "iso9660", "udf", "overlay", "tmpfs", "devtmpfs", "ramfs"]

    public let root: SystemRoot
    /// `nil` on a copied tree: statvfs there would measure the host's disks, not the copied machine's.
    public let space: SpaceSource?

    public init(root: SystemRoot, space: SpaceSource? = nil) {
        self.root = root
        self.space = space ?? (root.isLiveSystem ? VolumeProbe.statvfsSource : nil)
    }

    public func read(notes: inout NoteLog) -> [Volume] {
        let text: String
        do throws(SystemRoot.ReadError) {
            text = try root.readText("/proc/mounts")
        } catch {
            notes.add(.hardware, probe: "volumes", error: error, source: "/proc/mounts")
            return []
        }
        var volumes: [Volume] = []
        for mount in Self.parse(mounts: text) {
            // FUSE filesystems report whatever their process likes, device name included.
            guard mount.device.hasPrefix("/dev/"), !Self.skippedFilesystems.contains(mount.filesystem),
                  !mount.filesystem.hasPrefix("fuse"), !mount.device.hasPrefix("/dev/loop") else { continue }
            if let status = root.status(mount.mountPoint), !status.isDirectory { continue }
            // A later mount at the same point hides the earlier one.
            volumes.removeAll { $0.mountPoint == mount.mountPoint }
            var volume = Volume(mountPoint: mount.mountPoint, device: mount.device, filesystem: mount.filesystem, readOnly: mount.readOnly)
            if let figures = space?(root.hostPath(mount.mountPoint)) {
                volume.sizeBytes = Checked.multiply(figures.blocks, figures.blockSize)
                volume.usedBytes = Checked.multiply(figures.blocks - min(figures.blocks, figures.blocksFree), figures.blockSize)
                volume.freeBytes = Checked.multiply(figures.blocksAvailable, figures.blockSize)
            }
            volumes.append(volume)
        }
        return volumes
    }

    /// One line of /proc/mounts.
    public struct Mount: Sendable, Equatable {
        public var device: String
        public var mountPoint: String
        public var filesystem: String
        public var readOnly: Bool
    }

    /// Parses /proc/mounts; spaces and other characters in paths are escaped as `\040` octal.
    public static func parse(mounts: String) -> [Mount] {
        mounts.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count >= 4 else { return nil }
            let options = fields[3].split(separator: ",")
            return Mount(device: unescape(fields[0]), mountPoint: unescape(fields[1]), filesystem: String(fields[2]),
                         readOnly: options.contains("ro"))
        }
    }

    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count,
               let value = UInt8(String(decoding: utf8[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
