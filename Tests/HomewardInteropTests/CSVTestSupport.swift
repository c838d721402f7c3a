import Foundation
import HomewardCore
import HomewardInterop

/// Every record left in `reader`.
func readAll(_ reader: inout CSVReader) throws(CSVError) -> [CSVRow] {
    var rows: [CSVRow] = []
    while let row = try reader.nextRow() { rows.append(row) }
    return rows
}

func rows(_ text: String, _ options: CSVReader.Options = .init()) throws(CSVError) -> [CSVRow] {
    var reader = CSVReader(text: text, options: options)
    return try readAll(&reader)
}

func fields(_ text: String, _ options: CSVReader.Options = .init()) throws(CSVError) -> [[String]] {
    try rows(text, options).map(\.fields)
}

/// The error reading `bytes` ends with, or `nil` if all of it reads.
func readingError(_ bytes: [UInt8], _ options: CSVReader.Options = .init()) -> CSVError? {
    var reader = CSVReader(bytes: bytes, options: options)
    do {
        _ = try readAll(&reader)
        return nil
    } catch {
        return error
    }
}

func readingError(_ text: String, _ options: CSVReader.Options = .init()) -> CSVError? {
    readingError(Array(text.utf8), options)
}

/// Either every record or the error, so the in-memory and the chunked file paths can be compared whole.
enum ReadOutcome: Equatable, CustomStringConvertible {
    case rows([CSVRow])
    case failed(CSVError)

    init(_ reader: inout CSVReader) {
        do {
            self = .rows(try readAll(&reader))
        } catch {
            self = .failed(error)
        }
    }

    var description: String {
        switch self {
        case .rows(let rows): rows.map { "\($0.number): \($0.fields)" }.joined(separator: "\n")
        case .failed(let error): error.description
        }
    }
}

/// A file in the temporary folder, removed when the test that made it ends.
final class TemporaryFile {
    let path: String

    init(_ bytes: [UInt8] = []) throws {
        path =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("homeward-csv-\(UUID().uuidString).csv").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    convenience init(text: String) throws { try self.init(Array(text.utf8)) }

    var bytes: [UInt8] { (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init) ?? [] }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
