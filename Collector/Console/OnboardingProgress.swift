import DesksideStoreSQLite

/// An onboarding as a line with a progress bar: how many of its steps are behind it.
struct OnboardingProgress {
    var id: Int64
    var name: String
    var username: String
    var state: String
    var percent: Int
    var step: String

    /// Steps that succeeded, or optional ones that failed (they do not hold it up), of all its runs'.
    static func done(_ steps: [CollectorStore.RunStepRecord]) -> (done: Int, of: Int) {
        (steps.filter { $0.state == .succeeded || $0.state == .skipped }.count, steps.count)
    }

    static func done(_ record: CollectorStore.ProvisioningRecord) -> (done: Int, of: Int) { done(record.runs.flatMap(\.steps)) }

    static func percent(_ done: (done: Int, of: Int)) -> Int { done.of == 0 ? 0 : done.done * 100 / done.of }

    static func percent(_ record: CollectorStore.ProvisioningRecord) -> Int { percent(done(record)) }

    init(_ record: CollectorStore.ProvisioningRecord) {
        let (done, of) = Self.done(record)
        id = record.id
        name = record.name
        username = record.username
        state = record.state.rawValue
        percent = Self.percent((done, of))
        step = record.runs.isEmpty ? "waiting for the machine" : "\(done) of \(of) steps done"
    }
}
