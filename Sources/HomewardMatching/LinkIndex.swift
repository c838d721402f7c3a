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

    /// Grows with the spellings of the records scored against it, never with the records.
    var records: PreparedRecords
    let blocks: BlockIndex
    let scorer: PairScorer
    let knowledge: MatchKnowledge

    public var model: MatchModel { scorer.model }

    public var count: Int { records.count }

    /// The records of the index that may describe the same person as `input`, most likely first,
    /// down to `floor`. Names the index has not seen are added to its name tables.
    public mutating func matches(for input: MatchInput, floor: Double = 0.01) -> [Match] {
        let record = records.prepare(input, knowledge: knowledge)
        var candidates: [Int32] = []
        blocks.candidates(of: record, in: records, into: &candidates)
        var comparator = Comparator(records, memoryBits: 6)
        var found: [Match] = []
        for candidate in candidates {
            let other = records[Int(candidate)]
            let weight = scorer.weight(comparator.compare(record, other).pattern, record, other, names: records.names)
            let probability = MatchModel.probability(weight: weight)
            if probability >= floor { found.append(Match(index: Int(candidate), probability: probability)) }
        }
        return found.sorted { $0.probability != $1.probability ? $0.probability > $1.probability : $0.index < $1.index }
    }
}

extension Linker {
    /// Loads records for incremental scoring with a model trained by `deduplicate`.
    public func index(_ inputs: [MatchInput], model: MatchModel) async -> LinkIndex {
        let records = await PreparedRecords(inputs, knowledge: knowledge, workers: settings.workers)
        let blocks = await BlockIndex(records, maxBlockSize: settings.maxBlockSize, forOutsiders: true, workers: settings.workers)
        return LinkIndex(
            records: records, blocks: blocks, scorer: PairScorer(model: model, names: records.names), knowledge: knowledge)
    }
}
