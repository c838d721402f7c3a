/// The RFC 4180 grammar as a state machine that can stop at any byte and resume with the next chunk.
///
/// Chunks end anywhere: inside a quoted field, between a quote and its double, between CR and LF,
/// inside a multi-byte character. Keeping all state here, and decoding a field only once it is
/// complete, makes those boundaries invisible to the result.
struct CSVRecordParser {
    private enum State {
        /// Line ends here are empty lines, which hold no record.
        case betweenRecords
        case fieldStart
        case unquotedField
        case quotedField
        /// The quote just read either closes the field or is the first of a doubled quote.
        case quoteInQuotedField
    }

    let delimiter: UInt8
    let encoding: TextEncoding
    let maximumFieldSize: Int
    let maximumFieldsPerRow: Int

    private var state = State.betweenRecords
    /// The line of the next byte, counting from 1; CR LF, LF and a lone CR each end one line.
    private var line = 1
    private var recordLine = 1
    /// Carried between calls, so an LF that starts the next chunk after a CR is not counted as a second line end.
    private var lastConsumedByteWasCarriageReturn = false
    private var fields: [String] = []
    /// The content of a field that spans chunks or holds doubled quotes; other fields are decoded in place.
    private var fieldBytes: [UInt8] = []

    init(delimiter: UInt8, encoding: TextEncoding, maximumFieldSize: Int, maximumFieldsPerRow: Int) {
        self.delimiter = delimiter
        self.encoding = encoding
        self.maximumFieldSize = maximumFieldSize
        self.maximumFieldsPerRow = maximumFieldsPerRow
    }

    /// The row being read, for errors that are not about its content.
    var currentRow: Int { state == .betweenRecords ? line : recordLine }

    /// Consumes bytes from `start` until a record is complete or the bytes run out.
    ///
    /// Returns where to resume and the record, if one was completed.
    mutating func parse(
        _ bytes: UnsafeBufferPointer<UInt8>,
        from start: Int
    ) throws(CSVError) -> (resumeAt: Int, row: CSVRow?) {
        let quote = ASCII.quote
        let carriageReturn = ASCII.carriageReturn
        let lineFeed = ASCII.lineFeed
        let delimiter = self.delimiter
        let end = bytes.count
        var index = start
        defer {
            if index > start { lastConsumedByteWasCarriageReturn = bytes[index - 1] == carriageReturn }
        }

        while index < end {
            switch state {
            case .betweenRecords:
                let byte = bytes[index]
                if byte == lineFeed {
                    let endsCRLF = index > start ? bytes[index - 1] == carriageReturn : lastConsumedByteWasCarriageReturn
                    if !endsCRLF { line += 1 }
                    index += 1
                } else if byte == carriageReturn {
                    line += 1
                    index += 1
                } else {
                    recordLine = line
                    state = .fieldStart
                }

            case .fieldStart:
                if bytes[index] == quote {
                    state = .quotedField
                    index += 1
                } else {
                    state = .unquotedField
                }

            case .unquotedField:
                let segmentStart = index
                while index < end {
                    let byte = bytes[index]
                    if byte == delimiter { break }
                    if byte <= quote, byte == quote || byte == carriageReturn || byte == lineFeed { break }
                    index += 1
                }
                let segment = UnsafeBufferPointer(rebasing: bytes[segmentStart..<index])
                guard index < end else {
                    try appendToField(segment)
                    return (index, nil)
                }
                let terminator = bytes[index]
                if terminator == quote { throw error(.quoteInsideUnquotedField) }
                if fieldBytes.isEmpty {
                    guard segment.count <= maximumFieldSize else { throw error(.fieldTooLarge(limit: maximumFieldSize)) }
                    try finishField(segment)
                } else {
                    try appendToField(segment)
                    try finishFieldFromBytes()
                }
                index += 1
                if terminator == delimiter {
                    state = .fieldStart
                } else {
                    // A field byte or a delimiter precedes, never CR: this terminator always ends a line.
                    line += 1
                    return (index, completeRecord())
                }

            case .quotedField:
                let segmentStart = index
                while index < end {
                    let byte = bytes[index]
                    if byte > quote {
                        index += 1
                        continue
                    }
                    if byte == quote { break }
                    if byte == carriageReturn {
                        line += 1
                    } else if byte == lineFeed {
                        let endsCRLF = index > start ? bytes[index - 1] == carriageReturn : lastConsumedByteWasCarriageReturn
                        if !endsCRLF { line += 1 }
                    }
                    index += 1
                }
                try appendToField(UnsafeBufferPointer(rebasing: bytes[segmentStart..<index]))
                guard index < end else { return (index, nil) }
                index += 1
                state = .quoteInQuotedField

            case .quoteInQuotedField:
                let byte = bytes[index]
                if byte == quote {
                    try appendToField(UnsafeBufferPointer(rebasing: bytes[index..<index + 1]))
                    index += 1
                    state = .quotedField
                } else if byte == delimiter {
                    try finishFieldFromBytes()
                    index += 1
                    state = .fieldStart
                } else if byte == carriageReturn || byte == lineFeed {
                    try finishFieldFromBytes()
                    index += 1
                    line += 1
                    return (index, completeRecord())
                } else {
                    throw error(.textAfterClosingQuote)
                }
            }
        }
        return (index, nil)
    }

    /// The last record, when the input ends without a line end after it.
    mutating func finishAtEndOfInput() throws(CSVError) -> CSVRow? {
        switch state {
        case .betweenRecords:
            return nil
        case .quotedField:
            throw error(.quotedFieldNeverClosed)
        case .fieldStart, .unquotedField, .quoteInQuotedField:
            try finishFieldFromBytes()
            return completeRecord()
        }
    }

    private mutating func appendToField(_ segment: UnsafeBufferPointer<UInt8>) throws(CSVError) {
        guard fieldBytes.count + segment.count <= maximumFieldSize else {
            throw error(.fieldTooLarge(limit: maximumFieldSize))
        }
        fieldBytes.append(contentsOf: segment)
    }

    private mutating func finishFieldFromBytes() throws(CSVError) {
        let text = try fieldBytes.withUnsafeBufferPointer { content throws(CSVError) in try decodedField(content) }
        fieldBytes.removeAll(keepingCapacity: true)
        fields.append(text)
    }

    private mutating func finishField(_ content: UnsafeBufferPointer<UInt8>) throws(CSVError) {
        fields.append(try decodedField(content))
    }

    private func decodedField(_ content: UnsafeBufferPointer<UInt8>) throws(CSVError) -> String {
        guard fields.count < maximumFieldsPerRow else {
            throw error(.tooManyFields(limit: maximumFieldsPerRow))
        }
        guard let text = encoding.decode(content) else {
            let offset = encoding.offsetOfFirstInvalidByte(in: content) ?? 0
            throw error(.invalidText(encoding: encoding, offset: offset, byte: content[offset]))
        }
        return text
    }

    private mutating func completeRecord() -> CSVRow {
        let row = CSVRow(number: recordLine, fields: fields)
        fields = []
        fields.reserveCapacity(row.fields.count)
        state = .betweenRecords
        return row
    }

    private func error(_ problem: CSVError.Problem) -> CSVError {
        CSVError(problem, row: recordLine, column: fields.count + 1)
    }
}

/// Finds the first record's end and counts candidate delimiters outside quotes on the way.
///
/// Fed chunk by chunk, so a first line split across chunks is scanned once, not once per chunk.
struct FirstRecordScanner {
    private(set) var isComplete = false
    private var hasStarted = false
    private var isInsideQuotes = false
    private var counts: [CSVDelimiter: Int] = [:]

    mutating func scan(_ bytes: ArraySlice<UInt8>) {
        for byte in bytes {
            if isComplete { return }
            switch byte {
            case ASCII.carriageReturn, ASCII.lineFeed:
                if hasStarted && !isInsideQuotes { isComplete = true }
            case ASCII.quote:
                hasStarted = true
                isInsideQuotes.toggle()
            default:
                hasStarted = true
                guard !isInsideQuotes else { continue }
                for candidate in CSVDelimiter.allCases where candidate.byte == byte {
                    counts[candidate, default: 0] += 1
                }
            }
        }
    }

    /// The most frequent candidate; ties go to the earlier of comma, semicolon, tab, and a line
    /// without any (a single column) reads as comma-separated.
    var likelyDelimiter: CSVDelimiter {
        var best = CSVDelimiter.comma
        for candidate in CSVDelimiter.allCases where counts[candidate, default: 0] > counts[best, default: 0] {
            best = candidate
        }
        return best
    }
}
