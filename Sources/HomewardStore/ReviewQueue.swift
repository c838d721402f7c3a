import FluentKit
import Foundation
import HomewardCore
import SQLKit

/// One field's part in the matcher's verdict on a pair, as an analyst is shown it.
public struct FieldEvidence: Hashable, Sendable, Codable {
    public var field: String
    /// How the two values compare: "exact", "alias", "typo", "missing", …
    public var level: String
    /// log2 of the likelihood ratio: positive speaks for one person, negative against.
    public var weight: Double

    public init(field: String, level: String, weight: Double) {
        self.field = field
        self.level = level
        self.weight = weight
    }
}

/// A pair of records the matcher thinks may be one person, for someone to decide.
public struct CandidateDraft: Hashable, Sendable {
    /// The record whose person the other would join.
    public var left: UUID
    public var right: UUID
    public var probability: Double
    /// Higher first: what deciding this pair is worth (see `DuplicateReview`).
    public var priority: Double
    public var evidence: [FieldEvidence]
    /// Why the pair was held below review whatever its fields add up to, if it was.
    public var limit: String?
    /// What reading every pair together changed about this pair's probability, if anything.
    public var context: PairContext?

    public init(
        left: UUID, right: UUID, probability: Double, priority: Double, evidence: [FieldEvidence], limit: String?,
        context: PairContext? = nil
    ) {
        self.left = left
        self.right = right
        self.probability = probability
        self.priority = priority
        self.evidence = evidence
        self.limit = limit
        self.context = context
    }
}

/// Why a candidate's probability is not what its fields add up to: the matcher read all pairs
/// together, and another record raised or lowered this one.
public struct PairContext: Codable, Hashable, Sendable {
    public enum Reason: String, Codable, Sendable {
        /// Both records are very likely the same person as a third record.
        case sharedRecord
        /// One of the records fits a record of another person too.
        case rival
        /// The records' clusters hold two records scored as two people.
        case keptApart
    }

    public var reason: Reason
    /// The probability the pair scored alone; nil when the two records were never compared.
    public var scored: Double?
    /// The records the reason names, as a person reads them (name and date of birth).
    public var records: [String]

    public init(reason: Reason, scored: Double?, records: [String]) {
        self.reason = reason
        self.scored = scored
        self.records = records
    }
}

public enum ReviewState: String, Sendable, CaseIterable, Codable {
    case open
    /// The right record now belongs to the left record's person.
    case linked
    case notSame = "not-same"
    /// Someone looked and could not tell; it stays out of the queue's head but can be decided later.
    case unsure
}

public enum ReviewDecision: String, Sendable, CaseIterable {
    case link
    case notSame = "not-same"
    case unsure

    var state: ReviewState {
        switch self {
        case .link: .linked
        case .notSame: .notSame
        case .unsure: .unsure
        }
    }
}

/// A possible duplicate with what was decided about it.
public struct MatchCandidate: Hashable, Sendable {
    public var id: UUID
    public var left: Record
    public var right: Record
    public var probability: Double
    public var priority: Double
    public var evidence: [FieldEvidence]
    public var limit: String?
    public var context: PairContext?
    public var state: ReviewState
    public var decidedBy: String?
    public var decidedAt: Date?
}

/// What is stored as a candidate's explanation.
struct StoredExplanation: Codable {
    var evidence: [FieldEvidence]
    var limit: String?
    var context: PairContext?
}

/// Every record reduced to what the matcher compares, with the person it is linked to.
public struct RecordForMatching: Sendable {
    public var id: UUID
    public var personID: UUID?
    public var particulars: RecordParticulars
}

extension Register {
    // MARK: Review of possible duplicates

    /// Every record, with the particulars the matcher reads (name, date and place of birth,
    /// service number, unit) and no others.
    ///
    /// Read with plain SQL and only those columns: the register's records are read whole before
    /// every import, and through Fluent that took longer than matching them.
    public func recordsForMatching() async throws -> [RecordForMatching] {
        let rows = try await database.sqlDatabase().select()
            .columns(
                "id", "person_id", "name_language", "surname", "given_names", "patronymic", "date_of_birth", "place_of_birth",
                "service_number", "unit"
            )
            .from(RecordModel.schema).orderBy("id").all()
        return try rows.map { row in
            let name = PersonName(
                surname: try row.decode(column: "surname", as: String.self),
                givenNames: try row.decode(column: "given_names", as: String?.self),
                patronymic: try row.decode(column: "patronymic", as: String?.self),
                language: try decoded(
                    NameLanguage.self, try row.decode(column: "name_language", as: String.self), column: "records.name_language"))
            return RecordForMatching(
                id: try row.decode(column: "id", as: UUID.self),
                personID: try row.decode(column: "person_id", as: UUID?.self),
                particulars: RecordParticulars(
                    name: name,
                    dateOfBirth: try decodedDate(
                        try row.decode(column: "date_of_birth", as: String?.self), column: "records.date_of_birth"),
                    placeOfBirth: try row.decode(column: "place_of_birth", as: String?.self),
                    serviceNumber: try row.decode(column: "service_number", as: String?.self),
                    unit: try row.decode(column: "unit", as: String?.self)))
        }
    }

    /// Replaces the open part of the queue with what the matcher found now. Pairs already decided
    /// keep their decision and are not proposed again.
    public func replaceOpenCandidates(_ drafts: [CandidateDraft]) async throws -> Int {
        let now = clock()
        return try await write("review.refresh", entity: "match_candidate", detail: "\(drafts.count) pairs proposed") {
            database in
            try await MatchCandidateModel.query(on: database).filter(\.$state == ReviewState.open.rawValue).delete()
            let decided = try await MatchCandidateModel.query(on: database).all()
            var known = Set(decided.map { [$0.leftRecordID, $0.rightRecordID] })
            var added = 0
            let encoder = JSONEncoder()
            for draft in drafts {
                guard known.insert([draft.left, draft.right]).inserted, !known.contains([draft.right, draft.left]) else {
                    continue
                }
                try await MatchCandidateModel(draft, at: now, encoder: encoder).create(on: database)
                added += 1
            }
            return (added, nil)
        }
    }

    /// The queue: open pairs by priority, then the ones someone was unsure about.
    public func reviewQueue(state: ReviewState, offset: Int, limit: Int) async throws -> Page<MatchCandidate> {
        let query = MatchCandidateModel.query(on: database).filter(\.$state == state.rawValue)
        let total = try await query.copy().count()
        let models = try await query.sort(\.$priority, .descending).sort(\.$id).range(offset..<(offset + limit)).all()
        var items: [MatchCandidate] = []
        for model in models { items.append(try await candidate(from: model)) }
        return Page(items: items, total: total, offset: offset, limit: limit)
    }

    public func matchCandidate(_ id: UUID) async throws -> MatchCandidate {
        guard let model = try await MatchCandidateModel.find(id, on: database) else {
            throw StoreError.notFound(entity: "match candidate", id: id)
        }
        return try await candidate(from: model)
    }

    /// Takes a decision on an open or unsure pair. Linking moves the right record to the left
    /// record's person; the link it had stays in its history and undoing restores it.
    public func decide(_ id: UUID, _ decision: ReviewDecision) async throws -> MatchCandidate {
        let now = clock()
        let actor = actor
        try await write("review.\(decision.rawValue)", entity: "match_candidate", detail: decision.rawValue) { database in
            guard let model = try await MatchCandidateModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "match candidate", id: id)
            }
            guard model.state == ReviewState.open.rawValue || model.state == ReviewState.unsure.rawValue else {
                throw ValidationError([
                    ValidationIssue(
                        field: "decision", rule: "already-decided",
                        message:
                            "this pair was already decided (\(model.state)) by \(model.decidedBy ?? "someone"); undo that first"
                    )
                ])
            }
            if decision == .link {
                guard let left = try await RecordModel.find(model.leftRecordID, on: database),
                    let right = try await RecordModel.find(model.rightRecordID, on: database)
                else { throw StoreError.internalInconsistency("a match candidate names a record that does not exist") }
                guard let personID = left.personID else {
                    throw ValidationError([
                        ValidationIssue(
                            field: "decision", rule: "no-person",
                            message: "the first record is not linked to a person any more; link it first")
                    ])
                }
                model.previousPersonID = right.personID
                try await moveRecord(right, to: personID, at: now, reason: "review: the same person", on: database)
            }
            model.state = decision.state.rawValue
            model.decidedBy = actor
            model.decidedAt = now
            try await model.update(on: database)
            return ((), id.uuidString)
        }
        return try await matchCandidate(id)
    }

    /// Undoes a decision: a link is reversed (the record returns to the person it had, or to none)
    /// and the pair goes back to the queue.
    public func undoDecision(_ id: UUID) async throws -> MatchCandidate {
        let now = clock()
        try await write("review.undo", entity: "match_candidate") { database in
            guard let model = try await MatchCandidateModel.find(id, on: database) else {
                throw StoreError.notFound(entity: "match candidate", id: id)
            }
            if model.state == ReviewState.linked.rawValue,
                let right = try await RecordModel.find(model.rightRecordID, on: database)
            {
                if let previous = model.previousPersonID {
                    try await moveRecord(right, to: previous, at: now, reason: "review decision undone", on: database)
                } else {
                    try await closeLinks(record: try right.requireID(), at: now, by: actor, on: database)
                    right.personID = nil
                    try await right.update(on: database)
                }
            }
            model.state = ReviewState.open.rawValue
            model.decidedBy = nil
            model.decidedAt = nil
            model.previousPersonID = nil
            try await model.update(on: database)
            return ((), id.uuidString)
        }
        return try await matchCandidate(id)
    }

    private func candidate(from model: MatchCandidateModel) async throws -> MatchCandidate {
        guard let left = try await RecordModel.find(model.leftRecordID, on: database),
            let right = try await RecordModel.find(model.rightRecordID, on: database)
        else { throw StoreError.internalInconsistency("a match candidate names a record that does not exist") }
        let explanation = try JSONDecoder().decode(StoredExplanation.self, from: Data(model.explanation.utf8))
        return MatchCandidate(
            id: try model.requireID(), left: try left.record(), right: try right.record(), probability: model.probability,
            priority: model.priority, evidence: explanation.evidence, limit: explanation.limit,
            context: explanation.context,
            state: try decoded(ReviewState.self, model.state, column: "match_candidates.state"), decidedBy: model.decidedBy,
            decidedAt: model.decidedAt
        )
    }
}

final class MatchCandidateModel: Model, @unchecked Sendable {
    static let schema = "match_candidates"

    @ID(key: .id) var id: UUID?
    @Field(key: "left_record_id") var leftRecordID: UUID
    @Field(key: "right_record_id") var rightRecordID: UUID
    @Field(key: "probability") var probability: Double
    @Field(key: "priority") var priority: Double
    /// JSON of `StoredExplanation`: the matcher's verdict as it was when the pair was proposed.
    @Field(key: "explanation") var explanation: String
    @Field(key: "state") var state: String
    @OptionalField(key: "decided_by") var decidedBy: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    /// The right record's person before a link, so undoing restores it.
    @OptionalField(key: "previous_person_id") var previousPersonID: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

extension Register {
    /// Every person's status, for weighing which possible duplicates matter most.
    public func personStatuses() async throws -> [UUID: PersonStatus] {
        let rows = try await database.sqlDatabase().select().columns("id", "status").from("persons").all()
        var statuses: [UUID: PersonStatus] = [:]
        for row in rows {
            statuses[try row.decode(column: "id", as: UUID.self)] = try decoded(
                PersonStatus.self, try row.decode(column: "status", as: String.self), column: "persons.status")
        }
        return statuses
    }
}

extension MatchCandidateModel {
    /// An open pair, waiting for a person's decision.
    convenience init(_ draft: CandidateDraft, at now: Date, encoder: JSONEncoder) throws {
        self.init()
        id = UUID()
        leftRecordID = draft.left
        rightRecordID = draft.right
        probability = draft.probability
        priority = draft.priority
        explanation = String(
            decoding: try encoder.encode(StoredExplanation(evidence: draft.evidence, limit: draft.limit, context: draft.context)),
            as: UTF8.self)
        state = ReviewState.open.rawValue
        createdAt = now
    }
}
