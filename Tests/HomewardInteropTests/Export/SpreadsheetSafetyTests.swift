import Foundation
import HomewardInterop
import Testing

@Suite("Spreadsheet safety")
struct SpreadsheetSafetyTests {
    @Test("a formula becomes inert text")
    func hyperlink() {
        #expect(SpreadsheetSafety.cell("=HYPERLINK(\"http://x\",\"click\")") == "'=HYPERLINK(\"http://x\",\"click\")")
    }

    @Test(
        "every formula trigger is guarded, including numeric-looking values",
        arguments: [
            "=1+1", "+1", "-1", "-", "-5", "+380 44 123 45 67", "@SUM(A1)", "\t=1", "\r=1", "-2+3+cmd|' /C calc'!A0",
            "＝1+1", "＋1", "－1", "＠SUM(A1)", "  =1+1", "\u{A0}=1", "\n=1",
        ]
    )
    func triggers(value: String) {
        #expect(SpreadsheetSafety.needsGuard(value))
        #expect(SpreadsheetSafety.cell(value) == "'" + value)
    }

    @Test(
        "ordinary values are unchanged",
        arguments: [
            "", " ", "Шевченко", "Ґудзь-Їжакевич", "Смирнов Алексей Петрович", "O'Brien", "1987-05-04", "1987", "12345",
            "АБ-123456", "в/ч 12345", "a=b", "x@y.org", "Курськ, вул. Леніна, 1", "😀",
        ]
    )
    func ordinary(value: String) {
        #expect(!SpreadsheetSafety.needsGuard(value))
        #expect(SpreadsheetSafety.cell(value) == value)
    }

    @Test("whole rows, in memory and to a file")
    func rows() throws {
        let row = ["Іван", "=1+1", "@x", "1987-05"]
        #expect(SpreadsheetSafety.row(row) == ["Іван", "'=1+1", "'@x", "1987-05"])
        #expect(CSVWriter.spreadsheetSafeBytes(for: [row]) == Array("Іван,'=1+1,'@x,1987-05\n".utf8))

        let file = ExportTemporaryPath(".csv")
        var writer = try CSVWriter(path: file.path, delimiter: .semicolon)
        try writer.writeSpreadsheetSafeRow(row)
        try writer.close()
        #expect(file.text == "Іван;'=1+1;'@x;1987-05\n")
    }
}
