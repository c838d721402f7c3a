import Foundation

/// Writes RFC 4180 CSV that ``CSVReader`` (and spreadsheets) read back exactly.
///
/// A field is quoted only when it must be: when it holds the delimiter, a quote or a line break,
/// or starts or ends with a space that a spreadsheet would trim. Lines end with LF.
///
/// Output to a file is collected in a buffer and written in large blocks, because the linkage
/// results run to tens of millions of rows. Call ``close()``: it writes what is left and is the
/// only place a failure of that last write can be reported.
public struct CSVWriter: ~Copyable, Sendable {
    public static let defaultBufferCapacity = 1 << 20

    public var path: String { output.path }
    public let delimiter: CSVDelimiter
    private var output: BufferedFileOutput

    /// Creates the file, or empties it if it exists.
    public init(
        path: String,
        delimiter: CSVDelimiter = .comma,
        bufferCapacity: Int = defaultBufferCapacity
    ) throws(CSVWriteError) {
        self.delimiter = delimiter
        output = try BufferedFileOutput(path: path, capacity: bufferCapacity)
    }

    /// Writes one record; a record has at least one field, because an empty line holds none.
    public mutating func writeRow(_ fields: [String]) throws(CSVWriteError) {
        let delimiter = delimiter.byte
        try output.append { Self.appendRow(fields, delimiter: delimiter, to: &$0) }
    }

    /// Writes what is buffered and closes the file; closing twice does nothing. Forgetting it
    /// does not lose the last rows, but only here can a failure of that last write be reported.
    public mutating func close() throws(CSVWriteError) {
        try output.close()
    }

    /// The CSV text of `rows`, for outputs small enough to hold in memory.
    public static func bytes(for rows: [[String]], delimiter: CSVDelimiter = .comma) -> [UInt8] {
        var output: [UInt8] = []
        for row in rows { appendRow(row, delimiter: delimiter.byte, to: &output) }
        return output
    }

    public static func text(for rows: [[String]], delimiter: CSVDelimiter = .comma) -> String {
        String(decoding: bytes(for: rows, delimiter: delimiter), as: UTF8.self)
    }

    static func appendRow(_ fields: [String], delimiter: UInt8, to output: inout [UInt8]) {
        precondition(!fields.isEmpty, "a CSV record has at least one field")
        if fields.count == 1 && fields[0].isEmpty {
            // Unquoted, this would be an empty line, which readers skip.
            output.append(contentsOf: [ASCII.quote, ASCII.quote, ASCII.lineFeed])
            return
        }
        for (index, field) in fields.enumerated() {
            if index > 0 { output.append(delimiter) }
            appendField(field, delimiter: delimiter, to: &output)
        }
        output.append(ASCII.lineFeed)
    }

    private static func appendField(_ field: String, delimiter: UInt8, to output: inout [UInt8]) {
        var field = field
        field.withUTF8 { bytes in
            guard needsQuotes(bytes, delimiter: delimiter) else {
                output.append(contentsOf: bytes)
                return
            }
            output.append(ASCII.quote)
            var segmentStart = 0
            for index in bytes.indices where bytes[index] == ASCII.quote {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart...index]))
                output.append(ASCII.quote)
                segmentStart = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart...]))
            output.append(ASCII.quote)
        }
    }

    private static func needsQuotes(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return false }
        if first == ASCII.space || last == ASCII.space { return true }
        // A leading byte order mark would be taken for the file's own and dropped by a reader.
        if bytes.starts(with: TextEncoding.utf8.byteOrderMark) { return true }
        return bytes.contains { byte in
            byte == delimiter || byte == ASCII.quote || byte == ASCII.carriageReturn || byte == ASCII.lineFeed
        }
    }
}
