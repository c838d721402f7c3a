import HomewardCore
import HomewardInterop
import Testing

/// Random tables and random bytes, from fixed seeds so a failure names a reproducible case.
@Suite("CSV properties")
struct CSVRoundTripPropertyTests {
    /// Pieces chosen to hit every branch of the writer's quoting and the reader's grammar.
    static let pieces = [
        "a", "Z", "0", " ", ",", ";", "\t", "\"", "\"\"", "\n", "\r", "\r\n", "Ї", "ё", "Ж", "😀", "👨‍👩‍👧", "\u{FEFF}", "é",
        "\u{0}",
    ]

    static func randomField(_ generator: inout SplitMix64) -> String {
        let length = Int.random(in: 0...12, using: &generator)
        return (0..<length).map { _ in pieces.randomElement(using: &generator)! }.joined()
    }

    static func randomTable(_ generator: inout SplitMix64) -> [[String]] {
        let columns = Int.random(in: 1...8, using: &generator)
        let rows = Int.random(in: 0...20, using: &generator)
        return (0..<rows).map { _ in (0..<columns).map { _ in randomField(&generator) } }
    }

    @Test("every random table reads back exactly as written, in memory and through tiny chunks")
    func randomTablesRoundTrip() throws {
        var generator = SplitMix64(seed: 0x484F_4D45_5741_5244)
        for tableNumber in 0..<300 {
            let table = Self.randomTable(&generator)
            let delimiter = CSVDelimiter.allCases.randomElement(using: &generator)!
            let bytes = CSVWriter.bytes(for: table, delimiter: delimiter)
            var reader = CSVReader(bytes: bytes, options: .init(delimiter: delimiter))
            let read = try readAll(&reader)
            #expect(read.map(\.fields) == table, "table \(tableNumber)")
            #expect(read.map(\.number) == read.map(\.number).sorted(), "table \(tableNumber)")

            if tableNumber.isMultiple(of: 10) {
                let file = try TemporaryFile(bytes)
                let chunkSize = Int.random(in: 1...9, using: &generator)
                var fileReader = try CSVReader(path: file.path, options: .init(delimiter: delimiter), chunkSize: chunkSize)
                #expect(try readAll(&fileReader) == read, "table \(tableNumber), chunks of \(chunkSize)")
            }
        }
    }

    @Test("any bytes read the same, rows or error, whatever the chunk size")
    func randomBytesAgreeAcrossChunkSizes() throws {
        let alphabet: [UInt8] = [0x22, 0x2C, 0x3B, 0x0D, 0x0A, 0x61, 0x20, 0xD0, 0x96, 0xFF, 0xEF, 0xBB, 0xBF]
        var generator = SplitMix64(seed: 42)
        for sample in 0..<200 {
            let length = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            var fromMemory = CSVReader(bytes: bytes)
            let expected = ReadOutcome(&fromMemory)
            let file = try TemporaryFile(bytes)
            for chunkSize in [1, 2, 3, 5] {
                var fromFile = try CSVReader(path: file.path, chunkSize: chunkSize)
                #expect(fromFile.delimiter == fromMemory.delimiter, "sample \(sample): \(bytes)")
                #expect(ReadOutcome(&fromFile) == expected, "sample \(sample), chunks of \(chunkSize): \(bytes)")
            }
        }
    }
}
