import CZlib
import Foundation
import HomewardInterop

/// A minimal ZIP writer, so tests build exactly the archives they need, damaged ones included.
struct TestZIPEntry {
    enum Method { case stored, deflated }

    var name: String
    var content: [UInt8]
    var method = Method.deflated
    /// Replaces the compression method the headers declare, to test methods the reader refuses.
    var declaredMethod: UInt16?
    /// Replaces the unpacked size the directory declares.
    var declaredSize: UInt32?
    /// Replaces the CRC-32 the directory declares.
    var declaredCRC: UInt32?
    var flags: UInt16 = 0

    init(_ name: String, _ content: [UInt8], method: Method = .deflated) {
        self.name = name
        self.content = content
        self.method = method
    }

    init(_ name: String, _ text: String, method: Method = .deflated) {
        self.init(name, Array(text.utf8), method: method)
    }
}

enum TestZIP {
    static func archive(_ entries: [TestZIPEntry]) -> [UInt8] {
        var output: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let packed = entry.method == .stored ? entry.content : deflate(entry.content)
            let method = entry.declaredMethod ?? (entry.method == .stored ? 0 : 8)
            let crc = entry.declaredCRC ?? crc32(entry.content)
            let size = entry.declaredSize ?? UInt32(entry.content.count)
            let name = Array(entry.name.utf8)
            let offset = UInt32(output.count)

            output += le32(0x0403_4B50) + le16(20) + le16(entry.flags) + le16(method) + le16(0) + le16(0x21)
            output += le32(crc) + le32(UInt32(packed.count)) + le32(size) + le16(UInt16(name.count)) + le16(0)
            output += name + packed

            directory += le32(0x0201_4B50) + le16(20) + le16(20) + le16(entry.flags) + le16(method) + le16(0) + le16(0x21)
            directory += le32(crc) + le32(UInt32(packed.count)) + le32(size) + le16(UInt16(name.count))
            directory += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
        let directoryOffset = UInt32(output.count)
        output += directory
        output += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        output += le32(UInt32(directory.count)) + le32(directoryOffset) + le16(0)
        return output
    }

    /// Raw deflate, as ZIP stores it.
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard
            deflateInit2_(
                &stream, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
                == Z_OK
        else { fatalError("deflateInit2_ failed") }
        defer { deflateEnd(&stream) }
        var input = bytes
        let capacity = Int(deflateBound(&stream, uLong(bytes.count)))
        var output = [UInt8](repeating: 0, count: capacity)
        let produced = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                let status = CZlib.deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish")
                return output.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(truncatingIfNeeded: CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }

    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}

/// A workbook as spreadsheet programs lay it out: package and workbook relationships, a sheet, shared strings.
struct TestWorkbook {
    /// The inside of `<sheetData>`.
    var sheetData: String
    /// The `<si>` items; `nil` leaves the shared-strings part out.
    var sharedStrings: [String]? = nil
    var sheetName = "Список"
    var method = TestZIPEntry.Method.deflated

    init(sheetData: String, sharedStrings: [String]? = nil) {
        self.sheetData = sheetData
        self.sharedStrings = sharedStrings
    }

    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    var entries: [TestZIPEntry] {
        var entries = [
            TestZIPEntry(
                "[Content_Types].xml",
                Self.declaration
                    + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>", method: method),
            TestZIPEntry(
                "_rels/.rels",
                Self.declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"\(Self.relationshipNamespace)/officeDocument\" Target=\"xl/workbook.xml\"/>"
                    + "</Relationships>", method: method),
            TestZIPEntry(
                "xl/workbook.xml",
                Self.declaration + "<workbook xmlns=\"\(Self.mainNamespace)\" xmlns:r=\"\(Self.relationshipNamespace)\">"
                    + "<sheets><sheet name=\"\(sheetName)\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", method: method),
            TestZIPEntry(
                "xl/_rels/workbook.xml.rels",
                Self.declaration + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"\(Self.relationshipNamespace)/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                    + "<Relationship Id=\"rId2\" Type=\"\(Self.relationshipNamespace)/sharedStrings\" Target=\"sharedStrings.xml\"/>"
                    + "</Relationships>", method: method),
            TestZIPEntry(
                "xl/worksheets/sheet1.xml",
                Self.declaration + "<worksheet xmlns=\"\(Self.mainNamespace)\"><dimension ref=\"A1\"/>\n<sheetData>"
                    + sheetData + "</sheetData>\n<pageMargins left=\"0.7\"/></worksheet>", method: method),
        ]
        if let sharedStrings {
            entries.append(
                TestZIPEntry(
                    "xl/sharedStrings.xml",
                    Self.declaration + "<sst xmlns=\"\(Self.mainNamespace)\" count=\"\(sharedStrings.count)\">\n"
                        + sharedStrings.map { "<si>\($0)</si>" }.joined(separator: "\n") + "</sst>", method: method))
        }
        return entries
    }

    var bytes: [UInt8] { TestZIP.archive(entries) }
}

/// Every row of a workbook, or the error reading it ends with.
func readWorkbook(_ bytes: [UInt8], options: XLSXReader.Options = .init()) -> Result<[CSVRow], CSVError> {
    do {
        var reader = try XLSXReader(bytes: bytes, options: options)
        var rows: [CSVRow] = []
        while let row = try reader.nextRow() { rows.append(row) }
        return .success(rows)
    } catch {
        return .failure(error)
    }
}

/// Every row a list reader gives after the header, or the error it ends with.
func readList(_ bytes: [UInt8], fileName: String? = nil, options: ListReadOptions = .init()) -> Result<[CSVRow], CSVError> {
    do {
        var reader = try ListReader(bytes: bytes, fileName: fileName, options: options)
        var rows: [CSVRow] = []
        while let row = try reader.nextRow() { rows.append(row) }
        return .success(rows)
    } catch {
        return .failure(error)
    }
}

extension Result {
    var error: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }

    var value: Success? { try? get() }
}
