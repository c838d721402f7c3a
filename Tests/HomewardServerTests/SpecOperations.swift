import Foundation
import HTTPTypes

/// The operations openapi.yaml declares, read from the file itself, so a new operation is covered
/// by the deny-by-default test without anyone remembering to add it.
struct SpecOperations {
    var path: String
    var method: HTTPRequest.Method
    var isPublic: Bool

    static func load() throws -> [SpecOperations] {
        let specURL = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml")
        let lines = try String(contentsOf: specURL, encoding: .utf8).components(separatedBy: "\n")
        var operations: [SpecOperations] = []
        var currentPath: String?
        for (index, line) in lines.enumerated() {
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast())
            } else if line.hasPrefix("components:") {
                currentPath = nil
            } else if let path = currentPath, let method = method(of: line) {
                // An operation is public when it overrides the global security with an empty list.
                let body = lines[(index + 1)...].prefix { $0.hasPrefix("      ") }
                operations.append(SpecOperations(path: path, method: method, isPublic: body.contains("      security: []")))
            }
        }
        return operations
    }

    private static func method(of line: String) -> HTTPRequest.Method? {
        for name in ["get", "put", "post", "delete", "patch"] where line == "    \(name):" {
            return HTTPRequest.Method(name.uppercased())
        }
        return nil
    }
}
