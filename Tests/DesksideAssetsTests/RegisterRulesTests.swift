import DesksideAssets
import DesksideHelpdesk
import Foundation
import Testing

@Suite struct RegisterRulesTests {
    @Test func tagsComeFromThePatternPaddedAndGrowPastItsWidth() throws {
        let pattern = try AssetTagPattern("IT-####-L")
        #expect(pattern.tag(7) == "IT-0007-L")
        #expect(pattern.tag(12345) == "IT-12345-L")
        #expect(AssetTagPattern.standard.tag(1) == "DS-00001")
        #expect(throws: HelpdeskError.self) { try AssetTagPattern("no-number") }
        #expect(throws: HelpdeskError.self) { try AssetTagPattern("A-##-B-##") }
        #expect(throws: HelpdeskError.self) { try AssetTagPattern("A\u{7}##") }
        #expect(throws: HelpdeskError.self) { try AssetTagPattern.validTag(" padded") }
        #expect(try AssetTagPattern.validTag("HQ#42") == "HQ#42")
    }

    @Test func theLifecycleRefusesMovesThatMakeNoSense() throws {
        try AssetStatus.ordered.move(to: .inStock)
        try AssetStatus.deployed.move(to: .lostOrStolen)
        try AssetStatus.lostOrStolen.move(to: .deployed)
        try AssetStatus.retired.move(to: .retired)
        #expect(throws: HelpdeskError.self) { try AssetStatus.disposed.move(to: .deployed) }
        #expect(throws: HelpdeskError.self) { try AssetStatus.ordered.move(to: .retired) }
        #expect(AssetStatus.allCases.allSatisfy { !$0.next.contains($0) })
        // Every status but disposed can leave; every status can be reached.
        #expect(AssetStatus.allCases.filter { $0.next.isEmpty } == [.disposed])
        #expect(Set(AssetStatus.allCases.flatMap(\.next)) == Set(AssetStatus.allCases).subtracting([.ordered]))
    }

    @Test func datesAreCalendarDaysAndWarrantyMonthsCountFromPurchase() throws {
        let date = try CalendarDate("2024-01-31")
        #expect(date.adding(months: 1).description == "2024-02-29")
        #expect(date.adding(months: 36).description == "2027-01-31")
        #expect(date.adding(days: 30).description == "2024-03-01")
        #expect(CalendarDate(dayNumber: date.dayNumber) == date)
        #expect(try CalendarDate("1970-01-01").dayNumber == 0)
        for text in ["2023-02-29", "2024-13-01", "24-01-01", "2024-1-01", "２０２４-01-01", ""] {
            #expect(throws: HelpdeskError.self) { try CalendarDate(text) }
        }
        var record = RegisterRecord(tag: "DS-1", category: "computer", status: .deployed)
        record.purchaseDate = date
        record.warrantyMonths = 24
        #expect(record.warrantyEnds?.description == "2026-01-31")
        record.warrantyEnd = try CalendarDate("2025-06-30")
        #expect(record.warrantyEnds?.description == "2025-06-30")
    }

    @Test func costsAreReadAsPeopleAndSpreadsheetsWriteThem() throws {
        for (text, cents) in [("1234.5", 123450), ("1,234.50", 123450), ("1 234,50", 123450), ("$1,234.50", 123450), ("1234.50 EUR", 123450),
                              ("1.234,5", 123450), ("0", 0), ("12", 1200), ("1,234", 123400)] as [(String, Int64)] {
            #expect(try Money.cents(text) == cents, "\(text)")
        }
        for text in ["-5", "1.2.3.4x", "", "abc", "1..2", "=1+1", "12,34,567"] {
            #expect(throws: HelpdeskError.self) { try Money.cents(text) }
        }
        #expect(Money.text(123405) == "1234.05")
    }

    @Test func customFieldsAreTypedAndChecked() throws {
        let phone = AssetCategory(name: "phone", auditIntervalDays: 365, fields: [
            CustomField(name: "number", type: .text, required: true), CustomField(name: "storage GB", type: .number),
            CustomField(name: "contract ends", type: .date), CustomField(name: "carrier", type: .choice, choices: ["Orange", "SFR"]),
        ])
        try phone.check()
        let values = try CustomField.apply(["number": "+33 1 23", "storage GB": "128.0", "contract ends": "2027-03-01", "carrier": "SFR"], to: [:],
                                           definitions: phone.fields)
        #expect(values == ["number": "+33 1 23", "storage GB": "128", "contract ends": "2027-03-01", "carrier": "SFR"])
        #expect(try CustomField.apply(["carrier": nil], to: values, definitions: phone.fields)["carrier"] == nil)
        #expect(throws: HelpdeskError.unprocessable("field carrier must be one of: Orange, SFR")) {
            try CustomField.apply(["carrier": "Free"], to: values, definitions: phone.fields)
        }
        #expect(throws: HelpdeskError.self) { try CustomField.apply(["storage GB": "lots"], to: values, definitions: phone.fields) }
        #expect(throws: HelpdeskError.self) { try CustomField.apply(["imei": "1"], to: values, definitions: phone.fields) }
        #expect(throws: HelpdeskError.unprocessable("field number is required in this category")) {
            try CustomField.apply(["number": nil], to: values, definitions: phone.fields)
        }
        #expect(AssetCategory(name: "x", fields: [CustomField(name: "a", type: .text, choices: ["b"])]).fields[0].choices == [], "choices are a choice field's only")
        #expect(throws: HelpdeskError.self) { try AssetCategory(name: "x", fields: [CustomField(name: "a", type: .choice)]).check() }
    }

    @Test func changesApplyAsJSONSaysKeepSetOrClearAndLeaveAHistory() throws {
        var record = RegisterRecord(tag: "DS-00001", category: "computer", status: .deployed)
        record.supplier = "Bechtle"
        record.notes = "spare charger"
        let changes = try JSONDecoder().decode(AssetChanges.self, from: Data("""
            {"tag": "HQ-7", "status": "inRepair", "supplier": null, "cost": 1234.5, "tags": ["loaner", " Loaner ", "vip"],
             "purchaseDate": "2025-02-01", "warrantyMonths": 36}
            """.utf8))
        let new = try changes.apply(to: record, fieldsOf: AssetCategory(name: "computer"))
        #expect(new.tag == "HQ-7" && new.status == .inRepair && new.supplier == nil && new.costCents == 123450)
        #expect(new.notes == "spare charger" && new.tags == ["loaner", "vip"] && new.warrantyEnds?.description == "2028-02-01")
        let diff = RegisterDiff.between(record, new)
        #expect(diff.map(\.field) == ["tag", "status", "purchaseDate", "supplier", "cost", "warrantyMonths", "tags"])
        #expect(diff.first { $0.field == "supplier" } == RegisterDiff(field: "supplier", old: "Bechtle", new: nil))
        for body in [#"{"tag": null}"#, #"{"status": "ordered"}"#, #"{"cost": -1}"#, #"{"warrantyMonths": 900}"#, #"{"purchaseDate": "2025-02-30"}"#,
                     #"{"name": "a\u0000b"}"#, #"{"fields": {"x": "1"}}"#] {
            #expect(throws: (any Error).self, "\(body)") {
                try JSONDecoder().decode(AssetChanges.self, from: Data(body.utf8)).apply(to: new, fieldsOf: AssetCategory(name: "computer"))
            }
        }
    }

    @Test func locationsNestSiteBuildingRoom() throws {
        try LocationKind.site.check(name: "Paris", parent: nil)
        try LocationKind.room.check(name: "2.14", parent: .building)
        #expect(throws: HelpdeskError.self) { try LocationKind.room.check(name: "2.14", parent: .site) }
        #expect(throws: HelpdeskError.self) { try LocationKind.site.check(name: "A / B", parent: nil) }
    }

    @Test func aMergeMovesTheOnlyLiveAgentAndRefusesTwoMachinesOrTwoLoans() throws {
        #expect(try AssetMerge.decide(survivor: 1, merged: 2, survivorAgentLive: false, mergedAgentLive: true, survivorLoanOpen: false, mergedLoanOpen: true)
                == .toSurvivor)
        #expect(try AssetMerge.decide(survivor: 1, merged: 2, survivorAgentLive: true, mergedAgentLive: false, survivorLoanOpen: true, mergedLoanOpen: false)
                == AssetMerge.AgentMove.none)
        #expect(throws: HelpdeskError.self) {
            try AssetMerge.decide(survivor: 1, merged: 2, survivorAgentLive: true, mergedAgentLive: true, survivorLoanOpen: false, mergedLoanOpen: false)
        }
        #expect(throws: HelpdeskError.conflict("assets 1 and 2 are both checked out: check one in first")) {
            try AssetMerge.decide(survivor: 1, merged: 2, survivorAgentLive: false, mergedAgentLive: false, survivorLoanOpen: true, mergedLoanOpen: true)
        }
    }
}

