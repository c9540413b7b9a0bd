public import DesksideJSON
public import DesksideTasks

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

    /// `script.run` parameters as staff write them (`name`, `arguments`) with the library's text of
    /// the script added as `body`; a `body` given by the caller is refused (scripts come from the library).
    public static func withScriptBody(_ parameters: JSONValue, body: String) throws(TaskValidationError) -> JSONValue {
        guard case .object(var members) = parameters else { throw .init(field: "parameters", reason: "must be an object") }
        guard !members.contains(where: { $0.key == "body" }) else {
            throw .init(field: "body", reason: "a script comes from the collector's script library: give its name")
        }
        members.append(("body", .string(body)))
        return .object(members)
    }

    /// The names of the library scripts the template's steps run.
    public var scriptNames: [String] {
        steps.filter { $0.kind == .scriptRun }.compactMap { step in
            guard case .object(let members) = step.parameters, case .string(let name)? = members.first(where: { $0.key == "name" })?.value else { return nil }
            return name
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
            do {
                var parameters = try Binding.sample.bind(step.parameters, passwordHash: Binding.sampleHash)
                // A script step names a script of the library; its text is filled in when the step runs.
                if step.kind == .scriptRun { parameters = try Self.withScriptBody(parameters, body: "#!/bin/sh\n") }
                _ = try TaskSpec(kind: step.kind, parameters: parameters)
            } catch {
                throw .init(field: field + ".parameters." + error.field, reason: error.reason)
            }
        }
    }
}
