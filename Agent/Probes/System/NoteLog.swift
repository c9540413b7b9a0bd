public import DesksideInventory

/// Collects the notes probes leave about what they could not read.
public struct NoteLog: Sendable {
    public private(set) var notes: [ProbeNote] = []

    public init() {}

    public mutating func add(_ section: InventorySection, probe: String, kind: ProbeNote.Kind, source: String, message: String) {
        notes.append(ProbeNote(section: section, probe: probe, kind: kind, source: source, message: message))
    }

    public mutating func add(_ section: InventorySection, probe: String, error: SystemRoot.ReadError, source: String) {
        add(section, probe: probe, kind: error.noteKind, source: source, message: "\(source) \(error.message)")
    }
}
