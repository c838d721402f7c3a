import Foundation
import HomewardCore
import HomewardMatching
import HomewardStore

/// Runs the matcher over every record of the register and puts the pairs it cannot settle alone,
/// and that would join two persons (or a person and a record of no one), in the review queue.
struct DuplicateFinder: Sendable {
    let database: HomewardDatabase
    /// Pairs below this probability are not worth a person's time.
    var floor = 0.3

    /// Proposes the pairs; returns how many are waiting for a decision.
    @discardableResult
    func refresh(actor: String) async throws -> Int {
        let register = database.register(actor: actor)
        let records = try await register.recordsForMatching()
        guard records.count >= 2 else { return try await register.replaceOpenCandidates([]) }
        let inputs = records.map(Self.input)
        var settings = LinkageSettings()
        settings.reportFloor = floor
        let linker = Linker(knowledge: .standard, settings: settings)
        let result = await linker.deduplicate(inputs)
        let statuses = try await register.personStatuses()

        var drafts: [CandidateDraft] = []
        for batch in result.batches {
            for index in batch.left.indices {
                var (left, right) = (records[Int(batch.left[index])], records[Int(batch.right[index])])
                if left.personID != nil, left.personID == right.personID { continue }
                // The left record names the person the right one would join.
                if left.personID == nil { swap(&left, &right) }
                guard let person = left.personID else { continue }
                let probability = Double(batch.probability[index])
                let explanation = linker.explain(
                    inputs[Int(batch.left[index])], inputs[Int(batch.right[index])], model: result.model)
                let revision = result.revision(Int(batch.left[index]), Int(batch.right[index]))
                drafts.append(
                    CandidateDraft(
                        left: left.id, right: right.id, probability: probability,
                        priority: Self.priority(
                            probability: probability, rightIsUnlinked: right.personID == nil,
                            statusesDiffer: right.personID.map { statuses[$0] != statuses[person] } ?? true),
                        evidence: explanation.contributions.map {
                            FieldEvidence(field: "\($0.field)", level: $0.level, weight: $0.weight)
                        },
                        limit: explanation.limit,
                        context: revision.map { Self.context($0, records: records) }
                    )
                )
            }
        }
        return try await register.replaceOpenCandidates(drafts)
    }

    /// What deciding a pair is worth. A record that belongs to no one yet (a name on the
    /// adversary's list that no family's application was joined to) may be the only sign of life
    /// a family will get: it comes first. Then pairs whose persons' statuses differ, because
    /// joining them changes what a family is told. Within each, the likelier pair first.
    static func priority(probability: Double, rightIsUnlinked: Bool, statusesDiffer: Bool) -> Double {
        probability + (rightIsUnlinked ? 2 : 0) + (statusesDiffer ? 1 : 0)
    }

    /// What reading the pairs together changed, with the records it names as a person reads them.
    static func context(_ revision: PairRevision, records: [RecordForMatching]) -> PairContext {
        func described(_ index: Int32) -> String {
            let particulars = records[Int(index)].particulars
            return [particulars.name.fullName, particulars.dateOfBirth?.description].compactMap { $0 }.joined(separator: ", ")
        }
        let scored = revision.scored.map(Double.init)
        switch revision.reason {
        case .sharedRecord(let shared): return PairContext(reason: .sharedRecord, scored: scored, records: [described(shared)])
        case .rival(_, let candidate, _): return PairContext(reason: .rival, scored: scored, records: [described(candidate)])
        case .keptApart(let first, let second):
            return PairContext(reason: .keptApart, scored: scored, records: [described(first), described(second)])
        }
    }

    static func input(_ record: RecordForMatching) -> MatchInput {
        let particulars = record.particulars
        return MatchInput(
            id: record.id.uuidString, surname: particulars.name.surname, givenName: particulars.name.givenNames ?? "",
            patronymic: particulars.name.patronymic ?? "", dateOfBirth: particulars.dateOfBirth?.description ?? "",
            placeOfBirth: particulars.placeOfBirth ?? "", serviceNumber: particulars.serviceNumber ?? "",
            unit: particulars.unit ?? ""
        )
    }
}
