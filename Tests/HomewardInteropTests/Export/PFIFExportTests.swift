import Foundation
import HomewardCore
import HomewardInterop
import Testing

@Suite("PFIF export")
struct PFIFExportTests {
    let exporter = ExportSamples.exporter
    let document = ExportSamples.exporter.document(for: ExportSamples.entries)

    @Test("the samples use every event kind")
    func samplesCoverEveryEventKind() {
        let kinds = Set(ExportSamples.entries.flatMap(\.events).map(\.kind))
        #expect(kinds == Set(EventKind.allCases))
    }

    @Test("a document of several persons is valid PFIF 1.4")
    func validatesAgainstSchema() throws {
        let file = ExportTemporaryPath(".xml")
        try document.write(toFile: file.path, atomically: true, encoding: .utf8)
        guard let result = try SchemaValidation.run(file.path, schema: SchemaValidation.pfifSchema) else { return }
        #expect(result.passed, "xmllint: \(result.output)")
    }

    @Test("the schema check catches an invalid document")
    func schemaCheckIsEffective() throws {
        let broken = document.replacingOccurrences(of: "<pfif:sex>male</pfif:sex>", with: "<pfif:sex>m</pfif:sex>")
        #expect(broken != document)
        let file = ExportTemporaryPath(".xml")
        try broken.write(toFile: file.path, atomically: true, encoding: .utf8)
        guard let result = try SchemaValidation.run(file.path, schema: SchemaValidation.pfifSchema) else { return }
        #expect(!result.passed)
    }

    @Test("the document declares the PFIF 1.4 namespace and holds one person per entry")
    func envelope() {
        #expect(
            document.hasPrefix(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">\n"))
        #expect(document.hasSuffix("</pfif:pfif>\n"))
        #expect(document.components(separatedBy: "<pfif:person>").count - 1 == 3)
        #expect(exporter.document(for: []) == PFIFExporterSnapshot.empty)
    }

    @Test("a person's fields, in Cyrillic, with the romanisation and other spellings as alternate names")
    func personFields() {
        let person = personElement(ExportSamples.smirnov)
        let id = "homeward.example.org/person.00000000-0000-4000-8000-000000000001"
        #expect(person.contains("<pfif:person_record_id>\(id)</pfif:person_record_id>"))
        #expect(person.contains("<pfif:entry_date>2024-03-09T16:00:00Z</pfif:entry_date>"))
        #expect(person.contains("<pfif:source_date>2024-03-09T16:00:00Z</pfif:source_date>"))
        #expect(person.contains("<pfif:author_name>Національне інформаційне бюро</pfif:author_name>"))
        #expect(person.contains("<pfif:source_name>Національне інформаційне бюро</pfif:source_name>"))
        #expect(person.contains("<pfif:full_name>Смирнов Алексей Петрович</pfif:full_name>"))
        #expect(person.contains("<pfif:given_name>Алексей Петрович</pfif:given_name>"))
        #expect(person.contains("<pfif:family_name>Смирнов</pfif:family_name>"))
        #expect(
            person.contains(
                "<pfif:alternate_names>Smirnov Aleksei Petrovich\nСмірнов Олексій\nSmirnov Oleksii\nSmirnov Aleksei</pfif:alternate_names>"
            ))
        #expect(
            person.contains(
                "<pfif:description>Category: servicemember\nRank: младший сержант\nUnit: в/ч 12345\n"
                    + "Service number: АБ-123456\nPlace of birth: Курск</pfif:description>"))
        #expect(person.contains("<pfif:sex>male</pfif:sex>"))
        #expect(person.contains("<pfif:date_of_birth>1995-03-17</pfif:date_of_birth>"))
        #expect(person.contains("<pfif:home_city>Курськ</pfif:home_city>"))
        #expect(person.contains("<pfif:home_country>RU</pfif:home_country>"))
        // Third parties' particulars stay in the register.
        #expect(!person.contains("Кузнецова"))
        #expect(!person.contains("Смирнова Ольга"))
        #expect(!person.contains("Пётр"))
    }

    @Test("partial dates of birth keep their precision; a country that is not an ISO code is left out")
    func partialDatesAndCountries() {
        let shevchenko = personElement(ExportSamples.shevchenko)
        #expect(shevchenko.contains("<pfif:date_of_birth>1987-05</pfif:date_of_birth>"))
        #expect(shevchenko.contains("<pfif:home_country>UA</pfif:home_country>"))
        #expect(shevchenko.contains("<pfif:sex>female</pfif:sex>"))
        let hostile = personElement(ExportSamples.hostile)
        #expect(hostile.contains("<pfif:date_of_birth>1970</pfif:date_of_birth>"))
        #expect(!hostile.contains("home_country"))
        #expect(!hostile.contains("<pfif:sex>"))
        #expect(!hostile.contains("alternate_names"))  // a Latin name has no other romanisation
        let citizenshipInWords = exporter.document(for: [PFIFEntry(person: ExportSamples.shevchenko)])
        #expect(!citizenshipInWords.contains("home_country"))
    }

    @Test("markup characters are escaped and characters XML cannot carry are dropped")
    func escaping() {
        let hostile = personElement(ExportSamples.hostile)
        #expect(hostile.contains("<pfif:full_name>O&#39;Brien &amp; &lt;Sons&gt; &quot;Jack&quot;</pfif:full_name>"))
        #expect(hostile.contains("<pfif:last_known_location>A &amp; B &lt;C&gt;</pfif:last_known_location>"))
        #expect(!document.contains("\u{0}"))
        #expect(!document.contains("\u{1B}"))
    }

    @Test("one note per event of the person, in the order things happened")
    func notes() {
        let person = personElement(ExportSamples.smirnov)
        let noteIDs = person.components(separatedBy: "<pfif:note_record_id>").dropFirst().map { $0.prefix(while: { $0 != "<" }) }
        let expected = ExportSamples.smirnovEvents.map { "homeward.example.org/note.\($0.id.uuidString.lowercased())" }
        #expect(noteIDs.map(String.init) == expected)
        #expect(person.components(separatedBy: "<pfif:person_record_id>").count - 1 == 1 + expected.count)
        // The event about someone else is not attributed to this person.
        #expect(!document.contains(ExportSamples.id(1_020).uuidString.lowercased()))
    }

    @Test("note status follows the event kind", arguments: EventKind.allCases)
    func statusMapping(kind: EventKind) {
        let expected: PFIFNoteStatus? =
            switch kind {
            case .lastSeen: .believedMissing
            case .died, .remainsReturned: .believedDead
            case .identified, .retraction: nil
            default: .believedAlive
            }
        #expect(PFIFNoteStatus(kind) == expected)
        let event = ExportSamples.event(99, ExportSamples.smirnov, kind, "2022-05")
        let note = exporter.document(for: [PFIFEntry(person: ExportSamples.smirnov, events: [event])])
        if let expected {
            #expect(note.contains("<pfif:status>\(expected.rawValue)</pfif:status>"))
        } else {
            #expect(!note.contains("<pfif:status>"))
        }
    }

    @Test("a note says the event in words: kind, date, place, credibility")
    func noteText() {
        let person = personElement(ExportSamples.smirnov)
        #expect(
            person.contains(
                "<pfif:text>Captured (voluntary surrender). Date: 2022-03. Place: Маріуполь."
                    + " Credibility: probably true (2).</pfif:text>"))
        #expect(person.contains("<pfif:last_known_location>Маріуполь</pfif:last_known_location>"))
        #expect(person.contains("<pfif:source_date>2022-03-01T00:00:00Z</pfif:source_date>"))
        // Internal remarks stay internal unless asked for.
        #expect(!person.contains("internal remark"))
        let withNotes = try! PFIFExporter(domain: "homeward.example.org", authorName: "Бюро", includeEventNotes: true)
        #expect(withNotes.document(for: ExportSamples.entries).contains("Note: internal remark"))
        // An undated event is dated by when it was recorded.
        let shevchenko = personElement(ExportSamples.shevchenko)
        #expect(shevchenko.contains("Escaped. Date: unknown (recorded 2022-04-15T18:20:00Z)."))
        #expect(shevchenko.contains("<pfif:source_date>2022-04-15T18:20:00Z</pfif:source_date>"))
    }

    @Test("a withdrawn statement keeps its note but loses its status")
    func corrections() {
        let hostile = personElement(ExportSamples.hostile)
        let died = note(in: hostile, for: 16)
        #expect(!died.contains("<pfif:status>"))
        #expect(died.contains("Superseded by note homeward.example.org/note.\(ExportSamples.id(1_017).uuidString.lowercased())."))
        let retraction = note(in: hostile, for: 17)
        #expect(!retraction.contains("<pfif:status>"))
        #expect(
            retraction.contains("Corrects note homeward.example.org/note.\(ExportSamples.id(1_016).uuidString.lowercased())."))
        #expect(note(in: hostile, for: 18).contains("<pfif:status>believed_dead</pfif:status>"))
    }

    @Test("the file writer streams exactly the in-memory document", arguments: [1, 256, PFIFWriter.defaultBufferCapacity])
    func streaming(bufferCapacity: Int) throws {
        let file = ExportTemporaryPath(".xml")
        var writer = try PFIFWriter(path: file.path, exporter: exporter, bufferCapacity: bufferCapacity)
        for entry in ExportSamples.entries { try writer.write(entry) }
        try writer.close()
        try writer.close()
        #expect(file.text == document)
    }

    @Test("a large register streams in bounded memory and stays valid")
    func largeRegister() throws {
        let file = ExportTemporaryPath(".xml")
        var writer = try PFIFWriter(path: file.path, exporter: exporter, bufferCapacity: 64 * 1_024)
        var expectedPersons = 0
        for index in 0..<2_000 {
            var entry = ExportSamples.entries[index % ExportSamples.entries.count]
            entry.person = Person(
                id: ExportSamples.id(10_000 + index),
                version: 1,
                affiliation: entry.person.affiliation,
                category: entry.person.category,
                identity: entry.person.identity,
                status: entry.person.status,
                createdAt: entry.person.createdAt,
                updatedAt: entry.person.updatedAt
            )
            try writer.write(entry)
            expectedPersons += 1
        }
        try writer.close()
        let text = file.text
        #expect(text.components(separatedBy: "<pfif:person>").count - 1 == expectedPersons)
        guard let result = try SchemaValidation.run(file.path, schema: SchemaValidation.pfifSchema) else { return }
        #expect(result.passed, "xmllint: \(result.output.prefix(2_000))")
    }

    @Test("a file left without closing is not a complete document")
    func unclosedWriter() throws {
        let file = ExportTemporaryPath(".xml")
        do {
            var writer = try PFIFWriter(path: file.path, exporter: exporter, bufferCapacity: 1 << 20)
            try writer.write(ExportSamples.entries[0])
        }
        #expect(file.text.hasPrefix(PFIFExporterSnapshot.start))
        #expect(!file.text.contains("</pfif:pfif>"))
    }

    @Test(
        "record identifiers start with a valid domain name",
        arguments: ["", "homeward..org", "-x.org", "x_y.org", "a/b", "1abc.org"])
    func invalidDomain(domain: String) {
        #expect(throws: PFIFExportError.invalidDomain(domain)) {
            try PFIFExporter(domain: domain, authorName: "Бюро")
        }
    }

    @Test("writing to a folder that does not exist fails with the path")
    func unwritablePath() {
        #expect(throws: ExportWriteError.self) {
            _ = try PFIFWriter(path: "/nonexistent-folder/x.xml", exporter: exporter)
        }
    }

    // MARK: - Helpers

    private func personElement(_ person: Person) -> String {
        let id = "<pfif:person_record_id>\(exporter.personRecordID(person.id))</pfif:person_record_id>"
        let start = document.range(of: id)!.lowerBound
        return String(document[start...]).components(separatedBy: "</pfif:person>")[0]
    }

    private func note(in person: String, for eventNumber: Int) -> String {
        let id = "<pfif:note_record_id>\(exporter.noteRecordID(ExportSamples.id(1_000 + eventNumber)))"
        let start = person.range(of: id)!.lowerBound
        return String(person[start...]).components(separatedBy: "</pfif:note>")[0]
    }
}

enum PFIFExporterSnapshot {
    static let start = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">\n"
    static let empty = start + "</pfif:pfif>\n"
}
