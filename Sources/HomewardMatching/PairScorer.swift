/// The one place a compared pair's weight is made: its pattern's weight (the prior and every
/// field's level), term-frequency adjustments for names agreed on exactly, and the limit for
/// different given names. Batch linkage, the incremental index and explanations all score here,
/// so a pair scores the same whichever way it is met.
///
/// Everything that can be is looked up, not computed: the weight and limit of every pattern,
/// and what agreeing on each name of the table adds.
struct PairScorer: Sendable {
    let model: MatchModel
    private let patternWeights: [Double]
    private let limited: [Bool]
    /// What agreeing on each name adds, field after field (`MatchModel.adjustedFields`), name
    /// after name; infinity where the name's frequency is unknown.
    private let adjustments: [Double]
    /// The names the table held when the scorer was made; names added later are looked up.
    private let nameCount: Int

    /// - Parameter frequenciesByName: each adjusted field's frequency of every name of `names`,
    ///   when the caller has counted them; else they are looked up in the model.
    init(model: MatchModel, names: NameTable, frequenciesByName: [[Double]]? = nil) {
        self.model = model
        let levelWeights = MatchField.allCases.map { field in (0..<field.levelCount).map { model.weight(field, level: $0) } }
        var weights = [Double](repeating: 0, count: Int(LevelVector.patternCount))
        var limited = [Bool](repeating: false, count: Int(LevelVector.patternCount))
        for pattern in 0..<Int(LevelVector.patternCount) {
            let vector = LevelVector(pattern: UInt32(pattern))
            weights[pattern] = MatchField.allCases.reduce(model.priorWeight) { $0 + levelWeights[$1.rawValue][Int(vector[$1])] }
            limited[pattern] = MatchModel.limit(vector) != nil
        }
        patternWeights = weights
        self.limited = limited
        nameCount = names.nameCount
        adjustments = MatchModel.adjustedFields.enumerated().flatMap { position, field in
            (0..<names.nameCount).map { name in
                let frequency =
                    frequenciesByName?[position][name] ?? Self.frequency(field, of: Int32(name), names: names, model: model)
                return frequency > 0 ? model.adjustment(field, agreeingOn: frequency) : .infinity
            }
        }
    }

    /// The pair's weight (log2 odds of one person).
    func weight(_ pattern: UInt32, _ a: PreparedRecord, _ b: PreparedRecord, names: NameTable) -> Double {
        let vector = LevelVector(pattern: pattern)
        var weight = patternWeights[Int(pattern)]
        for position in MatchModel.adjustedFields.indices {
            weight += adjustment(position, vector, a, b, names: names)
        }
        return limited[Int(pattern)] ? min(weight, MatchModel.limitWeight) : weight
    }

    /// What exact agreement on an adjusted field's value adds beyond its level's weight. Of two
    /// names the more frequent one's (the smaller adjustment) counts: when names were typed into
    /// each other's fields, a given name must not pass for a rare surname.
    func adjustment(_ position: Int, _ vector: LevelVector, _ a: PreparedRecord, _ b: PreparedRecord, names: NameTable) -> Double
    {
        let field = MatchModel.adjustedFields[position]
        guard vector[field] == 1 else { return 0 }
        let adjustment = min(
            adjustment(position, field, name: a.name(field), names: names),
            adjustment(position, field, name: b.name(field), names: names))
        return adjustment.isFinite ? adjustment : 0
    }

    private func adjustment(_ position: Int, _ field: MatchField, name: Int32, names: NameTable) -> Double {
        if Int(name) < nameCount { return adjustments[position * nameCount + Int(name)] }
        let frequency = Self.frequency(field, of: name, names: names, model: model)
        return frequency > 0 ? model.adjustment(field, agreeingOn: frequency) : .infinity
    }

    /// How often a name occurs in the field in the data the model was trained on; 0 when unknown.
    private static func frequency(_ field: MatchField, of name: Int32, names: NameTable, model: MatchModel) -> Double {
        names.firstKey(of: name).flatMap { model.termFrequencies[field]?[$0] } ?? 0
    }

    /// Why the pair scored as it did, field by field.
    func explain(_ vector: LevelVector, _ a: PreparedRecord, _ b: PreparedRecord, names: NameTable) -> PairExplanation {
        let contributions = MatchField.allCases.map { field in
            let level = Int(vector[field])
            let position = MatchModel.adjustedFields.firstIndex(of: field)
            return PairExplanation.Contribution(
                field: field,
                level: level == 0 ? "missing" : field.levels[level - 1],
                weight: model.weight(field, level: level) + (position.map { adjustment($0, vector, a, b, names: names) } ?? 0)
            )
        }
        let total = weight(vector.pattern, a, b, names: names)
        return PairExplanation(
            prior: model.priorWeight, contributions: contributions, weight: total,
            probability: MatchModel.probability(weight: total), limit: MatchModel.limit(vector)
        )
    }
}
