import HTTPTypes
import HomewardCore

/// Who may use a page.
enum Requirement: Hashable, Sendable {
    /// No one needs to be signed in: the sign-in page, the public figures, the stylesheet.
    case anyone
    /// Any signed-in member of staff, whatever their role.
    case signedIn
    case permission(Permission)

    func admits(_ role: Role?) -> Bool {
        switch self {
        case .anyone: true
        case .signedIn: role != nil
        case .permission(let permission): role?.allows(permission) ?? false
        }
    }
}

/// One page or form action of the operators' application, with who may use it.
///
/// Routes are registered from these values only (`WebRouter.add`), so a page cannot exist
/// without a requirement, and the route × role test reads the same list.
struct WebRoute: Hashable, Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    let path: String
    let requirement: Requirement
    /// Whether the route's form carries files (`multipart/form-data`, up to `uploadLimit` bytes).
    let acceptsFiles: Bool
    let uploadLimit: Int

    init(
        _ method: HTTPRequest.Method, _ path: String, _ requirement: Requirement, acceptsFiles: Bool = false,
        uploadLimit: Int = WebRouter.maximumUpload
    ) {
        self.method = method
        self.path = path
        self.requirement = requirement
        self.acceptsFiles = acceptsFiles
        self.uploadLimit = uploadLimit
    }

    var description: String { "\(method) \(path)" }

    /// The path with its `:parameters` filled in, in order.
    func link(_ values: String...) -> String {
        var remaining = values[...]
        return path.split(separator: "/", omittingEmptySubsequences: false).map { part in
            part.hasPrefix(":") ? (remaining.popFirst() ?? String(part)) : String(part)
        }.joined(separator: "/")
    }
}

/// The site map: every page of the operators' application.
enum Site {
    static let home = WebRoute(.get, "/", .anyone)
    static let asset = WebRoute(.get, "/static/:file", .anyone)
    static let signInPage = WebRoute(.get, "/login", .anyone)
    static let signIn = WebRoute(.post, "/login", .anyone)
    static let signOut = WebRoute(.post, "/logout", .signedIn)
    static let chooseLanguage = WebRoute(.post, "/language", .anyone)
    static let dashboard = WebRoute(.get, "/dashboard", .signedIn)

    static let search = WebRoute(.get, "/search", .permission(.readRegister))
    static let searchResults = WebRoute(.get, "/search/results", .permission(.readRegister))
    static let person = WebRoute(.get, "/persons/:id", .permission(.readRegister))
    static let captureCard = WebRoute(.get, "/persons/:id/capture-card", .permission(.readRegister))
    static let searchExport = WebRoute(.get, "/search/export.csv", .permission(.readRegister))

    static let newPerson = WebRoute(.get, "/persons/new", .permission(.editRegister))
    static let createPerson = WebRoute(.post, "/persons/new", .permission(.editRegister))
    static let editPerson = WebRoute(.get, "/persons/:id/edit", .permission(.editRegister))
    static let updatePerson = WebRoute(.post, "/persons/:id/edit", .permission(.editRegister))
    static let newEvent = WebRoute(.get, "/persons/:id/events/new", .permission(.editRegister))
    static let createEvent = WebRoute(.post, "/persons/:id/events/new", .permission(.editRegister))
    static let newRecord = WebRoute(.get, "/persons/:id/records/new", .permission(.editRegister))
    static let createRecord = WebRoute(.post, "/persons/:id/records/new", .permission(.editRegister))

    static let reviewQueue = WebRoute(.get, "/review", .permission(.reviewMatches))
    static let refreshReviewQueue = WebRoute(.post, "/review", .permission(.reviewMatches))
    static let reviewPair = WebRoute(.get, "/review/:id", .permission(.reviewMatches))
    static let decidePair = WebRoute(.post, "/review/:id", .permission(.reviewMatches))
    static let undoDecision = WebRoute(.post, "/review/:id/undo", .permission(.reviewMatches))
    static let unlinkRecord = WebRoute(.post, "/records/:id/unlink", .permission(.reviewMatches))

    static let audit = WebRoute(.get, "/audit", .permission(.readAudit))

    static let imports = WebRoute(.get, "/imports", .permission(.editRegister))
    static let uploadList = WebRoute(.post, "/imports", .permission(.editRegister), acceptsFiles: true)
    static let pendingImport = WebRoute(.get, "/imports/pending/:id", .permission(.editRegister))
    static let adjustImport = WebRoute(.post, "/imports/pending/:id", .permission(.editRegister))
    static let commitImport = WebRoute(.post, "/imports/pending/:id/commit", .permission(.editRegister))

    static let pfifExport = WebRoute(.get, "/exports/pfif.xml", .permission(.answerInquiries))
    static let ctaPage = WebRoute(.get, "/notifications/cta", .permission(.editRegister))
    static let createCTABatch = WebRoute(.post, "/notifications/cta", .permission(.editRegister))
    static let ctaBatchFile = WebRoute(.get, "/notifications/cta/:id/file", .permission(.editRegister))
    static let markCTASent = WebRoute(.post, "/notifications/cta/:id/sent", .permission(.editRegister))

    static let exchanges = WebRoute(.get, "/exchanges", .permission(.negotiateExchanges))
    static let createExchange = WebRoute(.post, "/exchanges", .permission(.negotiateExchanges))
    static let createParty = WebRoute(.post, "/exchange-parties", .permission(.negotiateExchanges))
    static let exchange = WebRoute(.get, "/exchanges/:id", .permission(.negotiateExchanges))
    static let exchangeList = WebRoute(.get, "/exchanges/:id/lists/:side", .permission(.negotiateExchanges))
    static let putExchangeList = WebRoute(.post, "/exchanges/:id/lists/:side", .permission(.negotiateExchanges))
    static let exchangePlan = WebRoute(.get, "/exchanges/:id/plan", .permission(.negotiateExchanges))
    static let adoptExchangePlan = WebRoute(.post, "/exchanges/:id/plan", .permission(.negotiateExchanges))
    static let openExchangeRound = WebRoute(.post, "/exchanges/:id/round", .permission(.negotiateExchanges))
    static let agreeExchange = WebRoute(.post, "/exchanges/:id/agree", .permission(.negotiateExchanges))
    static let cancelExchange = WebRoute(.post, "/exchanges/:id/cancel", .permission(.negotiateExchanges))
    static let exchangeDay = WebRoute(.get, "/exchanges/:id/day", .permission(.negotiateExchanges))
    static let recordExchangeDay = WebRoute(.post, "/exchanges/:id/day", .permission(.negotiateExchanges))
    static let exchangeReport = WebRoute(.get, "/exchanges/:id/report", .permission(.negotiateExchanges))
    static let exchangeFund = WebRoute(.get, "/exchange-fund", .permission(.negotiateExchanges))
    static let liftFundHold = WebRoute(.post, "/exchange-fund/holds/:id/lift", .permission(.negotiateExchanges))
    static let exchangePriorities = WebRoute(.get, "/exchange-priorities", .permission(.negotiateExchanges))
    static let saveExchangePriorities = WebRoute(.post, "/exchange-priorities", .permission(.negotiateExchanges))
    static let personExchange = WebRoute(.get, "/persons/:id/exchange", .permission(.negotiateExchanges))
    static let recordMedicalFinding = WebRoute(.post, "/persons/:id/exchange/medical", .permission(.negotiateExchanges))
    static let placeFundHold = WebRoute(.post, "/persons/:id/exchange/holds", .permission(.negotiateExchanges))

    /// The families' pages: no account, so everything on them is limited and checked.
    static let newInquiry = WebRoute(.get, "/inquiries/new", .anyone)
    static let fileInquiry = WebRoute(
        .post, "/inquiries/new", .anyone, acceptsFiles: true,
        uploadLimit: KinshipDocument.maximumCount * KinshipDocument.maximumBytes + (1 << 20))
    static let inquiryStatus = WebRoute(.get, "/inquiries/status", .anyone)
    static let checkInquiryStatus = WebRoute(.post, "/inquiries/status", .anyone)

    static let inquiries = WebRoute(.get, "/inquiries", .permission(.answerInquiries))
    static let inquiry = WebRoute(.get, "/inquiries/:id", .permission(.answerInquiries))
    static let linkInquiry = WebRoute(.post, "/inquiries/:id/link", .permission(.answerInquiries))
    static let unlinkInquiry = WebRoute(.post, "/inquiries/:id/unlink", .permission(.answerInquiries))
    static let answerInquiry = WebRoute(.post, "/inquiries/:id/answers", .permission(.answerInquiries))
    static let inquiryDocument = WebRoute(.get, "/inquiries/:id/documents/:document", .permission(.answerInquiries))
    static let outbox = WebRoute(.get, "/outbox", .permission(.answerInquiries))
    static let markOutboxSent = WebRoute(.post, "/outbox/:id/sent", .permission(.answerInquiries))

    static let all: [WebRoute] = [
        home, asset, signInPage, signIn, signOut, chooseLanguage, dashboard,
        search, searchResults, person, captureCard, searchExport,
        newPerson, createPerson, editPerson, updatePerson, newEvent, createEvent, newRecord, createRecord,
        reviewQueue, refreshReviewQueue, reviewPair, decidePair, undoDecision, unlinkRecord,
        audit,
        imports, uploadList, pendingImport, adjustImport, commitImport,
        pfifExport, ctaPage, createCTABatch, ctaBatchFile, markCTASent,
        exchanges, createExchange, createParty, exchange, exchangeList, putExchangeList, exchangePlan, adoptExchangePlan,
        openExchangeRound, agreeExchange, cancelExchange, exchangeDay, recordExchangeDay, exchangeReport,
        exchangeFund, liftFundHold, exchangePriorities, saveExchangePriorities,
        personExchange, recordMedicalFinding, placeFundHold,
        newInquiry, fileInquiry, inquiryStatus, checkInquiryStatus,
        inquiries, inquiry, linkInquiry, unlinkInquiry, answerInquiry, inquiryDocument, outbox, markOutboxSent,
    ]
}
