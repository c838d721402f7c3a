import Foundation
import HomewardCore
import HomewardStore
import HomewardTestSupport
import Testing

@testable import HomewardServer

/// Three of our people held (one seriously wounded), three of theirs in custody, a counterparty.
struct ExchangeScene {
    var counterparty: ExchangeParty
    var ours: [Person]
    var theirs: [Person]

    static func make(_ database: HomewardDatabase) async throws -> ExchangeScene {
        let register = database.register(actor: "test", clock: { testNow })
        let counterparty = try await register.createParty(name: "Російська Федерація", role: .counterparty, note: nil)
        func person(_ affiliation: Affiliation, _ surname: String, _ events: [EventDraft]) async throws -> Person {
            let person = try await register.createPerson(
                PersonDraft(
                    affiliation: affiliation, category: .servicemember,
                    identity: PersonIdentity(
                        name: PersonName(
                            surname: surname, givenNames: affiliation == .own ? "Петро" : "Иван",
                            language: affiliation == .own ? .ukrainian : .russian),
                        dateOfBirth: PartialDate("1990-01-01"))))
            for event in events { _ = try await register.appendEvent(to: person.id, event) }
            return try await register.person(person.id)
        }
        var ours: [Person] = []
        for surname in ["Бондар", "Коваль", "Мельник"] {
            ours.append(
                try await person(
                    .own, surname, [EventDraft(kind: .captured, date: PartialDate("2023-03-01"), credibility: .probablyTrue)]))
        }
        _ = try await register.recordMedicalFinding(
            for: ours[2].id, condition: .seriouslyWounded, decision: .directRepatriation, decidedOn: nil, note: nil)
        var theirs: [Person] = []
        for surname in ["Иванов", "Смирнов", "Кузнецов"] {
            theirs.append(
                try await person(
                    .adversary, surname, [EventDraft(kind: .captured, date: PartialDate("2024-01-10"), credibility: .confirmed)]))
        }
        return ExchangeScene(counterparty: counterparty, ours: ours, theirs: theirs)
    }
}

@Suite("Exchange pages: a negotiation played through by a negotiator")
struct ExchangePagesTests {
    @Test("negotiate two rounds, plan, agree, record the day with a refusal; the figures follow", arguments: TestBackend.all)
    func negotiation(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let scene = try await ExchangeScene.make(web.database)
            var browser = try await web.signedIn(.negotiator)
            var page = try await web.get("/exchanges", &browser)
            #expect(page.status == .ok)
            #expect(page.body.contains("Returned 0 in 0 exchanges"))

            page = try await web.post(
                "/exchanges",
                ["title": "Обмін 41", "counterparty": scene.counterparty.id.uuidString, "preset": "wounded-first", "limit": "2"],
                &browser)
            #expect(page.status == .seeOther)
            let exchangePath = try #require(page.location)
            page = try await web.get(exchangePath, &browser)
            #expect(
                page.body.contains("Обмін 41") && page.body.contains("seriously wounded or sick for seriously wounded or sick"))

            // Round 1: we ask for two; they ask for all three of theirs.
            var version = try #require(WebHarness.value(of: "version", in: page.body))
            page = try await web.post(
                "\(exchangePath)/lists/ours",
                fields: [
                    ("version", version), ("person", scene.ours[0].id.uuidString), ("person", scene.ours[1].id.uuidString),
                    ("proposedBy", "us"),
                ], &browser)
            #expect(page.status == .seeOther)
            // The scene was stored while the server started, so the search index sees it at its next check.
            try await Task.sleep(for: .milliseconds(1100))
            let ascii = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            page = try await web.get(
                "\(exchangePath)/lists/theirs?q=\("Иванов".addingPercentEncoding(withAllowedCharacters: ascii)!)", &browser)
            #expect(page.body.contains("Иванов Иван"))
            version = try #require(WebHarness.value(of: "version", in: page.body))
            page = try await web.post(
                "\(exchangePath)/lists/theirs",
                fields: scene.theirs.map { ("person", $0.id.uuidString) } + [("version", version), ("proposedBy", "them")],
                &browser)
            #expect(page.status == .seeOther)

            // A stale form conflicts visibly and changes nothing.
            page = try await web.post(
                "\(exchangePath)/lists/ours", fields: [("version", version), ("proposedBy", "us")], &browser)
            #expect(page.status == .conflict)

            // Round 2: the planner puts the wounded first and the limit at two.
            page = try await web.get(exchangePath, &browser)
            page = try await web.post(
                "\(exchangePath)/round", ["version": try #require(WebHarness.value(of: "version", in: page.body))], &browser)
            page = try await web.get("\(exchangePath)/plan", &browser)
            #expect(page.status == .ok)
            #expect(page.body.contains("2 of ours come home for 2 of theirs"))
            #expect(page.body.contains("Commission decision A"))
            #expect(page.body.contains("Asked for by the counterparty"))
            page = try await web.post(
                "\(exchangePath)/plan", ["version": try #require(WebHarness.value(of: "version", in: page.body))], &browser)
            #expect(page.status == .seeOther)
            page = try await web.get(exchangePath, &browser)
            #expect(page.body.contains("Round 2: Our people we ask for, version 2"))
            #expect(page.body.contains("+ Мельник Петро"))
            // Бондар and Коваль have the same priority; which one stays is decided by their ids.
            #expect(page.body.contains("− Коваль Петро") || page.body.contains("− Бондар Петро"))

            page = try await web.post(
                "\(exchangePath)/agree", ["version": try #require(WebHarness.value(of: "version", in: page.body))], &browser)
            #expect(page.status == .seeOther)
            page = try await web.get("\(exchangePath)/day", &browser)
            #expect(page.body.contains("Handed over") && page.body.contains("Refused"))
            let id = try #require(UUID(uuidString: String(exchangePath.split(separator: "/").last!)))
            let exchange = try await web.database.register(actor: "test").exchange(id)
            let agreed = try await web.database.register(actor: "test").lists(of: id).filter {
                $0.id == exchange.agreedOursListID || $0.id == exchange.agreedTheirsListID
            }
            let theirs = try #require(agreed.first { $0.side == .theirs }).personIDs
            let ours = try #require(agreed.first { $0.side == .ours }).personIDs
            var fields: [(key: String, value: String)] = [("version", String(exchange.version)), ("heldOn", "2025-11-20")]
            for person in ours { fields.append(("outcome-\(person.uuidString)", "handed-over")) }
            #expect(theirs.count == 2)
            fields.append(("outcome-\(theirs[0].uuidString)", "handed-over"))
            fields.append(("note-\(theirs[1].uuidString)", "Відмовився від репатріації"))
            // Closing with one outcome missing is refused, and nothing is written.
            page = try await web.post("\(exchangePath)/day", fields: fields + [("action", "close")], &browser)
            #expect(page.status == .unprocessableContent)
            #expect(try await web.database.register(actor: "test").person(theirs[0]).status == .inCustody)

            fields.append(("outcome-\(theirs[1].uuidString)", "refused"))
            page = try await web.post("\(exchangePath)/day", fields: fields + [("action", "close")], &browser)
            #expect(page.status == .seeOther)
            page = try await web.get(exchangePath, &browser)
            #expect(page.body.contains("Returned 2; handed over 1; refused 1; not handed over 0."))
            page = try await web.get("/exchanges", &browser)
            #expect(page.body.contains("Returned 2 in 1 exchanges; 1 of ours still held."))
            page = try await web.get("\(exchangePath)/report", &browser)
            #expect(page.body.contains("Відмовився від репатріації"))
            let register = web.database.register(actor: "test")
            #expect(try await register.person(ours[0]).status == .returned)
            #expect(try await register.person(theirs[1]).status == .inCustody)
            let audit = try await web.database.auditEntries(
                AuditFilter(actor: "user:negotiator", entity: "exchange"), offset: 0, limit: 50)
            #expect(
                Set(audit.items.map(\.action)).isSuperset(of: [
                    "exchange.create", "exchange.list", "exchange.agree", "exchange.close",
                ]))
        }
    }

    @Test("holds, medical findings and the weights are kept from their pages")
    func fundAndPriorities() async throws {
        try await withWeb(.sqlite) { web in
            let scene = try await ExchangeScene.make(web.database)
            var browser = try await web.signedIn(.negotiator)
            let prisoner = scene.theirs[0].id.uuidString
            var page = try await web.post(
                "/persons/\(prisoner)/exchange/holds", ["reason": "criminal-proceedings", "note": "<script>alert(1)</script>"],
                &browser)
            #expect(page.status == .seeOther)
            page = try await web.get("/exchange-fund?show=excluded", &browser)
            #expect(page.body.contains("Criminal proceedings: &lt;script&gt;"))
            #expect(!page.body.contains("<script>alert(1)"))
            page = try await web.post("/persons/\(prisoner)/exchange/holds", ["reason": "on-agreed-list"], &browser)
            #expect(page.status == .unprocessableContent)

            page = try await web.post(
                "/persons/\(scene.ours[0].id.uuidString)/exchange/medical",
                ["condition": "seriously-sick", "decidedOn": "2099-01-01"],
                &browser)
            #expect(page.status == .unprocessableContent)
            page = try await web.get("/exchange-priorities", &browser)
            let version = try #require(WebHarness.value(of: "version", in: page.body))
            page = try await web.post("/exchange-priorities", ["version": version, "civilian": "abc"], &browser)
            #expect(page.status == .unprocessableContent)
            page = try await web.post("/exchange-priorities", ["version": version, "perYearInCaptivity": "20"], &browser)
            #expect(page.status == .seeOther)
            page = try await web.post("/exchange-priorities", ["version": version, "perYearInCaptivity": "30"], &browser)
            #expect(page.status == .conflict)
            let weights = try await ExchangeDesk(
                register: web.database.register(actor: "test"), today: PartialDate("2025-11-24")!
            ).weights()
            #expect(weights.weights.perYearInCaptivity == 20 && weights.version == 1)
        }
    }
}

@Suite("Exchange API")
struct ExchangeAPITests {
    @Test("the exchange routes need the exchanges scope besides read or write")
    func scope() async throws {
        try await withAPI(.sqlite) { api in
            let answer = try await api.request(.get, "/api/v1/exchanges")
            #expect(answer.status == .forbidden)
            #expect(answer.body.contains("--scope exchanges"))
        }
    }

    @Test("a negotiation through the API: lists with their differences, a plan, agreement, the day", arguments: TestBackend.all)
    func negotiation(backend: TestBackend) async throws {
        try await withAPI(backend, scopes: [.read, .write, .exchanges]) { api in
            let scene = try await ExchangeScene.make(api.database)
            let created = try await api.object(
                .post, "/api/v1/exchanges",
                json: """
                    {"title":"Обмін 41","counterpartyId":"\(scene.counterparty.id)","formula":{"rules":[{"ours":"anyone","theirs":"anyone","oursCount":1,"theirsCount":1}]}}
                    """)
            let id = try #require(created["id"] as? String)
            let ours = scene.ours.map { "\"\($0.id)\"" }
            _ = try await api.object(
                .post, "/api/v1/exchanges/\(id)/lists",
                json: #"{"version":1,"side":"ours","proposedBy":"us","personIds":[\#(ours[0]),\#(ours[1])]}"#)
            let second = try await api.object(
                .post, "/api/v1/exchanges/\(id)/lists",
                json: #"{"version":2,"side":"ours","proposedBy":"them","personIds":[\#(ours[0]),\#(ours[2])]}"#)
            #expect(second["added"] as? [String] == [scene.ours[2].id.uuidString])
            #expect(second["removed"] as? [String] == [scene.ours[1].id.uuidString])
            let stale = try await api.request(
                .post, "/api/v1/exchanges/\(id)/lists", json: #"{"version":2,"side":"ours","proposedBy":"us","personIds":[]}"#)
            #expect(stale.status == .conflict)
            let wrongSide = try await api.request(
                .post, "/api/v1/exchanges/\(id)/lists",
                json: #"{"version":3,"side":"theirs","proposedBy":"us","personIds":[\#(ours[0])]}"#)
            #expect(wrongSide.status == .unprocessableContent)
            #expect(try fieldErrors(wrongSide.body) == ["personIds[0]"])

            let plan = try await api.object(.get, "/api/v1/exchanges/\(id)/plan")
            let returning = try #require(plan["returning"] as? [[String: Any]])
            #expect(returning.count == 3)
            #expect(returning.first?["personId"] as? String == scene.ours[2].id.uuidString)
            let theirs = scene.theirs.map { "\"\($0.id)\"" }.joined(separator: ",")
            _ = try await api.object(
                .post, "/api/v1/exchanges/\(id)/lists",
                json: #"{"version":3,"side":"theirs","proposedBy":"them","personIds":[\#(theirs)]}"#)
            let agreed = try await api.object(.post, "/api/v1/exchanges/\(id)/agreement", json: #"{"version":4}"#)
            #expect(agreed["state"] as? String == "agreed")

            let outcomes =
                (scene.ours.prefix(1) + scene.ours.suffix(1)).map {
                    #"{"personId":"\#($0.id)","side":"ours","outcome":"handed-over"}"#
                }
                + scene.theirs.map { #"{"personId":"\#($0.id)","side":"theirs","outcome":"handed-over"}"# }
            let closed = try await api.object(
                .post, "/api/v1/exchanges/\(id)/day",
                json: #"{"version":5,"heldOn":"2025-11-20","close":true,"outcomes":[\#(outcomes.joined(separator: ","))]}"#)
            #expect((closed["exchange"] as? [String: Any])?["state"] as? String == "completed")
            #expect((closed["outcomes"] as? [Any])?.count == 5)
            let person = try await api.object(.get, "/api/v1/persons/\(scene.ours[0].id)")
            #expect((person["person"] as? [String: Any])?["status"] as? String == "returned")
            let fund = try await api.request(.get, "/api/v1/exchange-fund")
            #expect(fund.status == .ok)
            #expect((try JSONSerialization.jsonObject(with: Data(fund.body.utf8)) as? [Any])?.isEmpty == true)
            let stats = try await api.object(.get, "/api/v1/stats")
            #expect((stats["totals"] as? [String: Any])?["exchanges"] as? Int == 1)
        }
    }
}
