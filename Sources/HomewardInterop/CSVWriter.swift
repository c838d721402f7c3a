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

    public let path: String
    public let delimiter: CSVDelimiter
    private let bufferCapacity: Int
    /// `nil` once closed.
    private var file: FileHandle?
    private var pending: [UInt8] = []

    /// Creates the file, or empties it if it exists.
    public init(
        path: String,
        delimiter: CSVDelimiter = .comma,
        bufferCapacity: Int = defaultBufferCapacity
    ) throws(CSVWriteError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CSVWriteError(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.delimiter = delimiter
        self.bufferCapacity = max(bufferCapacity, 1)
        self.file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        pending.reserveCapacity(self.bufferCapacity)
    }

    /// Writes one record; a record has at least one field, because an empty line holds none.
    public mutating func writeRow(_ fields: [String]) throws(CSVWriteError) {
        precondition(file != nil, "writing to \(path) after closing it")
        Self.appendRow(fields, delimiter: delimiter.byte, to: &pending)
        if pending.count >= bufferCapacity { try flush() }
    }

    /// Writes what is buffered and closes the file; closing twice does nothing.
    public mutating func close() throws(CSVWriteError) {
        guard let handle = file else { return }
        defer { file = nil }
        try flush()
        do {
            try handle.close()
        } catch {
            throw CSVWriteError(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    private mutating func flush() throws(CSVWriteError) {
        guard let handle = file, !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw CSVWriteError(path: path, reason: (error as NSError).localizedDescription)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Forgetting ``close()`` should not lose the last rows; only ``close()`` can report a failure, though.
    deinit {
        if let file, !pending.isEmpty { try? file.write(contentsOf: pending) }
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
