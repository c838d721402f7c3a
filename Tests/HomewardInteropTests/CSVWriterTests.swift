import Foundation
import HomewardInterop
import Testing

@Suite("CSVWriter")
struct CSVWriterTests {
    /// Values that break naive CSV code, and the names the register actually holds.
    static let hostileValues = [
        "plain", "a,b", "a;b", "tab\there", "say \"hi\"", "\"", "\"\"", "line\nbreak", "cr\rhere", "crlf\r\nhere",
        " leading", "trailing ", " ", "", "Шевченко", "Ґудзь-Їжакевич", "O'Brien", "😀", "👨‍👩‍👧", "\u{FEFF}bom",
        "\\", "a\u{0}b",
    ]

    @Test("quotes a field only when it must, doubling quotes inside")
    func quoting() {
        let row = ["plain", "a,b", "say \"hi\"", "line\nbreak", "cr\rx", " lead", "trail ", "", "a;b", "Іван", "😀"]
        #expect(
            CSVWriter.text(for: [row])
                == "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",\"cr\rx\",\" lead\",\"trail \",,a;b,Іван,😀\n")
    }

    @Test("the delimiter decides what needs quotes")
    func otherDelimiters() {
        #expect(CSVWriter.text(for: [["a,b", "c;d", "e\tf"]], delimiter: .semicolon) == "a,b;\"c;d\";e\tf\n")
        #expect(CSVWriter.text(for: [["a,b", "c;d", "e\tf"]], delimiter: .tab) == "a,b\tc;d\t\"e\tf\"\n")
    }

    @Test("a record of one empty field is written as \"\", because an empty line would be skipped")
    func singleEmptyField() throws {
        #expect(CSVWriter.text(for: [["a"], [""], ["", ""]]) == "a\n\"\"\n,\n")
        #expect(try fields(CSVWriter.text(for: [["a"], [""], ["", ""]])) == [["a"], [""], ["", ""]])
    }

    @Test("a leading byte order mark in a field is quoted so a reader does not drop it")
    func leadingByteOrderMark() throws {
        let rows = [["\u{FEFF}x", "y"]]
        #expect(CSVWriter.text(for: rows) == "\"\u{FEFF}x\",y\n")
        #expect(try fields(CSVWriter.text(for: rows)) == rows.map { $0 })
    }

    @Test("hostile values survive writing and reading back", arguments: CSVDelimiter.allCases)
    func hostileRoundTrip(delimiter: CSVDelimiter) throws {
        let rows = [Self.hostileValues, Self.hostileValues.reversed()] + Self.hostileValues.map { [$0] }
        let text = CSVWriter.text(for: rows, delimiter: delimiter)
        #expect(try fields(text, .init(delimiter: delimiter)) == rows)
    }

    @Test("a file writer flushes its buffer as it fills and on close", arguments: [1, 16, CSVWriter.defaultBufferCapacity])
    func fileWriter(bufferCapacity: Int) throws {
        let rows = (0..<500).map { index in [String(index), Self.hostileValues[index % Self.hostileValues.count]] }
        let file = try TemporaryFile()
        var writer = try CSVWriter(path: file.path, delimiter: .semicolon, bufferCapacity: bufferCapacity)
        for row in rows { try writer.writeRow(row) }
        try writer.close()
        try writer.close()
        #expect(file.bytes == CSVWriter.bytes(for: rows, delimiter: .semicolon))

        var reader = try CSVReader(path: file.path, options: .init(delimiter: .semicolon), chunkSize: 7)
        #expect(try readAll(&reader).map(\.fields) == rows)
    }

    @Test("a writer replaces an existing file")
    func replacesFile() throws {
        let file = try TemporaryFile(text: "old content that is longer than the new\n")
        var writer = try CSVWriter(path: file.path)
        try writer.writeRow(["new"])
        try writer.close()
        #expect(file.bytes == Array("new\n".utf8))
    }

    @Test("a writer dropped without close still writes its buffer")
    func dropWithoutClose() throws {
        let file = try TemporaryFile()
        do {
            var writer = try CSVWriter(path: file.path)
            try writer.writeRow(["kept"])
        }
        #expect(file.bytes == Array("kept\n".utf8))
    }

    @Test("a file that cannot be created is reported with its path and reason")
    func cannotCreate() {
        let path = "/nonexistent-\(UUID().uuidString)/pairs.csv"
        #expect(throws: CSVWriteError(path: path, reason: "No such file or directory")) {
            _ = try CSVWriter(path: path)
        }
    }
}
