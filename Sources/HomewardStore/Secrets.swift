import Crypto
import Foundation

/// Random secrets (tokens, form tokens, second-factor keys) and the hashes kept in their place.
public enum Secrets {
    /// `count` bytes from the system's cryptographic generator.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `count` random bytes as lowercase hexadecimal (twice as many characters).
    public static func randomHex(_ count: Int) -> String { hex(randomBytes(count)) }

    /// SHA-256 of a text, in hexadecimal: what the database keeps instead of a token.
    public static func sha256Hex(_ text: String) -> String { hex(Array(SHA256.hash(data: Data(text.utf8)))) }

    /// SHA-256 of bytes, in hexadecimal: how an imported file is recognised when it comes again.
    public static func sha256Hex(bytes: [UInt8]) -> String { hex(Array(SHA256.hash(data: bytes))) }

    /// SHA-256 of a file's bytes, read a megabyte at a time however large the file is.
    public static func sha256Hex(ofFileAt path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var hash = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hash.update(data: chunk) }
        return hex(Array(hash.finalize()))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
