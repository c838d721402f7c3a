import Foundation
import MultipartKit
import NIOCore

/// A file sent with a form.
struct UploadedFile: Sendable {
    /// The name the browser gave, without any folder.
    var name: String
    var bytes: [UInt8]
}

/// The parts of a `multipart/form-data` body: text fields and files.
struct MultipartForm {
    var fields = FormFields()
    /// Every file sent, by field name, in order: an `<input type=file multiple>` sends several.
    var uploads: [String: [UploadedFile]] = [:]
    /// The first file of each field.
    var files: [String: UploadedFile] { uploads.compactMapValues(\.first) }

    /// The boundary of a `multipart/form-data` content type, or nil for any other type.
    static func boundary(ofContentType contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            let value = part.dropFirst("boundary=".count)
            return String(
                value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? value.dropFirst().dropLast() : value)
        }
        return nil
    }

    /// Parses the whole body; a body that is not well-formed multipart is an error, not an empty form.
    init(body: ByteBuffer, boundary: String) throws {
        let parser = MultipartParser(boundary: boundary)
        var headers: [String: String] = [:]
        var content: [UInt8] = []
        var parts: [(headers: [String: String], content: [UInt8])] = []
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { buffer in content.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            parts.append((headers, content))
            headers = [:]
            content = []
        }
        try parser.execute(body)
        for part in parts {
            guard let disposition = part.headers["content-disposition"],
                let name = Self.parameter("name", in: disposition)
            else { continue }
            if let fileName = Self.parameter("filename", in: disposition) {
                // Browsers send the bare name; some old ones sent the whole path.
                let bare = fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
                guard !bare.isEmpty || !part.content.isEmpty else { continue }
                uploads[name, default: []].append(UploadedFile(name: bare.isEmpty ? "upload" : bare, bytes: part.content))
            } else {
                fields.append(name, String(decoding: part.content, as: UTF8.self))
            }
        }
    }

    /// A parameter of a `Content-Disposition` header: `form-data; name="file"; filename="list.csv"`.
    static func parameter(_ wanted: String, in header: String) -> String? {
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == wanted else { continue }
            let value = pair[1]
            return value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2
                ? String(value.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"") : value
        }
        return nil
    }
}
