import Foundation
import HomewardCore
import HomewardMatching
import HomewardStore
import Synchronization

/// A person who may be the one an inquiry seeks, with how the matcher judged it.
struct InquiryCandidate: Sendable {
    let person: PersonSearchDocument
    /// The record-linkage model's probability that the best of the person's records describes the
    /// sought person; nil when only the search by name found them.
    let probability: Double?
    /// Each field's part in that judgement: "surname: exact +7.9".
    let reasons: [PairExplanation.Contribution]
}

/// Matches what a family knows of the person they seek against every record of the register with
/// the record-linkage engine: the same keys, blocking and trained model as the review of
/// duplicates, each inquiry scored as one new record (the incremental mode).
///
/// The index is rebuilt when the register has changed since; the model is trained again only when
/// the register has grown by a quarter, as training compares every candidate pair of the register.
/// The search by name joins in the persons it finds, so a person registered a moment ago is not
/// missed while the index catches up.
final class InquiryMatcher: Sendable {
    private struct Loaded: Sendable {
        var index: LinkIndex
        var inputs: [MatchInput]
        var personOfRecord: [UUID?]
        var fingerprint: String
        var trainedOnRecords: Int
    }

    private let database: HomewardDatabase
    private let search: SearchService
    private let linker = Linker(knowledge: .standard)
    private let loaded = Mutex<Loaded?>(nil)
    /// Below this, a record is not worth showing as a candidate.
    let floor = 0.05

    init(database: HomewardDatabase, search: SearchService) {
        self.database = database
        self.search = search
    }

    private var register: Register { database.register(actor: "system:matcher") }

    static func input(_ sought: SoughtParticulars) -> MatchInput {
        MatchInput(
            id: "inquiry", surname: sought.name.surname, givenName: sought.name.givenNames ?? "",
            patronymic: sought.name.patronymic ?? "", dateOfBirth: sought.dateOfBirth?.description ?? "",
            serviceNumber: sought.serviceNumber ?? "", unit: sought.unit ?? "")
    }

    /// The persons most likely sought, best first.
    func candidates(for sought: SoughtParticulars, limit: Int = 10) async throws -> [InquiryCandidate] {
        let query = Self.input(sought)
        let scored = try await ensureLoaded() ? score(query, limit: limit) : []
        let searchText = [sought.name.surname, sought.name.givenNames, sought.dateOfBirth?.description]
            .compactMap { $0 }.joined(separator: " ")
        let searched = try await search.search(searchText, facets: [], limit: limit).persons
        var documents = Dictionary(searched.map { ($0.id, $0) }) { first, _ in first }
        for match in scored where documents[match.person] == nil {
            documents[match.person] = try await register.searchDocument(of: match.person)
        }
        var result: [InquiryCandidate] = scored.compactMap { match in
            documents[match.person].map { InquiryCandidate(person: $0, probability: match.probability, reasons: match.reasons) }
        }
        let scoredPersons = Set(scored.map(\.person))
        for person in searched where !scoredPersons.contains(person.id) && result.count < limit {
            result.append(InquiryCandidate(person: person, probability: nil, reasons: []))
        }
        return result
    }

    /// The persons whose records the index finds for the query, each by their best record.
    private func score(_ query: MatchInput, limit: Int) -> [(
        person: UUID, probability: Double, reasons: [PairExplanation.Contribution]
    )] {
        loaded.withLock { loaded in
            // Taken out while scoring, so the index's name tables grow in place rather than being copied.
            guard var state = loaded else { return [] }
            loaded = nil
            defer { loaded = state }
            var best: [UUID: LinkIndex.Match] = [:]
            // Most likely first: a person's first match is their best.
            for match in state.index.matches(for: query, floor: floor) {
                guard let person = state.personOfRecord[match.index], best[person] == nil else { continue }
                best[person] = match
            }
            return best.sorted {
                $0.value.probability != $1.value.probability
                    ? $0.value.probability > $1.value.probability : $0.key.uuidString < $1.key.uuidString
            }
            .prefix(limit).map { person, match in
                let explanation = linker.explain(query, state.inputs[match.index], model: state.index.model)
                return (person, match.probability, explanation.contributions)
            }
        }
    }

    /// Trains the model and loads the index before the first inquiry needs them.
    func warmUp() async throws { _ = try await ensureLoaded() }

    /// Rebuilds the index if the register changed; false while it has too few records to learn from.
    private func ensureLoaded() async throws -> Bool {
        let fingerprint = try await register.searchFingerprint()
        let previous = loaded.withLock { $0.map { ($0.fingerprint, $0.index.model, $0.trainedOnRecords) } }
        if previous?.0 == fingerprint { return true }
        let records = try await register.recordsForMatching()
        guard records.count >= 2 else { return false }
        let inputs = records.map(DuplicateFinder.input)
        let model: MatchModel
        var trainedOnRecords = records.count
        if let previous, Double(records.count) < Double(previous.2) * 1.25 {
            model = previous.1
            trainedOnRecords = previous.2
        } else {
            model = await linker.deduplicate(inputs).model
        }
        let state = Loaded(
            index: await linker.index(inputs, model: model), inputs: inputs, personOfRecord: records.map(\.personID),
            fingerprint: fingerprint, trainedOnRecords: trainedOnRecords)
        loaded.withLock { $0 = state }
        return true
    }
}
