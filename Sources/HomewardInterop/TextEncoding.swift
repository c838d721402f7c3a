import Foundation

/// The character encoding of a list's bytes.
///
/// Lists reach the bureau from many offices; older ones export Windows-1251 or KOI8-U. Each
/// encoding decodes one field at a time, so adding one is a new case here and nothing else.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case utf8 = "UTF-8"

    public var description: String { rawValue }

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
        }
    }

    /// The bytes some programs put before the text to name its encoding; they are not part of the first field.
    var byteOrderMark: [UInt8] {
        switch self {
        case .utf8: [0xEF, 0xBB, 0xBF]
        }
    }
}
