import Testing

@testable import HomewardMatching

@Suite("Reading scored pairs together")
struct ClusterResolutionTests {
    /// Resolves pairs given as (left, right, probability) among `records` records, in two batches
    /// so that positions across batches are exercised.
    static func resolve(_ pairs: [(Int32, Int32, Float)], records: Int, threshold: Float = 0.9) async -> (
        probabilities: [UInt64: Float], resolution: ClusterResolver.Resolution
    ) {
        var batches = [LinkageResult.PairBatch(), LinkageResult.PairBatch()]
        for (position, pair) in pairs.enumerated() {
            batches[position % 2].left.append(pair.0)
            batches[position % 2].right.append(pair.1)
            batches[position % 2].probability.append(pair.2)
        }
        let resolution = await ClusterResolver(threshold: threshold, workers: 2).resolve(&batches, recordCount: records)
        var probabilities: [UInt64: Float] = [:]
        for batch in batches + [resolution.inferred] {
            for index in batch.left.indices {
                probabilities[ClusterResolver.key(batch.left[index], batch.right[index])] = batch.probability[index]
            }
        }
        return (probabilities, resolution)
    }

    static func key(_ a: Int32, _ b: Int32) -> UInt64 { ClusterResolver.key(a, b) }

    @Test("two records strongly linked to a third are raised to the product of the links, and say through which")
    func raisedThroughSharedRecord() async {
        // 0: a sighting with a name and a year; 1: the mother's application; 2: the ICRC record.
        let (probabilities, resolution) = await Self.resolve([(0, 2, 0.95), (1, 2, 0.97), (0, 1, 0.2)], records: 3)
        #expect(abs(probabilities[Self.key(0, 1)]! - 0.95 * 0.97) < 1e-6)
        #expect(resolution.revisions[Self.key(0, 1)] == PairRevision(reason: .sharedRecord(2), scored: 0.2, revised: 0.95 * 0.97))
        #expect(resolution.clusters == [0, 0, 0])
        #expect(resolution.inferred.left.isEmpty)
    }

    @Test("a pair blocking never proposed is added when both records share a third")
    func inferred() async {
        let (probabilities, resolution) = await Self.resolve([(0, 2, 0.95), (1, 2, 0.97), (3, 4, 0.5)], records: 5)
        #expect(resolution.inferred.left == [0] && resolution.inferred.right == [1])
        #expect(abs(probabilities[Self.key(0, 1)]! - 0.95 * 0.97) < 1e-6)
        #expect(resolution.revisions[Self.key(0, 1)] == PairRevision(reason: .sharedRecord(2), scored: nil, revised: 0.95 * 0.97))
        #expect(resolution.clusters == [0, 0, 0, 3, 4])
    }

    @Test("a sparse record that fits two men plainly apart does not chain them into one")
    func separatedNamesakes() async {
        // 1 and 2 are brothers' applications, scored as two people; 0 is a sighting that fits both.
        let (probabilities, resolution) = await Self.resolve(
            [(0, 1, 0.95), (0, 2, 0.93), (1, 2, 0.0001)], records: 3)
        #expect(resolution.refusedJoins == 1)
        #expect(resolution.clusters == [0, 0, 2])
        #expect(probabilities[Self.key(1, 2)] == 0.0001)
        // The sighting's link to the second brother is held below the threshold, for a person to
        // decide, and says which pair keeps the two clusters apart.
        #expect(probabilities[Self.key(0, 2)] == Float(0.9).nextDown)
        #expect(
            resolution.revisions[Self.key(0, 2)]
                == PairRevision(reason: .keptApart(2, 1), scored: 0.93, revised: Float(0.9).nextDown))
        #expect(probabilities[Self.key(0, 1)] == 0.95)
    }

    @Test("a record that fits two persons equally is each of them at most by half")
    func rivals() async {
        // 0 fits the cluster {1, 2} and the cluster {3, 4} alike.
        let (probabilities, resolution) = await Self.resolve(
            [(1, 2, 0.99), (3, 4, 0.99), (0, 1, 0.87), (0, 3, 0.87)], records: 5)
        let odds = Double(Float(0.87)) / (1 - Double(Float(0.87)))
        let expected = Float(odds / (1 + 2 * odds))
        #expect(abs(probabilities[Self.key(0, 1)]! - expected) < 1e-5)
        #expect(abs(probabilities[Self.key(0, 3)]! - expected) < 1e-5)
        #expect(resolution.revisions[Self.key(0, 1)]?.reason == .rival(record: 0, candidate: 3, odds: odds))
        #expect(resolution.clusters == [0, 1, 1, 3, 3])
    }

    @Test("pairs with no rival and no shared record keep their scores")
    func untouched() async {
        let pairs: [(Int32, Int32, Float)] = [(0, 1, 0.95), (2, 3, 0.6), (4, 5, 0.005), (1, 2, 0.02)]
        let (probabilities, resolution) = await Self.resolve(pairs, records: 6)
        // 2 has one rival cluster for 1 ({0, 1}) and 1 has one for 2 ({3}): each pair is lowered only
        // by the other clusters of its records.
        #expect(probabilities[Self.key(0, 1)] == 0.95)
        #expect(probabilities[Self.key(4, 5)] == 0.005)
        #expect(resolution.clusters == [0, 0, 2, 3, 4, 5])
        #expect(probabilities[Self.key(2, 3)]! < 0.6)
        #expect(resolution.revisions[Self.key(0, 1)] == nil)
    }

    @Test("clusters are named by their smallest record, whatever the order of joins")
    func clusterNames() async {
        let (_, forward) = await Self.resolve([(3, 5, 0.99), (1, 3, 0.98), (0, 1, 0.97)], records: 6)
        let (_, backward) = await Self.resolve([(0, 1, 0.99), (1, 3, 0.98), (3, 5, 0.97)], records: 6)
        #expect(forward.clusters == [0, 0, 2, 0, 4, 0])
        #expect(backward.clusters == forward.clusters)
    }
}
