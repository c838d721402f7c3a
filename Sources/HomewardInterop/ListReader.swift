import Foundation

/// The kinds of file a list arrives in.
public enum ListFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case csv
    case xlsx

    public var description: String { rawValue.uppercased() }

    /// The format the first bytes show: a ZIP archive is a workbook, anything else is read as text.
    ///
    /// The content decides, not the name: offices rename files, and a "list.csv" that is really a workbook
    /// should still be read. A name ending in `.xlsx` whose content is not a ZIP archive is an error, since
    /// reading it as CSV would report nonsense about its bytes.
    static func detect(firstBytes: some Collection<UInt8>, fileName: String?) throws(CSVError) -> ListFormat {
        let bytes = Array(firstBytes.prefix(8))
        if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) || bytes.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return .xlsx
        }
        if bytes.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            throw CSVError(
                .unsupportedFileFormat(description: "an older Excel workbook (.xls) or a password-protected one"),
                row: 0, column: 0, format: .xlsx)
        }
        if bytes.starts(with: Array("%PDF".utf8)) {
            throw CSVError(.unsupportedFileFormat(description: "a PDF document"), row: 0, column: 0)
        }
        let extensionName = fileName.map { URL(fileURLWithPath: $0).pathExtension.lowercased() } ?? ""
        if ["xlsx", "xlsm", "xltx", "xltm"].contains(extensionName) {
            throw CSVError(.notAnXLSXFile, row: 0, column: 0, format: .xlsx)
        }
        return .csv
    }

    /// How a person finds the column counting from 0: "C" in a spreadsheet, "3" in a CSV file.
    func columnName(_ index: Int) -> String {
        switch self {
        case .csv:
            return String(index + 1)
        case .xlsx:
            guard index >= 0 else { return String(index + 1) }
            var letters: [Character] = []
            var remaining = index + 1
            while remaining > 0 {
                let letter = (remaining - 1) % 26
                letters.append(Character(Unicode.Scalar(UInt8(65 + letter))))
                remaining = (remaining - 1) / 26
            }
            return String(letters.reversed())
        }
    }
}

public struct ListReadOptions: Sendable, Hashable {
    /// For CSV only; `nil` detects it from the start of the file (see ``TextEncoding/detect(_:isWholeInput:)``).
    public var encoding: TextEncoding?
    /// For CSV only; `nil` detects it from the first record.
    public var delimiter: CSVDelimiter?
    /// In bytes of text; a longer field or cell is an error, not a truncation.
    public var maximumFieldSize: Int

    public init(encoding: TextEncoding? = nil, delimiter: CSVDelimiter? = nil, maximumFieldSize: Int = 1 << 20) {
        self.encoding = encoding
        self.delimiter = delimiter
        self.maximumFieldSize = maximumFieldSize
    }
}

/// Reads a list as the importer receives it, CSV or XLSX, one row of text at a time.
///
/// The format is recognised from the content (see ``ListFormat``). CSV is streamed, so memory stays
/// bounded however many rows the file has; a workbook is held in memory (see ``XLSXReader``), which
/// spreadsheet programs' limit of 1,048,576 rows keeps within reason.
///
/// Rows whose every field is empty are skipped in both formats: spreadsheets export formatted but
/// empty rows as `;;;;`, and they hold nothing to import. Row numbers still count them, so an error
/// or a report names the row a person sees in the file.
///
/// ```swift
/// var reader = try ListReader(path: upload)
/// let header = try reader.readHeader()
/// while let row = try reader.nextRow() { … }
/// ```
public struct ListReader: ~Copyable, Sendable {
    public let format: ListFormat
    /// The encoding given or detected; `nil` for a workbook, whose parts are always Unicode.
    public let encoding: TextEncoding?
    /// The delimiter given or detected; `nil` for a workbook.
    public let delimiter: CSVDelimiter?
    private var csv: CSVReader?
    private var xlsx: XLSXReader?
    private var header: [String]?
    private var hasReadAnyRow = false

    public init(path: String, options: ListReadOptions = ListReadOptions()) throws(CSVError) {
        switch try ListFormat.detect(firstBytes: Self.firstBytes(path: path), fileName: path) {
        case .csv: self.init(csv: try CSVReader(path: path, options: Self.csvOptions(options)))
        case .xlsx: self.init(xlsx: try XLSXReader(path: path, options: Self.xlsxOptions(options)))
        }
    }

    /// Reads a list already in memory, such as an upload; `fileName` is the name it came with, if any.
    public init(bytes: [UInt8], fileName: String? = nil, options: ListReadOptions = ListReadOptions()) throws(CSVError) {
        switch try ListFormat.detect(firstBytes: bytes, fileName: fileName) {
        case .csv: self.init(csv: CSVReader(bytes: bytes, options: Self.csvOptions(options)))
        case .xlsx: self.init(xlsx: try XLSXReader(bytes: bytes, options: Self.xlsxOptions(options)))
        }
    }

    private init(csv reader: consuming CSVReader) {
        format = .csv
        encoding = reader.encoding
        delimiter = reader.delimiter
        csv = consume reader
        xlsx = nil
    }

    private init(xlsx reader: consuming XLSXReader) {
        format = .xlsx
        encoding = nil
        delimiter = nil
        csv = nil
        xlsx = consume reader
    }

    /// The first row with a value, read now if no row has been read yet; `nil` for a list without any.
    ///
    /// Calling it first makes ``nextRow()`` start with the data rows.
    public mutating func readHeader() throws(CSVError) -> [String]? {
        if !hasReadAnyRow { header = try nextRow()?.fields }
        return header
    }

    /// The next row with at least one non-empty field, or `nil` at the end of the list.
    ///
    /// ``CSVRow/number`` is the line of a CSV file or the row number of a spreadsheet.
    public mutating func nextRow() throws(CSVError) -> CSVRow? {
        while true {
            let row: CSVRow?
            if csv != nil {
                row = try csv?.nextRow() ?? nil
            } else {
                row = try xlsx?.nextRow() ?? nil
            }
            guard let row else {
                hasReadAnyRow = true
                return nil
            }
            if row.fields.allSatisfy(\.isEmpty) { continue }
            if !hasReadAnyRow {
                hasReadAnyRow = true
                header = row.fields
            }
            return row
        }
    }

    /// How a person finds the column counting from 0 in a list of `format`: "C" in a spreadsheet, "3" in CSV.
    public static func columnName(_ index: Int, format: ListFormat) -> String {
        format.columnName(index)
    }

    private static func csvOptions(_ options: ListReadOptions) -> CSVReader.Options {
        CSVReader.Options(delimiter: options.delimiter, encoding: options.encoding, maximumFieldSize: options.maximumFieldSize)
    }

    private static func xlsxOptions(_ options: ListReadOptions) -> XLSXReader.Options {
        XLSXReader.Options(maximumFieldSize: options.maximumFieldSize)
    }

    private static func firstBytes(path: String) throws(CSVError) -> [UInt8] {
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            return Array(try handle.read(upToCount: 8) ?? Data())
        } catch {
            throw CSVError(.cannotOpen(path: path, reason: (error as NSError).localizedDescription), row: 0, column: 0)
        }
    }
}
