import Foundation
import HomewardCore
import HomewardInterop
import Testing

/// Fixed people and events for the export suites: deterministic ids and clocks.
enum ExportSamples {
    static func id(_ number: Int) -> UUID {
        let digits = String(number, radix: 16)
        return UUID(uuidString: "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits)!
    }

    static func day(_ text: String) -> PartialDate { try! PartialDate(iso: text) }

    static let created = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z
    static let updated = Date(timeIntervalSince1970: 1_710_000_000.75)  // 2024-03-09T16:00:00Z, fraction dropped

    static func person(
        _ number: Int,
        _ name: PersonName,
        affiliation: Affiliation = .adversary,
        category: PersonCategory = .servicemember,
        configure: (inout PersonIdentity) -> Void = { _ in }
    ) -> Person {
        var identity = PersonIdentity(name: name)
        configure(&identity)
        return Person(
            id: id(number),
            version: 1,
            affiliation: affiliation,
            category: category,
            identity: identity,
            status: .initial(for: affiliation),
            createdAt: created,
            updatedAt: updated
        )
    }

    /// A Russian serviceman we hold, with every item the Convention asks for.
    static let smirnov = person(
        1,
        PersonName(surname: "Смирнов", givenNames: "Алексей", patronymic: "Петрович", language: .russian)
    ) { identity in
        identity.sex = .male
        identity.dateOfBirth = day("1995-03-17")
        identity.placeOfBirth = "Курск"
        identity.citizenship = "RU"
        identity.dependentPower = "Російська Федерація"
        identity.rank = "младший сержант"
        identity.serviceNumber = "АБ-123456"
        identity.unit = "в/ч 12345"
        identity.fatherFirstName = "Пётр"
        identity.mothersMaidenName = "Кузнецова"
        identity.nextOfKin = NextOfKin(name: "Смирнова Ольга", relationship: "мать", address: "Курск, ул. Ленина, 1")
    }

    /// One of our own, a civilian woman, with a partial date of birth and little else.
    static let shevchenko = person(
        2,
        PersonName(surname: "Шевченко", givenNames: "Ґанна", patronymic: "Іванівна", language: .ukrainian),
        affiliation: .own,
        category: .civilian
    ) { identity in
        identity.sex = .female
        identity.dateOfBirth = day("1987-05")
        identity.citizenship = "Україна"
    }

    /// A name full of characters markup must escape, plus characters XML cannot carry.
    static let hostile = person(
        3,
        PersonName(surname: "O'Brien & <Sons>", givenNames: "\"Jack\"\u{0}\u{1B}", language: .latin),
        category: .other
    ) { identity in
        identity.dateOfBirth = day("1970")
        identity.rank = "=HYPERLINK(\"http://x\",\"click\")"
    }

    static func event(
        _ number: Int,
        _ person: Person,
        _ kind: EventKind,
        _ date: String? = nil,
        place: String? = nil,
        credibility: Credibility = .probablyTrue,
        captureMode: CaptureMode? = nil,
        note: String? = nil,
        supersedes: Int? = nil
    ) -> Event {
        Event(
            id: id(1_000 + number),
            personID: person.id,
            kind: kind,
            date: date.map(day),
            place: place,
            credibility: credibility,
            captureMode: captureMode,
            note: note,
            supersedes: supersedes.map { id(1_000 + $0) },
            recordedAt: Date(timeIntervalSince1970: 1_650_000_000 + Double(number) * 3_600)
        )
    }

    static let smirnovEvents: [Event] = [
        event(1, smirnov, .captured, "2022-03", place: "Маріуполь", captureMode: .voluntarySurrender),
        event(2, smirnov, .captivityReported, "2022-03-20"),
        event(3, smirnov, .heldAt, "2022-04-01", place: "Табір № 1"),
        event(4, smirnov, .transferred, "2022-05-02", place: "Табір № 2"),
        event(5, smirnov, .hospitalised, "2022-06"),
        event(6, smirnov, .healthReport, "2022-06-15", note: "internal remark"),
        event(7, smirnov, .visitedByICRC, "2022-07-01"),
        event(8, smirnov, .captivityConfirmed, "2022-07-02"),
        event(9, smirnov, .refusedRepatriation, "2023-01-10"),
        event(10, smirnov, .exchanged, "2023-02-01", place: "кордон"),
    ]

    static let shevchenkoEvents: [Event] = [
        event(11, shevchenko, .lastSeen, "2022-03-01", place: "Херсон"),
        event(12, shevchenko, .captured, "2022-03", credibility: .possiblyTrue),
        event(13, shevchenko, .escaped, nil),
        event(14, shevchenko, .released, "2023-04"),
        event(15, shevchenko, .repatriated, "2023-04-20"),
    ]

    static let hostileEvents: [Event] = [
        event(16, hostile, .died, "2023-06-01", place: "A & B <C>", credibility: .doubtful),
        event(17, hostile, .retraction, "2023-06-05", supersedes: 16),
        event(18, hostile, .remainsReturned, "2023-09"),
        event(19, hostile, .identified, "2023-10-02"),
        // Someone else's event handed over by mistake: it must not be written under this person.
        event(20, smirnov, .died, "2024-01-01"),
    ]

    static let entries: [PFIFEntry] = [
        PFIFEntry(
            person: smirnov,
            events: smirnovEvents.reversed(),
            otherNames: [
                PersonName(surname: "Смірнов", givenNames: "Олексій", language: .ukrainian),
                PersonName(surname: "Smirnov", givenNames: "Aleksei", language: .latin),
            ],
            homeCity: "Курськ"
        ),
        PFIFEntry(person: shevchenko, events: shevchenkoEvents, homeCountry: "ua"),
        PFIFEntry(person: hostile, events: hostileEvents),
    ]

    static let exporter = try! PFIFExporter(domain: "homeward.example.org", authorName: "Національне інформаційне бюро")
}

/// A path in the temporary folder, removed when the test that made it ends.
final class ExportTemporaryPath {
    let path: String

    init(_ suffix: String) {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("homeward-export-\(UUID().uuidString)\(suffix)").path
    }

    var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The result of validating an XML file against a schema with `xmllint`.
struct SchemaValidation {
    let passed: Bool
    let output: String

    /// Runs `xmllint --noout --schema`. Records a failure, rather than skipping, when xmllint is
    /// not installed: the export must never go unchecked.
    static func run(_ documentPath: String, schema: String) throws -> SchemaValidation? {
        guard let xmllint = executable(named: "xmllint") else {
            Issue.record(
                Comment(
                    rawValue: "xmllint is not installed, so the PFIF export cannot be checked against the schema:"
                        + " install it (Debian/Ubuntu: apt-get install libxml2-utils; macOS: it ships with the system)"
                )
            )
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--nonet", "--schema", schema, documentPath]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return SchemaValidation(
            passed: process.terminationStatus == 0,
            output: String(decoding: output, as: UTF8.self)
        )
    }

    private static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories: [String] =
            path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The PFIF 1.4 schema kept with the tests (see the provenance note at its top).
    static let pfifSchema: String =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/pfif-1.4.xsd").path
}
