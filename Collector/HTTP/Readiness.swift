import NIOConcurrencyHelpers

/// What `/readyz` answers from: the listeners the collector must have up (each says so when it has
/// bound its port, and again when it stops), and whether its database takes a write. `/healthz` only
/// says the process answers. Both are unauthenticated and say nothing else (no version, no counts).
public final class Readiness: Sendable {
    let expected: Set<String>
    private let up = NIOLockedValueBox(Set<String>())
    let databaseWritable: @Sendable () -> Bool

    /// `listeners`: names of the listeners that must be up (`agents`, `http`, ...).
    public init(listeners: Set<String>, databaseWritable: @escaping @Sendable () -> Bool) {
        expected = listeners
        self.databaseWritable = databaseWritable
    }

    public func listening(_ name: String) { up.withLockedValue { _ = $0.insert(name) } }
    public func stopped(_ name: String) { up.withLockedValue { _ = $0.remove(name) } }

    public var listenersUp: Bool { up.withLockedValue { expected.isSubset(of: $0) } }

    /// Blocking (the database check takes the write lock for a moment): run it on the thread pool.
    public func isReady() -> Bool { listenersUp && databaseWritable() }
}
