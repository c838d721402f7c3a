import Foundation

/// Why an export file could not be written.
public struct ExportWriteError: Error, Hashable, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}

/// A file written in large blocks: what is appended is collected and written once the buffer fills.
///
/// Only ``close()`` writes the rest and reports a failure of that last write; a writer dropped
/// without closing writes what it holds but cannot say whether that worked.
struct ExportFileOutput: ~Copyable, Sendable {
    let path: String
    private let capacity: Int
    /// `nil` once closed.
    private var file: FileHandle?
    private var pending: [UInt8] = []

    /// Creates the file, or empties it if it exists.
    init(path: String, capacity: Int) throws(ExportWriteError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ExportWriteError(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        self.capacity = max(capacity, 1)
        self.file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        pending.reserveCapacity(self.capacity)
    }

    var isOpen: Bool { file != nil }

    mutating func append(_ text: String) throws(ExportWriteError) {
        precondition(file != nil, "writing to \(path) after closing it")
        pending.append(contentsOf: text.utf8)
        if pending.count >= capacity { try flush() }
    }

    mutating func close() throws(ExportWriteError) {
        guard let handle = file else { return }
        defer { file = nil }
        try flush()
        do {
            try handle.close()
        } catch {
            throw ExportWriteError(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    private mutating func flush() throws(ExportWriteError) {
        guard let handle = file, !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw ExportWriteError(path: path, reason: (error as NSError).localizedDescription)
        }
        pending.removeAll(keepingCapacity: true)
    }

    deinit {
        if let file, !pending.isEmpty { try? file.write(contentsOf: pending) }
    }
}
