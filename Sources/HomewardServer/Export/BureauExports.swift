import Foundation
import HomewardCore
import HomewardInterop
import HomewardStore

/// What the bureau sends out, made the same way from the pages and from `homeward export`.
public struct BureauExports: Sendable {
    public let register: Register
    public var bureauName = "National Information Bureau"
    /// The domain of Homeward's record identifiers in PFIF (`DOMAIN/person.UUID`).
    public var recordDomain = "homeward.bureau.example"

    public init(register: Register) {
        self.register = register
    }

    public var pfifExporter: PFIFExporter {
        get throws { try PFIFExporter(domain: recordDomain, authorName: bureauName, sourceName: bureauName) }
    }

    /// Writes every person of one side as PFIF 1.4, a page at a time, so a register of any size
    /// is exported in the same memory; returns how many persons were written.
    public func writePFIF(affiliation: Affiliation, to path: String) async throws -> Int {
        var writer = try PFIFWriter(path: path, exporter: try pfifExporter)
        var offset = 0
        while true {
            let page = try await register.dossiers(PersonFilter(affiliation: affiliation), offset: offset, limit: 1_000)
            for dossier in page.items { try writer.write(Self.pfifEntry(dossier)) }
            offset += page.items.count
            if page.items.isEmpty || offset >= page.total { break }
        }
        try writer.close()
        try await register.noteListing(entity: "person", query: "export \(offset) persons (\(affiliation.rawValue)) as PFIF 1.4")
        return offset
    }

    static func pfifEntry(_ dossier: PersonDossier) -> PFIFEntry {
        PFIFEntry(person: dossier.person, events: dossier.events, otherNames: dossier.otherNames)
    }

    /// The persons we hold (in custody, in hospital, being transferred) not named in any batch made
    /// so far, with their place of capture and the address of their camp.
    public func pendingArticle122() async throws -> CTANotificationBatch {
        let held: Set<PersonStatus> = [.inCustody, .hospitalised, .transferred]
        let named = try await register.notifiedPersons(kind: .ctaArticle122)
        var entries: [CTANotificationBatch.Entry] = []
        var offset = 0
        while true {
            let page = try await register.persons(PersonFilter(affiliation: .adversary), offset: offset, limit: 1_000)
            let candidates = page.items.filter { held.contains($0.status) && named[$0.id] == nil }
            for dossier in try await register.dossiers(of: candidates) {
                entries.append(
                    CTANotificationBatch.Entry(
                        person: dossier.person, placeOfCapture: dossier.capture?.place,
                        correspondenceAddress: dossier.lastFacility.map(Self.address)))
            }
            offset += page.items.count
            if page.items.isEmpty || offset >= page.total { break }
        }
        return CTANotificationBatch(entries: entries)
    }

    /// Makes and keeps a batch of everyone waiting; nil when no one is.
    public func makeArticle122Batch(on day: PartialDate) async throws -> (NotificationBatch, CTANotificationBatch)? {
        let pending = try await pendingArticle122()
        guard !pending.entries.isEmpty else { return nil }
        let name = "cta-art122-\(day)-\(pending.entries.count).csv"
        let batch = try await register.createNotificationBatch(
            kind: .ctaArticle122, personIDs: pending.entries.map(\.person.id), fileName: name, content: pending.csvBytes())
        return (batch, pending)
    }

    /// The capture card of a person we hold, filled from their timeline, as one printable HTML page.
    public func captureCard(of personID: UUID, on day: PartialDate) async throws -> String {
        let person = try await register.person(personID)
        try await register.noteView(entity: "person", id: person.id)
        let dossier = try await register.dossiers(of: [person])[0]
        return CaptureCard().html(
            for: person, takenPrisonerOn: dossier.capture?.date, takenPrisonerAt: dossier.capture?.place,
            health: person.status == .hospitalised ? [.sick] : [], camp: dossier.lastFacility.map(Self.address), date: day)
    }

    static func address(_ facility: Facility) -> String {
        [facility.name, facility.location].compactMap { $0 }.joined(separator: ", ")
    }
}
