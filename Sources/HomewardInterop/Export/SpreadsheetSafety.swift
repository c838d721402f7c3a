/// Keeps values from the register from being run as formulas when an export is opened in a
/// spreadsheet (CSV or formula injection, OWASP).
///
/// A cell whose first character is `=`, `+`, `-`, `@`, a tab or a carriage return — or their
/// full-width forms `＝ ＋ － ＠`, which some spreadsheets read the same way — is prefixed with a
/// single quote, which spreadsheets take as "this is text" and do not display. Leading spaces,
/// no-break spaces and line feeds are looked past, since some importers trim them.
///
/// There are deliberately no exceptions for values that merely *look* harmless: `-5`, `+380 44 …`
/// and a lone `-` are prefixed too. Numeric-looking exemptions have been bypassed before
/// (`-2+3+cmd|' /C calc'!A0` starts like a number), and nothing the bureau exports needs a leading
/// sign: a name does not start with `-`, dates are written `1987-05-04`, and a telephone number kept
/// as text (`'+380…`) is what an office wants rather than a number in scientific notation.
///
/// The guard is for files meant for people and their spreadsheets. Files meant to be read back by
/// a program should not use it: the quote becomes part of the value.
public enum SpreadsheetSafety {
    /// The characters that make a spreadsheet read a cell as a formula.
    public static let formulaTriggers: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]

    /// Leading characters an importer may trim before it looks for a formula.
    private static let trimmedByImporters: Set<Unicode.Scalar> = [" ", "\u{A0}", "\n"]

    /// Whether `value` would be read as a formula.
    public static func needsGuard(_ value: String) -> Bool {
        guard let first = value.unicodeScalars.first(where: { !trimmedByImporters.contains($0) }) else { return false }
        return formulaTriggers.contains(first)
    }

    /// `value`, prefixed with `'` when a spreadsheet would read it as a formula; otherwise unchanged.
    public static func cell(_ value: String) -> String {
        needsGuard(value) ? "'" + value : value
    }

    /// Every cell of `row` passed through ``cell(_:)``.
    public static func row(_ row: [String]) -> [String] {
        row.map(cell)
    }
}

extension CSVWriter {
    /// Writes one record with every field passed through ``SpreadsheetSafety/cell(_:)``.
    public mutating func writeSpreadsheetSafeRow(_ fields: [String]) throws(CSVWriteError) {
        try writeRow(SpreadsheetSafety.row(fields))
    }

    /// The CSV text of `rows` with every field passed through ``SpreadsheetSafety/cell(_:)``.
    public static func spreadsheetSafeBytes(for rows: [[String]], delimiter: CSVDelimiter = .comma) -> [UInt8] {
        bytes(for: rows.map(SpreadsheetSafety.row), delimiter: delimiter)
    }
}
