import Foundation
import HomewardCore
import HomewardInterop
import HomewardMatching
import HomewardStore
import HomewardTestSupport
import Testing

@testable import HomewardServer

/// Text as an office running Windows in Russian or Ukrainian saves it.
func windows1251(_ text: String) -> [UInt8] {
    let special: [Unicode.Scalar: UInt8] = [
        "Ё": 0xA8, "ё": 0xB8, "І": 0xB2, "і": 0xB3, "Ї": 0xAF, "ї": 0xBF, "Є": 0xAA, "є": 0xBA, "Ґ": 0xA5, "ґ": 0xB4, "№": 0xB9,
    ]
    return text.unicodeScalars.map { scalar in
        if scalar.isASCII { return UInt8(scalar.value) }
        if let byte = special[scalar] { return byte }
        precondition((0x410...0x44F).contains(scalar.value), "no Windows-1251 byte for \(scalar)")
        return UInt8(scalar.value - 0x410 + 0xC0)
    }
}

@Suite("List import: preview, commit, idempotence", .serialized)
struct ListImportTests {
    /// An adversary's list as it arrives: Windows-1251, semicolons, Russian headers, CR LF.
    static let adversaryList = """
        № п/п;ФИО;Дата рождения;Воинское звание;Личный номер;Войсковая часть\r
        1;ПЕТРЕНКО Иван Николаевич;04.05.1987;рядовой;АА123456;А1234\r
        2;Сидоренко Олег Петрович;1990;сержант;;\r
        3;Сидоренко Олег Петрович;1990;сержант;;\r
        4;;;;;\r
        5;КОВАЛЬ Андрей;весна 1991;;;\r

        """

    func register(_ database: HomewardDatabase) -> Register { database.register(actor: "test") }

    /// A register that knows Іван Петренко from his mother's application.
    func seed(_ database: HomewardDatabase) async throws -> UUID {
        let register = register(database)
        let source = try await register.createSource(
            SourceDraft(kind: .relativeApplication, title: "Заява матері", reliability: .usuallyReliable))
        let name = PersonName(surname: "Петренко", givenNames: "Іван", patronymic: "Миколайович", language: .ukrainian)
        let person = try await register.createPerson(
            PersonDraft(
                affiliation: .own, category: .servicemember,
                identity: PersonIdentity(
                    name: name, dateOfBirth: try PartialDate(year: 1987, month: 5, day: 4), serviceNumber: "АА123456")))
        _ = try await register.createRecord(
            RecordDraft(
                sourceID: source.id, personID: person.id,
                particulars: RecordParticulars(
                    name: name, dateOfBirth: try PartialDate(year: 1987, month: 5, day: 4), serviceNumber: "АА123456")))
        return person.id
    }

    func counts(_ database: HomewardDatabase) async throws -> [Int] {
        let register = register(database)
        return [
            try await register.persons(PersonFilter(), offset: 0, limit: 1).total,
            try await register.records(sourceID: nil, personID: nil, offset: 0, limit: 1).total,
            try await register.sources(kind: nil, offset: 0, limit: 1).total,
            try await register.listImports(offset: 0, limit: 1).total,
        ]
    }

    @Test(
        "a Windows-1251 list with Russian headers: preview writes nothing, commit writes all, again adds nothing",
        arguments: TestBackend.all)
    func adversaryListRoundTrip(_ backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let known = try await seed(database)
            let before = try await counts(database)
            let importer = ListImporter(database: database, actor: "user:registrar")
            let input = ListInput.upload(name: "список.csv", bytes: windows1251(Self.adversaryList))
            let options = ListImportOptions(sourceKind: .adversaryList)

            let preview = try await importer.preview(input, options: options)
            #expect(preview.encoding == .windows1251)
            #expect(preview.delimiter == .semicolon)
            #expect(preview.mapping.fields == [nil, .fullName, .dateOfBirth, .rank, .serviceNumber, .unit])
            #expect(preview.dataRows == 5)
            #expect(preview.blankRows == 1)
            #expect(preview.entries == 4)
            #expect(preview.errorCount == 0)
            #expect(preview.warnings.map(\.description).contains { $0.hasPrefix("row 6, column 3 'Дата рождения'") })
            #expect(preview.rows.map(\.row) == [2, 3, 4, 6])
            guard case .knownPerson(let person, let probability) = preview.rows[0].decision else {
                Issue.record("Петренко was not recognised: \(preview.rows[0].decision)")
                return
            }
            #expect(person == known)
            #expect(probability >= 0.9)
            #expect(preview.rows[1].decision == .newPerson)
            #expect(preview.rows[2].decision == .sameAsRow(3))
            #expect(preview.rows[3].decision == .newPerson)
            #expect(preview.newPersons == 2)
            #expect(preview.knownPersonRows == 1)
            #expect(preview.canCommit)
            #expect(try await counts(database) == before, "a preview writes nothing")

            let (_, result) = try await importer.commit(input, options: options)
            guard case .imported(let done) = result else {
                Issue.record("not imported: \(String(describing: result))")
                return
            }
            #expect(done.newPersons == 2)
            #expect(done.linkedRecords == 1)
            #expect(done.file.rows == 5)
            #expect(try await counts(database) == [before[0] + 2, before[1] + 4, before[2] + 1, 1])

            let register = register(database)
            let records = try await register.records(sourceID: done.sourceID, personID: nil, offset: 0, limit: 10).items
            #expect(records.compactMap(\.rowNumber).sorted() == [2, 3, 4, 6])
            let row2 = try #require(records.first { $0.rowNumber == 2 })
            #expect(row2.personID == known)
            #expect(row2.raw.first { $0.column == "ФИО" }?.value == "ПЕТРЕНКО Иван Николаевич")
            #expect(row2.particulars.name.surname == "ПЕТРЕНКО")
            #expect(row2.particulars.name.givenNames == "Иван")
            #expect(row2.particulars.name.language == .russian)
            let sidorenko = records.filter { $0.rowNumber == 3 || $0.rowNumber == 4 }
            #expect(Set(sidorenko.compactMap(\.personID)).count == 1, "two rows of one new person")
            let row6 = try #require(records.first { $0.rowNumber == 6 })
            #expect(row6.particulars.dateOfBirthText == "весна 1991")
            // The adversary's list reports captivity: the known person's status now says so.
            #expect(try await register.person(known).status == .captivityReported)
            let source = try await register.source(done.sourceID)
            #expect(source.kind == .adversaryList)
            #expect(source.reference?.contains(done.file.checksum) == true)

            let (_, again) = try await importer.commit(input, options: options)
            guard case .alreadyImported(let earlier) = again else {
                Issue.record("imported twice: \(String(describing: again))")
                return
            }
            #expect(earlier.id == done.id)
            #expect(try await counts(database) == [before[0] + 2, before[1] + 4, before[2] + 1, 1])
            let preview2 = try await importer.preview(input, options: options)
            #expect(preview2.previousImport?.id == done.id)
            #expect(!preview2.canCommit)
        }
    }

    @Test("a row without a name blocks the whole list and nothing is written", arguments: TestBackend.all)
    func errorsBlock(_ backend: TestBackend) async throws {
        try await withTestDatabase(backend) { database in
            let before = try await counts(database)
            let importer = ListImporter(database: database, actor: "user:registrar")
            let text = "Прізвище,Ім'я,Дата народження\nКоваль,Іван,1990\n,Петро,1991\n"
            let (preview, result) = try await importer.commit(
                .upload(name: "list.csv", bytes: Array(text.utf8)), options: ListImportOptions(sourceKind: .relativeApplication))
            #expect(result == nil)
            #expect(preview.errors.map(\.description) == ["row 3, column 1 'Прізвище': the row has no name"])
            #expect(try await counts(database) == before)
        }
    }

    @Test("a list without any name column is refused with the header it has")
    func noNameColumn() async throws {
        try await withTestDatabase(.sqlite) { database in
            let importer = ListImporter(database: database, actor: "user:registrar")
            await #expect(throws: ListImportError.self) {
                _ = try await importer.preview(
                    .upload(name: "list.csv", bytes: Array("Номер,Дата\n1,1990\n".utf8)),
                    options: ListImportOptions(sourceKind: .openSource))
            }
            var options = ListImportOptions(sourceKind: .openSource)
            options.columnCorrections = ["Номер=full-name"]
            let preview = try await importer.preview(
                .upload(name: "list.csv", bytes: Array("Номер,Дата\nКоваль Іван,1990\n".utf8)), options: options)
            #expect(preview.entries == 1)
        }
    }

    @Test("our own registration of people we hold makes them the adversary's, captured")
    func ownRegistration() async throws {
        try await withTestDatabase(.sqlite) { database in
            let importer = ListImporter(database: database, actor: "user:registrar")
            let text =
                "Фамилия;Имя;Отчество;Дата рождения;Дата пленения;Место пленения\nИванов;Сергей;Петрович;1985;12.03.2024;Авдеевка\n"
            let (_, result) = try await importer.commit(
                .upload(name: "registration.csv", bytes: Array(text.utf8)),
                options: ListImportOptions(sourceKind: .ownRegistration))
            guard case .imported(let done) = result else {
                Issue.record("not imported")
                return
            }
            let register = register(database)
            let record = try #require(
                try await register.records(sourceID: done.sourceID, personID: nil, offset: 0, limit: 1).items.first)
            let person = try await register.person(try #require(record.personID))
            #expect(person.affiliation == .adversary)
            let timeline = try await register.timeline(of: person.id)
            #expect(timeline.map(\.event.kind) == [.captured])
            #expect(timeline.first?.event.date == (try PartialDate(year: 2024, month: 3, day: 12)))
            #expect(timeline.first?.event.place == "Авдеевка")
        }
    }

    /// A spreadsheet program's workbook, committed with the Interop tests.
    static let workbook: [UInt8] = {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HomewardInteropTests/Fixtures/list-openpyxl.xlsx")
        return Array((try? Data(contentsOf: path)) ?? Data())
    }()

    @Test("malformed files end in an error or a readable list, and a refused one writes nothing")
    func malformedFilesWriteNothing() async throws {
        try await withTestDatabase(.sqlite) { database in
            _ = try await seed(database)
            let importer = ListImporter(database: database, actor: "user:registrar")
            var random = SplitMix64(seed: 122)
            let valid = windows1251(Self.adversaryList)
            #expect(!Self.workbook.isEmpty, "the workbook fixture is missing")
            var inputs: [(String, [UInt8])] = [
                ("broken-quote.csv", Array("ПІБ,Дата\n\"Коваль Іван,1990\n".utf8)),
                ("mixed.csv", Array("ПІБ;Дата народження\nКоваль Іван;1990\n".utf8) + windows1251("Петренко Олег;1991\n")),
                ("huge-cell.csv", Array("ПІБ,Примітка\nКоваль Іван,".utf8) + [UInt8](repeating: 0x41, count: 10 << 20)),
                ("empty-rows.csv", Array("ПІБ,Дата\n".utf8) + [UInt8](repeating: 0x0A, count: 1_000_000)),
                ("not-a-zip.xlsx", Array("PK\u{03}\u{04}".utf8) + [UInt8](repeating: 0, count: 64)),
            ]
            for cut in 0..<6 {
                inputs.append(("cut-\(cut).xlsx", Array(Self.workbook.prefix(Int(random.next() % UInt64(Self.workbook.count))))))
            }
            for flip in 0..<6 {
                var bytes = flip % 2 == 0 ? valid : Self.workbook
                for _ in 0..<4 { bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next()) }
                inputs.append(("flipped-\(flip)\(flip % 2 == 0 ? ".csv" : ".xlsx")", bytes))
            }
            var before = try await counts(database)
            for (name, bytes) in inputs {
                var outcome = ""
                do {
                    let (preview, result) = try await importer.commit(
                        .upload(name: name, bytes: bytes), options: ListImportOptions(sourceKind: .openSource))
                    if case .imported = result {
                        // A damaged byte can leave a list that still reads; then it is imported whole.
                        outcome = "imported"
                        before = try await counts(database)
                    } else {
                        outcome = "refused with \(preview.errorCount) row errors"
                        #expect(try await counts(database) == before, "\(name) wrote something")
                    }
                } catch let error as ListImportError {
                    outcome = error.description
                    #expect(error.description.hasPrefix(name), "\(name): the error does not name the file")
                    #expect(try await counts(database) == before, "\(name) wrote something")
                }
                if name == "empty-rows.csv" { #expect(outcome.hasPrefix("refused"), "\(outcome)") }
                if name == "huge-cell.csv" { #expect(outcome.contains("row 2, column 2"), "\(outcome)") }
                if name == "broken-quote.csv" { #expect(outcome.contains("never closed"), "\(outcome)") }
                if name == "mixed.csv" { #expect(outcome.contains("row 3"), "\(outcome)") }
            }
        }
    }

    @Test("a formula in a list's cell is kept as written in the register and neutralised in the CSV a spreadsheet opens")
    func formulaInjection() async throws {
        try await withWeb(.sqlite) { web in
            let text = "Прізвище,Ім'я,Примітка\n\"=HYPERLINK(\"\"http://x.example\"\",\"\"Петренко\"\")\",Іван,=1+1\n"
            var registrar = try await web.signedIn(.registrar)
            _ = try await web.get("/imports", &registrar)
            let sent = try await web.upload(
                "/imports", file: ("formula.csv", Array(text.utf8)), fields: ["sourceKind": "open-source"], &registrar)
            let committed = try await web.post(try #require(sent.location) + "/commit", [:], &registrar)
            #expect(committed.status == .ok)
            let imports = try await web.database.register(actor: "test").listImports(offset: 0, limit: 1)
            let done = try #require(imports.items.first)
            let record = try #require(
                try await web.database.register(actor: "test").records(
                    sourceID: done.sourceID, personID: nil, offset: 0, limit: 1
                )
                .items.first)
            #expect(record.particulars.name.surname == "=HYPERLINK(\"http://x.example\",\"Петренко\")")
            var browser = try await web.signedIn(.analyst)
            let export = try await web.get("/search/export.csv?category=servicemember", &browser)
            #expect(export.body.contains("'=HYPERLINK("))
            #expect(!export.body.contains(",=HYPERLINK("))
        }
    }

    @Test("a whole name is taken apart by who is who, in Cyrillic and in Latin, the words kept as written")
    func splitsWholeNames() {
        let parser = FullNameParser(isGivenName: ListImporter.isGivenName)
        func split(_ text: String) -> [String?] {
            guard let parts = ListImporter.split(text, parser: parser) else { return [] }
            return [parts.surname, parts.givenNames, parts.patronymic]
        }
        #expect(split("ПЕТРЕНКО Іван Миколайович") == ["ПЕТРЕНКО", "Іван", "Миколайович"])
        #expect(split("Іван Петренко") == ["Петренко", "Іван", nil])
        #expect(split("Kovalenko Andrii") == ["Kovalenko", "Andrii", nil])
        #expect(split("Andrii Kovalenko") == ["Kovalenko", "Andrii", nil])
        #expect(split("Ivanov Aleksandr Petrovich") == ["Ivanov", "Aleksandr", "Petrovich"])
    }
}
