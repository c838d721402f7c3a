import Foundation
import HTTPTypes
import HomewardCore
import HomewardMatching
import HomewardStore
import HomewardTestSupport
import Testing

@testable import HomewardServer

@Suite("The operators' web application")
struct WebTests {
    /// A register with one person, two records and one pair waiting for review: every page of
    /// the site map has something real to show.
    struct Sample {
        var person: UUID
        var record: UUID
        var candidate: UUID
    }

    static func sample(_ database: HomewardDatabase) async throws -> Sample {
        let register = database.register(actor: "test", clock: { testNow })
        let person = try await register.createPerson(
            PersonDraft(
                affiliation: .own, category: .servicemember,
                identity: PersonIdentity(
                    name: PersonName(
                        surname: "Петренко", givenNames: "Олександр", patronymic: "Миколайович", language: .ukrainian),
                    dateOfBirth: try PartialDate(year: 1987, month: 5, day: 4))))
        let source = try await register.createSource(
            SourceDraft(kind: .adversaryList, title: "Список", reliability: .fairlyReliable))
        let linked = try await register.createRecord(
            RecordDraft(
                sourceID: source.id, personID: person.id,
                particulars: RecordParticulars(
                    name: PersonName(
                        surname: "Петренко", givenNames: "Олександр", patronymic: "Миколайович", language: .ukrainian))))
        let loose = try await register.createRecord(
            RecordDraft(
                sourceID: source.id,
                particulars: RecordParticulars(
                    name: PersonName(surname: "Петренко", givenNames: "Александр", patronymic: "Николаевич", language: .russian),
                    dateOfBirth: try PartialDate(year: 1987, month: 5, day: 4))))
        _ = try await register.replaceOpenCandidates([
            CandidateDraft(
                left: linked.id, right: loose.id, probability: 0.8, priority: 2.8,
                evidence: [FieldEvidence(field: "surname", level: "same", weight: 6.5)], limit: nil)
        ])
        let candidate = try #require(try await register.reviewQueue(state: .open, offset: 0, limit: 1).items.first)
        return Sample(person: person.id, record: loose.id, candidate: candidate.id)
    }

    static func path(of route: WebRoute, _ sample: Sample) -> String {
        route.path.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            switch part {
            case ":file": "app.css"
            case ":id" where route.path.hasPrefix("/review/"): sample.candidate.uuidString
            case ":id" where route.path.hasPrefix("/records/"): sample.record.uuidString
            case ":id": sample.person.uuidString
            default: String(part)
            }
        }.joined(separator: "/")
    }

    @Test("every page × every role: allowed where the site map says, refused everywhere else", arguments: TestBackend.all)
    func routeRolePolicy(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let sample = web.sample
            for route in Site.all {
                let path = Self.path(of: route, sample)
                // Anonymous first.
                var anonymous = WebHarness.Browser()
                let form = route.method == .post ? try await Self.form(for: route, web, &anonymous) : nil
                let answer = try await web.request(route.method, path, form: form, browser: &anonymous)
                if route.requirement == .anyone {
                    #expect(!answer.redirectsToSignIn && answer.status != .forbidden, "anonymous \(route): \(answer.status)")
                } else {
                    #expect(answer.redirectsToSignIn, "anonymous \(route) answered \(answer.status)")
                }
                for role in Role.allCases {
                    var browser = try await web.signedIn(role)
                    let answer: WebHarness.Answer
                    if route.method == .post {
                        let form = try await Self.form(for: route, web, &browser)
                        answer = try await web.post(path, form, &browser)
                    } else {
                        answer = try await web.get(path, &browser)
                    }
                    if route == Site.signOut {
                        #expect(answer.status == .seeOther && browser.cookies["homeward_session"] == nil, "\(role) signing out")
                    } else if route.requirement.admits(role) {
                        #expect(
                            answer.status != .forbidden && !answer.redirectsToSignIn && answer.status.code < 500,
                            "\(role) \(route) answered \(answer.status)")
                    } else {
                        #expect(answer.status == .forbidden, "\(role) \(route) answered \(answer.status), not 403")
                    }
                }
            }
        }
    }

    /// The fields a page's own form would send.
    static func form(for route: WebRoute, _ web: WebHarness, _ browser: inout WebHarness.Browser) async throws -> [String: String]
    {
        if route == Site.signIn {
            // A signed-in browser is sent on from the sign-in page; the form comes from a fresh one.
            var fresh = WebHarness.Browser()
            let page = try await web.get("/login", &fresh)
            browser.cookies["homeward_signin"] = fresh.cookies["homeward_signin"]
            return [
                "_signin": WebHarness.value(of: "_signin", in: page.body) ?? "", "username": "viewer",
                "password": WebHarness.password,
            ]
        }
        if route == Site.fileInquiry || route == Site.checkInquiryStatus {
            // The families' forms echo the token their own page set in a cookie.
            let page = try await web.get(route.path, &browser)
            return ["_form": WebHarness.value(of: "_form", in: page.body) ?? ""]
        }
        return ["decision": "unsure", "language": "en"]
    }

    @Test("the policy itself: who may do what", arguments: [TestBackend.sqlite])
    func policyTable(backend: TestBackend) {
        #expect(Site.createEvent.requirement.admits(.registrar))
        #expect(!Site.createEvent.requirement.admits(.viewer))
        #expect(!Site.createEvent.requirement.admits(.analyst))
        #expect(Site.decidePair.requirement.admits(.analyst))
        #expect(!Site.decidePair.requirement.admits(.registrar))
        #expect(Site.audit.requirement.admits(.auditor))
        #expect(!Site.person.requirement.admits(.auditor))
        #expect(Site.person.requirement.admits(.viewer))
        #expect(Set(Site.all).count == Site.all.count)
    }

    @Test("a form without the session's token is refused and changes nothing", arguments: TestBackend.all)
    func formsNeedTheirToken(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            var browser = try await web.signedIn(.registrar)
            let fields = ["affiliation": "own", "category": "civilian", "surname": "Мельник"]
            var forged = fields
            forged["_csrf"] = String(repeating: "0", count: 64)
            #expect(try await web.post("/persons/new", forged, &browser).status == .forbidden)
            var missing = browser
            missing.formToken = nil
            #expect(try await web.request(.post, "/persons/new", form: fields, browser: &missing).status == .forbidden)
            let register = web.database.register(actor: "test")
            #expect(try await register.statistics().persons == 1)
            let accepted = try await web.post("/persons/new", fields, &browser)
            #expect(accepted.status == .seeOther)
            #expect(try await register.statistics().persons == 2)
        }
    }

    @Test("the session cookie is HttpOnly, Secure and SameSite; signing out ends the session", arguments: TestBackend.all)
    func sessionCookie(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            var (browser, answer) = try await web.signIn(.viewer)
            let cookie = try #require(answer.headers[values: .setCookie].first { $0.hasPrefix("homeward_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Lax"))
            let session = try #require(browser.cookies["homeward_session"])
            #expect(try await web.get("/search", &browser).status == .ok)
            #expect(try await web.post("/logout", [:], &browser).status == .seeOther)
            var stolen = WebHarness.Browser(cookies: ["homeward_session": session])
            #expect(try await web.get("/search", &stolen).redirectsToSignIn)
        }
    }

    @Test("wrong passwords are throttled: after five, even the right one waits", arguments: TestBackend.all)
    func throttling(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            for _ in 0..<5 {
                #expect(try await web.signIn(.admin, password: "not the password at all").1.status == .unauthorized)
            }
            let blocked = try await web.signIn(.admin).1
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.body.contains("через 15 хв"))
            // Another account is not locked by someone guessing at this one.
            #expect(try await web.signIn(.viewer).1.status == .seeOther)
            let refusals = try await web.database.auditEntries(AuditFilter(action: "session.refuse")).total
            #expect(refusals == 5)
        }
    }

    @Test("two registrars edit one person: the second is told, and keeps what they typed", arguments: TestBackend.all)
    func concurrentEdit(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let sample = web.sample
            var first = try await web.signedIn(.registrar)
            var second = try await web.signedIn(.admin)
            let editPath = "/persons/\(sample.person)/edit"
            let firstForm = try await web.get(editPath, &first)
            _ = try await web.get(editPath, &second)
            let version = try #require(WebHarness.value(of: "version", in: firstForm.body))
            let base = ["affiliation": "own", "category": "servicemember", "surname": "Петренко", "version": version]
            var firstChange = base
            firstChange["placeOfBirth"] = "Київ"
            #expect(try await web.post(editPath, firstChange, &first).status == .seeOther)
            var secondChange = base
            secondChange["placeOfBirth"] = "Харків"
            let conflict = try await web.post(editPath, secondChange, &second)
            #expect(conflict.status == .conflict)
            #expect(conflict.body.contains("id=\"form-notice\""))
            #expect(conflict.body.contains("user:registrar"))
            #expect(conflict.body.contains("value=\"Харків\""))
            let person = try await web.database.register(actor: "test").person(sample.person)
            #expect(person.identity.placeOfBirth == "Київ")
        }
    }

    @Test("an event with a date that does not exist is refused beside its field, the rest kept", arguments: TestBackend.all)
    func validationBesideTheField(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let sample = web.sample
            var browser = try await web.signedIn(.registrar)
            let path = "/persons/\(sample.person)/events/new"
            _ = try await web.get(path, &browser)
            let answer = try await web.post(
                path, ["kind": "captured", "date": "31.02.2025", "credibility": "2", "note": "Бачили в Оленівці"], &browser)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("id=\"date-error\""))
            #expect(answer.body.contains("Бачили в Оленівці"))
            #expect(answer.body.contains("value=\"31.02.2025\""))
            let saved = try await web.post(path, ["kind": "captured", "date": "2025-02-28", "credibility": "2"], &browser)
            #expect(saved.status == .seeOther)
            #expect(try await web.database.register(actor: "test").timeline(of: sample.person).count == 1)
        }
    }

    @Test("search in Latin finds a Cyrillic record, and every page view is audited", arguments: TestBackend.all)
    func searchAndAudit(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let sample = web.sample
            var browser = try await web.signedIn(.viewer)
            let results = try await web.get("/search/results?q=Oleksandr+Petrenko+1987", &browser)
            #expect(results.body.contains("/persons/\(sample.person)"))
            #expect(results.headers[HTTPField.Name("Server-Timing")!]?.hasPrefix("search;dur=") == true)
            #expect(try await web.get("/persons/\(sample.person)", &browser).status == .ok)
            let views = try await web.database.auditEntries(
                AuditFilter(actor: "user:viewer", action: "person.view", entityID: sample.person.uuidString))
            #expect(views.total == 1)
            if case .broken(let sequence, let reason) = try await web.database.verifyAuditLog() {
                Issue.record("the audit log is broken at \(sequence): \(reason)")
            }
        }
    }

    @Test("a duplicate linked in review can be undone, and both are audited", arguments: TestBackend.all)
    func reviewAndUndo(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let sample = web.sample
            var browser = try await web.signedIn(.analyst)
            let page = try await web.get("/review/\(sample.candidate)", &browser)
            #expect(page.body.contains("<svg"))
            #expect(try await web.post("/review/\(sample.candidate)", ["decision": "link"], &browser).status == .seeOther)
            let register = web.database.register(actor: "test")
            #expect(try await register.record(sample.record).personID == sample.person)
            // A second decision on a decided pair is refused, and says who decided it.
            let again = try await web.post("/review/\(sample.candidate)", ["decision": "not-same"], &browser)
            #expect(again.status == .conflict)
            #expect(again.body.contains("already decided") && again.body.contains("user:analyst"))
            #expect(try await register.record(sample.record).personID == sample.person)
            #expect(try await web.post("/review/\(sample.candidate)/undo", [:], &browser).status == .seeOther)
            #expect(try await register.record(sample.record).personID == nil)
            #expect(try await register.matchCandidate(sample.candidate).state == .open)
            let actions = try await web.database.auditEntries(AuditFilter(actor: "user:analyst", entity: "match_candidate"))
                .items.map(\.action)
            #expect(actions.contains("review.link") && actions.contains("review.undo"))
        }
    }

    @Test("a pair raised through a third record says so on its page, in the reader's language", arguments: [TestBackend.sqlite])
    func pairContext(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let register = web.database.register(actor: "test", clock: { testNow })
            let candidate = try await register.matchCandidate(web.sample.candidate)
            /// The sample pair, raised through a third record from what it scored alone.
            func raise(from scored: Double, to probability: Double) async throws -> MatchCandidate {
                _ = try await register.replaceOpenCandidates([
                    CandidateDraft(
                        left: candidate.left.id, right: candidate.right.id, probability: probability, priority: 2.9,
                        evidence: candidate.evidence, limit: nil,
                        context: PairContext(reason: .sharedRecord, scored: scored, records: ["Petrenko Oleksandr, 1987-05-04"]))
                ])
                return try #require(try await register.reviewQueue(state: .open, offset: 0, limit: 1).items.first)
            }
            let raised = try await raise(from: 0.2, to: 0.92)
            #expect(raised.context?.scored == 0.2)
            var browser = try await web.signedIn(.analyst)
            let page = try await web.get("/review/\(raised.id)", &browser).body
            #expect(page.contains("Scored alone: 20 %."))
            #expect(page.contains("both are very likely the same person as the record «Petrenko Oleksandr, 1987-05-04»"))
            #expect(
                try await web.get(Site.reviewQueue.path, &browser).body.contains(
                    "92 % <span class=\"muted read-together\">(alone: 20 %)</span>"))
            #expect(try await web.post("/language", ["language": "uk", "back": "/dashboard"], &browser).status == .seeOther)
            #expect(try await web.get("/review/\(raised.id)", &browser).body.contains("Окремо оцінено: 20 %."))

            // Raised from nearly certain to nearly certain, the page says nothing of it.
            let certain = try await raise(from: 0.999_999_5, to: 0.999_999_8)
            #expect(certain.context != nil)
            #expect(!(try await web.get("/review/\(certain.id)", &browser).body.contains("pair-context")))
            #expect(!(try await web.get(Site.reviewQueue.path, &browser).body.contains("read-together")))
        }
    }

    @Test("an address naming no one is a 404 page, not an error", arguments: [TestBackend.sqlite])
    func unknownAddresses(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            var browser = try await web.signedIn(.registrar)
            for path in ["/persons/\(UUID())", "/persons/not-an-id", "/persons/\(UUID())/events/new", "/static/secrets.txt"] {
                let answer = try await web.get(path, &browser)
                #expect(answer.status == .notFound, "\(path): \(answer.status)")
                #expect(answer.body.contains("There is nothing at this address."), "\(path)")
            }
        }
    }

    @Test("the pages speak the user's language", arguments: [TestBackend.sqlite])
    func languages(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            var browser = try await web.signedIn(.viewer)
            #expect(try await web.get("/dashboard", &browser).body.contains("<html lang=\"en\">"))
            #expect(try await web.post("/language", ["language": "uk", "back": "/dashboard"], &browser).status == .seeOther)
            let ukrainian = try await web.get("/dashboard", &browser).body
            #expect(ukrainian.contains("<html lang=\"uk\">"))
            #expect(ukrainian.contains("Огляд"))
            #expect(!ukrainian.contains("⟦"))
        }
    }

    @Test("a read-only API token cannot write", arguments: [TestBackend.sqlite])
    func tokenScopes(backend: TestBackend) async throws {
        try await withWeb(backend) { web in
            let token = try await web.database.createAccessToken(name: "reader", scopes: [.read], actor: "test")
            let headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            var browser = WebHarness.Browser()
            #expect(try await web.request(.get, "/api/v1/persons", browser: &browser, headers: headers).status == .ok)
            let write = try await web.request(.post, "/api/v1/sources", form: [:], browser: &browser, headers: headers)
            #expect(write.status == .forbidden)
            #expect(write.body.contains("--scope write"))
        }
    }
}

@Suite("Translations")
struct TranslationTests {
    @Test("both languages hold the same keys, and every key a template uses")
    func complete() throws {
        let english = Translations.forLanguage("en").strings
        let ukrainian = Translations.forLanguage("uk").strings
        #expect(Set(english.keys) == Set(ukrainian.keys))
        let templates = Self.templatesDirectory()
        for file in try FileManager.default.contentsOfDirectory(atPath: templates.path) where file.hasSuffix(".mustache") {
            let text = try String(contentsOf: templates.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: /\{\{t\.([A-Za-z0-9_-]+)\}\}/) {
                #expect(english[String(match.1)] != nil, "\(file) uses t.\(match.1), which en.json lacks")
            }
        }
    }

    @Test("every level of the matcher's explanation has both languages' words")
    func matcherLevels() {
        let ukrainian = Translations.forLanguage("uk").strings
        for field in MatchField.allCases {
            #expect(ukrainian["field_\(field)"] != nil, "field_\(field)")
            for level in field.levels + ["missing"] {
                #expect(ukrainian["level_\(level)"] != nil, "\(field): \(level)")
            }
        }
    }

    static func templatesDirectory() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HomewardServer/Templates")
    }
}
