import Foundation
import HTTPTypes
import HomewardServer
import HomewardTestSupport
import HummingbirdTesting
import Testing

@Suite("The JSON API")
struct APITests {
    @Test("the figures and the API description are public; everything else needs a token", arguments: TestBackend.all)
    func publicAndPrivate(backend: TestBackend) async throws {
        try await withAPI(backend) { api in
            #expect(try await api.request(.get, "/api/v1/stats", authorised: false).status == .ok)
            let spec = try await api.request(.get, "/api/openapi.yaml", authorised: false)
            #expect(spec.status == .ok)
            #expect(spec.body.hasPrefix("openapi: 3.1.0"))

            let anonymous = try await api.request(.get, "/api/v1/persons", authorised: false)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(try problem(anonymous.body)["detail"] as? String != nil)
            let forged = try await api.request(
                .get, "/api/v1/persons", authorised: false,
                headers: [.authorization: "Bearer hw_" + String(repeating: "a", count: 64)]
            )
            #expect(forged.status == .unauthorized)
        }
    }

    @Test("every operation of the spec except the public ones denies a caller without a token")
    func everyOperationDeniesByDefault() async throws {
        let operations = try SpecOperations.load()
        #expect(operations.count >= 20)
        try await withAPI(.sqlite) { api in
            for operation in operations where !operation.isPublic {
                let uri = operation.path.replacingOccurrences(
                    of: #"\{[^}]+\}"#, with: UUID().uuidString, options: .regularExpression)
                let answer = try await api.request(
                    operation.method, uri, json: operation.method == .get ? nil : "{}", authorised: false)
                #expect(answer.status == .unauthorized, "\(operation.method) \(operation.path) answered \(answer.status.code)")
            }
        }
    }

    @Test("a person is registered, read with the evidence of their status, and updated", arguments: TestBackend.all)
    func personLifecycle(backend: TestBackend) async throws {
        try await withAPI(backend) { api in
            let created = try await api.request(.post, "/api/v1/persons", json: petrenkoJSON)
            #expect(created.status == .created)
            let person = try problem(created.body)
            let id = try #require(person["id"] as? String)
            let identity = try #require(person["identity"] as? [String: Any])
            let name = try #require(identity["name"] as? [String: Any])
            #expect(name["language"] as? String == "uk")
            #expect((name["latin"] as? [String: Any])?["fullName"] as? String == "Petrenko Oleksandr Mykolaiovych")
            #expect(person["status"] as? String == "no-information")

            let detail = try await api.object(.get, "/api/v1/persons/\(id)")
            #expect((detail["statusEvidence"] as? [String: Any])?["status"] as? String == "no-information")

            let update = petrenkoJSON.replacingOccurrences(of: "{\"affiliation\"", with: "{\"version\":1,\"affiliation\"")
                .replacingOccurrences(of: "АА123456", with: "АА654321")
            let updated = try await api.object(.put, "/api/v1/persons/\(id)", json: update)
            #expect(updated["version"] as? Int == 2)

            let stale = try await api.request(.put, "/api/v1/persons/\(id)", json: update)
            #expect(stale.status == .conflict)
            #expect(try problem(stale.body)["currentVersion"] as? Int == 2)
        }
    }

    @Test("events change the status; the timeline shows corrections", arguments: TestBackend.all)
    func eventsThroughTheAPI(backend: TestBackend) async throws {
        try await withAPI(backend) { api in
            let id = try #require(try await api.object(.post, "/api/v1/persons", json: petrenkoJSON)["id"] as? String)
            let captured = try await api.object(
                .post, "/api/v1/persons/\(id)/events",
                json: #"{"kind":"captured","date":"2024-02","credibility":3,"captureMode":"encirclement"}"#
            )
            let capturedID = try #require(captured["id"] as? String)
            _ = try await api.object(
                .post, "/api/v1/persons/\(id)/events", json: #"{"kind":"visited-by-icrc","date":"2024-05-17","credibility":1}"#
            )
            let detail = try await api.object(.get, "/api/v1/persons/\(id)")
            #expect((detail["person"] as? [String: Any])?["status"] as? String == "captivity-confirmed")

            _ = try await api.object(
                .post, "/api/v1/persons/\(id)/events",
                json: #"{"kind":"retraction","credibility":1,"supersedes":"\#(capturedID)","note":"wrong person"}"#
            )
            let (_, body, _) = try await api.request(.get, "/api/v1/persons/\(id)/events")
            let timeline = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [[String: Any]])
            #expect(timeline.count == 3)
            #expect(timeline.first { $0["id"] as? String == capturedID }?["supersededBy"] != nil)
        }
    }

    @Test("records are kept as received and linked; sources and facilities are versioned", arguments: TestBackend.all)
    func recordsSourcesFacilities(backend: TestBackend) async throws {
        try await withAPI(backend) { api in
            let source = try await api.object(
                .post, "/api/v1/sources",
                json: #"{"kind":"adversary-list","title":"Список № 4","reliability":"C","receivedOn":"2024-06"}"#
            )
            let sourceID = try #require(source["id"] as? String)
            let personID = try #require(try await api.object(.post, "/api/v1/persons", json: petrenkoJSON)["id"] as? String)
            let record = try await api.object(
                .post, "/api/v1/records",
                json: """
                    {"sourceId":"\(sourceID)","rowNumber":12,
                     "particulars":{"name":{"surname":"ПЕТРЕНКО","givenNames":"Александр","patronymic":"Николаевич","language":"ru"},
                                    "dateOfBirthText":"04.05.87"},
                     "raw":[{"column":"ФИО","value":"ПЕТРЕНКО Александр Николаевич"}]}
                    """
            )
            let recordID = try #require(record["id"] as? String)
            let linked = try await api.object(.put, "/api/v1/records/\(recordID)/link", json: #"{"personId":"\#(personID)"}"#)
            #expect(linked["personId"] as? String == personID)
            _ = try await api.object(.delete, "/api/v1/records/\(recordID)/link")
            let (_, links, _) = try await api.request(.get, "/api/v1/records/\(recordID)/links")
            #expect(links.contains("undoneAt"))

            let renamed = try await api.object(
                .put, "/api/v1/sources/\(sourceID)",
                json: #"{"version":1,"kind":"adversary-list","title":"Список № 4 (уточнений)","reliability":"B"}"#
            )
            #expect(renamed["version"] as? Int == 2)

            let facility = try await api.object(
                .post, "/api/v1/facilities",
                json: #"{"name":"СИЗО-2","kind":"detention-centre","location":"Таганрог","controlledBy":"adversary"}"#
            )
            let facilityID = try #require(facility["id"] as? String)
            let stale = try await api.request(
                .put, "/api/v1/facilities/\(facilityID)",
                json: #"{"version":7,"name":"X","kind":"prison","controlledBy":"adversary"}"#
            )
            #expect(stale.status == .conflict)
            let listed = try await api.object(.get, "/api/v1/facilities?controlledBy=adversary")
            #expect(listed["total"] as? Int == 1)
        }
    }

    @Test("the figures follow the register", arguments: TestBackend.all)
    func statsFollowTheRegister(backend: TestBackend) async throws {
        try await withAPI(backend) { api in
            let id = try #require(try await api.object(.post, "/api/v1/persons", json: petrenkoJSON)["id"] as? String)
            _ = try await api.object(
                .post, "/api/v1/persons/\(id)/events", json: #"{"kind":"exchanged","date":"2024-05-31","credibility":1}"#)
            let stats = try await api.object(.get, "/api/v1/stats")
            let totals = try #require(stats["totals"] as? [String: Any])
            #expect(totals["ownReturned"] as? Int == 1)
            #expect(totals["exchanges"] as? Int == 1)
        }
    }
}

@Suite("Auditing through the API")
struct APIAuditTests {
    @Test("reading a person, a timeline or a list of persons is audited under the token's name")
    func sensitiveReadsAreAudited() async throws {
        try await withTestDatabase(.sqlite) { database in
            let token = try await database.createAccessToken(name: "olena", scopes: [.read, .write], actor: "test")
            let app = try buildApplication(
                database: database, configuration: ServerConfiguration(), logger: testLogger(), ownsDatabase: false,
                clock: { testNow }
            )
            try await app.test(.router) { client in
                let api = APIHarness(client: client, token: token, database: database)
                let id = try #require(try await api.object(.post, "/api/v1/persons", json: petrenkoJSON)["id"] as? String)
                _ = try await api.object(.get, "/api/v1/persons/\(id)")
                _ = try await api.request(.get, "/api/v1/persons/\(id)/events")
                _ = try await api.object(.get, "/api/v1/persons?affiliation=own&limit=5")
                _ = try await api.object(.get, "/api/v1/stats")
            }
            let entries = try await database.auditEntries().items
            #expect(entries.map(\.action) == ["person.list", "timeline.view", "person.view", "person.create", "token.create"])
            #expect(entries.first?.detail == "affiliation=own offset=0 limit=5")
            #expect(entries.dropLast().allSatisfy { $0.actor == "token:olena" })
            #expect(try await database.verifyAuditLog() == .intact(entries: 5))
        }
    }
}
