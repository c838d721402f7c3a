import Foundation
import HomewardCore
import HomewardInterop
import Testing

@Suite("ListReader: CSV or XLSX, as the importer receives them")
struct ListReaderTests {
    static let workbook = TestWorkbook(
        sheetData: """
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>
            <row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>33116</v></c></row>
            <row r="4"><c r="A4" t="inlineStr"><is><t>Коваленко Ірина</t></is></c></row>
            """,
        sharedStrings: ["<t>ПІБ</t>", "<t>Дата народження</t>", "<t>Шевченко Тарас</t>"])

    @Test("a CSV list: encoding and delimiter detected, header, rows numbered by line")
    func csvList() throws {
        var reader = try ListReader(bytes: LegacySamples.ukrainianWindows1251, fileName: "list.csv")
        #expect(reader.format == .csv)
        #expect(reader.encoding == .windows1251)
        #expect(reader.delimiter == .semicolon)
        #expect(try reader.readHeader() == ["ПІБ", "Дата народження"])
        #expect(try reader.nextRow() == CSVRow(number: 2, fields: ["Ґудзь Євгенія Їжакович", "«№ 5»"]))
        #expect(try reader.nextRow() == nil)
        #expect(try reader.readHeader() == ["ПІБ", "Дата народження"])

        var given = try ListReader(bytes: Array("a,b\n1,2\n".utf8), options: .init(encoding: .koi8u, delimiter: .semicolon))
        #expect(given.encoding == .koi8u)
        #expect(given.delimiter == .semicolon)
        #expect(try given.nextRow() == CSVRow(number: 1, fields: ["a,b"]))
    }

    @Test("a workbook: rows numbered as in the spreadsheet; no encoding or delimiter")
    func xlsxList() throws {
        var reader = try ListReader(bytes: Self.workbook.bytes)
        #expect(reader.format == .xlsx)
        #expect(reader.encoding == nil)
        #expect(reader.delimiter == nil)
        #expect(try reader.readHeader() == ["ПІБ", "Дата народження"])
        #expect(try reader.nextRow() == CSVRow(number: 2, fields: ["Шевченко Тарас", "33116"]))
        #expect(try reader.nextRow() == CSVRow(number: 4, fields: ["Коваленко Ірина"]))
        #expect(try reader.nextRow() == nil)
    }

    @Test("from files, the content decides the format, not the name")
    func filesByContent() throws {
        let workbookNamedCSV = try TemporaryFile(Self.workbook.bytes)
        var reader = try ListReader(path: workbookNamedCSV.path)
        #expect(reader.format == .xlsx)
        #expect(try reader.readHeader() == ["ПІБ", "Дата народження"])

        let list = try TemporaryFile(text: "\u{FEFF}ПІБ\tДата\nШевченко\t1814\n")
        var csvReader = try ListReader(path: list.path)
        #expect(csvReader.format == .csv)
        #expect(csvReader.encoding == .utf8)
        #expect(csvReader.delimiter == .tab)
        #expect(try csvReader.readHeader() == ["ПІБ", "Дата"])
        #expect(try csvReader.nextRow() == CSVRow(number: 2, fields: ["Шевченко", "1814"]))

        let path = "/nonexistent-\(UUID().uuidString)/list.xlsx"
        #expect(throws: CSVError.self) { _ = try ListReader(path: path) }
    }

    @Test("a file named .xlsx that is not a workbook, and formats that cannot be read, are refused in plain words")
    func refusedFormats() throws {
        let notWorkbook = readList(Array("ПІБ;Дата\n".utf8), fileName: "Список.XLSX").error
        #expect(notWorkbook?.problem == .notAnXLSXFile)
        #expect(notWorkbook?.description.contains("not a ZIP archive") == true)

        let file = try TemporaryFile(text: "ПІБ;Дата\n")
        let renamed = file.path + ".xlsx"
        try FileManager.default.copyItem(atPath: file.path, toPath: renamed)
        defer { try? FileManager.default.removeItem(atPath: renamed) }
        #expect(throws: CSVError(.notAnXLSXFile, row: 0, column: 0, format: .xlsx)) { _ = try ListReader(path: renamed) }

        let legacyExcel: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0]
        #expect(
            readList(legacyExcel, fileName: "list.xls").error?.problem
                == .unsupportedFileFormat(description: "an older Excel workbook (.xls) or a password-protected one"))
        #expect(readList(Array("%PDF-1.7\n".utf8)).error?.problem == .unsupportedFileFormat(description: "a PDF document"))
    }

    @Test("column names: letters for a spreadsheet, numbers for CSV; errors use them")
    func columnNames() {
        let letters = [0: "A", 2: "C", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA", 16_383: "XFD"]
        for (index, name) in letters { #expect(ListReader.columnName(index, format: .xlsx) == name) }
        #expect(ListReader.columnName(2, format: .csv) == "3")
        #expect(
            CSVError(.fieldTooLarge(limit: 10), row: 12, column: 3, format: .xlsx).description
                == "row 12, column C: the field is longer than the limit of 10 bytes")
        #expect(
            CSVError(.fieldTooLarge(limit: 10), row: 12, column: 3).description
                == "row 12, column 3: the field is longer than the limit of 10 bytes")
    }

    @Test("rows whose every field is empty are skipped but counted")
    func emptyRowsSkipped() throws {
        var reader = try ListReader(bytes: Array("ПІБ;Дата\n;\n;;;\n\nШевченко;1814\n;;\n".utf8))
        #expect(try reader.readHeader() == ["ПІБ", "Дата"])
        #expect(try reader.nextRow() == CSVRow(number: 5, fields: ["Шевченко", "1814"]))
        #expect(try reader.nextRow() == nil)
    }

    @Test("a million empty rows complete, in bounded time, with no data rows")
    func millionEmptyRows() throws {
        let bytes =
            Array("ПІБ;Дата\n".utf8) + [UInt8](repeating: 0x0A, count: 1_000_000)
            + Array(String(repeating: ";\n", count: 200_000).utf8)
        let started = ContinuousClock.now
        var reader = try ListReader(bytes: bytes)
        #expect(try reader.readHeader() == ["ПІБ", "Дата"])
        #expect(try reader.nextRow() == nil)
        #expect(ContinuousClock.now - started < .seconds(10))

        let file = try TemporaryFile(bytes)
        var fileReader = try ListReader(path: file.path)
        #expect(try fileReader.readHeader() == ["ПІБ", "Дата"])
        #expect(try fileReader.nextRow() == nil)
    }

    @Test("a 10 MB cell is an error naming its row and column, in CSV and in a workbook")
    func tenMegabyteCell() throws {
        let big = String(repeating: "x", count: 10 << 20)
        let csvError = readList(Array("ПІБ;Дата\nШевченко;\(big)\n".utf8)).error
        #expect(csvError == CSVError(.fieldTooLarge(limit: 1 << 20), row: 2, column: 2))

        var workbook = TestWorkbook(
            sheetData: "<row r=\"9\"><c r=\"A9\"><v>1</v></c><c r=\"C9\" t=\"str\"><v>\(big)</v></c></row>")
        workbook.method = .stored
        let workbookError = readList(workbook.bytes).error
        #expect(workbookError == CSVError(.fieldTooLarge(limit: 1 << 20), row: 9, column: 3, format: .xlsx))
        #expect(workbookError?.description.hasPrefix("row 9, column C: ") == true)
    }

    @Test("broken CSV quoting is an error naming row and column")
    func brokenQuoting() {
        #expect(readList(Array("a;b\n1;\"open\n2;3\n".utf8)).error == CSVError(.quotedFieldNeverClosed, row: 2, column: 2))
        #expect(readList(Array("a;b\n1;x\"y\n".utf8)).error == CSVError(.quoteInsideUnquotedField, row: 2, column: 2))
        #expect(readList(Array("a;b\n\"1\"x;2\n".utf8)).error == CSVError(.textAfterClosingQuote, row: 2, column: 1))
    }

    @Test("random bytes and random CSV-like text end in rows or an error, whatever the options")
    func randomInput() {
        var generator = SplitMix64(seed: 0x4C49_5354)
        let alphabet: [UInt8] = [
            0x22, 0x2C, 0x3B, 0x09, 0x0D, 0x0A, 0x61, 0x20, 0xD0, 0x96, 0x98, 0xFF, 0xEF, 0xBB, 0xBF, 0xC1, 0xE0, 0x50, 0x4B,
        ]
        let optionChoices: [ListReadOptions] = [
            .init(), .init(encoding: .windows1251), .init(encoding: .koi8u, delimiter: .tab), .init(maximumFieldSize: 4),
        ]
        for sample in 0..<600 {
            let length = Int.random(in: 0...200, using: &generator)
            let bytes: [UInt8] =
                sample.isMultiple(of: 2)
                ? (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                : (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            let options = optionChoices.randomElement(using: &generator)!
            if case .success(let rows) = readList(bytes, options: options) {
                #expect(rows.allSatisfy { !$0.fields.allSatisfy(\.isEmpty) })
            }
        }
    }
}
