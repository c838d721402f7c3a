import HomewardCore

/// A register loaded for scoring new records one at a time: the incremental mode.
///
/// It shares everything with batch linkage — the keys, the blocking rules, the comparisons and
/// the trained model — so a record scores the same whether it arrives alone or in a list.
public struct LinkIndex: Sendable {
    /// A record of the index and how likely the new record describes the same person.
    public struct Match: Sendable, Equatable {
        public var index: Int
        public var probability: Double
    }

    let records: [PreparedRecord]
    let blocks: BlockIndex
    public let model: MatchModel
    let knowledge: MatchKnowledge

    public var count: Int { records.count }

    /// The records of the index that may describe the same person as `input`, most likely first,
    /// down to `floor`.
    public func matches(for input: MatchInput, floor: Double = 0.01) -> [Match] {
        var cache = KeyCache()
        let record = PreparedRecord(input, knowledge: knowledge, cache: &cache)
        var candidates: [Int32] = []
        blocks.candidates(of: record, into: &candidates)
        var found: [Match] = []
        for candidate in candidates {
            let other = records[Int(candidate)]
            let probability = MatchModel.probability(weight: model.score(Comparator.compare(record, other), record, other))
            if probability >= floor { found.append(Match(index: Int(candidate), probability: probability)) }
        }
        return found.sorted { $0.probability != $1.probability ? $0.probability > $1.probability : $0.index < $1.index }
    }
}

extension Linker {
    /// Loads records for incremental scoring with a model trained by `deduplicate`.
    public func index(_ inputs: [MatchInput], model: MatchModel) async -> LinkIndex {
        let records = await prepare(inputs)
        return LinkIndex(
            records: records, blocks: BlockIndex(records: records, maxBlockSize: settings.maxBlockSize), model: model,
            knowledge: knowledge
        )
    }
}
