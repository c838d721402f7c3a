import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Logging
import OpenAPIRuntime

/// A request the server could not read: a bad path id, a query parameter out of range.
struct BadRequest: Error {
    var issues: [ValidationIssue]
}

/// The body of every error answer, after RFC 9457 (`application/problem+json`).
struct ProblemDocument: Codable, Sendable {
    var title: String
    var status: Int
    var detail: String?
    var currentVersion: Int?
    var errors: [ValidationIssue]?

    /// The JSON body, keys sorted so that answers are stable byte for byte.
    var encoded: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }

    func headers(adding extra: HTTPFields) -> HTTPFields {
        var fields = extra
        fields[.contentType] = "application/problem+json"
        return fields
    }
}

/// Turns every error thrown while answering an API operation into a problem document.
///
/// One place decides what a client is told: validation issues field by field, 404 for unknown ids,
/// 409 for stale versions, 400 for bodies that cannot be read, and for anything unexpected a 500
/// that says nothing about the inside (the details go to the log).
struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    func intercept(
        _ request: HTTPRequest,
        body: HTTPBody?,
        metadata: ServerRequestMetadata,
        operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let problem = problem(for: error, operationID: operationID)
            return Self.response(problem)
        }
    }

    static func response(_ problem: ProblemDocument, headers: HTTPFields = [:]) -> (HTTPResponse, HTTPBody?) {
        (
            HTTPResponse(status: .init(code: problem.status), headerFields: problem.headers(adding: headers)),
            HTTPBody(problem.encoded)
        )
    }

    func problem(for error: any Error, operationID: String) -> ProblemDocument {
        let cause = (error as? ServerError)?.underlyingError ?? error
        switch cause {
        case let validation as ValidationError:
            return ProblemDocument(
                title: "The request breaks \(validation.issues.count == 1 ? "a rule" : "\(validation.issues.count) rules")",
                status: 422, detail: validation.description, errors: validation.issues
            )
        case let bad as BadRequest:
            return ProblemDocument(
                title: "The request could not be read", status: 400,
                detail: bad.issues.map(\.description).joined(separator: "; "), errors: bad.issues
            )
        case let storeError as StoreError:
            switch storeError {
            case .notFound:
                return ProblemDocument(title: "Not found", status: 404, detail: storeError.description)
            case .conflict(_, _, let currentVersion):
                return ProblemDocument(
                    title: "Changed by someone else", status: 409, detail: storeError.description,
                    currentVersion: currentVersion
                )
            case .alreadyDone:
                return ProblemDocument(title: "Done already", status: 409, detail: storeError.description)
            case .internalInconsistency:
                break
            }
        case let decoding as DecodingError:
            return Self.problem(for: decoding)
        default:
            if let serverError = error as? ServerError, (400..<500).contains(serverError.httpStatus.code) {
                return ProblemDocument(
                    title: serverError.httpStatus.reasonPhrase, status: serverError.httpStatus.code,
                    detail: serverError.causeDescription
                )
            }
            if let serverError = error as? ServerError, serverError.operationInput == nil {
                // The generated code failed to turn the request into an input: the request's fault.
                return ProblemDocument(
                    title: "The request could not be read", status: 400,
                    detail: "\(serverError.causeDescription): \(String(describing: serverError.underlyingError))"
                )
            }
        }
        logger.error("operation \(operationID) failed: \(String(reflecting: error))")
        return ProblemDocument(
            title: "Internal error", status: 500,
            detail: "The server could not complete the request; it has been logged."
        )
    }

    /// Says which field of the body was wrong and how: the JSON path and the rule it broke.
    static func problem(for error: DecodingError) -> ProblemDocument {
        func path(_ codingPath: [any CodingKey], appending key: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(body)" : text)
        }
        let issue: ValidationIssue
        switch error {
        case .typeMismatch(let type, let context):
            issue = ValidationIssue(field: path(context.codingPath), rule: "type", message: "must be \(describe(type))")
        case .valueNotFound(let type, let context):
            issue = ValidationIssue(
                field: path(context.codingPath), rule: "required", message: "must be \(describe(type)), not null")
        case .keyNotFound(let key, let context):
            issue = ValidationIssue(field: path(context.codingPath, appending: key), rule: "required", message: "is required")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return ProblemDocument(
                    title: "The body is not valid JSON", status: 400,
                    detail: (context.underlyingError as? NSError)?.localizedDescription ?? context.debugDescription
                )
            }
            issue = ValidationIssue(field: path(context.codingPath), rule: "format", message: context.debugDescription)
        @unknown default:
            issue = ValidationIssue(field: "(body)", rule: "format", message: String(describing: error))
        }
        return ProblemDocument(title: "The body does not fit the schema", status: 422, detail: issue.description, errors: [issue])
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: type == [String: Any].self ? "an object" : "a JSON \(String(describing: type).lowercased())"
        }
    }
}
