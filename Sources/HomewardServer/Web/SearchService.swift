import Foundation
import HomewardCore
import HomewardMatching
import HomewardStore
import Synchronization

/// The search box's index of every person, kept in memory: brought up to date at once after each
/// change made through this server, and read anew when another process (an import, another
/// server) has changed the register, which is checked at most once per `recheckInterval`.
final class SearchService: Sendable {
    private let index = Mutex<PersonSearchIndex?>(nil)
    private let summaries = Mutex<[UUID: PersonSearchDocument]>([:])
    /// What the register looked like when the index last matched it, and when that was checked.
    private let known = Mutex<(fingerprint: String, checkedAt: ContinuousClock.Instant)?>(nil)
    private let database: HomewardDatabase
    private let recheckInterval: Duration

    init(database: HomewardDatabase, recheckInterval: Duration = .seconds(1)) {
        self.database = database
        self.recheckInterval = recheckInterval
    }

    private var register: Register { database.register(actor: "system:search") }

    /// Reads every person from the register; the first search waits for it.
    func load() async throws {
        let fingerprint = try await register.searchFingerprint()
        let documents = try await register.searchDocuments()
        let built = PersonSearchIndex(knowledge: .standard, entries: documents.map(Self.entry))
        summaries.withLock { $0 = Dictionary(documents.map { ($0.id, $0) }) { first, _ in first } }
        index.withLock { $0 = built }
        known.withLock { $0 = (fingerprint, ContinuousClock.now) }
    }

    /// Reads one person again after a change made through this server.
    func refresh(_ personID: UUID) async throws {
        try await loadIfNeeded()
        let document = try await register.searchDocument(of: personID)
        index.withLock { index in
            if let document { index?.upsert(Self.entry(document)) } else { index?.remove(personID) }
        }
        summaries.withLock { $0[personID] = document }
        let fingerprint = try await register.searchFingerprint()
        known.withLock { $0 = (fingerprint, ContinuousClock.now) }
    }

    func search(_ text: String, facets: [String], limit: Int) async throws -> (
        results: SearchResults, persons: [PersonSearchDocument]
    ) {
        try await loadIfNeeded()
        let results = index.withLock { $0?.search(text, facets: facets, limit: limit) } ?? SearchResults(hits: [], total: 0)
        let persons = summaries.withLock { summaries in results.hits.compactMap { summaries[$0.id] } }
        return (results, persons)
    }

    private func loadIfNeeded() async throws {
        guard let last = known.withLock({ $0 }), index.withLock({ $0 != nil }) else {
            try await load()
            return
        }
        guard ContinuousClock.now - last.checkedAt >= recheckInterval else { return }
        if try await register.searchFingerprint() != last.fingerprint {
            try await load()
        } else {
            known.withLock { $0?.checkedAt = ContinuousClock.now }
        }
    }

    static func entry(_ document: PersonSearchDocument) -> SearchEntry {
        var facets = [
            "affiliation:\(document.affiliation.rawValue)", "status:\(document.status.rawValue)",
            "category:\(document.category.rawValue)",
        ]
        facets += document.sourceIDs.map { "source:\($0.uuidString)" }
        return SearchEntry(id: document.id, names: document.names, datesOfBirth: document.datesOfBirth, facets: facets)
    }
}
