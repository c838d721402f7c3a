import Foundation
import HTTPTypes
import HomewardTestSupport
import Testing

/// Bad input is answered 4xx with what is wrong and where, never 5xx, and writes nothing.
@Suite("Bad input")
struct BadInputTests {
    @Test("truncated JSON is a 400 that says the body is not JSON")
    func truncatedJSON() async throws {
        try await withAPI(.sqlite) { api in
            let answer = try await api.request(.post, "/api/v1/persons", json: String(petrenkoJSON.dropLast(20)))
            #expect(answer.status == .badRequest)
            #expect(try problem(answer.body)["title"] as? String == "The body is not valid JSON")
            #expect(answer.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("an array where an object belongs is a 422")
    func arrayBody() async throws {
        try await withAPI(.sqlite) { api in
            let answer = try await api.request(.post, "/api/v1/persons", json: "[\(petrenkoJSON)]")
            #expect(answer.status == .unprocessableContent)
            #expect(try problem(answer.body)["detail"] as? String == "(body): must be an object")
        }
    }

    @Test(
        "a wrong type names the field",
        arguments: [
            (
                #"{"affiliation":"own","category":"servicemember","identity":{"name":{"surname":5}}}"#, "identity.name.surname",
                "type"
            ),
            (#"{"affiliation":"ours","category":"servicemember","identity":{"name":{"surname":"X"}}}"#, "affiliation", "format"),
            (#"{"affiliation":"own","category":"servicemember","identity":{}}"#, "identity.name", "required"),
            (
                #"{"affiliation":"own","category":"servicemember","identity":{"name":{"surname":"X"},"dateOfBirth":"04.05.1987"}}"#,
                "identity.dateOfBirth", "format"
            ),
            (
                #"{"affiliation":"own","category":"servicemember","identity":{"name":{"surname":"X"},"dateOfBirth":"2099"}}"#,
                "identity.dateOfBirth", "not-in-future"
            ),
            (
                #"{"affiliation":"own","category":"servicemember","identity":{"name":{"surname":""}}}"#, "identity.name.surname",
                "required"
            ),
        ])
    func wrongTypes(body: String, field: String, rule: String) async throws {
        try await withAPI(.sqlite) { api in
            let answer = try await api.request(.post, "/api/v1/persons", json: body)
            #expect(answer.status == .unprocessableContent, "\(answer.body)")
            let errors = try problem(answer.body)["errors"] as? [[String: Any]] ?? []
            #expect(errors.first?["field"] as? String == field, "\(answer.body)")
            #expect(errors.first?["rule"] as? String == rule, "\(answer.body)")
            #expect(try await api.object(.get, "/api/v1/persons")["total"] as? Int == 0)
        }
    }

    @Test("a 5 MB string is refused as too large before it is read")
    func hugeBody() async throws {
        try await withAPI(.sqlite) { api in
            let huge = String(repeating: "Я", count: 2_600_000)
            let body = #"{"affiliation":"own","category":"servicemember","identity":{"name":{"surname":"\#(huge)"}}}"#
            let answer = try await api.request(.post, "/api/v1/persons", json: body)
            #expect(answer.status == .contentTooLarge)
            #expect(
                try problem(answer.body)["detail"] as? String
                    == "The body is larger than 1048576 bytes, the most this server accepts.")
        }
    }

    @Test("a long name within the body limit breaks the length rule")
    func longName() async throws {
        try await withAPI(.sqlite) { api in
            let body =
                #"{"affiliation":"own","category":"civilian","identity":{"name":{"surname":"\#(String(repeating: "a", count: 5_000))"}}}"#
            let answer = try await api.request(.post, "/api/v1/persons", json: body)
            #expect(answer.status == .unprocessableContent)
            #expect(try fieldErrors(answer.body) == ["identity.name.surname"])
        }
    }

    @Test(
        "unknown and malformed ids, bad paging and bad credibility",
        arguments: [
            ("GET", "/api/v1/persons/\(UUID().uuidString)", nil as String?, 404),
            ("GET", "/api/v1/persons/not-an-id", nil, 400),
            ("GET", "/api/v1/events/\(UUID().uuidString)", nil, 404),
            ("GET", "/api/v1/records/\(UUID().uuidString)", nil, 404),
            ("GET", "/api/v1/persons?limit=5000", nil, 400),
            ("GET", "/api/v1/persons?offset=-1", nil, 400),
            ("GET", "/api/v1/persons?status=lost", nil, 400),
            ("POST", "/api/v1/persons/\(UUID().uuidString)/events", #"{"kind":"captured","credibility":2}"#, 404),
            ("POST", "/api/v1/records", #"{"sourceId":"nope","particulars":{"name":{"surname":"X"}}}"#, 422),
            ("POST", "/api/v1/sources", #"{"kind":"rumour","title":"X","reliability":"A"}"#, 422),
            ("POST", "/api/v1/sources", #"{"kind":"open-source","title":"X","reliability":"Z"}"#, 422),
        ])
    func badRequests(method: String, uri: String, body: String?, expected: Int) async throws {
        try await withAPI(.sqlite) { api in
            let answer = try await api.request(HTTPRequest.Method(method)!, uri, json: body)
            #expect(answer.status.code == expected, "\(method) \(uri): \(answer.body)")
            #expect(answer.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("an event credibility outside 1–6 and a capture mode on the wrong kind")
    func eventRules() async throws {
        try await withAPI(.sqlite) { api in
            let id = try #require(try await api.object(.post, "/api/v1/persons", json: petrenkoJSON)["id"] as? String)
            let answer = try await api.request(
                .post, "/api/v1/persons/\(id)/events", json: #"{"kind":"released","credibility":9,"captureMode":"combat"}"#
            )
            #expect(answer.status == .unprocessableContent)
            #expect(try fieldErrors(answer.body) == ["credibility"])
            let second = try await api.request(
                .post, "/api/v1/persons/\(id)/events", json: #"{"kind":"released","credibility":2,"captureMode":"combat"}"#
            )
            #expect(try fieldErrors(second.body) == ["captureMode"])
        }
    }
}
