import Foundation

/// One record of a CSV input.
public struct CSVRow: Hashable, Sendable {
    /// The line on which the record starts, counting from 1 (the header is usually 1).
    ///
    /// It is what a person looks for in a text editor when told "row 12". Empty lines are skipped but
    /// counted, and a record with quoted line breaks spans several lines, so numbers can jump.
    public let number: Int
    public let fields: [String]

    public init(number: Int, fields: [String]) {
        self.number = number
        self.fields = fields
    }
}

/// Reads RFC 4180 CSV one record at a time, from a file or from bytes in memory.
///
/// A file is read in fixed-size chunks, so memory stays bounded by the chunk size and the limits in
/// ``Options`` however large the file is. Nothing is repaired or guessed: a malformed record or
/// invalid text stops the reading with a ``CSVError`` that names the row and column.
///
/// ```swift
/// var reader = try CSVReader(path: "list.csv")
/// let header = try reader.readHeader()
/// while let row = try reader.nextRow() { … }
/// ```
///
/// The reader owns its position in the file; it cannot be copied, so two copies can never
/// interleave their reads.
public struct CSVReader: ~Copyable, Sendable {
    public struct Options: Sendable, Hashable {
        /// `nil` detects it from the first record: whichever of comma, semicolon and tab occurs most
        /// outside quotes (comma on a tie or when none occurs).
        public var delimiter: CSVDelimiter?
        /// `nil` detects it from the first ``TextEncoding/detectionSampleSize`` bytes with
        /// ``TextEncoding/detect(_:isWholeInput:)``; a later byte invalid in the detected encoding is still an error.
        public var encoding: TextEncoding?
        /// In bytes of encoded text; a larger field is an error, not a truncation.
        public var maximumFieldSize: Int
        public var maximumFieldsPerRow: Int

        public init(
            delimiter: CSVDelimiter? = nil,
            encoding: TextEncoding? = .utf8,
            maximumFieldSize: Int = 1 << 20,
            maximumFieldsPerRow: Int = 1_000
        ) {
            self.delimiter = delimiter
            self.encoding = encoding
            self.maximumFieldSize = maximumFieldSize
            self.maximumFieldsPerRow = maximumFieldsPerRow
        }
    }

    public static let defaultChunkSize = 64 << 10

    /// How far delimiter detection looks for the end of the first record before deciding on what it has.
    static let firstRecordScanLimit = 1 << 20

    /// The delimiter given in the options or detected from the first record.
    public let delimiter: CSVDelimiter
    /// The encoding given in the options or detected from the start of the input.
    public let encoding: TextEncoding
    public let options: Options
    private let chunkSize: Int
    /// `nil` once the end of the file is reached, which also closes it.
    private var file: FileHandle?
    private var buffer: [UInt8]
    private var position: Int
    private var parser: CSVRecordParser
    private var firstRow: CSVRow?
    private var hasReadAnyRow = false
    /// After an error the position in the grammar is lost, so every later call reports the same error.
    private var failure: CSVError?

    /// Opens a file for reading; `chunkSize` is adjustable so tests can force chunk boundaries everywhere.
    public init(path: String, options: Options = Options(), chunkSize: Int = defaultChunkSize) throws(CSVError) {
        precondition(chunkSize > 0, "a chunk holds at least one byte")
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        } catch {
            throw CSVError(.cannotOpen(path: path, reason: Self.reason(error)), row: 0, column: 0)
        }
        try self.init(file: handle, bytes: [], options: options, chunkSize: chunkSize)
    }

    public init(bytes: [UInt8], options: Options = Options()) {
        // Without a file nothing can fail before parsing starts.
        try! self.init(file: nil, bytes: bytes, options: options, chunkSize: Self.defaultChunkSize)
    }

    public init(text: String, options: Options = Options()) {
        self.init(bytes: Array(text.utf8), options: options)
    }

    private init(file: FileHandle?, bytes: [UInt8], options: Options, chunkSize: Int) throws(CSVError) {
        var file = file
        var bytes = bytes
        let encoding: TextEncoding
        if let chosen = options.encoding {
            encoding = chosen
        } else {
            while file != nil && bytes.count < TextEncoding.detectionSampleSize {
                try Self.readChunk(from: &file, into: &bytes, size: chunkSize, row: 1)
            }
            let isWholeInput = file == nil && bytes.count <= TextEncoding.detectionSampleSize
            encoding = TextEncoding.detect(bytes.prefix(TextEncoding.detectionSampleSize), isWholeInput: isWholeInput)
        }
        let byteOrderMark = encoding.byteOrderMark
        while file != nil && bytes.count < byteOrderMark.count {
            try Self.readChunk(from: &file, into: &bytes, size: chunkSize, row: 1)
        }
        let contentStart = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0

        var scanner = FirstRecordScanner()
        if options.delimiter == nil {
            let scanEnd = contentStart + Self.firstRecordScanLimit
            var scanned = contentStart
            while true {
                scanner.scan(bytes[scanned..<min(bytes.count, scanEnd)])
                scanned = bytes.count
                guard file != nil, !scanner.isComplete, scanned < scanEnd else { break }
                try Self.readChunk(from: &file, into: &bytes, size: chunkSize, row: 1)
            }
        }

        self.delimiter = options.delimiter ?? scanner.likelyDelimiter
        self.encoding = encoding
        self.options = options
        self.chunkSize = chunkSize
        self.file = file
        self.buffer = bytes
        self.position = contentStart
        self.parser = CSVRecordParser(
            delimiter: delimiter.byte,
            encoding: encoding,
            maximumFieldSize: options.maximumFieldSize,
            maximumFieldsPerRow: options.maximumFieldsPerRow
        )
    }

    /// The next record, or `nil` at the end of the input.
    public mutating func nextRow() throws(CSVError) -> CSVRow? {
        if let failure { throw failure }
        do {
            let row = try readRow()
            if !hasReadAnyRow {
                hasReadAnyRow = true
                firstRow = row
            }
            return row
        } catch {
            failure = error
            throw error
        }
    }

    /// The first record's fields, read now if no record has been read yet; `nil` for an input without records.
    ///
    /// Calling it first makes ``nextRow()`` start with the data rows.
    public mutating func readHeader() throws(CSVError) -> [String]? {
        if !hasReadAnyRow { _ = try nextRow() }
        return firstRow?.fields
    }

    private mutating func readRow() throws(CSVError) -> CSVRow? {
        while true {
            if position == buffer.count {
                if file == nil { return try parser.finishAtEndOfInput() }
                buffer.removeAll(keepingCapacity: true)
                position = 0
                try Self.readChunk(from: &file, into: &buffer, size: chunkSize, row: parser.currentRow)
                continue
            }
            let bytes = buffer
            let start = position
            let (resumeAt, row) = try bytes.withUnsafeBufferPointer { bytes throws(CSVError) in
                try parser.parse(bytes, from: start)
            }
            position = resumeAt
            if let row { return row }
        }
    }

    /// Appends up to `size` bytes; at the end of the file, closes it by dropping the handle.
    private static func readChunk(
        from file: inout FileHandle?,
        into bytes: inout [UInt8],
        size: Int,
        row: Int
    ) throws(CSVError) {
        guard let handle = file else { return }
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: size)
        } catch {
            throw CSVError(.readFailed(reason: reason(error)), row: row, column: 0)
        }
        if let chunk, !chunk.isEmpty {
            bytes.append(contentsOf: chunk)
        } else {
            try? handle.close()
            file = nil
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
