import ArgumentParser
import DesksideAPI
import DesksideClient
import DesksideFiles
import DesksideJSON
import Foundation
import Yams

/// `deskside templates list|show|create|edit`: onboarding templates, from YAML or JSON files.
struct TemplatesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "templates", abstract: "Onboarding templates (admins write them).",
                                                    subcommands: [List.self, Show.self, Create.self, Edit.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the templates.")
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/templates") }
            output.list(document.elements, columns: [Column("name", "template.name"), Column("description", "template.description"),
                                                         Column("updated", "updatedAt"), Column("by", "updatedBy")], document: document)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One template as JSON.")
        @Argument var name: String
        func run() async throws {
            let client = try Connection.client()
            let document = try await api { try await client.call("GET", "/templates/\(name)") }
            Output.json(document["template"] ?? .null)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a template from a YAML or JSON file.")
        @Argument(help: "The file.") var file: String
        func run() async throws {
            let template = try TemplateFile.read(file)
            let client = try Connection.client()
            let saved = try await api { try await client.call("POST", "/templates", body: try TemplateFile.body(template)) }
            print("created template \(saved["template"]?["name"]?.text ?? "?")")
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a template with the content of a YAML or JSON file (the name says which).")
        @Argument(help: "The file.") var file: String
        func run() async throws {
            let template = try TemplateFile.read(file)
            guard let name = template["name"]?.text, !name.isEmpty else { throw ValidationError("\(file) has no name") }
            let client = try Connection.client()
            _ = try await api { try await client.call("PUT", "/templates/\(name)", body: try TemplateFile.body(template)) }
            print("replaced template \(name)")
        }
    }
}

/// A template file: JSON, or YAML (a superset that people prefer to write).
enum TemplateFile {
    static func read(_ path: String) throws -> JSONValue {
        guard let bytes = DurableFile.read(path, limit: 1 << 20) else { throw ValidationError("cannot read \(path)") }
        if let json = try? JSONParser.parse(bytes) { return json }
        do {
            return try value(Yams.load(yaml: String(decoding: bytes, as: UTF8.self)) as Any)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(path) is neither JSON nor YAML: \(error)")
        }
    }

    static func value(_ any: Any) throws -> JSONValue {
        switch any {
        case let text as String: return .string(text)
        case let flag as Bool: return .bool(flag)
        case let number as Int: return .number(String(number))
        case let number as Double: return .number(String(number))
        case let items as [Any]: return .array(try items.map(value))
        case let members as [String: Any]: return .object(try members.keys.sorted().map { ($0, try value(members[$0]!)) })
        case is NSNull: return .null
        default: throw ValidationError("a template holds text, numbers, true/false, lists and maps only (found \(type(of: any)))")
        }
    }

    /// The template as a request body: its members at the top level.
    static func body(_ template: JSONValue) throws -> [String: BodyValue] {
        guard case .object(let members) = template else { throw ValidationError("a template is a map (name, description, steps, checklist)") }
        return Dictionary(members.map { ($0.key, BodyValue.json($0.value)) }, uniquingKeysWith: { _, last in last })
    }
}

/// `deskside onboarding start|list|show|check` and `deskside offboarding …`.
struct OnboardingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "onboarding", abstract: "Onboard a new person's machine: an account, a run of a template, a checklist and a ticket.",
                                                    subcommands: [Start.self, ProvisioningList<Onboardings>.self, ProvisioningShow<Onboardings>.self,
                                                                  ProvisioningCheck<Onboardings>.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start an onboarding.",
            discussion: """
                Without --asset, prints a one-time enrollment token and the command that enrolls the person's machine with it; the run starts
                when that machine first reports. The one-time password of the local account (if the template makes one) is printed once.
                """)
        @Option(help: "The person's username (an account is made when none has it; give --name then).") var account: String
        @Option(help: "The template's name.") var template: String
        @Option(help: "The machine, if it is enrolled already.") var asset: Int64?
        @Option var name: String?
        @Option var email: String?
        @Option var department: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var body: [String: BodyValue] = ["account": .string(account), "template": .string(template)]
            if let asset { body["assetId"] = .int(asset) }
            if let name { body["name"] = .string(name) }
            if let email { body["email"] = .string(email) }
            if let department { body["department"] = .string(department) }
            let client = try Connection.client()
            let started = try await api { try await client.call("POST", "/onboardings", body: body) }
            if output.json { return Output.json(started) }
            let onboarding = started["onboarding"] ?? .null
            print("onboarding \(onboarding["id"]?.text ?? "?") of \(account) started; ticket \(onboarding["ticketId"]?.text ?? "?")")
            if let password = started["oneTimePassword"]?.text, !password.isEmpty {
                print("one-time password of the local account (shown once; changed at first sign-in): \(password)")
            }
            if let token = started["enrollmentToken"]?.text, !token.isEmpty {
                print("enrollment token for the machine (shown once, valid 14 days, one use): \(token)")
                print("on the machine, save it in a file only root can read (mode 600) and run:")
                print("  " + (started["enrollCommand"]?.text ?? ""))
            }
            ProvisioningShow<Onboardings>.print(onboarding)
        }
    }
}

struct OffboardingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "offboarding", abstract: "Offboard a person: lock their local accounts, take their assets back.",
                                                    subcommands: [Start.self, ProvisioningList<Offboardings>.self, ProvisioningShow<Offboardings>.self,
                                                                  ProvisioningCheck<Offboardings>.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start an offboarding.")
        @Option(help: "The person's username.") var account: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let client = try Connection.client()
            let record = try await api { try await client.call("POST", "/offboardings", body: ["account": .string(account)]) }
            if output.json { return Output.json(record) }
            print("offboarding \(record["id"]?.text ?? "?") of \(account) started; ticket \(record["ticketId"]?.text ?? "?")")
            ProvisioningShow<Offboardings>.print(record)
        }
    }
}

protocol ProvisioningPath { static var path: String { get } }
enum Onboardings: ProvisioningPath { static let path = "/onboardings" }
enum Offboardings: ProvisioningPath { static let path = "/offboardings" }

struct ProvisioningList<Kind: ProvisioningPath>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "list", abstract: "List them, newest first.") }
    @Flag(help: "Only those in progress.") var open = false
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = try Connection.client()
        let document = try await api { try await client.call("GET", Kind.path, query: open ? [("open", "true")] : []) }
        output.list(document.elements, columns: [Column("id"), Column("account", "username"), Column("name"), Column("template", "templateName"),
                                                     Column("state"), Column("ticket", "ticketId"), Column("started", "createdAt"), Column("finished", "finishedAt")],
                    document: document)
    }
}

struct ProvisioningShow<Kind: ProvisioningPath>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "show", abstract: "One of them: its runs with each step, and the checklist.") }
    @Argument var id: Int64
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let client = try Connection.client()
        let record = try await api { try await client.call("GET", "\(Kind.path)/\(id)") }
        if output.json { return Output.json(record) }
        Self.print(record)
    }

    static func print(_ record: JSONValue) {
        Swift.print("state: \(record["state"]?.text ?? "?")   account: \(record["username"]?.text ?? "?")   ticket: \(record["ticketId"]?.text ?? "-")")
        for run in record["runs"]?.elements ?? [] {
            let steps = run["steps"]?.elements ?? []
            let done = steps.filter { ["succeeded", "failed", "skipped"].contains($0["state"]?.text ?? "") }.count
            Swift.print("\nrun \(run["id"]?.text ?? "?") on asset \(run["assetId"]?.text ?? "(not enrolled yet)"): \(run["state"]?.text ?? "?"), "
                        + "step \(run["step"]?.text ?? "?") of \(steps.count), \(done) done" + (run["startedAt"]?.text.map { ", started \($0)" } ?? ""))
            Section.print("steps", steps, [Column("#", "position"), Column("step", "name"), Column("kind"), Column("state"), Column("attempts"),
                                           Column("task", "taskId"), Column("summary")])
        }
        Section.print("checklist", record["checklist"]?.elements ?? [], [Column("item", "id"), Column("title"), Column("done"), Column("by", "doneBy"),
                                                                         Column("at", "doneAt")])
    }
}

struct ProvisioningCheck<Kind: ProvisioningPath>: AsyncParsableCommand {
    static var configuration: CommandConfiguration { CommandConfiguration(commandName: "check", abstract: "Tick a manual checklist item (--undo to untick).") }
    @Argument var id: Int64
    @Argument(help: "The item's id (see show).") var item: Int64
    @Flag var undo = false

    func run() async throws {
        let client = try Connection.client()
        let record = try await api { try await client.call("POST", "\(Kind.path)/\(id)/checklist/\(item)", body: ["done": .bool(!undo)]) }
        ProvisioningShow<Kind>.print(record)
    }
}

/// `deskside runs show|retry|cancel`.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "Template runs: progress, retry from the failed step, cancel.",
                                                    subcommands: [Show.self, Retry.self, Cancel.self])

    struct Show: AsyncParsableCommand {
        @Argument var id: Int64
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let client = try Connection.client()
            let run = try await api { try await client.call("GET", "/runs/\(id)") }
            if output.json { return Output.json(run) }
            ProvisioningShow<Onboardings>.print(.object([("state", run["state"] ?? .null), ("runs", .array([run]))]))
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a failed run again from its failed step.")
        @Argument var id: Int64
        func run() async throws {
            let client = try Connection.client()
            let run = try await api { try await client.call("POST", "/runs/\(id)/retry", body: [:]) }
            print("run \(id): \(run["state"]?.text ?? "?")")
        }
    }

    struct Cancel: AsyncParsableCommand {
        @Argument var id: Int64
        func run() async throws {
            let client = try Connection.client()
            let run = try await api { try await client.call("POST", "/runs/\(id)/cancel", body: [:]) }
            print("run \(id): \(run["state"]?.text ?? "?")")
        }
    }
}

/// `deskside scripts list|show|put|delete`: the script library that `script.run` takes scripts from.
struct ScriptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scripts", abstract: "The script library (admins write it; agents run scripts only where --tasks allows script.run).",
                                                    subcommands: [List.self, Show.self, Put.self, Delete.self])

    struct List: AsyncParsableCommand {
        @OptionGroup var output: OutputOptions
        func run() async throws {
            let client = try Connection.client()
            let scripts = try await api { try await client.call([Script].self, "GET", "/scripts") }
            output.list(try scripts.map(Output.document), columns: [Column("name"), Column("description"), Column("updated", "updatedAt"), Column("by", "updatedBy")],
                        document: try Output.document(scripts))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A script's text.")
        @Argument var name: String
        func run() async throws {
            let client = try Connection.client()
            let script = try await api { try await client.call(Script.self, "GET", "/scripts/\(name)") }
            print(script.body, terminator: "")
        }
    }

    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create or replace a script from a file (it starts with #! and /bin/sh, /bin/bash or /usr/bin/python3).")
        @Argument var name: String
        @Argument(help: "The script's file.") var file: String
        @Option var description = ""
        func run() async throws {
            guard let bytes = DurableFile.read(file, limit: 1 << 20) else { throw ValidationError("cannot read \(file)") }
            let client = try Connection.client()
            let fields = ScriptFields(description: description, body: String(decoding: bytes, as: UTF8.self))
            _ = try await api { try await client.call(Script.self, "PUT", "/scripts/\(name)", json: fields) }
            print("saved script \(name)")
        }
    }

    struct Delete: AsyncParsableCommand {
        @Argument var name: String
        func run() async throws {
            let client = try Connection.client()
            _ = try await api { try await client.call(Done.self, "DELETE", "/scripts/\(name)") }
            print("deleted script \(name)")
        }
    }
}
