import Foundation

public typealias ExportWriteError = FileWriteError

/// A file written in large blocks: what is appended is collected and written once the buffer fills.
///
/// Only ``close()`` writes the rest and reports a failure of that last write; an output dropped
/// without closing writes what it holds but cannot say whether that worked.
struct BufferedFileOutput: ~Copyable, Sendable {
    let path: String
    private let capacity: Int
    /// `nil` once closed.
    private var file: FileHandle?
    private var pending: [UInt8] = []

    /// Creates the file, or empties it if it exists.
    init(path: String, capacity: Int) throws(FileWriteError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileWriteError(path: path, reason: String(cString: strerror(errno))) }
        self.path = path
        self.capacity = max(capacity, 1)
        self.file = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        pending.reserveCapacity(self.capacity)
    }

    var isOpen: Bool { file != nil }

    mutating func append(_ text: String) throws(FileWriteError) {
        try append { $0.append(contentsOf: text.utf8) }
    }

    /// Lets `write` add bytes to the buffer in place, then writes the buffer out if it is full.
    mutating func append(_ write: (inout [UInt8]) -> Void) throws(FileWriteError) {
        precondition(file != nil, "writing to \(path) after closing it")
        write(&pending)
        if pending.count >= capacity { try flush() }
    }

    /// Writes what is buffered and closes the file; closing twice does nothing.
    mutating func close() throws(FileWriteError) {
        guard let handle = file else { return }
        defer { file = nil }
        try flush()
        do {
            try handle.close()
        } catch {
            throw FileWriteError(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    private mutating func flush() throws(FileWriteError) {
        guard let handle = file, !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw FileWriteError(path: path, reason: (error as NSError).localizedDescription)
        }
        pending.removeAll(keepingCapacity: true)
    }

    deinit {
        if let file, !pending.isEmpty { try? file.write(contentsOf: pending) }
    }
}
