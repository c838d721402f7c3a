/// Why a list (CSV, or an XLSX workbook) could not be read, and where.
///
/// A list is sent back to the office that made it with the error message, so the message names
/// the row and column a person can find in a text editor or spreadsheet program (column letters
/// for a spreadsheet) and says what is wrong in plain words.
public struct CSVError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Problem: Hashable, Sendable {
        case quotedFieldNeverClosed
        case quoteInsideUnquotedField
        case textAfterClosingQuote
        case fieldTooLarge(limit: Int)
        case tooManyFields(limit: Int)
        /// `offset` counts bytes from the start of the field's content.
        case invalidText(encoding: TextEncoding, offset: Int, byte: UInt8)
        case cannotOpen(path: String, reason: String)
        case readFailed(reason: String)

        // A spreadsheet's container and parts; the names are the parts' paths inside the file.

        /// A format recognised by its first bytes that cannot be read, e.g. a legacy `.xls` workbook.
        case unsupportedFileFormat(description: String)
        case notAnXLSXFile
        case truncatedArchive
        /// A ZIP feature spreadsheet programs do not write for ordinary workbooks: ZIP64, encryption, split archives.
        case unsupportedArchive(feature: String)
        case unsupportedCompression(entry: String, method: Int)
        case corruptEntry(name: String, reason: String)
        case missingPart(name: String)
        case malformedXML(part: String, line: Int, reason: String)
        /// The total the workbook unpacks to, in bytes, is over the limit.
        case archiveTooLarge(limit: Int)
        /// An entry unpacks to more than `limit` times its packed size, as only a crafted "zip bomb" does.
        case compressionRatioTooHigh(entry: String, limit: Int)
        case invalidCellReference(String)
        case sharedStringMissing(index: String)
    }

    public let problem: Problem
    /// The line on which the affected record starts, counting from 1; 0 when the file could not be opened.
    public let row: Int
    /// The field, counting from 1; 0 when the problem is not in one field.
    public let column: Int
    /// How ``description`` names the column: a number for CSV, letters for a spreadsheet.
    public let format: ListFormat

    public init(_ problem: Problem, row: Int, column: Int, format: ListFormat = .csv) {
        self.problem = problem
        self.row = row
        self.column = column
        self.format = format
    }

    /// A sentence for a person.
    public var message: String {
        switch problem {
        case .quotedFieldNeverClosed:
            "a quoted field is never closed"
        case .quoteInsideUnquotedField:
            "a quote in the middle of a field that does not start with one"
                + " (a field containing quotes must be quoted whole, each quote doubled)"
        case .textAfterClosingQuote:
            "text follows the closing quote of a quoted field (a quote inside a quoted field must be doubled)"
        case .fieldTooLarge(let limit):
            "the field is longer than the limit of \(limit) bytes"
        case .tooManyFields(let limit):
            "the row has more than the limit of \(limit) fields"
        case .invalidText(let encoding, let offset, let byte):
            "the field is not valid \(encoding): byte 0x\(hex(byte)) at byte \(offset + 1) of the field"
                + " (nothing was replaced; check the file's encoding)"
        case .cannotOpen(let path, let reason):
            "cannot open \(path): \(reason)"
        case .readFailed(let reason):
            "reading the file failed: \(reason)"
        case .unsupportedFileFormat(let description):
            "the file is \(description), which cannot be read; save it as .xlsx or CSV"
        case .notAnXLSXFile:
            "the file is named as an XLSX workbook but is not one (it is not a ZIP archive); save it again as .xlsx or CSV"
        case .truncatedArchive:
            "the XLSX file is cut short or damaged (its table of contents is missing or points past its end);"
                + " save or download it again"
        case .unsupportedArchive(let feature):
            "the XLSX file uses \(feature), which cannot be read; save it again from a spreadsheet program as a plain .xlsx"
        case .unsupportedCompression(let entry, let method):
            "the part \(entry) of the XLSX file is packed with compression method \(method);"
                + " only stored and deflate entries can be read"
        case .corruptEntry(let name, let reason):
            "the part \(name) of the XLSX file is damaged: \(reason)"
        case .missingPart(let name):
            "the XLSX file has no \(name), so it is not a workbook a spreadsheet program wrote"
        case .malformedXML(let part, let line, let reason):
            "the part \(part) of the XLSX file is not well-formed XML at its line \(line): \(reason)"
        case .archiveTooLarge(let limit):
            "the XLSX file unpacks to more than the limit of \(limit) bytes; split the list into smaller workbooks"
        case .compressionRatioTooHigh(let entry, let limit):
            "the part \(entry) of the XLSX file unpacks to more than \(limit) times its packed size,"
                + " which no spreadsheet program writes (a \"zip bomb\")"
        case .invalidCellReference(let reference):
            "\"\(reference)\" is not a cell of a spreadsheet (columns A to XFD, rows 1 to 1048576)"
        case .sharedStringMissing(let index):
            "the cell refers to shared text number \(index), which the workbook does not have"
        }
    }

    public var description: String {
        switch (row, column) {
        case (0, _): message
        case (_, 0): "row \(row): \(message)"
        default: "row \(row), column \(format.columnName(column - 1)): \(message)"
        }
    }
}

/// Why an output file (CSV, PFIF, a notification batch) could not be written.
public struct FileWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

public typealias CSVWriteError = FileWriteError

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
