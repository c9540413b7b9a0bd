import DesksideJSON
import DesksideTasks
import Testing

/// The rules both sides apply before a task is signed or run (SECURITY-TESTS 33).
@Suite struct TaskValidationTests {
    private func spec(_ kind: TaskKind, _ json: String) throws(TaskValidationError) -> TaskSpec {
        let value: JSONValue
        do { value = try JSONParser.parse(Array(json.utf8)) } catch { Issue.record("bad test JSON"); return .inventoryRefresh }
        return try TaskSpec(kind: kind, parameters: value)
    }

    private func refusal(_ kind: TaskKind, _ json: String) -> TaskValidationError? {
        do {
            _ = try spec(kind, json)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsWhatStaffTypes() throws {
        let created = try spec(.accountCreate, #"{"username":"jdupont","fullName":"Jean Dupont","groups":["sudo","plugdev"],"password":{"mode":"oneTime","hash":"$y$j9T$abc$def"}}"#)
        #expect(created == .accountCreate(AccountCreate(username: "jdupont", fullName: "Jean Dupont", groups: ["sudo", "plugdev"],
                                                        password: .oneTime(hash: "$y$j9T$abc$def"))))
        #expect(try spec(.packagesInstall, #"{"packages":["htop","libc6:amd64","g++","python3.11"]}"#) == .packagesInstall(PackageList(packages: ["htop", "libc6:amd64", "g++", "python3.11"])))
        #expect(try spec(.hostnameSet, #"{"hostname":"lap-0042.corp.example"}"#) == .hostnameSet(HostnameSet(hostname: "lap-0042.corp.example")))
        #expect(try spec(.updatesApply, "{}") == .updatesApply(UpdatesApply(securityOnly: true)))
        #expect(try spec(.reboot, #"{"delayMinutes":5,"message":"Rebooting for updates: save your work"}"#) == .reboot(Reboot(delayMinutes: 5, message: "Rebooting for updates: save your work")))
        #expect(try spec(.inventoryRefresh, "{}") == .inventoryRefresh)
    }

    /// Shell metacharacters, option-like values, line breaks and paths that walk out: each refused
    /// with the field it is in.
    @Test(arguments: [
        (TaskKind.accountCreate, #"{"username":"bob;rm -rf /"}"#, "username"),
        (.accountCreate, #"{"username":"bob\nroot::0:0::/:/bin/sh"}"#, "username"),
        (.accountCreate, #"{"username":"--help"}"#, "username"),
        (.accountCreate, #"{"username":"Bob"}"#, "username"),
        (.accountCreate, #"{"username":"averyveryveryverylongusernamethatgoeson"}"#, "username"),
        (.accountCreate, #"{"username":"bob","fullName":"Bob:0:0"}"#, "fullName"),
        (.accountCreate, #"{"username":"bob","fullName":"Bob\nEvil"}"#, "fullName"),
        (.accountCreate, #"{"username":"bob","home":"/home/../etc/sudoers"}"#, "home"),
        (.accountCreate, #"{"username":"bob","home":"../../etc/sudoers"}"#, "home"),
        (.accountCreate, #"{"username":"bob","shell":"/bin/sh -c id"}"#, "shell"),
        (.accountCreate, #"{"username":"bob","groups":["sudo","sudo"]}"#, "groups"),
        (.accountCreate, #"{"username":"bob","groups":["-g0"]}"#, "groups[0]"),
        (.accountCreate, #"{"username":"bob","password":{"mode":"hash","hash":"hunter2"}}"#, "password.hash"),
        (.accountCreate, #"{"username":"bob","password":{"mode":"hash","hash":"$6$ab:cd"}}"#, "password.hash"),
        (.accountCreate, #"{"username":"bob","passwd":"x"}"#, "passwd"),
        (.packagesInstall, #"{"packages":["-o APT::Get::AllowUnauthenticated=true"]}"#, "packages[0]"),
        (.packagesInstall, #"{"packages":["--allow-downgrades"]}"#, "packages[0]"),
        (.packagesInstall, #"{"packages":["htop;reboot"]}"#, "packages[0]"),
        (.packagesInstall, #"{"packages":["htop=1.0"]}"#, "packages[0]"),
        (.packagesInstall, #"{"packages":["../../x.deb"]}"#, "packages[0]"),
        (.packagesInstall, #"{"packages":[]}"#, "packages"),
        (.packagesInstall, #"{"pakages":["htop"]}"#, "pakages"),
        (.packagesRemove, #"{"packages":["htop:--x"]}"#, "packages[0]"),
        (.hostnameSet, #"{"hostname":"-h"}"#, "hostname"),
        (.hostnameSet, #"{"hostname":"a b"}"#, "hostname"),
        (.hostnameSet, #"{"hostname":"lap..corp"}"#, "hostname"),
        (.reboot, #"{"delayMinutes":-1}"#, "delayMinutes"),
        (.reboot, #"{"message":"line\nbreak"}"#, "message"),
        (.scriptRun, #"{"name":"cleanup","body":"rm -rf /tmp/x"}"#, "body"),
        (.scriptRun, ##"{"name":"cleanup","body":"#!/usr/bin/perl\n"}"##, "body"),
        (.scriptRun, ##"{"name":"../x","body":"#!/bin/sh\n"}"##, "name"),
        (.inventoryRefresh, #"{"full":true}"#, "full"),
    ])
    func refusesInjection(kind: TaskKind, json: String, field: String) {
        let error = refusal(kind, json)
        #expect(error?.field == field, "\(kind.rawValue) \(json): \(error.map(\.description) ?? "accepted")")
    }

    @Test func timeoutBounds() {
        #expect(throws: TaskValidationError.self) { try TaskValidation.checkTimeout(0) }
        #expect(throws: TaskValidationError.self) { try TaskValidation.checkTimeout(3601) }
        #expect(throws: Never.self) { try TaskValidation.checkTimeout(3600) }
    }
}
