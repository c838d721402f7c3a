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
    public var randomPairs = 500_000

    public init() {}
}

/// A pair of records (indices into the input) with its probability of being one person.
public struct ScoredPair: Sendable, Equatable {
    public var left: Int32
    public var right: Int32
    public var probability: Float
}

public struct LinkageResult: Sendable {
    /// Reported pairs (at or above the report floor, left < right) as parallel arrays: a million
    /// records give tens of millions of pairs, and a struct per pair would double them. They come
    /// in batches as the workers found them, so that no moment holds them twice.
    public struct PairBatch: Sendable {
        public var left: [Int32] = []
        public var right: [Int32] = []
        public var probability: [Float] = []

        /// The pairs at or above `floor`.
        func keeping(atLeast floor: Float) -> PairBatch {
            var kept = PairBatch()
            for index in probability.indices where probability[index] >= floor {
                kept.left.append(left[index])
                kept.right.append(right[index])
                kept.probability.append(probability[index])
            }
            return kept
        }
    }

    public var batches: [PairBatch]
    /// For each input record, the record that names its cluster: its smallest index.
    public var clusters: [Int32]
    public var model: MatchModel
    public var candidatePairs: Int
    /// Pairs between the review floor and the threshold: too likely to ignore, too uncertain to
    /// link, so a person decides.
    public var pairsForReview: Int
    /// Pairs whose probability reading them together changed, by `ClusterResolver.key`; empty
    /// when a list was linked against a register.
    var revisions: [UInt64: PairRevision] = [:]
    /// Pairs of one cluster blocking never proposed, found through a record both share.
    public var inferredPairs = 0
    /// Joins of clusters refused because they held a pair scored as two people.
    public var refusedJoins = 0

    /// What reading the pairs together changed about the pair of these two records, if anything.
    public func revision(_ a: Int, _ b: Int) -> PairRevision? { revisions[ClusterResolver.key(Int32(a), Int32(b))] }

    public var reportedPairs: Int { batches.reduce(0) { $0 + $1.left.count } }

    /// The reported pairs one by one; for small results and tests.
    public var pairs: [ScoredPair] {
        batches.flatMap { batch in
            batch.left.indices.map {
                ScoredPair(left: batch.left[$0], right: batch.right[$0], probability: batch.probability[$0])
            }
        }
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

    /// Deduplicates one list or register against itself. The inputs are let go once prepared:
    /// at a million records their text is a few hundred megabytes no later step reads, so a
    /// caller that passes them with `consume` keeps the peak lower.
    public func deduplicate(
        _ inputs: consuming [MatchInput], progress: @Sendable (String) -> Void = { _ in }
    ) async -> LinkageResult {
        await link(consume inputs, firstNew: 0, progress: progress)
    }

    /// Links a new list against a register already deduplicated: pairs of a new record with a
    /// register record or with another new record, never two register records. In the result,
    /// records are numbered register first, then the list; clusters join register records only
    /// through new ones.
    public func link(
        _ list: consuming [MatchInput], against register: consuming [MatchInput],
        progress: @Sendable (String) -> Void = { _ in }
    ) async -> LinkageResult {
        let firstNew = register.count
        var inputs = consume register
        inputs.append(contentsOf: consume list)
        return await link(consume inputs, firstNew: firstNew, progress: progress)
    }

    /// Links `inputs`, comparing only pairs with at least one record from `firstNew` on.
    private func link(
        _ inputs: consuming [MatchInput], firstNew: Int, progress: @Sendable (String) -> Void
    ) async -> LinkageResult {
        progress("preparing \(inputs.count) records")
        // Handed over, so that the inputs are let go as soon as they are prepared.
        let records = await PreparedRecords(consume inputs, knowledge: knowledge, workers: settings.workers)
        progress("blocking and comparing candidate pairs")
        // The index lives only for the comparisons.
        let compared = await compareCandidates(
            records, blocks: await BlockIndex(records, maxBlockSize: settings.maxBlockSize, workers: settings.workers),
            firstNew: firstNew)
        progress("training on \(compared.count) candidate pairs")
        var model = MatchModel(u: await estimateU(records))
        let frequencies = termFrequencies(records)
        model.termFrequencies = frequencies.byKey
        var counts = [Int](repeating: 0, count: Int(LevelVector.patternCount))
        for part in compared.parts {
            for pattern in part.patterns { counts[Int(pattern)] += 1 }
        }
        var patterns: [UInt32: Int] = [:]
        for (pattern, count) in counts.enumerated() where count > 0 { patterns[UInt32(pattern)] = count }
        let newRecords = Double(records.count - firstNew)
        model.train(patterns: patterns, possiblePairs: newRecords * Double(firstNew) + newRecords * (newRecords - 1) / 2)
        progress("scoring and clustering")
        let candidatePairs = compared.count
        // Deduplication reads the pairs together before any is left out; a register's records
        // were never compared with each other, so linking a list against it clusters as scored.
        let resolving = firstNew == 0
        var batches = await score(
            compared, records: records, frequenciesByName: frequencies.byName, model: model,
            floor: resolving ? 0 : Float(settings.reportFloor))
        let clusters: [Int32]
        var revisions: [UInt64: PairRevision] = [:]
        var inferredPairs = 0
        var refusedJoins = 0
        if resolving {
            let resolver = ClusterResolver(threshold: Float(settings.threshold), workers: settings.workers)
            let resolution = await resolver.resolve(&batches, recordCount: records.count)
            clusters = resolution.clusters
            revisions = resolution.revisions
            inferredPairs = resolution.inferred.left.count
            refusedJoins = resolution.refusedJoins
            batches.append(resolution.inferred)
            if settings.reportFloor > 0 { batches = batches.map { $0.keeping(atLeast: Float(settings.reportFloor)) } }
        } else {
            var joined = Clustering(recordCount: records.count, separated: [])
            for batch in batches {
                for index in batch.left.indices where batch.probability[index] >= Float(settings.threshold) {
                    joined.join(batch.left[index], batch.right[index])
                }
            }
            clusters = joined.smallestMembers()
        }
        let threshold = Float(settings.threshold)
        let reviewFloor = Float(settings.reviewFloor)
        var pairsForReview = 0
        for batch in batches {
            for probability in batch.probability where probability >= reviewFloor && probability < threshold {
                pairsForReview += 1
            }
        }
        return LinkageResult(
            batches: batches, clusters: clusters, model: model, candidatePairs: candidatePairs,
            pairsForReview: pairsForReview, revisions: revisions, inferredPairs: inferredPairs, refusedJoins: refusedJoins
        )
    }

    /// Every compared pair's probability, part by part, keeping those at or above the report
    /// floor; the parts are scored in parallel, each handing its pairs over as it goes.
    func score(
        _ compared: consuming ComparedPairs, records: PreparedRecords, frequenciesByName: [[Double]], model: MatchModel,
        floor: Float
    ) async -> [LinkageResult.PairBatch] {
        let scorer = PairScorer(model: model, names: records.names, frequenciesByName: frequenciesByName)
        // Taken out of `compared`, so that each part is released as soon as it is scored.
        var parts: [ComparedPairs.Part] = []
        swap(&parts, &compared.parts)
        return await withTaskGroup(of: (Int, LinkageResult.PairBatch).self) { group in
            var batches = [LinkageResult.PairBatch](repeating: .init(), count: parts.count)
            var next = 0
            func submit() {
                let number = next
                var part = ComparedPairs.Part()
                swap(&part, &parts[number])
                next += 1
                group.addTask {
                    var batch = LinkageResult.PairBatch()
                    if floor <= 0 {
                        batch.left = part.left
                        batch.right = part.right
                    }
                    batch.probability.reserveCapacity(part.count)
                    for index in part.left.indices {
                        let weight = scorer.weight(
                            part.patterns[index], records[Int(part.left[index])], records[Int(part.right[index])],
                            names: records.names)
                        let probability = Float(MatchModel.probability(weight: weight))
                        if floor <= 0 {
                            batch.probability.append(probability)
                        } else if probability >= floor {
                            batch.left.append(part.left[index])
                            batch.right.append(part.right[index])
                            batch.probability.append(probability)
                        }
                    }
                    return (number, batch)
                }
            }
            // A few parts at a time, so that each part's patterns are released as it is scored.
            while next < min(settings.workers * 2, parts.count) { submit() }
            for await (number, batch) in group {
                batches[number] = batch
                if next < parts.count { submit() }
            }
            return batches
        }
    }

    /// Explains how the model scores two records.
    public func explain(_ a: MatchInput, _ b: MatchInput, model: MatchModel) -> PairExplanation {
        var records = PreparedRecords()
        let left = records.prepare(a, knowledge: knowledge)
        let right = records.prepare(b, knowledge: knowledge)
        var comparator = Comparator(records)
        return PairScorer(model: model, names: records.names).explain(
            comparator.compare(left, right), left, right, names: records.names)
    }

    // MARK: Stages

    /// Candidate pairs with their agreement patterns, in parts as the workers found them: at a
    /// million records there are tens of millions, and joining the parts would hold them twice.
    struct ComparedPairs: Sendable {
        struct Part: Sendable {
            var left: [Int32] = []
            var right: [Int32] = []
            var patterns: [UInt32] = []
            var count: Int { left.count }

            /// Gives back what appending reserved beyond the pairs: up to half of each array, and
            /// at tens of millions of pairs the peak of the whole run.
            mutating func trimCapacity() {
                left = Self.exactly(left)
                right = Self.exactly(right)
                patterns = Self.exactly(patterns)
            }

            private static func exactly<Element: BitwiseCopyable>(_ array: [Element]) -> [Element] {
                guard array.capacity > array.count + array.count / 16 else { return array }
                return [Element](unsafeUninitializedCapacity: array.count) { buffer, initialized in
                    _ = buffer.initialize(from: array)
                    initialized = array.count
                }
            }
        }

        var parts: [Part] = []
        var count: Int { parts.reduce(0) { $0 + $1.count } }
    }

    /// Compares every candidate pair with at least one record from `firstNew` on, each from its
    /// newer record's side.
    func compareCandidates(_ records: PreparedRecords, blocks: BlockIndex, firstNew: Int) async -> ComparedPairs {
        let order = Self.neighboursTogether(records, from: firstNew)
        // Small chunks interleave cheap and expensive stretches of the input across workers.
        let chunks = chunkRanges(count: order.count, parts: max(1, order.count / 2_000))
        // What a worker keeps from chunk to chunk: its comparator's memory of name pairs, and
        // which records it has proposed for the current one.
        struct WorkerState: Sendable {
            var comparator: Comparator
            var seen: [Int32]
        }
        return await withTaskGroup(of: (Int, ComparedPairs.Part, WorkerState).self) { group in
            var next = 0
            var parts = [ComparedPairs.Part](repeating: ComparedPairs.Part(), count: chunks.count)
            func submit(_ number: Int, _ state: WorkerState) {
                let range = chunks[number]
                group.addTask {
                    var state = state
                    var found = ComparedPairs.Part()
                    var candidates: [Int32] = []
                    for position in range {
                        let new = Int(order[position])
                        blocks.candidates(of: new, firstNew: firstNew, seen: &state.seen, into: &candidates)
                        for other in candidates {
                            let (left, right) = Int(other) < new ? (Int(other), new) : (new, Int(other))
                            found.left.append(Int32(left))
                            found.right.append(Int32(right))
                            found.patterns.append(state.comparator.compare(left, right).pattern)
                        }
                    }
                    found.trimCapacity()
                    return (number, found, state)
                }
            }
            while next < min(settings.workers, chunks.count) {
                submit(next, WorkerState(comparator: Comparator(records), seen: [Int32](repeating: -1, count: records.count)))
                next += 1
            }
            for await (number, found, state) in group {
                parts[number] = found
                if next < chunks.count {
                    submit(next, state)
                    next += 1
                }
            }
            return ComparedPairs(parts: parts)
        }
    }

    /// The records from `firstNew` on, by surname (its first key, so that spellings of one name
    /// come together) and then given name. Comparing them in this order, and not as the list
    /// happens to run, is what keeps the work in the processor's cache: a record's candidates,
    /// their blocks and the names compared are mostly those of the record before. At a million
    /// records the other order waits on memory for most of the comparing. Which pairs are
    /// compared does not change.
    static func neighboursTogether(_ records: PreparedRecords, from firstNew: Int) -> [Int32] {
        let names = records.names
        let recordMask = BlockIndex.recordMask
        // Surname key above, given name key in the middle, the record below; keys beyond what
        // their bits hold only share a place in the order.
        func key(_ name: Int32, bits: Int) -> UInt64 {
            min(names.nameKeys[Int(name)].first.map { UInt64($0) + 1 } ?? 0, (1 << UInt64(bits)) - 1)
        }
        var entries = (firstNew..<records.count).map { record in
            let prepared = records[record]
            return key(prepared.surname, bits: 24) << 40 | key(prepared.givenName, bits: 16) << 24 | UInt64(record) & recordMask
        }
        BlockIndex.radixSort(&entries)
        return entries.map { Int32(truncatingIfNeeded: $0 & recordMask) }
    }

    /// How often each level occurs among random pairs, which are almost all two different people.
    func estimateU(_ records: PreparedRecords) async -> [[Double]] {
        var counts = MatchField.allCases.map { [Double](repeating: 1, count: $0.levelCount) }
        guard records.count > 1 else { return counts }
        let draws = min(settings.randomPairs, records.count * (records.count - 1) / 2)
        // A fixed number of seeded streams, each drawing its share: the result depends neither
        // on the number of cores nor on which finishes first.
        let workers = 8
        let partial = await withTaskGroup(of: [[Double]].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var counts = MatchField.allCases.map { [Double](repeating: 0, count: $0.levelCount) }
                    var random = SplitMix64(seed: 0x5EED &+ UInt64(worker))
                    var comparator = Comparator(records)
                    for _ in 0..<(draws / workers + (worker < draws % workers ? 1 : 0)) {
                        let a = Int(random.next() % UInt64(records.count))
                        var b = Int(random.next() % UInt64(records.count - 1))
                        if b >= a { b += 1 }
                        let vector = comparator.compare(a, b)
                        for field in MatchField.allCases { counts[field.rawValue][Int(vector[field])] += 1 }
                    }
                    return counts
                }
            }
            var all: [[[Double]]] = []
            for await counts in group { all.append(counts) }
            return all
        }
        for part in partial {
            for field in MatchField.allCases {
                for level in counts[field.rawValue].indices { counts[field.rawValue][level] += part[field.rawValue][level] }
            }
        }
        return counts.map { levels in
            let observed = levels.dropFirst().reduce(0, +)
            return levels.enumerated().map { $0.offset == 0 ? 0 : $0.element / observed }
        }
    }

    /// How often each surname, given name and place occurs, by its first key: for the model (by
    /// the key's bytes) and for scoring (by name number, one look-up per name).
    func termFrequencies(_ records: PreparedRecords) -> (byKey: [MatchField: [[UInt8]: Double]], byName: [[Double]]) {
        let names = records.names
        var byKey: [MatchField: [[UInt8]: Double]] = [:]
        var byName: [[Double]] = []
        for field in MatchModel.adjustedFields {
            var counts = [Int](repeating: 0, count: names.keys.count)
            var total = 0
            for record in records.records {
                if let key = names.nameKeys[Int(record.name(field))].first {
                    counts[Int(key)] += 1
                    total += 1
                }
            }
            let share = counts.map { Double($0) / Double(max(total, 1)) }
            var frequencies: [[UInt8]: Double] = [:]
            for key in counts.indices where counts[key] > 0 { frequencies[Array(names.keys[key])] = share[key] }
            byKey[field] = frequencies
            byName.append((0..<names.nameCount).map { name in names.nameKeys[name].first.map { share[Int($0)] } ?? 0 })
        }
        return (byKey, byName)
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
