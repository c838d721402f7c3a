import Foundation

/// Reads the first worksheet of an XLSX (Office Open XML) workbook one row at a time, as text.
///
/// Offices keep their lists in spreadsheets; reading the workbook itself spares them a CSV export
/// that may change the encoding, drop leading zeros or split a cell at a comma. Every cell is read
/// as the text the file stores: a number stays as written (`1.0`, or `33116` for a date, since the
/// format that shows it as a date is not the cell's content), a boolean is `TRUE` or `FALSE`, an
/// error value such as `#N/A` stays as it is, and a formula gives its last computed value.
///
/// The workbook is held in memory: the sheet's XML, unpacked, and its shared texts, within
/// ``Options/maximumUnpackedSize``. Rows are parsed from that XML only as they are asked for.
/// Spreadsheet programs stop at 1,048,576 rows, so a sheet is at most a few hundred MB of XML.
///
/// Nothing is repaired: a damaged archive, a malformed part or an over-long cell stops the reading
/// with a ``CSVError`` whose ``CSVError/format`` is ``ListFormat/xlsx``, naming the row and the column
/// letter where it can.
public struct XLSXReader: ~Copyable, Sendable {
    public struct Options: Sendable, Hashable {
        /// In bytes of UTF-8 text; a longer cell is an error, as in CSV.
        public var maximumFieldSize: Int
        /// The most the workbook file may hold, and the most its parts may unpack to altogether.
        public var maximumUnpackedSize: Int

        public init(maximumFieldSize: Int = 1 << 20, maximumUnpackedSize: Int = 512 << 20) {
            self.maximumFieldSize = maximumFieldSize
            self.maximumUnpackedSize = maximumUnpackedSize
        }
    }

    /// Column XFD, the last a spreadsheet has.
    public static let maximumColumns = 16_384
    public static let maximumRows = 1_048_576

    /// The name of the sheet's tab, when the workbook names it.
    public let sheetName: String?
    private var rows: SheetRows

    public init(path: String, options: Options = Options()) throws(CSVError) {
        try self.init(bytes: readWholeFile(path: path, limit: options.maximumUnpackedSize), options: options)
    }

    public init(bytes: [UInt8], options: Options = Options()) throws(CSVError) {
        var archive = try ZIPArchive(bytes: bytes, maximumUnpackedSize: options.maximumUnpackedSize)
        let workbook = try Self.locateFirstWorksheet(in: &archive)
        var sharedStrings: [String] = []
        if let path = workbook.sharedStringsPath, let xml = try archive.contents(of: path) {
            sharedStrings = try Self.readSharedStrings(XMLScanner(bytes: xml, part: path))
        }
        guard let sheetXML = try archive.contents(of: workbook.sheetPath) else {
            throw XLSXError.make(.missingPart(name: workbook.sheetPath))
        }
        let sheet = try XMLScanner(bytes: sheetXML, part: workbook.sheetPath)
        sheetName = workbook.sheetName
        rows = SheetRows(xml: sheet, sharedStrings: sharedStrings, maximumFieldSize: options.maximumFieldSize)
    }

    /// The next row that holds a value, or `nil` after the last.
    ///
    /// ``CSVRow/number`` is the spreadsheet's own row number, so rows without values make it jump.
    /// The fields run from column A to the last cell with a value; cells without one are "".
    public mutating func nextRow() throws(CSVError) -> CSVRow? {
        try rows.next()
    }

    // MARK: - Finding the sheet

    private struct WorkbookLayout {
        var sheetPath: String
        var sheetName: String?
        var sharedStringsPath: String?
    }

    private struct Relationship {
        var type: String
        var target: String
    }

    /// Follows the package's relationships: the package names the workbook, the workbook lists its sheets
    /// in tab order and names each sheet's part. Falls back to the usual part names when a file leaves
    /// a relationship out.
    private static func locateFirstWorksheet(in archive: inout ZIPArchive) throws(CSVError) -> WorkbookLayout {
        let packageRelationships = try relationships(of: "", in: &archive)
        let workbookPath =
            packageRelationships.values.first { $0.type.hasSuffix("/officeDocument") }?.target ?? "xl/workbook.xml"
        guard let workbookXML = try archive.contents(of: workbookPath) else {
            if archive.contains("content.xml") {
                throw XLSXError.make(.unsupportedFileFormat(description: "an OpenDocument spreadsheet (.ods)"))
            }
            if archive.contains("word/document.xml") {
                throw XLSXError.make(.unsupportedFileFormat(description: "a Word document"))
            }
            if archive.contains("xl/worksheets/sheet1.xml") {
                return WorkbookLayout(sheetPath: "xl/worksheets/sheet1.xml", sharedStringsPath: "xl/sharedStrings.xml")
            }
            throw XLSXError.make(.missingPart(name: workbookPath))
        }
        let sheets = try sheetsInTabOrder(XMLScanner(bytes: workbookXML, part: workbookPath))
        let workbookRelationships = try relationships(of: workbookPath, in: &archive)
        let sharedStringsPath =
            workbookRelationships.values.first { $0.type.hasSuffix("/sharedStrings") }?.target
            ?? resolve("sharedStrings.xml", relativeTo: workbookPath)
        for sheet in sheets {
            if let relationship = workbookRelationships[sheet.relationshipID], relationship.type.hasSuffix("/worksheet") {
                return WorkbookLayout(sheetPath: relationship.target, sheetName: sheet.name, sharedStringsPath: sharedStringsPath)
            }
        }
        return WorkbookLayout(
            sheetPath: resolve("worksheets/sheet1.xml", relativeTo: workbookPath), sheetName: sheets.first?.name,
            sharedStringsPath: sharedStringsPath)
    }

    /// The `<sheet name="…" r:id="…"/>` elements of `workbook.xml`.
    private static func sheetsInTabOrder(_ xml: XMLScanner) throws(CSVError) -> [(name: String?, relationshipID: String)] {
        var xml = xml
        var sheets: [(name: String?, relationshipID: String)] = []
        while true {
            switch try xml.next() {
            case .startTag where xml.nameIs("sheet"):
                guard let id = xml.attribute(localName: "id") else { continue }
                var name: String?
                if let nameRange = xml.attribute("name") { name = try xml.decoded(nameRange) }
                sheets.append((name, try xml.decoded(id)))
            case .endOfDocument:
                return sheets
            case .startTag, .endTag, .text:
                continue
            }
        }
    }

    /// The relationships of the part at `source` ("" for the package), by id, with targets resolved to part names.
    private static func relationships(of source: String, in archive: inout ZIPArchive) throws(CSVError) -> [String: Relationship]
    {
        let folder = source.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let fileName = source.split(separator: "/").last.map(String.init) ?? ""
        let path = (folder.isEmpty ? "" : folder + "/") + "_rels/" + fileName + ".rels"
        guard let bytes = try archive.contents(of: path) else { return [:] }
        var xml = try XMLScanner(bytes: bytes, part: path)
        var relationships: [String: Relationship] = [:]
        while true {
            switch try xml.next() {
            case .startTag where xml.nameIs("Relationship"):
                guard let id = xml.attribute("Id"), let type = xml.attribute("Type"), let target = xml.attribute("Target")
                else { continue }
                if let mode = xml.attribute("TargetMode"), try xml.decoded(mode) == "External" { continue }
                let key = try xml.decoded(id)
                if relationships[key] == nil {
                    relationships[key] = Relationship(
                        type: try xml.decoded(type), target: resolve(try xml.decoded(target), relativeTo: source))
                }
            case .endOfDocument:
                return relationships
            case .startTag, .endTag, .text:
                continue
            }
        }
    }

    /// A relationship's target as a part name: relative to the source part's folder, or to the root with "/".
    static func resolve(_ target: String, relativeTo source: String) -> String {
        var segments: [Substring] =
            target.hasPrefix("/") ? [] : Array(source.split(separator: "/", omittingEmptySubsequences: false).dropLast())
        for segment in target.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return segments.filter { !$0.isEmpty }.joined(separator: "/")
    }

    /// The `<si>` items of `sharedStrings.xml`, which cells of type `s` refer to by position.
    private static func readSharedStrings(_ xml: XMLScanner) throws(CSVError) -> [String] {
        var xml = xml
        var strings: [String] = []
        var text: [UInt8] = []
        while true {
            switch try xml.next() {
            case .startTag where xml.nameIs("si"):
                text.removeAll(keepingCapacity: true)
                try readRichText(&xml, into: &text)
                strings.append(try xml.string(fromUTF8: unescapingControlCharacters(text)))
            case .endOfDocument:
                return strings
            case .startTag, .endTag, .text:
                continue
            }
        }
    }

    // MARK: - Text of elements

    /// The text of the rich-text element just opened (`si` or `is`): its `t` children and those of its
    /// formatting runs `r`, without the phonetic guides `rPh` that Japanese workbooks add.
    static func readRichText(_ xml: inout XMLScanner, into output: inout [UInt8]) throws(CSVError) {
        let depth = xml.depth
        while true {
            switch try xml.next() {
            case .startTag where xml.nameIs("rPh"):
                try xml.skipElement()
            case .startTag where xml.nameIs("t"):
                try readText(&xml, into: &output)
            case .endTag where xml.depth < depth, .endOfDocument:
                return
            case .startTag, .endTag, .text:
                continue
            }
        }
    }

    /// The character data of the element just opened, such as `t` or `v`, which holds no markup.
    ///
    /// Whitespace is kept whatever `xml:space` says: spreadsheet programs write `preserve` where it
    /// matters, and trimming names is the importer's decision, not the reader's.
    static func readText(_ xml: inout XMLScanner, into output: inout [UInt8]) throws(CSVError) {
        let depth = xml.depth
        while true {
            switch try xml.next() {
            case .text:
                try xml.appendDecoded(xml.text, isCharacterData: xml.textIsCharacterData, to: &output)
            case .startTag:
                try xml.skipElement()
            case .endTag where xml.depth < depth, .endOfDocument:
                return
            case .endTag:
                continue
            }
        }
    }

    /// Replaces the `_xHHHH_` escapes Office writes for characters XML cannot hold, such as a carriage return.
    static func unescapingControlCharacters(_ bytes: [UInt8]) -> [UInt8] {
        let underscore: UInt8 = 0x5F
        guard bytes.contains(underscore) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == underscore, index + 6 < bytes.count, bytes[index + 1] == 0x78, bytes[index + 6] == underscore,
                bytes[index + 2..<index + 6].allSatisfy({ $0.isHexadecimalDigit }),
                let value = UInt32(String(decoding: bytes[index + 2..<index + 6], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                if let encoded = UTF8.encode(scalar) { output.append(contentsOf: encoded) }
                index += 7
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}

/// The rows of a worksheet's `<sheetData>`, parsed as they are asked for.
private struct SheetRows: Sendable {
    var xml: XMLScanner
    let sharedStrings: [String]
    let maximumFieldSize: Int
    private var sheetDataDepth: Int?
    private var isFinished = false
    private var lastRowNumber = 0

    init(xml: XMLScanner, sharedStrings: [String], maximumFieldSize: Int) {
        self.xml = xml
        self.sharedStrings = sharedStrings
        self.maximumFieldSize = maximumFieldSize
    }

    mutating func next() throws(CSVError) -> CSVRow? {
        while !isFinished {
            switch try xml.next() {
            case .startTag:
                guard sheetDataDepth != nil else {
                    if xml.nameIs("sheetData") { sheetDataDepth = xml.depth }
                    continue
                }
                if xml.nameIs("row") {
                    if let row = try readRow() { return row }
                } else {
                    try xml.skipElement()
                }
            case .endTag:
                if let sheetDataDepth, xml.depth < sheetDataDepth { isFinished = true }
            case .text:
                continue
            case .endOfDocument:
                isFinished = true
            }
        }
        return nil
    }

    /// Reads the `<row>` just opened; `nil` when none of its cells holds a value.
    private mutating func readRow() throws(CSVError) -> CSVRow? {
        let rowNumber: Int
        if let reference = xml.attribute("r") {
            guard let number = Self.rowNumber(xml.bytes[reference]) else {
                throw XLSXError.make(.invalidCellReference(try xml.decoded(reference)), row: lastRowNumber + 1)
            }
            rowNumber = number
        } else {
            rowNumber = lastRowNumber + 1
            guard rowNumber <= XLSXReader.maximumRows else {
                throw XLSXError.make(.invalidCellReference("row \(rowNumber)"), row: rowNumber)
            }
        }
        lastRowNumber = rowNumber
        xml.row = rowNumber

        var fields: [String] = []
        var nextColumn = 0
        let rowDepth = xml.depth
        while true {
            switch try xml.next() {
            case .startTag where xml.nameIs("c"):
                let column: Int
                if let reference = xml.attribute("r") {
                    guard let index = Self.columnIndex(xml.bytes[reference]) else {
                        throw XLSXError.make(.invalidCellReference(try xml.decoded(reference)), row: rowNumber)
                    }
                    column = index
                } else {
                    column = nextColumn
                    guard column < XLSXReader.maximumColumns else {
                        throw XLSXError.make(.tooManyFields(limit: XLSXReader.maximumColumns), row: rowNumber)
                    }
                }
                let value = try readCell(column: column)
                if !value.isEmpty {
                    if fields.count <= column { fields.append(contentsOf: repeatElement("", count: column + 1 - fields.count)) }
                    fields[column] = value
                }
                nextColumn = column + 1
            case .startTag:
                try xml.skipElement()
            case .endTag where xml.depth < rowDepth, .endOfDocument:
                return fields.isEmpty ? nil : CSVRow(number: rowNumber, fields: fields)
            case .endTag, .text:
                continue
            }
        }
    }

    /// Reads the `<c>` just opened: its value `<v>` or inline string `<is>`, read by its type `t`.
    private mutating func readCell(column: Int) throws(CSVError) -> String {
        let type = CellType(xml.attribute("t").map { xml.bytes[$0] })
        var value: [UInt8]?
        var inlineText: [UInt8]?
        let cellDepth = xml.depth
        reading: while true {
            switch try xml.next() {
            case .startTag where xml.nameIs("v"):
                var text: [UInt8] = []
                try XLSXReader.readText(&xml, into: &text)
                value = text
            case .startTag where xml.nameIs("is"):
                var text: [UInt8] = []
                try XLSXReader.readRichText(&xml, into: &text)
                inlineText = text
            case .startTag:
                try xml.skipElement()
            case .endTag where xml.depth < cellDepth, .endOfDocument:
                break reading
            case .endTag, .text:
                continue
            }
        }

        let text: String
        switch type {
        case .sharedString:
            guard let value else { return "" }
            let indexText = Self.trimmingWhitespace(value)
            guard indexText.count <= 10, let index = Int(String(decoding: indexText, as: UTF8.self)), index >= 0,
                index < sharedStrings.count
            else {
                throw error(.sharedStringMissing(index: String(decoding: indexText.prefix(20), as: UTF8.self)), column: column)
            }
            text = sharedStrings[index]
        case .inlineString, .formulaString:
            guard let bytes = inlineText ?? value else { return "" }
            try checkSize(bytes.count, column: column)
            text = try xml.string(fromUTF8: XLSXReader.unescapingControlCharacters(bytes))
        case .boolean:
            let bytes = value.map(Self.trimmingWhitespace) ?? []
            text = bytes == [0x31] ? "TRUE" : bytes == [0x30] ? "FALSE" : String(decoding: bytes, as: UTF8.self)
        case .asWritten:
            // Numbers ("n" or no type), errors ("e") and ISO dates ("d") stay exactly as written.
            guard let value else { return "" }
            let bytes = Self.trimmingWhitespace(value)
            try checkSize(bytes.count, column: column)
            text = try xml.string(fromUTF8: Array(bytes))
        }
        try checkSize(text.utf8.count, column: column)
        return text
    }

    private func checkSize(_ size: Int, column: Int) throws(CSVError) {
        guard size <= maximumFieldSize else { throw error(.fieldTooLarge(limit: maximumFieldSize), column: column) }
    }

    private func error(_ problem: CSVError.Problem, column: Int) -> CSVError {
        CSVError(problem, row: xml.row, column: column + 1, format: .xlsx)
    }

    private static func trimmingWhitespace(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        var slice = bytes[...]
        while let first = slice.first, XMLScanner.isWhitespace(first) { slice = slice.dropFirst() }
        while let last = slice.last, XMLScanner.isWhitespace(last) { slice = slice.dropLast() }
        return slice
    }

    /// The row of an `r` attribute of a row: 1 to 1,048,576.
    static func rowNumber(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 7 else { return nil }
        var number = 0
        for digit in digits {
            guard (0x30...0x39).contains(digit) else { return nil }
            number = number * 10 + Int(digit - 0x30)
        }
        return (1...XLSXReader.maximumRows).contains(number) ? number : nil
    }

    /// The column, counting from 0, of a cell reference such as `C12`: letters A to XFD, then a valid row.
    static func columnIndex(_ reference: ArraySlice<UInt8>) -> Int? {
        var column = 0
        var letters = 0
        for byte in reference {
            let letter: Int
            switch byte {
            case 0x41...0x5A: letter = Int(byte - 0x41)
            case 0x61...0x7A: letter = Int(byte - 0x61)
            default: letter = -1
            }
            guard letter >= 0 else { break }
            guard letters < 3 else { return nil }
            column = column * 26 + letter + 1
            letters += 1
        }
        guard letters > 0, column <= XLSXReader.maximumColumns, rowNumber(reference.dropFirst(letters)) != nil else {
            return nil
        }
        return column - 1
    }
}

/// How a cell's `t` attribute says to read its value.
private enum CellType {
    case sharedString, inlineString, formulaString, boolean, asWritten

    init(_ attribute: ArraySlice<UInt8>?) {
        guard let attribute else {
            self = .asWritten
            return
        }
        switch String(decoding: attribute, as: UTF8.self) {
        case "s": self = .sharedString
        case "inlineStr": self = .inlineString
        case "str": self = .formulaString
        case "b": self = .boolean
        default: self = .asWritten
        }
    }
}

extension UInt8 {
    fileprivate var isHexadecimalDigit: Bool {
        (0x30...0x39).contains(self) || (0x41...0x46).contains(self) || (0x61...0x66).contains(self)
    }
}

/// Errors of the workbook as a whole, which no row or column can point to.
enum XLSXError {
    static func make(_ problem: CSVError.Problem, row: Int = 0) -> CSVError {
        CSVError(problem, row: row, column: 0, format: .xlsx)
    }
}

/// The whole of a file, refused before reading when it is larger than `limit`.
func readWholeFile(path: String, limit: Int) throws(CSVError) -> [UInt8] {
    let handle: FileHandle
    do {
        handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
        throw CSVError(.cannotOpen(path: path, reason: (error as NSError).localizedDescription), row: 0, column: 0)
    }
    defer { try? handle.close() }
    do {
        let size = try handle.seekToEnd()
        guard size <= UInt64(max(0, limit)) else {
            throw CSVError(.archiveTooLarge(limit: limit), row: 0, column: 0, format: .xlsx)
        }
        try handle.seek(toOffset: 0)
        return Array(try handle.readToEnd() ?? Data())
    } catch let error as CSVError {
        throw error
    } catch {
        throw CSVError(.readFailed(reason: (error as NSError).localizedDescription), row: 0, column: 0)
    }
}
