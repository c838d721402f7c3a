import CZlib

/// The entries of a ZIP archive held in memory, unpacked one at a time on request.
///
/// An XLSX workbook is a ZIP archive of XML parts. Only what spreadsheet programs write is read:
/// stored and deflated entries in a single-part archive under 4 GB. Every size and offset comes from
/// the file, so each is checked against the bytes before use, and every entry's CRC-32 is verified.
/// The unpacked total is capped, and so is each entry's ratio of unpacked to packed size, so a
/// crafted "zip bomb" ends in an error rather than in exhausting memory.
struct ZIPArchive: Sendable {
    struct Entry: Sendable {
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        let localHeaderOffset: Int
    }

    /// Deflate cannot pack data much more than 1,032 times; a real workbook part stays far below this.
    static let maximumCompressionRatio = 1_000

    private let bytes: [UInt8]
    /// Keyed by lower-cased name: the parts of an Office document are named case-insensitively.
    private let entriesByName: [String: Entry]
    let maximumUnpackedSize: Int
    private(set) var unpackedSize = 0

    init(bytes: [UInt8], maximumUnpackedSize: Int) throws(CSVError) {
        self.bytes = bytes
        self.maximumUnpackedSize = maximumUnpackedSize
        guard bytes.starts(with: [0x50, 0x4B]) else { throw Self.error(.notAnXLSXFile) }
        let reader = ByteReader(bytes: bytes)

        let endRecordSize = 22
        let earliestEndRecord = max(0, bytes.count - endRecordSize - Int(UInt16.max))
        var endRecord: Int?
        var candidate = bytes.count - endRecordSize
        while candidate >= earliestEndRecord {
            if reader.uint32(at: candidate) == 0x0605_4B50 {
                endRecord = candidate
                break
            }
            candidate -= 1
        }
        guard let endRecord,
            let diskNumber = reader.uint16(at: endRecord + 4),
            let directoryDisk = reader.uint16(at: endRecord + 6),
            let entriesOnDisk = reader.uint16(at: endRecord + 8),
            let entryCount = reader.uint16(at: endRecord + 10),
            let directorySize = reader.uint32(at: endRecord + 12),
            let directoryOffset = reader.uint32(at: endRecord + 16)
        else { throw Self.error(.truncatedArchive) }
        if entryCount == .max || directorySize == .max || directoryOffset == .max
            || reader.uint32(at: endRecord - 20) == 0x0706_4B50
        {
            throw Self.error(.unsupportedArchive(feature: "ZIP64 extensions (over 4 GB or over 65,535 parts)"))
        }
        guard diskNumber == 0, directoryDisk == 0, entriesOnDisk == entryCount else {
            throw Self.error(.unsupportedArchive(feature: "an archive split into several parts"))
        }
        guard Int(directoryOffset) + Int(directorySize) <= endRecord else { throw Self.error(.truncatedArchive) }

        var entries: [String: Entry] = [:]
        var offset = Int(directoryOffset)
        for _ in 0..<entryCount {
            guard reader.uint32(at: offset) == 0x0201_4B50,
                let flags = reader.uint16(at: offset + 8),
                let method = reader.uint16(at: offset + 10),
                let crc32 = reader.uint32(at: offset + 16),
                let compressedSize = reader.uint32(at: offset + 20),
                let uncompressedSize = reader.uint32(at: offset + 24),
                let nameLength = reader.uint16(at: offset + 28),
                let extraLength = reader.uint16(at: offset + 30),
                let commentLength = reader.uint16(at: offset + 32),
                let localHeaderOffset = reader.uint32(at: offset + 42),
                let nameBytes = reader.bytes(at: offset + 46, count: Int(nameLength))
            else { throw Self.error(.truncatedArchive) }
            if compressedSize == .max || uncompressedSize == .max || localHeaderOffset == .max {
                throw Self.error(.unsupportedArchive(feature: "ZIP64 extensions (over 4 GB or over 65,535 parts)"))
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            let entry = Entry(
                name: name, flags: flags, method: method, crc32: crc32, compressedSize: Int(compressedSize),
                uncompressedSize: Int(uncompressedSize), localHeaderOffset: Int(localHeaderOffset))
            let key = name.lowercased()
            if entries[key] == nil { entries[key] = entry }
            offset += 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)
        }
        entriesByName = entries
    }

    func contains(_ name: String) -> Bool { entriesByName[name.lowercased()] != nil }

    /// The unpacked bytes of the entry named `name` (ignoring case), or `nil` when there is none.
    mutating func contents(of name: String) throws(CSVError) -> [UInt8]? {
        guard let entry = entriesByName[name.lowercased()] else { return nil }
        if entry.flags & 1 != 0 { throw Self.error(.unsupportedArchive(feature: "encryption (a password)")) }
        let reader = ByteReader(bytes: bytes)
        let local = entry.localHeaderOffset
        guard reader.uint32(at: local) == 0x0403_4B50,
            let nameLength = reader.uint16(at: local + 26),
            let extraLength = reader.uint16(at: local + 28)
        else { throw Self.error(.truncatedArchive) }
        let dataStart = local + 30 + Int(nameLength) + Int(extraLength)
        guard dataStart + entry.compressedSize <= bytes.count else { throw Self.error(.truncatedArchive) }

        guard entry.uncompressedSize <= maximumUnpackedSize - unpackedSize else {
            throw Self.error(.archiveTooLarge(limit: maximumUnpackedSize))
        }
        let unpacked: [UInt8]
        switch entry.method {
        case 0:
            guard entry.compressedSize == entry.uncompressedSize else {
                throw Self.error(.corruptEntry(name: entry.name, reason: "its stored size and its size differ"))
            }
            unpacked = Array(bytes[dataStart..<dataStart + entry.compressedSize])
        case 8:
            guard entry.uncompressedSize <= entry.compressedSize * Self.maximumCompressionRatio else {
                throw Self.error(.compressionRatioTooHigh(entry: entry.name, limit: Self.maximumCompressionRatio))
            }
            unpacked = try inflate(entry, from: dataStart)
        default:
            throw Self.error(.unsupportedCompression(entry: entry.name, method: Int(entry.method)))
        }
        let checksum = unpacked.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: CZlib.crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
        guard checksum == entry.crc32 else {
            throw Self.error(.corruptEntry(name: entry.name, reason: "its checksum (CRC-32) does not match its content"))
        }
        unpackedSize += unpacked.count
        return unpacked
    }

    /// Raw deflate (no zlib header), into exactly the size the directory declares.
    private func inflate(_ entry: Entry, from dataStart: Int) throws(CSVError) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Self.error(.readFailed(reason: "the decompressor could not start"))
        }
        defer { inflateEnd(&stream) }
        // One byte beyond the declared size shows an entry that unpacks to more than it says.
        let capacity = entry.uncompressedSize + 1
        var status: Int32 = Z_OK
        var produced = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { output, initializedCount in
            bytes.withUnsafeBufferPointer { input in
                guard let inputBase = input.baseAddress, let outputBase = output.baseAddress else { return }
                stream.next_in = UnsafeMutablePointer(mutating: inputBase + dataStart)
                stream.avail_in = uInt(entry.compressedSize)
                stream.next_out = outputBase
                stream.avail_out = uInt(capacity)
                status = CZlib.inflate(&stream, Z_FINISH)
                produced = capacity - Int(stream.avail_out)
            }
            initializedCount = produced
        }
        if produced > entry.uncompressedSize {
            throw Self.error(.corruptEntry(name: entry.name, reason: "it unpacks to more than its declared size"))
        }
        switch status {
        case Z_STREAM_END where produced == entry.uncompressedSize:
            return output
        case Z_STREAM_END:
            throw Self.error(.corruptEntry(name: entry.name, reason: "it unpacks to less than its declared size"))
        case Z_BUF_ERROR, Z_OK:
            throw Self.error(.corruptEntry(name: entry.name, reason: "its compressed data ends too early"))
        case Z_MEM_ERROR:
            throw Self.error(.readFailed(reason: "out of memory while unpacking \(entry.name)"))
        default:
            throw Self.error(.corruptEntry(name: entry.name, reason: "its compressed data is invalid"))
        }
    }

    private static func error(_ problem: CSVError.Problem) -> CSVError {
        CSVError(problem, row: 0, column: 0, format: .xlsx)
    }
}

/// Little-endian integers at offsets that come from the file, each checked against its end.
private struct ByteReader {
    let bytes: [UInt8]

    func bytes(at offset: Int, count: Int) -> ArraySlice<UInt8>? {
        guard offset >= 0, count >= 0, offset <= bytes.count - count else { return nil }
        return bytes[offset..<offset + count]
    }

    func uint16(at offset: Int) -> UInt16? {
        guard let slice = bytes(at: offset, count: 2) else { return nil }
        return UInt16(slice[offset]) | UInt16(slice[offset + 1]) << 8
    }

    func uint32(at offset: Int) -> UInt32? {
        guard let slice = bytes(at: offset, count: 4) else { return nil }
        var value: UInt32 = 0
        for (shift, byte) in slice.enumerated() { value |= UInt32(byte) << (8 * shift) }
        return value
    }
}
