import DesksideFiles
import DesksideJSON

/// A JSON file in the agent's state directory, written atomically (a temporary file renamed over it)
/// and readable by its owner only. A file that is missing or unreadable reads as `nil`: state is a
/// cache or a memory, never a source of truth.
struct StateFile<Value: Codable>: Sendable {
    let path: String

    init(directory: String, name: String) {
        path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    func load() -> Value? {
        guard let bytes = DurableFile.read(path, limit: 64 << 20) else { return nil }
        return try? JSONCoder.decode(Value.self, from: bytes)
    }

    func store(_ value: Value) {
        guard let bytes = try? JSONCoder.encode(value) else { return }
        try? DurableFile.write(bytes, to: path)
    }
}
