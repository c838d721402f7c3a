import Foundation

/// A Fellegi–Sunter model: for every field and agreement level, how likely that level is among
/// pairs of one person (m) and among pairs of two people (u).
///
/// u comes from pairs drawn at random, which are nearly all two people; m and the share of true
/// pairs among the candidates come from expectation–maximisation over the candidates' agreement
/// patterns. No labels are used.
public struct MatchModel: Sendable {
    /// m[field][level] and u[field][level]; level 0 ("missing") is never used.
    public internal(set) var m: [[Double]]
    public internal(set) var u: [[Double]]
    /// The share of candidate pairs that are one person.
    public internal(set) var lambda: Double
    /// How often each surname, given name and place key occurs, for term-frequency adjustment:
    /// agreeing on "Шевченко" says less than agreeing on "Нерубацький".
    var termFrequencies: [MatchField: [[UInt8]: Double]] = [:]
    public internal(set) var emIterations = 0

    static let adjustedFields: [MatchField] = [.surname, .givenName, .placeOfBirth]

    init(u: [[Double]]) {
        self.u = u
        m = MatchField.allCases.map { field in
            // Start from "agreement is likelier for the same person", decreasing with the level.
            let raw = (0..<field.levelCount).map { level in level == 0 ? 0 : pow(Double(field.levelCount - level), 3) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        lambda = 0.2
    }

    /// The weight (log2 of m/u) a level adds to a pair's score.
    public func weight(_ field: MatchField, level: Int) -> Double {
        guard level > 0 else { return 0 }
        return log2(m[field.rawValue][level] / u[field.rawValue][level])
    }

    var priorWeight: Double { log2(lambda / (1 - lambda)) }

    /// Learns m and the share of matches from the candidates' agreement patterns, without labels.
    ///
    /// Candidates were proposed because they agree on some fields, so among them even different
    /// people agree on those fields far more often than chance: EM over all fields at once then
    /// takes "shares a name" for "is one person". As Splink does, each field is learnt in a
    /// session that does not select on it: pairs born on the same day teach what names do; pairs
    /// with the same name teach what dates, fathers, places and numbers do. Finally the share of
    /// matches among all candidates is estimated with m and u fixed.
    mutating func train(patterns: [UInt32: Int], maxIterations: Int = 40) {
        let decoded = patterns.map { (vector: LevelVector(pattern: $0.key), count: Double($0.value)) }
        let sameBirthday = decoded.filter { $0.vector[.dateOfBirth] == 1 || $0.vector[.dateOfBirth] == 2 }
        let sameName = decoded.filter { $0.vector[.surname] == 1 && ($0.vector[.givenName] == 1 || $0.vector[.givenName] == 2) }
        let fromBirthday = session(sameBirthday, ignoring: [.dateOfBirth], maxIterations: maxIterations)
        let fromName = session(sameName, ignoring: [.surname, .givenName], maxIterations: maxIterations)
        for field in MatchField.allCases {
            switch (fromBirthday[field], fromName[field]) {
            case (let a?, let b?): m[field.rawValue] = zip(a, b).map { ($0 + $1) / 2 }
            case (let a?, nil): m[field.rawValue] = a
            case (nil, let b?): m[field.rawValue] = b
            case (nil, nil): break
            }
        }
        lambda = Self.shareOfMatches(decoded, maxIterations: maxIterations) { vector in
            MatchField.allCases.reduce(0) { $0 + weight($1, level: Int(vector[$1])) }
        }
    }

    /// One EM session: m for every field but `ignored`, from these patterns; nil for a field it
    /// could not learn (too few pairs, or the field is ignored).
    func session(
        _ patterns: [(vector: LevelVector, count: Double)],
        ignoring ignored: Set<MatchField>,
        maxIterations: Int
    ) -> [MatchField: [Double]] {
        let total = patterns.reduce(0) { $0 + $1.count }
        guard total >= 30 else { return [:] }
        let fields = MatchField.allCases.filter { !ignored.contains($0) }
        var model = self
        var share = 0.5
        for iteration in 1...maxIterations {
            var mCounts = MatchField.allCases.map { [Double](repeating: 0, count: $0.levelCount) }
            var matchTotal = 0.0
            for (vector, count) in patterns {
                var weight = log2(share / (1 - share))
                for field in fields { weight += model.weight(field, level: Int(vector[field])) }
                let posterior = Self.probability(weight: weight) * count
                matchTotal += posterior
                for field in fields { mCounts[field.rawValue][Int(vector[field])] += posterior }
            }
            let newShare = min(max(matchTotal / total, 1e-6), 1 - 1e-6)
            for field in fields {
                let observed = mCounts[field.rawValue].dropFirst().reduce(0, +)
                guard observed > 0 else { continue }
                // A little smoothing keeps a level never seen among matches from an infinite weight.
                let smoothing = 1e-4
                let levels = Double(field.levelCount - 1)
                for level in 1..<field.levelCount {
                    model.m[field.rawValue][level] =
                        (mCounts[field.rawValue][level] + smoothing) / (observed + smoothing * levels)
                }
            }
            let settled = abs(newShare - share) < 1e-7
            share = newShare
            model.emIterations = iteration
            if settled { break }
        }
        return Dictionary(uniqueKeysWithValues: fields.map { ($0, model.m[$0.rawValue]) })
    }

    /// The share of matches among patterns, with the evidence of each pattern fixed.
    static func shareOfMatches(
        _ patterns: [(vector: LevelVector, count: Double)],
        maxIterations: Int,
        evidence: (LevelVector) -> Double
    ) -> Double {
        let total = patterns.reduce(0) { $0 + $1.count }
        guard total > 0 else { return 0.2 }
        let weights = patterns.map { (weight: evidence($0.vector), count: $0.count) }
        var share = 0.2
        for _ in 0..<(maxIterations * 5) {
            let prior = log2(share / (1 - share))
            let matches = weights.reduce(0) { $0 + probability(weight: prior + $1.weight) * $1.count }
            let newShare = min(max(matches / total, 1e-6), 1 - 1e-6)
            if abs(newShare - share) < 1e-9 { return newShare }
            share = newShare
        }
        return share
    }

    /// A pair's weight: the prior, each field's level, and term-frequency adjustments for exact
    /// agreement on a value whose frequency is known.
    func score(_ vector: LevelVector, _ a: PreparedRecord, _ b: PreparedRecord) -> Double {
        var total = priorWeight
        for field in MatchField.allCases { total += weight(field, level: Int(vector[field])) }
        total += termFrequencyAdjustment(.surname, vector, key: a.surname.first)
        total += termFrequencyAdjustment(.givenName, vector, key: a.givenName.first)
        total += termFrequencyAdjustment(.placeOfBirth, vector, key: a.place.first)
        return total
    }

    func termFrequencyAdjustment(_ field: MatchField, _ vector: LevelVector, key: [UInt8]?) -> Double {
        guard vector[field] == 1, let key, let frequency = termFrequencies[field]?[key] else { return 0 }
        // Replaces the average chance of agreeing (u) by this value's own chance.
        return log2(u[field.rawValue][1] / frequency)
    }

    public static func probability(weight: Double) -> Double { 1 / (1 + pow(2, -weight)) }
}

/// Why a pair scored as it did: each field's level and what it added, for a person to judge.
public struct PairExplanation: Sendable, Equatable {
    public struct Contribution: Sendable, Equatable {
        public var field: MatchField
        /// The level's name, or "missing".
        public var level: String
        /// log2(m/u), with the term-frequency adjustment where one applied.
        public var weight: Double
    }

    public var prior: Double
    public var contributions: [Contribution]
    public var weight: Double
    public var probability: Double
}

extension MatchModel {
    func explain(_ vector: LevelVector, _ a: PreparedRecord, _ b: PreparedRecord) -> PairExplanation {
        let keys: [MatchField: [UInt8]?] = [
            .surname: a.surname.first, .givenName: a.givenName.first, .placeOfBirth: a.place.first,
        ]
        let contributions = MatchField.allCases.map { field in
            let level = Int(vector[field])
            let adjustment = keys[field].map { termFrequencyAdjustment(field, vector, key: $0) } ?? 0
            return PairExplanation.Contribution(
                field: field,
                level: level == 0 ? "missing" : field.levels[level - 1],
                weight: weight(field, level: level) + adjustment
            )
        }
        let total = score(vector, a, b)
        return PairExplanation(
            prior: priorWeight, contributions: contributions, weight: total, probability: Self.probability(weight: total)
        )
    }
}
