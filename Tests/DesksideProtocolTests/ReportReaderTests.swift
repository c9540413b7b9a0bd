import DesksideJSON
@testable import DesksideProtocol
import DesksideInventory
import DesksideProbes
import DesksideTestSupport
import Foundation
import Testing

/// The direct report reader and the canonical package writer against the `Codable` path they
/// replace on the hot path: the same values from the same bytes, the same refusals of bad ones.
@Suite struct ReportReaderTests {
    static let time = Date(timeIntervalSince1970: 1_800_000_000)

    static func inventory(_ name: String) -> Inventory {
        InventoryProbe(.init(root: SystemRoot(Fixtures.system(name)), now: { time })).collect()
    }

    /// Text that has broken parsers and pages before: quotes, escapes, control characters, markup,
    /// SQL, non-ASCII, astral code points.
    static let hostile = ["", "\"", "\\", "a\"b\\c", "line\nbreak\ttab\r", "\u{01}\u{1F}\u{7F}", "<script>alert(1)</script>",
                          "'; DROP TABLE asset; --", "Ünïcødé ☃", "😀 𝄞", String(repeating: "x", count: 5000)]

    static func hostilePackages() -> [Package] {
        var packages: [Package] = []
        for (index, text) in hostile.enumerated() {
            packages.append(Package(name: "p\(index)" + text, version: text.isEmpty ? "1" : text, architecture: text, source: text,
                                    manager: "dpkg", installedAt: index.isMultiple(of: 2) ? nil : time + Double(index),
                                    sizeBytes: index == 0 ? UInt64.max : (index.isMultiple(of: 3) ? nil : UInt64(index)),
                                    section: index.isMultiple(of: 4) ? nil : text, vendor: text, summary: index.isMultiple(of: 5) ? nil : text))
        }
        return packages
    }

    @Test func canonicalDetailsAreTheEncodersBytes() throws {
        var packages = Self.hostilePackages()
        for name in ["laptop", "ubuntu", "debian-vm", "fedora"] { packages += Self.inventory(name).software.packages }
        #expect(packages.count > 500)
        for package in packages {
            var details = package
            details.installedAt = nil
            #expect(PackageSetDigest.canonicalDetails(of: package) == (try JSONCoder.encode(details)), "\(package.name)")
        }
    }

    @Test func reportsReadAsCodableReadsThem() throws {
        var laptop = Self.inventory("laptop")
        laptop.software.packages += Self.hostilePackages()
        let fedora = Self.inventory("fedora")
        let faults = [Fault(code: "DISK_SPACE_LOW", severity: .warning, subject: "/", summary: "97% used", facts: ["usedPercent": .int(97)])]
        let delta = InventoryDelta(from: fedora, to: laptop)
        let reports = [
            Report(id: "full", sequence: 1, kind: .full, base: nil, hash: "h", collectedAt: Self.time, inventory: laptop, faults: faults,
                   gap: SpoolGap(droppedReports: 2, firstSequence: 3, lastSequence: 4)),
            Report(id: "delta", sequence: 2, kind: .delta, base: delta.base, hash: delta.target, collectedAt: Self.time, delta: delta, faults: []),
            Report(id: "beat", sequence: UInt64(Int64.max), kind: .heartbeat, base: "b", hash: "b", collectedAt: Self.time, faults: faults),
        ]
        for report in reports {
            let bytes = try JSONCoder.encode(report)
            let direct = try ReportReader.report(bytes, limits: .init())
            let codable = try JSONCoder.decode(Report.self, from: bytes)
            #expect(direct == codable)
            #expect(direct.inventory?.software.packages.count ?? direct.delta?.packagesAdded.count == (report.inventory?.software.packages.count ?? report.delta?.packagesAdded.count))
            // Through a frame, as the collector reads it.
            guard case .report(let framed) = try WireMessage(frame: WireMessage.report(report).frame()) else { Issue.record("not a report"); continue }
            #expect(framed == codable)
        }
    }

    /// Bad documents are refused by both paths, with the same kind of error. (A document with two
    /// faults may be refused for either: the tree parser reads it whole before decoding, the reader
    /// decodes as it goes; so each case has one fault.)
    @Test func badReportsAreRefusedAsCodableRefusesThem() throws {
        let package = #"{"name":"bash","version":"5.2","architecture":"amd64","manager":"dpkg"}"#
        // A valid report whose package list (and one extra member) the cases replace.
        let empty = Inventory(collectedAt: Self.time, agent: AgentInfo(version: "1"))
        let template = String(decoding: try JSONCoder.encode(Report(id: "r", sequence: 1, kind: .full, base: nil, hash: "h", collectedAt: Self.time,
                                                                    inventory: empty, faults: [])), as: UTF8.self)
        #expect(template.contains(#""packages":[]"#) && template.hasPrefix("{"))
        func report(packages: String, extra: String = "") -> String {
            "{" + extra.dropFirst() + (extra.isEmpty ? "" : ",") + template.dropFirst().replacingOccurrences(of: #""packages":[]"#, with: #""packages":"# + packages)
        }
        let documents = [
            report(packages: "[\(package)]", extra: #","id":"again""#),
            report(packages: #"[{"name":"a","name":"b","version":"1","architecture":"x","manager":"dpkg"}]"#),
            report(packages: #"[{"version":"1","architecture":"x","manager":"dpkg"}]"#),
            report(packages: #"[{"name":null,"version":"1","architecture":"x","manager":"dpkg"}]"#),
            report(packages: #"[{"name":"a","version":"1","architecture":"x","manager":"dpkg","sizeBytes":-1}]"#),
            report(packages: #"[{"name":"a","version":"1","architecture":"x","manager":"dpkg","sizeBytes":1.5}]"#),
            report(packages: #"[{"name":"a","version":"1","architecture":"x","manager":"dpkg","installedAt":"yesterday"}]"#),
            report(packages: #"[{"name":"a","version":"1","architecture":"x","manager":"dpkg","summary":7}]"#),
            report(packages: #"[{"name":"a\u0000","version":"1","architecture":"x","manager":"dpkg"}]"#),
            report(packages: "[\(package),]"),
            report(packages: "[\(package)"),
            report(packages: #"{"name":"a"}"#),
            report(packages: #"[{"name":"a","version":"1","architecture":"x","manager":"dpkg","extra":"#
                   + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}]"),
            report(packages: "[\(package)]") + " trailing",
        ]
        let limits = JSONParser.Limits(maxDepth: 64, rejectNUL: true)
        for document in documents {
            let bytes = Array(document.utf8)
            var codableError: JSONError?
            do { _ = try JSONCoder.decode(Report.self, from: bytes, limits: limits) } catch { codableError = error }
            var directError: JSONError?
            do { _ = try ReportReader.report(bytes, limits: limits) } catch { directError = error }
            #expect(codableError != nil, "Codable accepted: \(document.prefix(300))")
            #expect(directError?.code == codableError?.code, "\(directError?.description ?? "accepted") vs \(codableError?.description ?? "accepted"): \(document.prefix(300))")
        }
        // And the good one is read the same by both.
        let good = Array(report(packages: "[\(package)]", extra: #","unknown":{"nested":[1,2]}"#).utf8)
        #expect(try ReportReader.report(good, limits: limits) == JSONCoder.decode(Report.self, from: good, limits: limits))
    }
}
