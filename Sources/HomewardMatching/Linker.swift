import Foundation
import HomewardCore

public struct LinkageSettings: Sendable {
    /// Pairs at or above this probability are the same person, and their records one cluster.
    public var threshold: Double = 0.9
    /// Pairs between this and `threshold` go to a person for review.
    public var reviewFloor: Double = 0.5
    /// Pairs below this are not reported; the benchmark protocol wants every scored pair (0).
    public var reportFloor: Double = 0
    /// A blocking key shared by more records than this proposes no pairs: it is too common to
    /// say anything, and would make the work quadratic.
    public var maxBlockSize = 100
    /// Parallel workers; the machine's cores by default.
    public var workers = ProcessInfo.processInfo.activeProcessorCount
    /// Random pairs drawn to learn how often two different people agree by chance.
    public var randomPairs = 1_000_000

    public init() {}
}

/// A pair of records (indices into the input) with its probability of being one person.
public struct ScoredPair: Sendable, Equatable {
    public var left: Int32
    public var right: Int32
    public var probability: Float
}

public struct LinkageResult: Sendable {
    /// The reported pairs (at or above the report floor, left < right), as parallel arrays: a
    /// million records give tens of millions of pairs, and a struct per pair would double them.
    public var left: [Int32]
    public var right: [Int32]
    public var probability: [Float]
    /// For each input record, the index of the first record of its cluster.
    public var clusters: [Int32]
    public var model: MatchModel
    public var candidatePairs: Int
    /// Pairs between the review floor and the threshold: too likely to ignore, too uncertain to
    /// link, so a person decides.
    public var pairsForReview: Int

    /// The reported pairs one by one; for small results and tests.
    public var pairs: [ScoredPair] {
        left.indices.map { ScoredPair(left: left[$0], right: right[$0], probability: probability[$0]) }
    }
}

/// Finds the records that describe the same person: proposes candidate pairs by blocking,
/// compares them field by field, learns a Fellegi–Sunter model from the data and clusters.
public struct Linker: Sendable {
    public var knowledge: MatchKnowledge
    public var settings: LinkageSettings

    public init(knowledge: MatchKnowledge = MatchKnowledge(), settings: LinkageSettings = LinkageSettings()) {
        self.knowledge = knowledge
        self.settings = settings
    }

    /// Deduplicates one list or register against itself.
    public func deduplicate(_ inputs: [MatchInput], progress: @Sendable (String) -> Void = { _ in }) async -> LinkageResult {
        progress("preparing \(inputs.count) records")
        let records = await prepare(inputs)
        progress("blocking and comparing candidate pairs")
        // The index lives only for the comparisons: at a million records it is most of a gigabyte.
        let compared = await compareCandidates(records, blocks: BlockIndex(records: records, maxBlockSize: settings.maxBlockSize))
        progress("training on \(compared.count) candidate pairs")
        var model = MatchModel(u: estimateU(records))
        model.termFrequencies = termFrequencies(records)
        var patterns: [UInt32: Int] = [:]
        for pattern in compared.patterns { patterns[pattern, default: 0] += 1 }
        model.train(patterns: patterns, recordCount: records.count)
        progress("scoring and clustering")
        let probabilities = await score(compared, records: records, model: model)
        var result = LinkageResult(
            left: [], right: [], probability: [], clusters: [], model: model, candidatePairs: compared.count,
            pairsForReview: 0
        )
        var clusters = UnionFind(count: records.count)
        let reportsAll = settings.reportFloor <= 0
        if reportsAll {
            result.left = compared.left
            result.right = compared.right
            result.probability = probabilities
        }
        let floor = Float(settings.reportFloor)
        let threshold = Float(settings.threshold)
        let reviewFloor = Float(settings.reviewFloor)
        for index in probabilities.indices {
            let probability = probabilities[index]
            if !reportsAll, probability >= floor {
                result.left.append(compared.left[index])
                result.right.append(compared.right[index])
                result.probability.append(probability)
            }
            if probability >= threshold {
                clusters.union(Int(compared.left[index]), Int(compared.right[index]))
            } else if probability >= reviewFloor {
                result.pairsForReview += 1
            }
        }
        result.clusters = (0..<records.count).map { Int32(clusters.find($0)) }
        return result
    }

    /// Every compared pair's probability. A pair's weight depends only on its agreement pattern,
    /// except for term-frequency adjustments: patterns are weighed once, frequencies looked up
    /// once per record, and the pairs scored in parallel.
    func score(_ compared: ComparedPairs, records: [PreparedRecord], model: MatchModel) async -> [Float] {
        var patternWeights: [UInt32: Double] = [:]
        for pattern in compared.patterns where patternWeights[pattern] == nil {
            patternWeights[pattern] = model.patternWeight(LevelVector(pattern: pattern))
        }
        let frequencies = MatchModel.adjustedFields.map { field in records.map { model.frequency(field, of: $0) } }
        let weights = patternWeights
        let chunks = chunkRanges(count: compared.count, parts: settings.workers * 8)
        return await withTaskGroup(of: (Int, [Float]).self) { group in
            for (number, range) in chunks.enumerated() {
                group.addTask {
                    var part = [Float]()
                    part.reserveCapacity(range.count)
                    for index in range {
                        let pattern = compared.patterns[index]
                        var weight = weights[pattern]!
                        let vector = LevelVector(pattern: pattern)
                        let left = Int(compared.left[index])
                        let right = Int(compared.right[index])
                        for (position, field) in MatchModel.adjustedFields.enumerated() where vector[field] == 1 {
                            weight += model.adjustment(
                                field, agreeingOn: max(frequencies[position][left], frequencies[position][right]))
                        }
                        part.append(Float(MatchModel.probability(weight: weight)))
                    }
                    return (number, part)
                }
            }
            var parts = [[Float]](repeating: [], count: chunks.count)
            for await (number, part) in group { parts[number] = part }
            var all = [Float]()
            all.reserveCapacity(compared.count)
            for number in parts.indices {
                all.append(contentsOf: parts[number])
                parts[number] = []
            }
            return all
        }
    }

    /// Explains how the model scores two records.
    public func explain(_ a: MatchInput, _ b: MatchInput, model: MatchModel) -> PairExplanation {
        var cache = KeyCache()
        let left = PreparedRecord(a, knowledge: knowledge, cache: &cache)
        let right = PreparedRecord(b, knowledge: knowledge, cache: &cache)
        return model.explain(Comparator.compare(left, right), left, right)
    }

    // MARK: Stages

    func prepare(_ inputs: [MatchInput]) async -> [PreparedRecord] {
        let knowledge = knowledge
        let chunks = chunkRanges(count: inputs.count, parts: settings.workers * 4)
        let prepared = await withTaskGroup(of: (Int, [PreparedRecord]).self) { group in
            for (number, range) in chunks.enumerated() {
                group.addTask {
                    var cache = KeyCache()
                    return (number, inputs[range].map { PreparedRecord($0, knowledge: knowledge, cache: &cache) })
                }
            }
            var parts = [[PreparedRecord]](repeating: [], count: chunks.count)
            for await (number, part) in group { parts[number] = part }
            return parts
        }
        return prepared.flatMap { $0 }
    }

    struct ComparedPairs: Sendable {
        var left: [Int32] = []
        var right: [Int32] = []
        var patterns: [UInt32] = []
        var count: Int { left.count }

        mutating func append(contentsOf other: ComparedPairs) {
            left.append(contentsOf: other.left)
            right.append(contentsOf: other.right)
            patterns.append(contentsOf: other.patterns)
        }
    }

    func compareCandidates(_ records: [PreparedRecord], blocks: BlockIndex) async -> ComparedPairs {
        // Small chunks interleave cheap and expensive stretches of the input across workers.
        let chunks = chunkRanges(count: records.count, parts: max(1, records.count / 2_000))
        return await withTaskGroup(of: (Int, ComparedPairs).self) { group in
            var next = 0
            var results = [ComparedPairs?](repeating: nil, count: chunks.count)
            func submit(_ number: Int) {
                let range = chunks[number]
                group.addTask {
                    var found = ComparedPairs()
                    var candidates: [Int32] = []
                    for left in range {
                        blocks.candidates(of: left, into: &candidates)
                        for right in candidates {
                            found.left.append(Int32(left))
                            found.right.append(right)
                            found.patterns.append(Comparator.compare(records[left], records[Int(right)]).pattern)
                        }
                    }
                    return (number, found)
                }
            }
            while next < min(settings.workers, chunks.count) {
                submit(next)
                next += 1
            }
            for await (number, found) in group {
                results[number] = found
                if next < chunks.count {
                    submit(next)
                    next += 1
                }
            }
            // Each part is released as soon as it is copied, so the pairs are never held twice.
            var all = ComparedPairs()
            let total = results.reduce(0) { $0 + ($1?.count ?? 0) }
            all.left.reserveCapacity(total)
            all.right.reserveCapacity(total)
            all.patterns.reserveCapacity(total)
            for number in results.indices {
                if let part = results[number] { all.append(contentsOf: part) }
                results[number] = nil
            }
            return all
        }
    }

    /// How often each level occurs among random pairs, which are almost all two different people.
    func estimateU(_ records: [PreparedRecord]) -> [[Double]] {
        var counts = MatchField.allCases.map { [Double](repeating: 1, count: $0.levelCount) }
        guard records.count > 1 else { return counts }
        var random = SplitMix64(seed: 0x5EED)
        let distinctPairs = records.count * (records.count - 1) / 2
        for _ in 0..<min(settings.randomPairs, distinctPairs) {
            let a = Int(random.next() % UInt64(records.count))
            var b = Int(random.next() % UInt64(records.count - 1))
            if b >= a { b += 1 }
            let vector = Comparator.compare(records[a], records[b])
            for field in MatchField.allCases { counts[field.rawValue][Int(vector[field])] += 1 }
        }
        return counts.map { levels in
            let observed = levels.dropFirst().reduce(0, +)
            return levels.enumerated().map { $0.offset == 0 ? 0 : $0.element / observed }
        }
    }

    func termFrequencies(_ records: [PreparedRecord]) -> [MatchField: [[UInt8]: Double]] {
        var result: [MatchField: [[UInt8]: Double]] = [:]
        for field in MatchModel.adjustedFields {
            var counts: [[UInt8]: Int] = [:]
            var total = 0
            for record in records {
                let key: [UInt8]? =
                    switch field {
                    case .surname: record.surname.first
                    case .givenName: record.givenName.first
                    default: record.place.first
                    }
                if let key {
                    counts[key, default: 0] += 1
                    total += 1
                }
            }
            result[field] = counts.mapValues { Double($0) / Double(max(total, 1)) }
        }
        return result
    }

    func chunkRanges(count: Int, parts: Int) -> [Range<Int>] {
        let parts = max(1, min(parts, count))
        let size = (count + parts - 1) / max(parts, 1)
        return stride(from: 0, to: count, by: max(size, 1)).map { $0..<min($0 + size, count) }
    }
}

/// Disjoint sets with path halving and union by size.
struct UnionFind {
    private var parent: [Int32]
    private var size: [Int32]

    init(count: Int) {
        parent = (0..<count).map(Int32.init)
        size = [Int32](repeating: 1, count: count)
    }

    mutating func find(_ element: Int) -> Int {
        var current = element
        while Int(parent[current]) != current {
            parent[current] = parent[Int(parent[current])]
            current = Int(parent[current])
        }
        return current
    }

    mutating func union(_ a: Int, _ b: Int) {
        var rootA = find(a)
        var rootB = find(b)
        if rootA == rootB { return }
        if size[rootA] < size[rootB] { swap(&rootA, &rootB) }
        parent[rootB] = Int32(rootA)
        size[rootA] += size[rootB]
    }
}
