import ArgumentParser
import DesksideCollectorHome
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `deskside-collector backup`: the data directory in one file, taken while the collector runs.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the data directory (database, CA, keys, secrets) into one file, readable by its owner only.",
        discussion: "The database is copied as one consistent snapshot with SQLite's online backup API: the collector keeps running. Restore with `deskside-collector restore`."
    )

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The backup file to write (it must not exist).", valueName: "FILE")) var to: String

    func run() throws {
        do {
            try CollectorHome.backup(directory: options.data, to: to)
        } catch {
            throw CommandError("\(error)")
        }
        print("backed up \(options.data) to \(to)")
    }
}

/// `deskside-collector restore`: a backup into a new data directory.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into an empty (or new) data directory.",
        discussion: "Start the collector on it as before (the same addresses): agents reconnect with the certificates they have, without enrolling again."
    )

    @OptionGroup var options: DataOptions
    @Option(help: ArgumentHelp("The backup file, from `deskside-collector backup`.", valueName: "FILE")) var from: String

    func run() throws {
        let count: Int
        do {
            count = try CollectorHome.restore(from: from, to: options.data)
        } catch {
            throw CommandError("\(error)")
        }
        print("restored \(from) into \(options.data): the database and \(count) files")
    }
}
