/// Why a CSV input could not be read, and where.
///
/// A list is sent back to the office that made it with the error message, so the message names
/// the row and column a person can find in a text editor and says what is wrong in plain words.
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
    }

    public let problem: Problem
    /// The line on which the affected record starts, counting from 1; 0 when the file could not be opened.
    public let row: Int
    /// The field, counting from 1; 0 when the problem is not in one field.
    public let column: Int

    public init(_ problem: Problem, row: Int, column: Int) {
        self.problem = problem
        self.row = row
        self.column = column
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
        }
    }

    public var description: String {
        switch (row, column) {
        case (0, _): message
        case (_, 0): "row \(row): \(message)"
        default: "row \(row), column \(column): \(message)"
        }
    }
}

/// Why CSV output could not be written.
public struct CSVWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return digits.count == 1 ? "0" + digits : digits
}
