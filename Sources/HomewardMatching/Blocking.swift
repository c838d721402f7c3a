/// Proposes the pairs worth comparing: records that share at least one blocking key.
///
/// Each rule catches what the others miss, because every field can be misspelt, missing or in
/// the wrong column: the same surname with the given name (in any language or diminutive) or
/// the year; the given name with the birthday (day and month in either order); the service
/// number; and, for misspelt names, the birthday with the surname's initial, combinations of
/// given name, patronymic, place, unit and year, and a surname few people bear on its own. Names
/// are also blocked with surname and given name exchanged.
///
/// Keys are hashed; the blocks are found once, when the index is built, by sorting every
/// (key, record) entry: each usable block becomes a run of record numbers, and each record the
/// list of blocks it is in. A key shared by more than `maxBlockSize` records proposes nothing: it
/// is too common to say anything, and would make the work quadratic.
struct BlockIndex: Sendable {
    /// The records of each block, in order.
    private let blocks: FlatLists<Int32>
    /// The blocks of two or more records each record is in.
    private let recordBlocks: FlatLists<Int32>
    /// Each block's key, sorted, for records from outside; empty when the index is built for
    /// batch linkage alone.
    private let blockKeys: [UInt64]
    private let maxBlockSize: Int

    static let recordBits = 24
    static let recordMask: UInt64 = (1 << UInt64(recordBits)) - 1
    /// The limit of blocks of single-field rules.
    static let singleFieldBlockSize = 20
    /// The most records one index can hold.
    static let capacity = 1 << recordBits

    /// - Parameter forOutsiders: keep blocks of one record and their keys, so that records not in
    ///   the index can find their candidates (incremental mode).
    init(_ prepared: PreparedRecords, maxBlockSize: Int, forOutsiders: Bool = false, workers: Int = 1) async {
        precondition(prepared.count <= Self.capacity, "a block index holds at most \(Self.capacity) records")
        self.maxBlockSize = maxBlockSize
        var pending = await Self.partitionedEntries(prepared, workers: workers)
        var members: [Int32] = []
        var blockStart: [Int32] = [0]
        var blockKeys: [UInt64] = []
        // Partitions in key order, a few at a time, each released once its blocks are found.
        await withTaskGroup(of: (Int, Blocks).self) { group in
            var next = 0
            var found: [Int: Blocks] = [:]
            var appended = 0
            func submit() {
                let partition = next
                next += 1
                var entries: [UInt64] = []
                entries.reserveCapacity(pending.reduce(0) { $0 + $1[partition].count })
                for chunk in pending.indices {
                    entries.append(contentsOf: pending[chunk][partition])
                    pending[chunk][partition] = []
                }
                group.addTask {
                    (partition, Self.blocks(in: entries, maxBlockSize: maxBlockSize, forOutsiders: forOutsiders))
                }
            }
            while next < min(max(1, workers), Self.partitions) { submit() }
            for await (partition, blocks) in group {
                found[partition] = blocks
                while let ready = found.removeValue(forKey: appended) {
                    let offset = Int32(members.count)
                    members.append(contentsOf: ready.members)
                    blockStart.append(contentsOf: ready.ends.map { $0 + offset })
                    blockKeys.append(contentsOf: ready.keys)
                    appended += 1
                }
                if next < Self.partitions { submit() }
            }
        }
        let blocks = FlatLists(starts: blockStart, values: members)
        self.blocks = blocks
        self.blockKeys = blockKeys
        recordBlocks = blocks.inverted(valueCount: prepared.count) { blocks.bounds(of: $0).count >= 2 }
    }

    /// Entries are split by the top bits of their key as they are made, so that each part can be
    /// sorted and scanned alone: the entries are never held twice.
    private static let partitionBits = 6
    private static let partitions = 1 << partitionBits

    /// Every record's keys as entries of one word each (the key's hash above, the record below),
    /// by partition, for each range of records.
    private static func partitionedEntries(_ prepared: PreparedRecords, workers: Int) async -> [[[UInt64]]] {
        await withTaskGroup(of: (Int, [[UInt64]]).self) { group in
            let ranges = chunkRanges(count: prepared.count, parts: max(1, workers) * 4)
            for (number, range) in ranges.enumerated() {
                group.addTask {
                    var parts = [[UInt64]](repeating: [], count: partitions)
                    for record in range {
                        blockingKeys(of: prepared[record], in: prepared) { key in
                            parts[Int(key >> UInt64(64 - partitionBits))].append(key & ~recordMask | UInt64(record))
                        }
                    }
                    return (number, parts)
                }
            }
            var chunks = [[[UInt64]]](repeating: [], count: ranges.count)
            for await (number, parts) in group { chunks[number] = parts }
            return chunks
        }
    }

    /// The usable blocks of one partition: their members, where each ends, and their keys.
    private struct Blocks: Sendable {
        var members: [Int32] = []
        var ends: [Int32] = []
        var keys: [UInt64] = []
    }

    private static func blocks(in entries: consuming [UInt64], maxBlockSize: Int, forOutsiders: Bool) -> Blocks {
        radixSort(&entries)
        var blocks = Blocks()
        var position = 0
        while position < entries.count {
            let key = entries[position] & ~recordMask
            var end = position + 1
            var size = 1
            while end < entries.count, entries[end] & ~recordMask == key {
                // Rules coincide, and a record's keys repeat; each proposes its pairs once.
                if entries[end] != entries[end - 1] { size += 1 }
                end += 1
            }
            let limit = limitOf(key, maxBlockSize: maxBlockSize)
            if size <= limit, size >= 2 || forOutsiders {
                for index in position..<end where index == position || entries[index] != entries[index - 1] {
                    blocks.members.append(Int32(entries[index] & recordMask))
                }
                blocks.ends.append(Int32(blocks.members.count))
                if forOutsiders { blocks.keys.append(key) }
            }
            position = end
        }
        return blocks
    }

    /// Sorts by 11 bits at a time, least significant first: entries are hashes, on which a
    /// comparison sort spends most of its time on branches it cannot predict. A pass whose bits
    /// every entry shares (the partition's own) is skipped.
    static func radixSort(_ values: inout [UInt64]) {
        guard values.count > 512 else {
            values.sort()
            return
        }
        let digitBits: UInt64 = 11
        let digitMask: UInt64 = (1 << digitBits) - 1
        var buffer = [UInt64](repeating: 0, count: values.count)
        var counts = [Int](repeating: 0, count: 1 << digitBits)
        var shift: UInt64 = 0
        while shift < 64 {
            let sorted = values.withUnsafeBufferPointer { source in
                buffer.withUnsafeMutableBufferPointer { target in
                    counts.withUnsafeMutableBufferPointer { counts in
                        for index in counts.indices { counts[index] = 0 }
                        for value in source { counts[Int((value >> shift) & digitMask)] += 1 }
                        if counts[Int((source[0] >> shift) & digitMask)] == source.count { return false }
                        var start = 0
                        for index in counts.indices {
                            let count = counts[index]
                            counts[index] = start
                            start += count
                        }
                        for value in source {
                            let digit = Int((value >> shift) & digitMask)
                            target[counts[digit]] = value
                            counts[digit] += 1
                        }
                        return true
                    }
                }
            }
            if sorted { swap(&values, &buffer) }
            shift += digitBits
        }
    }

    /// The records that share a key with `record` and come after it, or before `firstNew` (the
    /// register a list is linked against; 0 when a list is deduplicated), each once. `seen`
    /// holds, for every record, the last record whose candidate it was: one array per worker, all
    /// -1 at first.
    func candidates(of record: Int, firstNew: Int = 0, seen: inout [Int32], into buffer: inout [Int32]) {
        buffer.removeAll(keepingCapacity: true)
        let stamp = Int32(record)
        blocks.values.withUnsafeBufferPointer { members in
            seen.withUnsafeMutableBufferPointer { seen in
                for block in recordBlocks[record] {
                    // Members are in order: those before `firstNew`, and those after `record`.
                    let bounds = blocks.bounds(of: block)
                    let register = bounds.lowerBound..<Self.firstPosition(in: members, bounds, above: Int32(firstNew) - 1)
                    let later = Self.firstPosition(in: members, bounds, above: stamp)..<bounds.upperBound
                    Self.take(members[register], stamp: stamp, seen: &seen, into: &buffer)
                    Self.take(members[later], stamp: stamp, seen: &seen, into: &buffer)
                }
            }
        }
    }

    /// Adds the members not yet seen for `stamp`; a static function, so that no captured state
    /// is checked for exclusive access on every member.
    private static func take(
        _ members: Slice<UnsafeBufferPointer<Int32>>, stamp: Int32, seen: inout UnsafeMutableBufferPointer<Int32>,
        into buffer: inout [Int32]
    ) {
        for member in members where seen[Int(member)] != stamp {
            seen[Int(member)] = stamp
            buffer.append(member)
        }
    }

    /// The first position within `bounds` whose member is above `value`, by bisection.
    private static func firstPosition(in members: UnsafeBufferPointer<Int32>, _ bounds: Range<Int>, above value: Int32) -> Int {
        var low = bounds.lowerBound
        var high = bounds.upperBound
        while low < high {
            let middle = (low + high) / 2
            if members[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The indexed records that share a blocking key with a record not in the index, each once.
    /// The index must have been built `forOutsiders`.
    func candidates(of outsider: PreparedRecord, in prepared: PreparedRecords, into buffer: inout [Int32]) {
        buffer.removeAll(keepingCapacity: true)
        var own: [UInt64] = []
        Self.blockingKeys(of: outsider, in: prepared) { own.append($0 & ~Self.recordMask) }
        own.sort()
        for (index, key) in own.enumerated() where index == 0 || own[index - 1] != key {
            let block = lowerBound(key)
            guard block < blockKeys.count, blockKeys[block] == key else { continue }
            let members = blocks[block]
            // With the outsider the block grows by one; a block then too common proposes nothing.
            if members.count + 1 > Self.limitOf(key, maxBlockSize: maxBlockSize) { continue }
            buffer.append(contentsOf: members)
        }
        Self.sortAndRemoveDuplicates(&buffer)
    }

    private static func sortAndRemoveDuplicates(_ buffer: inout [Int32]) {
        buffer.sort()
        var write = 0
        for read in buffer.indices where write == 0 || buffer[read] != buffer[write - 1] {
            buffer[write] = buffer[read]
            write += 1
        }
        buffer.removeLast(buffer.count - write)
    }

    /// The first block whose key is not below `key`.
    private func lowerBound(_ key: UInt64) -> Int {
        var low = 0
        var high = blockKeys.count
        while low < high {
            let middle = (low + high) / 2
            if blockKeys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    enum Rule: UInt64 {
        case surnameAndGiven = 1, nameAndYear, givenAndBirthday, serviceNumber
        case surnameAndPatronymic = 6, patronymicPlaceAndYear, givenPatronymicAndPlace, unitAndGiven, unitAndPatronymic
        case givenAndDayOfYear, surnameAndPlace, surnamePrefixGivenAndYear, givenTypoAndSurname
        case surnameAndGivenPrefix, surnameAndUnit, birthdayAndInitial, surnameAlone

        /// A rule on one field alone proposes pairs only from small blocks: a surname says enough
        /// by itself only when few people bear it.
        var isSingleField: Bool { self == .surnameAlone }
    }

    /// Marks the keys of single-field rules, so that the block scan knows their smaller limit.
    static let singleFieldBit: UInt64 = 1 << UInt64(recordBits)

    static func limitOf(_ key: UInt64, maxBlockSize: Int) -> Int {
        key & singleFieldBit != 0 ? singleFieldBlockSize : maxBlockSize
    }

    /// The key itself and every key with one letter deleted.
    static func oneLetterDeleted(_ key: [UInt8]) -> [[UInt8]] {
        guard key.count > 3 else { return [key] }
        var variants = [key]
        for index in key.indices {
            var variant = key
            variant.remove(at: index)
            if variant != variants.last { variants.append(variant) }
        }
        return variants
    }

    static func blockingKeys(of record: PreparedRecord, in prepared: PreparedRecords, _ emit: (UInt64) -> Void) {
        let names = prepared.names
        // A name as blocking sees it: its alias groups if the tables know it, else its first key.
        func identities(_ name: Int32, _ kind: AliasKind) -> [UInt64] {
            let groups = names.nameGroups[kind.rawValue][Int(name)]
            if groups.isEmpty { return names.nameKeys[Int(name)].prefix(1).map { names.keyHash[Int($0)] } }
            return groups.map { mix(UInt64(UInt32($0)) | 1 << 63) }
        }
        let nameKeys = { (name: Int32) in names.nameKeys[Int(name)] }
        let given = identities(record.givenName, .givenName)
        let patronymic = identities(record.patronymic, .patronymic)
        let place = identities(record.place, .place)
        let date = record.dateOfBirth
        let year: UInt64? = date == 0 ? nil : UInt64(date / 10_000)
        let firstSurnameKey = nameKeys(record.surname).first

        // Both orientations, so that names typed into each other's fields still meet.
        let orientations: [(surname: Int32, given: [UInt64], givenName: Int32)] = [
            (record.surname, given, record.givenName),
            (record.givenName, identities(record.surname, .givenName), record.surname),
        ]
        for (orientation, (surname, given, givenName)) in orientations.enumerated() {
            // Exchanged, only both names together propose pairs: a given name and a year alone
            // would make blocks of every Олександр born that year.
            let exchanged = orientation == 1
            let givenKey = nameKeys(givenName).first
            // With one letter deleted, a single typo on either side still meets (symmetric delete).
            for surnameKey in nameKeys(surname) {
                let givenPrefix = givenKey.map { names.keyPrefixHash[Int($0)] } ?? 0
                for variant in names.keyVariantHashes[Int(surnameKey)] {
                    for name in given { emit(hash(.surnameAndGiven, variant, name)) }
                    if exchanged { continue }
                    if givenPrefix != 0 { emit(hash(.surnameAndGivenPrefix, variant, givenPrefix)) }
                    if let year { emit(hash(.nameAndYear, variant, year)) }
                    for father in patronymic { emit(hash(.surnameAndPatronymic, variant, father)) }
                }
            }
            if let surnameKey = nameKeys(surname).first, let givenKey {
                for variant in names.keyVariantHashes[Int(givenKey)] {
                    emit(hash(.givenTypoAndSurname, names.keyHash[Int(surnameKey)], variant))
                }
            }
            let month = date / 100 % 100
            let day = date % 100
            if date != 0, month != 0, day != 0 {
                // Day and month in either order: lists swap them.
                let dayOfYear = UInt64(min(month, day) * 100 + max(month, day))
                let birthday = year! * 10_000 + dayOfYear
                for name in given { emit(hash(.givenAndBirthday, name, birthday)) }
                for surnameKey in nameKeys(surname) {
                    guard let initial = names.keys[Int(surnameKey)].first.map(UInt64.init) else { continue }
                    // When both names are misspelt, the birthday and an initial still meet; when
                    // the year is a year off, the given name, the day and the initial.
                    emit(hash(.birthdayAndInitial, birthday, initial))
                    for name in given { emit(hash(.givenAndDayOfYear, name, dayOfYear << 8 | initial)) }
                }
            }
        }
        let documents = prepared.documents
        if documents.length(of: record.serviceNumber) >= 5 {
            emit(hash(.serviceNumber, documents.documentHash[Int(record.serviceNumber)], 0))
        }
        if let year {
            for father in patronymic {
                for town in place { emit(hash(.patronymicPlaceAndYear, father, combine(town, year))) }
            }
            if let surnameKey = firstSurnameKey, names.keyPrefixHash[Int(surnameKey)] != 0 {
                for name in given {
                    emit(hash(.surnamePrefixGivenAndYear, names.keyPrefixHash[Int(surnameKey)], combine(name, year)))
                }
            }
        }
        for name in given {
            for father in patronymic {
                for town in place { emit(hash(.givenPatronymicAndPlace, name, combine(father, town))) }
            }
        }
        for surnameKey in nameKeys(record.surname) { emit(hash(.surnameAlone, names.keyHash[Int(surnameKey)], 0)) }
        if let surnameKey = firstSurnameKey {
            for town in place { emit(hash(.surnameAndPlace, names.keyHash[Int(surnameKey)], town)) }
        }
        if documents.length(of: record.unit) >= 3 {
            let unit = documents.documentHash[Int(record.unit)]
            if let surnameKey = firstSurnameKey { emit(hash(.surnameAndUnit, names.keyHash[Int(surnameKey)], unit)) }
            for name in given { emit(hash(.unitAndGiven, unit, name)) }
            for father in patronymic { emit(hash(.unitAndPatronymic, unit, father)) }
        }
    }

    /// FNV-1a over a key's bytes.
    static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// A rule's key from its two parts; the order of the parts matters.
    static func hash(_ rule: Rule, _ first: UInt64, _ second: UInt64) -> UInt64 {
        let key = mix(mix(rule.rawValue &* 0x9E37_79B9_7F4A_7C15 ^ first) ^ second)
        return rule.isSingleField ? key | singleFieldBit : key & ~singleFieldBit
    }

    static func combine(_ first: UInt64, _ second: UInt64) -> UInt64 {
        mix(first &+ 0x632B_E59B_D9B4_E019) ^ second
    }

    /// The finaliser of MurmurHash3: every input bit moves every output bit.
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x = x &* 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x = x &* 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
