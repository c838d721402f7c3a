/// What reading the scored pairs together changed about one pair's probability, so that a
/// person shown the pair sees why its probability is not what its fields add up to.
public struct PairRevision: Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        /// Both records are very likely the same person as this third record (an input index),
        /// and the clustering kept the three together: an OSINT sighting with a name and a year
        /// says little next to a mother's application, but its ICRC record joins both.
        case sharedRecord(Int32)
        /// One of the two records, `record`, may be someone else: it fits `candidate`, of another
        /// cluster, too, and a record is one person. `odds` are those of every other cluster the
        /// record may belong to, together (input indices).
        case rival(record: Int32, candidate: Int32, odds: Double)
        /// The two records are in clusters that this pair of records (input indices), scored as
        /// two people, keeps apart: the pair is held below the threshold, for a person to decide.
        case keptApart(Int32, Int32)
    }

    public var reason: Reason
    /// The probability the pair scored on its own; nil when it was never compared (blocking did
    /// not propose it, and the shared record did).
    public var scored: Float?
    /// The probability after reading the pairs together.
    public var revised: Float
}

/// Reads the scored pairs of a deduplication together, as one graph, where scoring saw each pair
/// alone. Three things follow from two facts, that one record describes one person and that
/// sameness is transitive:
///
/// 1. Clusters are joined by pairs at or above the threshold, strongest first, but never across a
///    pair the model scored as plainly two people (below `separateBelow`): a sparse sighting
///    that fits two namesakes must not chain them into one man.
/// 2. Two records of one cluster that share a third are at least as likely one person as the
///    two links through it together (the product of their probabilities). Pairs blocking never
///    proposed are added that way.
/// 3. A pair across clusters is weighed against the record's other candidates: a record that
///    fits person A with odds 6:1 and person B with odds 6:1 is not each of them with
///    probability 0.86. With each candidate person's odds o_k from the pair scores, the chance
///    of person k is o_k / (1 + Σ o), the exclusive reading of the same evidence; the pair gets
///    the lower of its two records' readings. (The record's own cluster is not among the
///    candidates: a person split over two clusters by a weaker link is common, and it would
///    drown the link that could join them.) A pair the clusters keep apart stays below the
///    threshold, so that at or above it always means one cluster.
struct ClusterResolver: Sendable {
    /// Pairs at or above this join clusters (the linkage threshold).
    let threshold: Float
    let workers: Int

    /// A pair scored below this is two people, whatever links both to a third record.
    static let separateBelow: Float = 0.001
    /// Candidates below this are too unlikely to count as rivals (and are left as they are).
    static let rivalFloor: Float = 0.01

    struct Resolution: Sendable {
        /// Each record's cluster, as its smallest input index.
        var clusters: [Int32]
        var revisions: [UInt64: PairRevision]
        /// Pairs of one cluster that were never compared, with their probability through a
        /// shared record.
        var inferred: LinkageResult.PairBatch
        /// Joins refused because the clusters held a pair scored as two people.
        var refusedJoins: Int
    }

    /// One scored pair and where it is in the batches.
    struct Edge: Sendable {
        var left: Int32
        var right: Int32
        var probability: Float
        var batch: Int32
        var index: Int32
    }

    static func key(_ a: Int32, _ b: Int32) -> UInt64 {
        let (low, high) = a < b ? (a, b) : (b, a)
        return UInt64(UInt32(low)) << 32 | UInt64(UInt32(high))
    }

    /// Revises the probabilities in `batches` in place and returns the clusters.
    func resolve(_ batches: inout [LinkageResult.PairBatch], recordCount: Int) async -> Resolution {
        // Every pair that can matter as a link or as a rival. (The batches are read before any is
        // written, so that no probabilities are copied.)
        let likely = await edges(in: batches) { $0.probability >= Self.rivalFloor }
        let strong = likely.filter { $0.probability >= threshold }
        // Records that strong pairs can join at all; only pairs inside these can forbid a join
        // or be raised, and they are few among tens of millions.
        var reachable = UnionFind(count: recordCount)
        for edge in strong { reachable.union(Int(edge.left), Int(edge.right)) }
        let component = (0..<recordCount).map { Int32(reachable.find($0)) }
        let inside = await edges(in: batches) { component[Int($0.left)] == component[Int($0.right)] }

        var clustering = Clustering(recordCount: recordCount, separated: inside.filter { $0.probability < Self.separateBelow })
        var keptApart: [UInt64: (Int32, Int32)] = [:]
        for edge in strong.sorted(by: Self.strongestFirst) {
            if let separating = clustering.join(edge.left, edge.right) { keptApart[Self.key(edge.left, edge.right)] = separating }
        }

        var revisions: [UInt64: PairRevision] = [:]
        let inferred = raiseThroughSharedRecords(
            strong: strong, inside: inside, clustering: clustering, batches: &batches, revisions: &revisions)
        weighAgainstRivals(likely, clustering: clustering, batches: &batches, revisions: &revisions)
        for edge in strong where !clustering.together(edge.left, edge.right) {
            let key = Self.key(edge.left, edge.right)
            guard batches[Int(edge.batch)].probability[Int(edge.index)] >= threshold, let separating = keptApart[key] else {
                continue
            }
            batches[Int(edge.batch)].probability[Int(edge.index)] = threshold.nextDown
            revisions[key] = PairRevision(
                reason: .keptApart(separating.0, separating.1), scored: edge.probability, revised: threshold.nextDown)
        }
        return Resolution(
            clusters: clustering.smallestMembers(), revisions: revisions, inferred: inferred,
            refusedJoins: clustering.refused)
    }

    private static func strongestFirst(_ a: Edge, _ b: Edge) -> Bool {
        if a.probability != b.probability { return a.probability > b.probability }
        return a.left != b.left ? a.left < b.left : a.right < b.right
    }

    /// The pairs of all batches that pass `keep`, in batch order, read on every core.
    private func edges(in batches: [LinkageResult.PairBatch], where keep: @escaping @Sendable (Edge) -> Bool) async -> [Edge] {
        await withTaskGroup(of: (Int, [Edge]).self) { group in
            let stride = max(1, (batches.count + workers * 4 - 1) / (workers * 4))
            for start in Swift.stride(from: 0, to: batches.count, by: stride) {
                group.addTask {
                    var kept: [Edge] = []
                    for number in start..<min(start + stride, batches.count) {
                        let batch = batches[number]
                        for index in batch.left.indices {
                            let edge = Edge(
                                left: batch.left[index], right: batch.right[index], probability: batch.probability[index],
                                batch: Int32(number), index: Int32(index))
                            if keep(edge) { kept.append(edge) }
                        }
                    }
                    return (start, kept)
                }
            }
            var parts: [(Int, [Edge])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// Raises pairs of one cluster to the product of their links through a record both are
    /// strongly linked to; returns the pairs so found that were never compared.
    private func raiseThroughSharedRecords(
        strong: [Edge], inside: [Edge], clustering: Clustering, batches: inout [LinkageResult.PairBatch],
        revisions: inout [UInt64: PairRevision]
    ) -> LinkageResult.PairBatch {
        let kept = strong.filter { clustering.together($0.left, $0.right) }
        var neighbours: [Int32: [(record: Int32, probability: Float)]] = [:]
        for edge in kept {
            neighbours[edge.left, default: []].append((edge.right, edge.probability))
            neighbours[edge.right, default: []].append((edge.left, edge.probability))
        }
        var scoredInside: [UInt64: Int] = [:]
        for (position, edge) in inside.enumerated() where clustering.together(edge.left, edge.right) {
            scoredInside[Self.key(edge.left, edge.right)] = position
        }
        var best: [UInt64: (probability: Float, through: Int32)] = [:]
        for shared in neighbours.keys.sorted() {
            let linked = neighbours[shared]!
            guard linked.count >= 2 else { continue }
            for first in 0..<(linked.count - 1) {
                for second in (first + 1)..<linked.count {
                    let (a, b) = (linked[first], linked[second])
                    let probability = a.probability * b.probability
                    let key = Self.key(a.record, b.record)
                    if best[key].map({ probability > $0.probability }) ?? true { best[key] = (probability, shared) }
                }
            }
        }
        var inferred = LinkageResult.PairBatch()
        for key in best.keys.sorted() {
            let (probability, shared) = best[key]!
            if let position = scoredInside[key] {
                let edge = inside[position]
                guard probability > edge.probability else { continue }
                batches[Int(edge.batch)].probability[Int(edge.index)] = probability
                revisions[key] = PairRevision(reason: .sharedRecord(shared), scored: edge.probability, revised: probability)
            } else {
                inferred.left.append(Int32(truncatingIfNeeded: key >> 32))
                inferred.right.append(Int32(truncatingIfNeeded: key))
                inferred.probability.append(probability)
                revisions[key] = PairRevision(reason: .sharedRecord(shared), scored: nil, revised: probability)
            }
        }
        return inferred
    }

    /// Lowers each likely pair across clusters to the exclusive reading of its records' candidates.
    private func weighAgainstRivals(
        _ likely: [Edge], clustering: Clustering, batches: inout [LinkageResult.PairBatch],
        revisions: inout [UInt64: PairRevision]
    ) {
        let across = likely.filter { !clustering.together($0.left, $0.right) }
        // For each record, each other cluster it may belong to, with the odds of its likeliest
        // record there: a handful per record.
        var candidates: [Int32: [(cluster: Int32, odds: Double, record: Int32)]] = [:]
        func note(_ record: Int32, _ other: Int32, _ odds: Double) {
            let cluster = clustering.cluster(of: other)
            var known = candidates[record, default: []]
            if let position = known.firstIndex(where: { $0.cluster == cluster }) {
                if odds > known[position].odds { known[position] = (cluster, odds, other) }
            } else {
                known.append((cluster, odds, other))
            }
            candidates[record] = known
        }
        for edge in across {
            let odds = Self.odds(edge.probability)
            note(edge.left, edge.right, odds)
            note(edge.right, edge.left, odds)
        }
        // The pair as `record` sees it: its own odds against those of the record's other clusters
        // together, and the likeliest of those.
        func reading(_ record: Int32, towards other: Int32, odds: Double) -> (
            probability: Double, rivals: Double, record: Int32, rival: Int32?
        ) {
            let cluster = clustering.cluster(of: other)
            let others = candidates[record, default: []].filter { $0.cluster != cluster }
            let rivals = others.reduce(0) { $0 + $1.odds }
            let rival = others.max { $0.odds != $1.odds ? $0.odds < $1.odds : $0.cluster > $1.cluster }?.record
            return (odds / (1 + rivals + odds), rivals, record, rival)
        }
        for edge in across {
            let odds = Self.odds(edge.probability)
            let left = reading(edge.left, towards: edge.right, odds: odds)
            let right = reading(edge.right, towards: edge.left, odds: odds)
            let lower = left.probability <= right.probability ? left : right
            let probability = Float(lower.probability)
            guard probability < edge.probability, let rival = lower.rival else { continue }
            batches[Int(edge.batch)].probability[Int(edge.index)] = probability
            revisions[Self.key(edge.left, edge.right)] = PairRevision(
                reason: .rival(record: lower.record, candidate: rival, odds: lower.rivals), scored: edge.probability,
                revised: probability)
        }
    }

    static func odds(_ probability: Float) -> Double {
        let p = Double(probability)
        return p / max(1 - p, 1e-9)
    }
}

/// Clusters that grow by joining, each join checked against the pairs that forbid it.
struct Clustering: Sendable {
    private var clusterOf: [Int32]
    /// Members of each cluster of more than one record, under the cluster's number.
    private var members: [Int32: [Int32]] = [:]
    /// For each record, the records it must not share a cluster with.
    private let separated: [Int32: [Int32]]
    private(set) var refused = 0

    init(recordCount: Int, separated pairs: [ClusterResolver.Edge]) {
        clusterOf = (0..<recordCount).map(Int32.init)
        var separated: [Int32: [Int32]] = [:]
        for pair in pairs {
            separated[pair.left, default: []].append(pair.right)
            separated[pair.right, default: []].append(pair.left)
        }
        self.separated = separated
    }

    func cluster(of record: Int32) -> Int32 { clusterOf[Int(record)] }

    func together(_ a: Int32, _ b: Int32) -> Bool { clusterOf[Int(a)] == clusterOf[Int(b)] }

    private func membersOf(_ cluster: Int32) -> [Int32] { members[cluster] ?? [cluster] }

    /// Joins the clusters of two records, unless a record of one is separated from one of the
    /// other; returns that pair of records if so.
    @discardableResult
    mutating func join(_ a: Int32, _ b: Int32) -> (Int32, Int32)? {
        var (kept, absorbed) = (clusterOf[Int(a)], clusterOf[Int(b)])
        guard kept != absorbed else { return nil }
        var keptMembers = membersOf(kept)
        var absorbedMembers = membersOf(absorbed)
        if keptMembers.count < absorbedMembers.count {
            swap(&kept, &absorbed)
            swap(&keptMembers, &absorbedMembers)
        }
        for member in absorbedMembers {
            for other in separated[member] ?? [] where clusterOf[Int(other)] == kept {
                refused += 1
                return (member, other)
            }
        }
        for member in absorbedMembers { clusterOf[Int(member)] = kept }
        members[absorbed] = nil
        members[kept] = keptMembers + absorbedMembers
        return nil
    }

    /// Each record's cluster named by its smallest member, so that names do not depend on the
    /// order of joins.
    func smallestMembers() -> [Int32] {
        var names = clusterOf
        for (_, group) in members {
            let smallest = group.min()!
            for member in group { names[Int(member)] = smallest }
        }
        return names
    }
}
