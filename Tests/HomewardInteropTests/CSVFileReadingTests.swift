import Foundation
import HomewardInterop
import Testing

@Suite("CSVReader: files read in chunks")
struct CSVFileReadingTests {
    /// Every boundary a chunk can cut: BOM, CR LF, doubled quotes, quoted line breaks, multi-byte characters.
    static let hostileText =
        "\u{FEFF}прізвище;ім'я;\"при\"\"мітка\"\r\n\r\n"
        + "Шевченко;\"Тарас\r\nГригорович\";\"\"\"😀\"\" ; 👨‍👩‍👧\"\r\n"
        + "Łukasz;;\"\"\n"
        + "\"\";\"a\rb\";ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ\r"
        + "last;row;without line end"

    @Test(
        "a file read through chunks of any size gives the same rows as the bytes in memory", arguments: [1, 2, 3, 7, 64, 65_536])
    func chunkSizes(chunkSize: Int) throws {
        let file = try TemporaryFile(text: Self.hostileText)
        var fromMemory = CSVReader(text: Self.hostileText)
        var fromFile = try CSVReader(path: file.path, chunkSize: chunkSize)
        #expect(fromFile.delimiter == .semicolon)
        let expected = ReadOutcome(&fromMemory)
        #expect(ReadOutcome(&fromFile) == expected)
        #expect(
            expected
                == .rows([
                    CSVRow(number: 1, fields: ["прізвище", "ім'я", "при\"мітка"]),
                    CSVRow(number: 3, fields: ["Шевченко", "Тарас\r\nГригорович", "\"😀\" ; 👨‍👩‍👧"]),
                    CSVRow(number: 5, fields: ["Łukasz", "", ""]),
                    CSVRow(number: 6, fields: ["", "a\rb", String(repeating: "Ж", count: 24)]),
                    CSVRow(number: 8, fields: ["last", "row", "without line end"]),
                ]))
    }

    @Test("a file spanning many chunks streams every row in order")
    func manyChunks() throws {
        let rows = (1...5_000).map { ["\($0)", "Коваленко \($0)", $0.isMultiple(of: 7) ? "line\nbreak, \"quoted\"" : "plain"] }
        let file = try TemporaryFile(CSVWriter.bytes(for: rows))
        for chunkSize in [7, 4_096, CSVReader.defaultChunkSize] {
            var reader = try CSVReader(path: file.path, chunkSize: chunkSize)
            var count = 0
            while let row = try reader.nextRow() {
                #expect(row.fields == rows[count])
                count += 1
            }
            #expect(count == rows.count)
        }
    }

    @Test("errors in a file name the same row and column as in memory", arguments: [1, 7, 65_536])
    func errorsInFiles(chunkSize: Int) throws {
        let bytes = Array("a,b\n1,2\n\n3,\"Ж".utf8) + [0xFF] + Array("\"\n".utf8)
        let file = try TemporaryFile(bytes)
        var reader = try CSVReader(path: file.path, chunkSize: chunkSize)
        #expect(
            ReadOutcome(&reader) == .failed(CSVError(.invalidText(encoding: .utf8, offset: 2, byte: 0xFF), row: 4, column: 2)))

        let unterminated = try TemporaryFile(text: "a,b\n1,\"never\nclosed")
        var unterminatedReader = try CSVReader(path: unterminated.path, chunkSize: chunkSize)
        #expect(ReadOutcome(&unterminatedReader) == .failed(CSVError(.quotedFieldNeverClosed, row: 2, column: 2)))
    }

    @Test("detection stops looking after the first MiB of an endless first record and falls back to comma")
    func detectionLimit() throws {
        let longField = String(repeating: "Ж", count: 600_000)
        let file = try TemporaryFile(text: longField + ";x\ny;z\n")
        var reader = try CSVReader(path: file.path, options: .init(maximumFieldSize: 2 << 20))
        #expect(reader.delimiter == .comma)
        #expect(try readAll(&reader).map(\.fields) == [[longField + ";x"], ["y;z"]])
    }

    @Test("an empty file has no rows")
    func emptyFile() throws {
        let file = try TemporaryFile()
        var reader = try CSVReader(path: file.path)
        #expect(try reader.readHeader() == nil)
        #expect(try reader.nextRow() == nil)
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        let path = "/nonexistent-\(UUID().uuidString)/list.csv"
        do {
            _ = try CSVReader(path: path)
            Issue.record("opened a file that does not exist")
        } catch {
            guard case .cannotOpen(path, _) = error.problem else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(error.row == 0)
            #expect(error.description.hasPrefix("cannot open \(path): "))
        }
    }

    @Test(
        "the first 1,000 rows of the development data set",
        .enabled(if: FileManager.default.fileExists(atPath: developmentData)))
    func developmentDataSet() throws {
        var reader = try CSVReader(path: developmentData)
        #expect(reader.delimiter == .comma)
        #expect(
            try reader.readHeader()
                == [
                    "record_id", "person_id", "source", "surname", "given_name", "patronymic", "dob",
                    "place_of_birth", "service_no", "rank", "unit",
                ])
        var count = 0
        while count < 1_000, let row = try reader.nextRow() {
            #expect(row.fields.count == 11, "row \(row.number)")
            count += 1
        }
        #expect(count == 1_000)
    }
}

private let developmentData = "/work/shared/bench/data/dev-10k.csv"
