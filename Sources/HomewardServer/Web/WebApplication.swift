import Foundation
import HTTPTypes
import HomewardCore
import HomewardStore
import Hummingbird
import Logging
import NIOCore

/// The operators' application: every page of `Site`, with the services they share.
struct WebApplication: Sendable {
    let database: HomewardDatabase
    let pages: PageRenderer
    let search: SearchService
    let duplicates: DuplicateFinder
    let matcher: InquiryMatcher
    let outbox: Outbox
    let limits: PublicLimits
    let configuration: ServerConfiguration
    let clock: @Sendable () -> Date
    let pendingImports = PendingImports()

    func register(on router: Router<HomewardRequestContext>, logger: Logger) {
        let web = WebRouter(router: router, database: database, pages: pages, logger: logger, clock: clock)
        web.add(Site.home) { try await home($0) }
        web.add(Site.asset) { try asset($0) }
        web.add(Site.signInPage) { signInPage($0) }
        web.add(Site.signIn) { try await signIn($0) }
        web.add(Site.signOut) { try await signOut($0) }
        web.add(Site.chooseLanguage) { try await chooseLanguage($0) }
        web.add(Site.dashboard) { try await dashboard($0) }
        web.add(Site.search) { try await searchPage($0) }
        web.add(Site.searchResults) { try await searchResults($0) }
        web.add(Site.person) { try await personPage($0) }
        web.add(Site.newPerson) { try await personForm($0, person: nil) }
        web.add(Site.createPerson) { try await savePerson($0, id: nil) }
        web.add(Site.editPerson) { page in try await personForm(page, person: try await register(page).person(try page.id())) }
        web.add(Site.updatePerson) { page in try await savePerson(page, id: try page.id()) }
        web.add(Site.newEvent) { try await eventForm($0) }
        web.add(Site.createEvent) { try await saveEvent($0) }
        web.add(Site.newRecord) { try await recordForm($0) }
        web.add(Site.createRecord) { try await saveRecord($0) }
        web.add(Site.reviewQueue) { try await reviewQueue($0) }
        web.add(Site.refreshReviewQueue) { try await refreshReviewQueue($0) }
        web.add(Site.reviewPair) { try await reviewPair($0) }
        web.add(Site.decidePair) { try await decidePair($0) }
        web.add(Site.undoDecision) { try await undoDecision($0) }
        web.add(Site.unlinkRecord) { try await unlinkRecord($0) }
        web.add(Site.audit) { try await auditPage($0) }
        web.add(Site.imports) { try await importsPage($0) }
        web.add(Site.uploadList) { try await uploadList($0) }
        web.add(Site.pendingImport) { try await pendingImportPage($0) }
        web.add(Site.adjustImport) { try await adjustImport($0) }
        web.add(Site.commitImport) { try await commitImport($0) }
        web.add(Site.searchExport) { try await searchExport($0) }
        web.add(Site.pfifExport) { try await pfifExport($0) }
        web.add(Site.ctaPage) { try await ctaPage($0) }
        web.add(Site.createCTABatch) { try await createCTABatch($0) }
        web.add(Site.ctaBatchFile) { try await ctaBatchFile($0) }
        web.add(Site.markCTASent) { try await markCTASent($0) }
        web.add(Site.captureCard) { try await captureCard($0) }
        web.add(Site.exchanges) { try await exchangesPage($0) }
        web.add(Site.createExchange) { try await createExchange($0) }
        web.add(Site.createParty) { try await createParty($0) }
        web.add(Site.exchange) { try await exchangePage($0) }
        web.add(Site.exchangeList) { try await exchangeListPage($0) }
        web.add(Site.putExchangeList) { try await putExchangeList($0) }
        web.add(Site.exchangePlan) { try await exchangePlanPage($0) }
        web.add(Site.adoptExchangePlan) { try await adoptExchangePlan($0) }
        web.add(Site.openExchangeRound) { try await openExchangeRound($0) }
        web.add(Site.agreeExchange) { try await agreeExchange($0) }
        web.add(Site.cancelExchange) { try await cancelExchange($0) }
        web.add(Site.exchangeDay) { try await exchangeDayPage($0) }
        web.add(Site.recordExchangeDay) { try await recordExchangeDay($0) }
        web.add(Site.exchangeReport) { try await exchangeReport($0) }
        web.add(Site.exchangeFund) { try await exchangeFundPage($0) }
        web.add(Site.liftFundHold) { try await liftFundHold($0) }
        web.add(Site.exchangePriorities) { try await exchangePrioritiesPage($0) }
        web.add(Site.saveExchangePriorities) { try await saveExchangePriorities($0) }
        web.add(Site.personExchange) { try await personExchangePage($0) }
        web.add(Site.recordMedicalFinding) { try await recordMedicalFinding($0) }
        web.add(Site.placeFundHold) { try await placeFundHold($0) }
        web.add(Site.newInquiry) { newInquiryPage($0) }
        web.add(Site.fileInquiry, admit: { admitFiling($0) }) { try await fileInquiry($0) }
        web.add(Site.inquiryStatus) { inquiryStatusPage($0) }
        web.add(Site.checkInquiryStatus, admit: { admitStatusCheck($0) }) { try await checkInquiryStatus($0) }
        web.add(Site.inquiries) { try await inquiriesPage($0) }
        web.add(Site.inquiry) { try await inquiryPage($0) }
        web.add(Site.linkInquiry) { try await linkInquiry($0) }
        web.add(Site.unlinkInquiry) { try await unlinkInquiry($0) }
        web.add(Site.answerInquiry) { try await answerInquiry($0) }
        web.add(Site.inquiryDocument) { try await inquiryDocument($0) }
        web.add(Site.outbox) { try await outboxPage($0) }
        web.add(Site.markOutboxSent) { try await markOutboxSent($0) }
    }

    /// The register acting for the signed-in viewer, so the audit log names them.
    func register(_ page: PageRequest) throws -> Register {
        database.register(actor: try page.signedIn.actor, clock: clock)
    }

    // MARK: Public pages

    func home(_ page: PageRequest) async throws -> Response {
        if page.viewer != nil { return pages.redirect(to: Site.dashboard.path) }
        let figures = try await database.register(actor: "public").statistics()
        return pages.render(
            "home", ["statement": PublicStatement(figures, roundingTo: configuration.statementRounding).text(page.t)],
            for: page, title: "Homeward")
    }

    func asset(_ page: PageRequest) throws -> Response {
        guard let name = page.context.parameters.get("file"), let asset = StaticAsset.named(name) else {
            throw HTTPError(.notFound)
        }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "public, max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes))
        )
    }

    // MARK: Signing in and out

    func signInPage(_ page: PageRequest, username: String = "", error: String? = nil, status: HTTPResponse.Status = .ok)
        -> Response
    {
        if page.viewer != nil, error == nil { return pages.redirect(to: Site.dashboard.path) }
        let formToken = page.anonymousFormToken(cookie: CookieName.signInForm)
        return pages.render(
            "login",
            [
                "username": username, "error": error as Any, "formToken": formToken,
                "next": page.query("next") ?? page.form["next"] ?? "",
                "firstStart": false,
            ],
            for: page, title: page.t["signin_title"], status: status,
            headers: [
                .setCookie: cookie(CookieName.signInForm, formToken, maxAge: 3600).description
            ]
        )
    }

    func signIn(_ page: PageRequest) async throws -> Response {
        let username = page.form["username"]?.lowercased() ?? ""
        guard page.echoesAnonymousFormToken(cookie: CookieName.signInForm, field: "_signin") else {
            return signInPage(page, username: username, error: page.t["signin_expired"], status: .forbidden)
        }
        let outcome = try await database.signIn(
            username: username, password: page.form.raw("password"), code: page.form["code"],
            address: page.context.clientAddress, now: clock()
        )
        switch outcome {
        case .signedIn(let token, let session):
            var next = page.form["next"] ?? Site.dashboard.path
            // Only a path on this site: a link cannot send someone elsewhere after signing in.
            if !next.hasPrefix("/") || next.hasPrefix("//") || next.hasPrefix("/\\") { next = Site.dashboard.path }
            var headers = HTTPFields()
            headers.append(HTTPField(name: .setCookie, value: cookie(CookieName.session, token, maxAge: nil).description))
            headers.append(
                HTTPField(
                    name: .setCookie, value: cookie(CookieName.language, session.user.language, maxAge: 31_536_000).description))
            headers.append(HTTPField(name: .setCookie, value: cookie(CookieName.signInForm, "", maxAge: 0).description))
            return pages.redirect(to: next, headers: headers)
        case .needsCode:
            return signInPage(page, username: username, error: page.t["signin_needs_code"], status: .unauthorized)
        case .refused:
            return signInPage(page, username: username, error: page.t["signin_refused"], status: .unauthorized)
        case .throttled(let until):
            let minutes = max(1, Int((until.timeIntervalSince(clock()) / 60).rounded(.up)))
            return signInPage(
                page, username: username, error: page.t.format("signin_throttled", ["minutes": String(minutes)]),
                status: .tooManyRequests)
        }
    }

    func signOut(_ page: PageRequest) async throws -> Response {
        let viewer = try page.signedIn
        try await database.signOut(token: viewer.sessionToken, actor: viewer.actor)
        return pages.redirect(
            to: Site.signInPage.path, headers: [.setCookie: cookie(CookieName.session, "", maxAge: 0).description])
    }

    func chooseLanguage(_ page: PageRequest) async throws -> Response {
        let language = page.form["language"] == "en" ? "en" : "uk"
        if let viewer = page.viewer { try await database.setLanguage(userID: viewer.user.id, language: language) }
        var back = page.form["back"] ?? "/"
        if !back.hasPrefix("/") || back.hasPrefix("//") { back = "/" }
        return pages.redirect(
            to: back, headers: [.setCookie: cookie(CookieName.language, language, maxAge: 31_536_000).description])
    }

    /// Cookies are never readable by scripts, go back only to this site's own pages, and only
    /// over HTTPS unless the server was told it runs on plain HTTP on a trusted network.
    func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: configuration.secureCookies, httpOnly: true,
            sameSite: .lax)
    }
}
