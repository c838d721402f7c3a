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
    /// No level is impossible among one person's records: clerks mistype and soldiers change
    /// units. Flooring m keeps one disagreeing field from outweighing every other (about -9 bits
    /// at most), where a file without such errors would teach an unlimited penalty.
    static let minimumM = 0.002

    static func floored(_ m: [Double]) -> [Double] {
        let raised = m.enumerated().map { $0.offset == 0 ? 0 : max($0.element, minimumM) }
        let total = raised.reduce(0, +)
        return raised.map { $0 / total }
    }

    /// The chance that two records drawn at random are one person: the prior of every score.
    /// u is measured on random pairs, so the prior must be too; the share among candidates would
    /// count again the names that blocking selected them on.
    public internal(set) var randomMatchProbability: Double
    /// How often each surname, given name and place key occurs, for term-frequency adjustment:
    /// agreeing on "Шевченко" says less than agreeing on "Нерубацький".
    var termFrequencies: [MatchField: [[UInt8]: Double]] = [:]
    public internal(set) var emIterations = 0

    static let adjustedFields: [MatchField] = [.surname, .givenName, .placeOfBirth]

    /// The most a pair may score when its given names differ and nothing only one man has agrees.
    ///
    /// Brothers share surname, patronymic, birthplace and often unit, and each agreement adds to a
    /// Fellegi–Sunter score as if it were independent evidence of one man. What tells brothers
    /// apart is what they do not share: the given name, and the birthday or the service number.
    /// So when the given names are different, the pair is one man only if the birthday (or the
    /// number) says so; when they are two different known names, only if the number does, since
    /// twins share the birthday too. Such a pair stays below review: a person is not asked to
    /// decide whether two brothers are one man.
    static let limitForDifferentNames = 0.1

    /// Why a pattern is held to `limitForDifferentNames`, or nil.
    static func limit(_ vector: LevelVector) -> String? {
        let numberAgrees = vector[.serviceNumber] == 1 || vector[.serviceNumber] == 2
        let birthdayAgrees = (1...3).contains(vector[.dateOfBirth])
        switch vector[.givenName] {
        case 6 where !numberAgrees: return "two different known given names and no service number in common"
        case 5 where !numberAgrees && !birthdayAgrees: return "different given names and no birthday or service number in common"
        default: return nil
        }
    }

    /// The weight of `limitForDifferentNames`.
    public static let limitWeight = log2(limitForDifferentNames / (1 - limitForDifferentNames))

    init(u: [[Double]]) {
        self.u = u
        m = MatchField.allCases.map { field in
            // Start from "agreement is likelier for the same person", decreasing with the level.
            let raw = (0..<field.levelCount).map { level in level == 0 ? 0 : pow(Double(field.levelCount - level), 3) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
        lambda = 0.2
        randomMatchProbability = 0.2
    }

    /// The weight (log2 of m/u) a level adds to a pair's score.
    public func weight(_ field: MatchField, level: Int) -> Double {
        guard level > 0 else { return 0 }
        return log2(m[field.rawValue][level] / u[field.rawValue][level])
    }

    var priorWeight: Double { log2(randomMatchProbability / (1 - randomMatchProbability)) }

    /// Learns m and the share of matches from the candidates' agreement patterns, without labels.
    ///
    /// Candidates were proposed because they agree on some fields, so among them even different
    /// people agree on those fields far more often than chance: EM over all fields at once then
    /// takes "shares a name" for "is one person". As Splink does, each field is learnt in
    /// sessions that do not select on it: pairs with the same birthday and given name teach what
    /// surnames do, the same birthday and surname what given names do, the same surname and given
    /// name what dates do; fathers, places and numbers are learnt in all three. Finally the share
    /// of matches among the candidates is estimated with m and u fixed.
    /// - Parameter possiblePairs: how many pairs the candidates were drawn from: all pairs of a
    ///   deduplicated list, or those with a new record when a list is linked against a register.
    mutating func train(patterns: [UInt32: Int], possiblePairs: Double, maxIterations: Int = 40) {
        let decoded = patterns.map { (vector: LevelVector(pattern: $0.key), count: Double($0.value)) }
        let birthday = { (vector: LevelVector) in vector[.dateOfBirth] == 1 || vector[.dateOfBirth] == 2 }
        let given = { (vector: LevelVector) in vector[.givenName] == 1 || vector[.givenName] == 2 }
        let surname = { (vector: LevelVector) in vector[.surname] == 1 }
        // Each session selects on two fields, so that among its pairs different people are rare
        // even in a register of a million, and learns every field it did not select on.
        let sessions: [(selected: Set<MatchField>, pairs: [(vector: LevelVector, count: Double)])] = [
            ([.dateOfBirth, .givenName], decoded.filter { birthday($0.vector) && given($0.vector) }),
            ([.dateOfBirth, .surname], decoded.filter { birthday($0.vector) && surname($0.vector) }),
            ([.surname, .givenName], decoded.filter { surname($0.vector) && given($0.vector) }),
        ]
        var learnt: [MatchField: [[Double]]] = [:]
        emIterations = 0
        for session in sessions {
            let (m, iterations) = self.session(session.pairs, ignoring: session.selected, maxIterations: maxIterations)
            emIterations += iterations
            for (field, levels) in m { learnt[field, default: []].append(levels) }
        }
        for (field, estimates) in learnt {
            m[field.rawValue] = (0..<field.levelCount).map { level in
                estimates.reduce(0) { $0 + $1[level] } / Double(estimates.count)
            }
        }
        lambda = Self.shareOfMatches(decoded, maxIterations: maxIterations, evidence: evidence)
        // The prior is the share of matches among all pairs. Pairs blocking did not propose are
        // taken as non-matches, so the expected matches are the candidates' posteriors under that
        // same prior: solve prior = Σ posterior(prior) / all pairs. (Scaling the share among
        // candidates instead would use posteriors under a far larger prior, and at a million
        // records overstate the matches many times over.)
        let candidates = decoded.reduce(0) { $0 + $1.count }
        let allPairs = max(possiblePairs, 1)
        let weighed = decoded.map { (weight: evidence($0.vector), count: $0.count) }
        var prior = min(max(lambda * candidates / allPairs, 1e-12), 0.5)
        for _ in 0..<200 {
            let priorWeight = log2(prior / (1 - prior))
            let matches = weighed.reduce(0) { $0 + Self.probability(weight: priorWeight + $1.weight) * $1.count }
            let next = min(max(matches / allPairs, 1e-12), 0.5)
            if abs(next - prior) <= prior * 1e-6 { break }
            prior = next
        }
        randomMatchProbability = prior
    }

    /// One EM session: m for every field but `ignored`, from these patterns, and the iterations it
    /// took; no entry for a field it could not learn (too few pairs, or the field is ignored).
    func session(
        _ patterns: [(vector: LevelVector, count: Double)],
        ignoring ignored: Set<MatchField>,
        maxIterations: Int
    ) -> (m: [MatchField: [Double]], iterations: Int) {
        let total = patterns.reduce(0) { $0 + $1.count }
        guard total >= 30 else { return ([:], 0) }
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
                model.m[field.rawValue] = Self.floored(
                    [0] + (1..<field.levelCount).map { mCounts[field.rawValue][$0] / observed })
            }
            let settled = abs(newShare - share) < 1e-7
            share = newShare
            model.emIterations = iteration
            if settled { break }
        }
        return (Dictionary(uniqueKeysWithValues: fields.map { ($0, model.m[$0.rawValue]) }), model.emIterations)
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

    /// What a pattern's levels say, before any prior.
    func evidence(_ vector: LevelVector) -> Double {
        MatchField.allCases.reduce(0) { $0 + weight($1, level: Int(vector[$1])) }
    }

    /// Replaces the average chance of agreeing on a field (u) by the chance of agreeing on a
    /// value this frequent.
    func adjustment(_ field: MatchField, agreeingOn frequency: Double) -> Double {
        frequency > 0 ? log2(u[field.rawValue][1] / frequency) : 0
    }

    public static func probability(weight: Double) -> Double { 1 / (1 + pow(2, -weight)) }

    /// The learnt weights, one line per field: what each level adds to a pair's score.
    public var summary: String {
        var lines = [
            String(
                format: "share of matches among candidates: %.5f; prior (two random records match): %.3g", lambda,
                randomMatchProbability)
        ]
        for field in MatchField.allCases {
            let levels = field.levels.enumerated().map { index, name in
                "\(name) " + String(format: "%+.2f", weight(field, level: index + 1))
            }
            lines.append("\(field): " + levels.joined(separator: " | "))
        }
        return lines.joined(separator: "\n")
    }
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
    /// Why the pair was held below review whatever its fields add up to, if it was.
    public var limit: String?
}
