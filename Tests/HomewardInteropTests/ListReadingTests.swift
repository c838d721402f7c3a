import HomewardCore
import HomewardInterop
import Testing

@Suite("Lists: columns recognised by their headers")
struct ListColumnMappingTests {
    @Test("Ukrainian, Russian and English headers, in any case and with notes after them")
    func recognisesHeaders() {
        let ukrainian = ListColumnMapping(recognising: [
            "№", "ПІБ", "Дата народження (дд.мм.рррр)", "Звання", "Особистий номер", "Військова частина", "Примітка",
        ])
        #expect(ukrainian.fields == [nil, .fullName, .dateOfBirth, .rank, .serviceNumber, .unit, nil])
        let russian = ListColumnMapping(recognising: [
            "ФАМИЛИЯ", "Имя", "Отчество", "Дата рождения", "Звание", "Личный номер", "Войсковая часть", "Место пленения",
        ])
        #expect(
            russian.fields == [.surname, .givenNames, .patronymic, .dateOfBirth, .rank, .serviceNumber, .unit, .eventPlace])
        let english = ListColumnMapping(recognising: ["Surname", "First name", "Date of birth", "Place of birth", "Service No"])
        #expect(english.fields == [.surname, .givenNames, .dateOfBirth, .placeOfBirth, .serviceNumber])
        let apostrophes = ListColumnMapping(recognising: ["Прізвище", "Ім’я", "По-батькові"])
        #expect(apostrophes.fields == [.surname, .givenNames, .patronymic])
    }

    @Test("the benchmark's own headers; a column it must never read stays unread")
    func benchmarkHeaders() {
        let mapping = ListColumnMapping(recognising: [
            "record_id", "person_id", "source", "surname", "given_name", "patronymic", "dob", "place_of_birth", "service_no",
            "rank", "unit",
        ])
        #expect(
            mapping.fields == [
                nil, nil, nil, .surname, .givenNames, .patronymic, .dateOfBirth, .placeOfBirth, .serviceNumber, .rank, .unit,
            ])
    }

    @Test("a field is read from one column only; the first one that names it")
    func firstColumnWins() {
        let mapping = ListColumnMapping(recognising: ["ПІБ", "ФИО"])
        #expect(mapping.fields == [.fullName, nil])
    }

    @Test("corrections by header or by position, and the errors that name what is wrong")
    func corrections() throws {
        var mapping = ListColumnMapping(recognising: ["Особа", "Дата", "Номер"])
        try mapping.apply(corrections: ["Дата=date-of-birth", "3=service-number", "Особа=ignore"])
        #expect(mapping.fields == [nil, .dateOfBirth, .serviceNumber])
        #expect(throws: ListMappingError.noNameColumn(header: ["Особа", "Дата", "Номер"])) { try mapping.checkReadable() }
        try mapping.apply(corrections: ["1=full-name"])
        try mapping.checkReadable()
        #expect(throws: ListMappingError.unknownField("name")) { try mapping.apply(corrections: ["1=name"]) }
        #expect(throws: ListMappingError.malformedCorrection("1")) { try mapping.apply(corrections: ["1"]) }
        #expect(throws: ListMappingError.noSuchColumn("Звання", header: mapping.header)) {
            try mapping.apply(corrections: ["Звання=rank"])
        }
        // Giving a field to another column takes it from the one that had it.
        try mapping.apply(corrections: ["3=date-of-birth"])
        #expect(mapping.fields == [.fullName, nil, .dateOfBirth])
    }
}

@Suite("Lists: dates as lists write them")
struct ListDateReaderTests {
    let reader = ListDateReader(today: try! PartialDate(year: 2026, month: 11, day: 25))

    func read(_ text: String) throws -> String? { try reader.read(text)?.description }

    @Test("day first with dots, slashes and dashes; ISO; year; month and year")
    func forms() throws {
        #expect(try read("04.05.1987") == "1987-05-04")
        #expect(try read("4.5.1987") == "1987-05-04")
        #expect(try read("4/5/87") == "1987-05-04")
        #expect(try read("04-05-1987") == "1987-05-04")
        #expect(try read("1987-05-04") == "1987-05-04")
        #expect(try read("1987-05") == "1987-05")
        #expect(try read("05.1987") == "1987-05")
        #expect(try read("1987") == "1987")
        #expect(try read("1987 р.") == "1987")
        #expect(try read(" 1987 г. ") == "1987")
        #expect(try read("") == nil)
        #expect(try read("   ") == nil)
    }

    @Test("two-digit years never land in the future")
    func twoDigitYears() throws {
        #expect(try read("1/2/03") == "2003-02-01")
        #expect(try read("1/2/26") == "2026-02-01")
        #expect(try read("1/2/27") == "1927-02-01")
        #expect(try read("1/2/99") == "1999-02-01")
    }

    @Test("spreadsheet serial day numbers, with the 1900 leap-year bug")
    func spreadsheetSerials() throws {
        #expect(try read("33116") == "1990-08-31")
        #expect(try read("33116.0") == "1990-08-31")
        #expect(try read("45658") == "2025-01-01")
        #expect(throws: ListDateReader.Failure.self) { try read("60") }
    }

    @Test("what is not a date says so, and impossible days are named")
    func failures() {
        #expect(throws: ListDateReader.Failure.unreadable("невідомо")) { try read("невідомо") }
        #expect(throws: ListDateReader.Failure.unreadable("1987/05/04")) { try read("1987/05/04") }
        #expect(throws: ListDateReader.Failure.self) { try read("31.02.1990") }
        #expect(throws: ListDateReader.Failure.self) { try read("12.13.1990") }
        #expect(throws: ListDateReader.Failure.self) { try read("1.1.0001") }
    }
}

@Suite("Lists: rows read into records")
struct ListRowReaderTests {
    func reader(_ header: [String], format: ListFormat = .csv) -> ListRowReader {
        ListRowReader(
            mapping: ListColumnMapping(recognising: header), format: format, nameLanguage: .russian,
            dates: ListDateReader(today: try! PartialDate(year: 2026, month: 11, day: 25)),
            splitFullName: { text in
                let words = text.split(separator: " ").map(String.init)
                return words.isEmpty
                    ? nil : (words[0], words.count > 1 ? words[1] : nil, words.count > 2 ? words[2] : nil)
            })
    }

    @Test("a full name is taken apart; every filled cell is kept under its header")
    func fullName() throws {
        let rows = reader(["ФИО", "Дата рождения", "Звание", "Примечание"])
        guard
            case .entry(let entry) = rows.read(
                CSVRow(number: 2, fields: ["Петренко Иван Николаевич", "04.05.1987", "рядовой", ""]))
        else {
            Issue.record("the row was not read")
            return
        }
        #expect(
            entry.particulars.name
                == PersonName(surname: "Петренко", givenNames: "Иван", patronymic: "Николаевич", language: .russian))
        #expect(entry.particulars.dateOfBirth == (try PartialDate(year: 1987, month: 5, day: 4)))
        #expect(entry.particulars.rank == "рядовой")
        #expect(entry.raw.map(\.column) == ["ФИО", "Дата рождения", "Звание"])
        #expect(entry.warnings.isEmpty)
    }

    @Test("an unreadable date is a warning and is kept as written")
    func unreadableDate() {
        let rows = reader(["Прізвище", "Ім'я", "Дата народження"], format: .xlsx)
        guard case .entry(let entry) = rows.read(CSVRow(number: 7, fields: ["Коваль", "Іван", "весна 1990"])) else {
            Issue.record("the row was not read")
            return
        }
        #expect(entry.particulars.dateOfBirth == nil)
        #expect(entry.particulars.dateOfBirthText == "весна 1990")
        #expect(
            entry.warnings.map(\.description) == [
                "row 7, column C 'Дата народження': 'весна 1990' is not a date (expected dd.mm.yyyy, d/m/yy, mm.yyyy, yyyy or yyyy-mm-dd); kept as written"
            ])
        #expect(entry.particulars.name.language == .ukrainian)
    }

    @Test("a row with data but no name is an error naming the row and column; an empty row is blank")
    func noName() {
        let rows = reader(["Прізвище", "Ім'я", "Дата народження"])
        #expect(rows.read(CSVRow(number: 3, fields: ["", "", ""])) == .blank)
        #expect(rows.read(CSVRow(number: 3, fields: [])) == .blank)
        guard case .rejected(let problems) = rows.read(CSVRow(number: 4, fields: ["", "Іван", "1990"])) else {
            Issue.record("the row was not rejected")
            return
        }
        #expect(problems.map(\.description) == ["row 4, column 1 'Прізвище': the row has no name"])
    }

    @Test("values beyond the register's limits are errors, never cut short")
    func limits() {
        let rows = reader(["Прізвище", "Особистий номер", "Примітка"])
        guard
            case .rejected(let problems) = rows.read(
                CSVRow(number: 5, fields: ["Коваль", String(repeating: "7", count: 51), String(repeating: "x", count: 10_001)]))
        else {
            Issue.record("the row was not rejected")
            return
        }
        #expect(problems.count == 2)
        #expect(problems.allSatisfy { $0.severity == .error && $0.row == 5 })
    }

    @Test("sex in three languages")
    func sex() {
        let rows = reader(["Прізвище", "Стать"])
        for (text, expected) in [("ч", Sex.male), ("Жін.", .female), ("мужской", .male), ("F", .female)] {
            guard case .entry(let entry) = rows.read(CSVRow(number: 2, fields: ["Коваль", text])) else {
                Issue.record("row not read for \(text)")
                continue
            }
            #expect(entry.particulars.sex == expected, "\(text)")
        }
    }
}
