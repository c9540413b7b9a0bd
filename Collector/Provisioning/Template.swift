import DesksideJSON
import DesksideTasks

/// An onboarding template: ordered steps, each a task kind with parameters that may name the
/// account and the asset (`{{account.username}}`), and manual checklist items a technician ticks.
public struct Template: Codable, Sendable, Equatable {
    public var name: String
    public var description: String
    public var steps: [Step]
    /// Manual items ("Badge issued", "Laptop handed over"), ticked on the onboarding's checklist.
    public var checklist: [String]

    public struct Step: Codable, Sendable, Equatable {
        public var name: String
        public var kind: TaskKind
        public var parameters: JSONValue
        /// A required step that fails after its retries stops the run; an optional one is marked
        /// and the run goes on.
        public var required: Bool
        /// Attempts after the first (default 3 for package installs and updates, 0 otherwise).
        public var retries: Int
        public var timeoutSeconds: Int

        public init(name: String, kind: TaskKind, parameters: JSONValue = .object([]), required: Bool = true, retries: Int? = nil,
                    timeoutSeconds: Int = TaskKind.defaultTimeoutSeconds) {
            self.name = name
            self.kind = kind
            self.parameters = parameters
            self.required = required
            self.retries = retries ?? Self.defaultRetries(kind)
            self.timeoutSeconds = timeoutSeconds
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(TaskKind.self, forKey: .kind)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? kind.rawValue
            parameters = try container.decodeIfPresent(JSONValue.self, forKey: .parameters) ?? .object([])
            required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? true
            retries = try container.decodeIfPresent(Int.self, forKey: .retries) ?? Self.defaultRetries(kind)
            timeoutSeconds = try container.decodeIfPresent(Int.self, forKey: .timeoutSeconds) ?? TaskKind.defaultTimeoutSeconds
        }

        static func defaultRetries(_ kind: TaskKind) -> Int {
            kind == .packagesInstall || kind == .updatesApply ? 3 : 0
        }
    }

    public init(name: String, description: String = "", steps: [Step], checklist: [String] = []) {
        self.name = name
        self.description = description
        self.steps = steps
        self.checklist = checklist
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        steps = try container.decode([Step].self, forKey: .steps)
        checklist = try container.decodeIfPresent([String].self, forKey: .checklist) ?? []
    }

    /// What a template must be before it is stored: a name, 1 to 50 steps whose parameters are
    /// valid for their kind once bound to a sample account and asset, sane retries and limits.
    public func validate() throws(TaskValidationError) {
        try TaskValidation.checkAccountName(name, field: "name")
        guard description.unicodeScalars.count <= 2000 else { throw .init(field: "description", reason: "must be at most 2,000 characters") }
        guard (1...50).contains(steps.count) else { throw .init(field: "steps", reason: "must hold 1 to 50 steps") }
        guard checklist.count <= 50 else { throw .init(field: "checklist", reason: "may hold at most 50 items") }
        for (index, item) in checklist.enumerated() {
            guard !item.isEmpty else { throw .init(field: "checklist[\(index)]", reason: "is empty") }
            try TaskValidation.checkMessage(item, field: "checklist[\(index)]")
        }
        for (index, step) in steps.enumerated() {
            let field = "steps[\(index)]"
            guard !step.name.isEmpty else { throw .init(field: field + ".name", reason: "is empty") }
            try TaskValidation.checkMessage(step.name, field: field + ".name")
            guard (0...10).contains(step.retries) else { throw .init(field: field + ".retries", reason: "must be 0 to 10") }
            try TaskValidation.checkTimeout(step.timeoutSeconds, field: field + ".timeoutSeconds")
            guard step.kind != .scriptRun else { throw .init(field: field + ".kind", reason: "script.run steps need the script library, which this collector does not have yet") }
            do {
                _ = try TaskSpec(kind: step.kind, parameters: try Binding.sample.bind(step.parameters, passwordHash: Binding.sampleHash))
            } catch {
                throw .init(field: field + ".parameters." + error.field, reason: error.reason)
            }
        }
    }
}
