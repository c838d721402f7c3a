import Foundation

/// The character encoding of a list's bytes.
///
/// Lists reach the bureau from many offices; older ones export Windows-1251 or KOI8-U. Each
/// encoding decodes one field at a time, so adding one is a new case here and nothing else.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case utf8 = "UTF-8"
    /// The Cyrillic code page of Windows: Ukrainian, Russian and Belarusian letters, `№`, `«»`, typographic dashes.
    case windows1251 = "windows-1251"
    /// KOI8-R with the Ukrainian letters `і ї є ґ` (RFC 2319), the encoding of older Unix and mail systems.
    case koi8u = "KOI8-U"

    public var description: String { rawValue }

    /// Accepts the spellings people type for an override on the command line or in a form, ignoring case,
    /// hyphens, underscores and spaces: `utf8`, `UTF-8`, `cp1251`, `windows-1251`, `win1251`, `koi8-u`, `KOI8U`.
    public init?(name: String) {
        let normalized = String(name.lowercased().unicodeScalars.filter { !"-_ ".unicodeScalars.contains($0) })
        switch normalized {
        case "utf8": self = .utf8
        case "cp1251", "windows1251", "win1251", "1251": self = .windows1251
        case "koi8u": self = .koi8u
        default: return nil
        }
    }

    /// The text of `bytes`, or `nil` when they are not valid in this encoding.
    public func decode(_ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBufferPointer { decode($0) }
    }

    /// The bytes of `text` in this encoding, or `nil` when a character has no byte in it.
    ///
    /// For writing lists back to offices whose software reads only a legacy encoding.
    public func encode(_ text: String) -> [UInt8]? {
        guard let table = singleByteTable else { return Array(text.utf8) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                bytes.append(UInt8(truncatingIfNeeded: scalar.value))
            } else if let byte = table.byteForScalar[scalar] {
                bytes.append(byte)
            } else {
                return nil
            }
        }
        return bytes
    }

    /// The text of one field, or `nil` when the bytes are not valid in this encoding.
    ///
    /// Never repairs: a replacement character in a name would be a silent corruption of the register.
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        switch self {
        case .utf8:
            // `String(validating:as:)` is the obvious call, but it reaches an unspecialized generic in the
            // standard library whose metadata lookups took half the reading time. Decoding with repair
            // takes the specialized UTF-8 path; since a repair always changes the bytes, output equal to
            // the input proves the input valid.
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.utf8.count == bytes.count else { return nil }
            let unchanged =
                text.utf8.withContiguousStorageIfAvailable { decoded in
                    bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0
                } ?? text.utf8.elementsEqual(bytes)
            return unchanged ? text : nil
        case .windows1251:
            return SingleByteTable.windows1251.decode(bytes)
        case .koi8u:
            return SingleByteTable.koi8u.decode(bytes)
        }
    }

    /// Where the first undecodable byte sequence starts, so an error can point at it.
    func offsetOfFirstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        switch self {
        case .utf8:
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = bytes.makeIterator()
            var offset = 0
            while true {
                switch parser.parseScalar(from: &iterator) {
                case .valid(let scalar): offset += scalar.count
                case .error: return offset
                case .emptyInput: return nil
                }
            }
        case .windows1251:
            return SingleByteTable.windows1251.offsetOfFirstUndefinedByte(in: bytes)
        case .koi8u:
            return SingleByteTable.koi8u.offsetOfFirstUndefinedByte(in: bytes)
        }
    }

    /// The bytes some programs put before the text to name its encoding; they are not part of the first field.
    public var byteOrderMark: [UInt8] {
        switch self {
        case .utf8: [0xEF, 0xBB, 0xBF]
        case .windows1251, .koi8u: []
        }
    }

    private var singleByteTable: SingleByteTable? {
        switch self {
        case .utf8: nil
        case .windows1251: .windows1251
        case .koi8u: .koi8u
        }
    }
}

// MARK: - Detection

extension TextEncoding {
    /// How many bytes from the start of a file ``detect(_:isWholeInput:)`` is given by the readers.
    public static let detectionSampleSize = 64 << 10

    /// The encoding a sample from the start of a list is most likely written in.
    ///
    /// A UTF-8 byte order mark, or bytes that are valid UTF-8, mean UTF-8; unless `isWholeInput`, the sample may
    /// end in the middle of a character. A sample that is mostly UTF-8 with a few invalid bytes is also taken
    /// as UTF-8: it is a UTF-8 list with a damaged or pasted-in part, and reading it as UTF-8 stops at the
    /// first bad byte with its row and column instead of turning every name into the wrong letters.
    /// Otherwise the choice between Windows-1251 and KOI8-U is whichever decodes to more plausible
    /// Ukrainian or Russian text: common letters, no box-drawing characters, no capital letters in the
    /// middle of lower-case words. The two put lower- and upper-case letters in opposite halves, so
    /// text in the wrong one reads as rare letters in a jumble of cases.
    ///
    /// Only the sample is looked at: a byte later in the file that is invalid in the chosen encoding still
    /// stops the reading with an error naming its row and column, never a silent replacement.
    public static func detect(_ sample: some Collection<UInt8>, isWholeInput: Bool = false) -> TextEncoding {
        var bytes = Array(sample)
        if bytes.starts(with: TextEncoding.utf8.byteOrderMark) { return .utf8 }
        if !isWholeInput { bytes.removeLast(lengthOfIncompleteLastCharacter(bytes)) }

        var validMultiByteCharacters = 0
        var invalidSequences = 0
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        parsing: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): if scalar.count > 1 { validMultiByteCharacters += 1 }
            case .error: invalidSequences += 1
            case .emptyInput: break parsing
            }
        }
        if invalidSequences == 0 || validMultiByteCharacters >= 2 * invalidSequences { return .utf8 }

        let windows1251 = SingleByteTable.windows1251.plausibility(of: bytes)
        let koi8u = SingleByteTable.koi8u.plausibility(of: bytes)
        return koi8u > windows1251 ? .koi8u : .windows1251
    }

    /// The bytes of a multi-byte UTF-8 character cut off by the end of a sample, which the rest of the file completes.
    private static func lengthOfIncompleteLastCharacter(_ bytes: [UInt8]) -> Int {
        var start = bytes.count - 1
        while start >= 0, start >= bytes.count - 3, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0 else { return 0 }
        let lead = bytes[start]
        let length =
            switch lead {
            case 0xC2...0xDF: 2
            case 0xE0...0xEF: 3
            case 0xF0...0xF4: 4
            default: 0
            }
        return start + length > bytes.count ? bytes.count - start : 0
    }
}

// MARK: - Single-byte encodings

/// A single-byte encoding: ASCII below 0x80 and one character, or none, for each byte above.
struct SingleByteTable: Sendable {
    /// For every byte, its character's UTF-8 bytes packed low byte first, with their count in the top byte;
    /// a count of 0 marks a byte the encoding does not define.
    private let utf8: [UInt32]
    let scalars: [Unicode.Scalar?]
    let byteForScalar: [Unicode.Scalar: UInt8]
    private let readings: [Reading]

    /// `upperHalf` lists the code points of bytes 0x80–0xFF; 0 marks an undefined byte.
    init(upperHalf: [UInt16]) {
        precondition(upperHalf.count == 128, "a table lists the 128 bytes from 0x80")
        var scalars: [Unicode.Scalar?] = (0..<128).map { Unicode.Scalar(UInt8($0)) }
        scalars += upperHalf.map { $0 == 0 ? nil : Unicode.Scalar($0) }
        self.scalars = scalars
        utf8 = scalars.map { scalar in
            guard let scalar else { return 0 }
            var packed: UInt32 = 0
            var count: UInt32 = 0
            for byte in UTF8.encode(scalar)! {
                packed |= UInt32(byte) << (8 * count)
                count += 1
            }
            return packed | count << 24
        }
        var byteForScalar: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in scalars.enumerated() {
            if let scalar, byte >= 0x80 { byteForScalar[scalar] = UInt8(byte) }
        }
        self.byteForScalar = byteForScalar
        readings = scalars.map(Self.reading(of:))
    }

    /// Builds the String's UTF-8 bytes in one pass over the field.
    func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return "" }
        var hasUndefinedByte = false
        let text = utf8.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: bytes.count * 3) { output in
                var written = 0
                for byte in bytes {
                    if byte < 0x80 {
                        output[written] = byte
                        written += 1
                        continue
                    }
                    let packed = table[Int(byte)]
                    let count = Int(packed >> 24)
                    if count == 0 {
                        hasUndefinedByte = true
                        return 0
                    }
                    output[written] = UInt8(truncatingIfNeeded: packed)
                    output[written + 1] = UInt8(truncatingIfNeeded: packed >> 8)
                    if count == 3 { output[written + 2] = UInt8(truncatingIfNeeded: packed >> 16) }
                    written += count
                }
                return written
            }
        }
        return hasUndefinedByte ? nil : text
    }

    func offsetOfFirstUndefinedByte(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        bytes.firstIndex { scalars[Int($0)] == nil }
    }

    /// How much the bytes read as Ukrainian or Russian text in this encoding.
    ///
    /// A byte the encoding does not define counts heavily against it but does not rule it out: a Windows-1251
    /// list with one stray byte should be read as Windows-1251 and stop at that byte with its row and column,
    /// not be read whole as KOI8-U, which defines every byte, and turn every name into the wrong letters.
    func plausibility(of bytes: [UInt8]) -> Int {
        var score = 0
        var previousWasLowercaseLetter = false
        for byte in bytes {
            guard byte >= 0x80 else {
                previousWasLowercaseLetter = false
                continue
            }
            let reading = readings[Int(byte)]
            switch reading.letterCase {
            case .upper:
                if previousWasLowercaseLetter { score -= 40 }
                previousWasLowercaseLetter = false
            case .lower:
                previousWasLowercaseLetter = true
            case .none, .undefined:
                previousWasLowercaseLetter = false
            }
            score += reading.weight
        }
        return score
    }

    /// What a byte contributes to ``plausibility(of:)``.
    private struct Reading {
        enum LetterCase { case undefined, none, lower, upper }
        var letterCase: LetterCase
        var weight: Int
    }

    private static func reading(of scalar: Unicode.Scalar?) -> Reading {
        guard let scalar else { return Reading(letterCase: .undefined, weight: -200) }
        if let lowercase = lowercase[scalar] {
            return Reading(letterCase: lowercase == scalar ? .lower : .upper, weight: letterWeights[lowercase] ?? -20)
        }
        return Reading(letterCase: .none, weight: typographicPunctuation.contains(scalar) ? 0 : -50)
    }

    /// Roughly how often each letter occurs in Ukrainian and Russian text, per mille; other Cyrillic letters
    /// (Serbian, Macedonian, Belarusian) count against a reading.
    private static let letterWeights: [Unicode.Scalar: Int] = [
        "о": 100, "а": 80, "е": 75, "и": 70, "н": 68, "т": 60, "і": 55, "с": 50, "р": 48, "в": 48, "л": 42,
        "к": 35, "м": 30, "д": 30, "п": 28, "у": 28, "я": 20, "з": 18, "ь": 16, "б": 16, "ы": 15, "г": 15,
        "ч": 14, "й": 12, "х": 10, "ж": 9, "ї": 8, "ш": 8, "ю": 7, "ц": 7, "щ": 5, "є": 4, "э": 3, "ф": 3,
        "ъ": 1, "ё": 1, "ґ": 1,
    ]

    /// Upper- and lower-case Cyrillic letters mapped to lower case.
    private static let lowercase: [Unicode.Scalar: Unicode.Scalar] = {
        var map: [Unicode.Scalar: Unicode.Scalar] = [:]
        for value in Array(UInt32(0x0400)...0x045F) + [0x0490, 0x0491] {
            guard let scalar = Unicode.Scalar(value),
                let lower = String(Character(scalar)).lowercased().unicodeScalars.first
            else { continue }
            map[scalar] = lower
        }
        return map
    }()

    /// Characters a list typed in Windows plausibly holds: they neither support nor count against a reading.
    private static let typographicPunctuation: Set<Unicode.Scalar> = [
        "\u{A0}", "«", "»", "№", "–", "—", "‘", "’", "‚", "“", "”", "„", "…", "•", "°",
    ]

    static let windows1251 = SingleByteTable(upperHalf: [
        0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021,  // 0x80
        0x20AC, 0x2030, 0x0409, 0x2039, 0x040A, 0x040C, 0x040B, 0x040F,  // 0x88
        0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 0x90
        0x0000, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F,  // 0x98 (0x98 is undefined)
        0x00A0, 0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7,  // 0xA0
        0x0401, 0x00A9, 0x0404, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x0407,  // 0xA8
        0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6, 0x00B7,  // 0xB0
        0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457,  // 0xB8
        0x0410, 0x0411, 0x0412, 0x0413, 0x0414, 0x0415, 0x0416, 0x0417,  // 0xC0
        0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E, 0x041F,  // 0xC8
        0x0420, 0x0421, 0x0422, 0x0423, 0x0424, 0x0425, 0x0426, 0x0427,  // 0xD0
        0x0428, 0x0429, 0x042A, 0x042B, 0x042C, 0x042D, 0x042E, 0x042F,  // 0xD8
        0x0430, 0x0431, 0x0432, 0x0433, 0x0434, 0x0435, 0x0436, 0x0437,  // 0xE0
        0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E, 0x043F,  // 0xE8
        0x0440, 0x0441, 0x0442, 0x0443, 0x0444, 0x0445, 0x0446, 0x0447,  // 0xF0
        0x0448, 0x0449, 0x044A, 0x044B, 0x044C, 0x044D, 0x044E, 0x044F,  // 0xF8
    ])

    /// RFC 2319: KOI8-R with `є і ї ґ` and their capitals in place of eight box-drawing characters.
    static let koi8u = SingleByteTable(upperHalf: [
        0x2500, 0x2502, 0x250C, 0x2510, 0x2514, 0x2518, 0x251C, 0x2524,  // 0x80
        0x252C, 0x2534, 0x253C, 0x2580, 0x2584, 0x2588, 0x258C, 0x2590,  // 0x88
        0x2591, 0x2592, 0x2593, 0x2320, 0x25A0, 0x2219, 0x221A, 0x2248,  // 0x90
        0x2264, 0x2265, 0x00A0, 0x2321, 0x00B0, 0x00B2, 0x00B7, 0x00F7,  // 0x98
        0x2550, 0x2551, 0x2552, 0x0451, 0x0454, 0x2554, 0x0456, 0x0457,  // 0xA0
        0x2557, 0x2558, 0x2559, 0x255A, 0x255B, 0x0491, 0x255D, 0x255E,  // 0xA8
        0x255F, 0x2560, 0x2561, 0x0401, 0x0404, 0x2563, 0x0406, 0x0407,  // 0xB0
        0x2566, 0x2567, 0x2568, 0x2569, 0x256A, 0x0490, 0x256C, 0x00A9,  // 0xB8
        0x044E, 0x0430, 0x0431, 0x0446, 0x0434, 0x0435, 0x0444, 0x0433,  // 0xC0 lower case: ю а б ц д е ф г
        0x0445, 0x0438, 0x0439, 0x043A, 0x043B, 0x043C, 0x043D, 0x043E,  // 0xC8
        0x043F, 0x044F, 0x0440, 0x0441, 0x0442, 0x0443, 0x0436, 0x0432,  // 0xD0
        0x044C, 0x044B, 0x0437, 0x0448, 0x044D, 0x0449, 0x0447, 0x044A,  // 0xD8
        0x042E, 0x0410, 0x0411, 0x0426, 0x0414, 0x0415, 0x0424, 0x0413,  // 0xE0 upper case: Ю А Б Ц Д Е Ф Г
        0x0425, 0x0418, 0x0419, 0x041A, 0x041B, 0x041C, 0x041D, 0x041E,  // 0xE8
        0x041F, 0x042F, 0x0420, 0x0421, 0x0422, 0x0423, 0x0416, 0x0412,  // 0xF0
        0x042C, 0x042B, 0x0417, 0x0428, 0x042D, 0x0429, 0x0427, 0x042A,  // 0xF8
    ])
}
