/// Proposes the pairs worth comparing: records that share at least one blocking key.
///
/// Each rule catches what the others miss, because every field can be misspelt, missing or in
/// the wrong column: the same surname with the given name (in any language or diminutive) or
/// the year; the given name with the birthday (day and month in either order, with or without
/// the year); the service number; and, for misspelt names, combinations of given name,
/// patronymic, place, unit and year. Names are also blocked with surname and given name
/// exchanged. Keys are hashed and kept in one sorted flat array: a million records need no
/// dictionary of arrays.
struct BlockIndex: Sendable {
    /// Every (key, record) entry packed in one word, the key's hash above and the record below,
    /// sorted: entries of one key are contiguous and their records in order. One 8-byte word per
    /// entry keeps a million records' sixty million entries within half a gigabyte; two keys
    /// that share their upper 40 bits merely propose a few pairs too many.
    private let entries: [UInt64]
    /// Each record's own keys (upper bits only): `recordKeys[recordKeyStart[i]..<recordKeyStart[i + 1]]`.
    private let recordKeyStart: [Int32]
    private let recordKeys: [UInt64]
    private let maxBlockSize: Int

    static let recordBits = 24
    static let recordMask: UInt64 = (1 << UInt64(recordBits)) - 1
    /// The most records one index can hold.
    static let capacity = 1 << recordBits

    init(records: [PreparedRecord], maxBlockSize: Int) {
        precondition(records.count <= Self.capacity, "a block index holds at most \(Self.capacity) records")
        self.maxBlockSize = maxBlockSize
        var starts: [Int32] = [0]
        var ownKeys: [UInt64] = []
        starts.reserveCapacity(records.count + 1)
        ownKeys.reserveCapacity(records.count * 16)
        for record in records {
            let before = ownKeys.count
            Self.blockingKeys(of: record) { ownKeys.append($0 & ~Self.recordMask) }
            // A record's keys repeat when rules coincide; each proposes its pairs once.
            ownKeys[before...].sort()
            var write = before
            for read in before..<ownKeys.count where write == before || ownKeys[read] != ownKeys[write - 1] {
                ownKeys[write] = ownKeys[read]
                write += 1
            }
            ownKeys.removeSubrange(write...)
            starts.append(Int32(ownKeys.count))
        }
        var packed = [UInt64](repeating: 0, count: ownKeys.count)
        for index in records.indices {
            for position in Int(starts[index])..<Int(starts[index + 1]) {
                packed[position] = ownKeys[position] | UInt64(index)
            }
        }
        packed.sort()
        entries = packed
        recordKeyStart = starts
        recordKeys = ownKeys
    }

    /// The records after `record` that share a key with it, each once, in order.
    func candidates(of record: Int, into buffer: inout [Int32]) {
        buffer.removeAll(keepingCapacity: true)
        let own = recordKeys[Int(recordKeyStart[record])..<Int(recordKeyStart[record + 1])]
        for key in own {
            let block = self.block(key)
            if block.count > maxBlockSize || block.count < 2 { continue }
            // Entries are sorted by record within a key: skip to the first one after `record`.
            var index = block.lowerBound
            while index < block.upperBound, Int(entries[index] & Self.recordMask) <= record { index += 1 }
            for position in index..<block.upperBound { buffer.append(Int32(entries[position] & Self.recordMask)) }
        }
        if own.count > 1 { Self.sortAndRemoveDuplicates(&buffer) }
    }

    /// The indexed records that share a blocking key with a record not in the index, each once.
    func candidates(of outsider: PreparedRecord, into buffer: inout [Int32]) {
        buffer.removeAll(keepingCapacity: true)
        var own: [UInt64] = []
        Self.blockingKeys(of: outsider) { own.append($0 & ~Self.recordMask) }
        for key in Set(own) {
            let block = self.block(key)
            if block.count > maxBlockSize { continue }
            for position in block { buffer.append(Int32(entries[position] & Self.recordMask)) }
        }
        Self.sortAndRemoveDuplicates(&buffer)
    }

    /// The positions of a key's entries.
    private func block(_ key: UInt64) -> Range<Int> {
        let start = lowerBound(key)
        var end = start
        while end < entries.count, entries[end] & ~Self.recordMask == key { end += 1 }
        return start..<end
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

    /// The first entry whose key is not below `key`.
    private func lowerBound(_ key: UInt64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    enum Rule: UInt8 {
        case surnameAndGiven = 1, nameAndYear, givenAndBirthday, serviceNumber, givenPatronymicAndYear
        case surnameAndPatronymic, patronymicPlaceAndYear, givenPatronymicAndPlace, unitAndGiven, unitAndPatronymic
        case givenAndDayOfYear, surnameAndPlace, surnamePrefixGivenAndYear, givenTypoAndSurname
        case surnameAndGivenPrefix, surnameAndUnit
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

    static func blockingKeys(of record: PreparedRecord, _ emit: (UInt64) -> Void) {
        // A name as blocking sees it: its alias groups if the tables know it, else its key.
        func identities(_ groups: [Int32], _ keys: [[UInt8]]) -> [[UInt8]] {
            groups.isEmpty ? Array(keys.prefix(1)) : groups.map(Self.bytes)
        }
        let given = identities(record.givenGroups, record.givenName)
        let patronymic = identities(record.patronymicGroups, record.patronymic)
        let place = identities(record.placeGroups, record.place)
        let year = record.dateOfBirth.map { Self.bytes(Int32($0.year)) }
        let surnames = record.surname.filter { !$0.isEmpty }

        // Both orientations, so that names typed into each other's fields still meet.
        let orientations: [(surnames: [[UInt8]], given: [[UInt8]], givenKey: [UInt8]?)] = [
            (surnames, given, record.givenName.first),
            (
                record.givenName.filter { !$0.isEmpty }, identities(record.surnameAsGivenGroups, record.surname),
                record.surname.first
            ),
        ]
        for (orientation, (surnames, given, givenKey)) in orientations.enumerated() {
            // Exchanged, only both names together propose pairs: a given name and a year alone
            // would make blocks of every Олександр born that year.
            let exchanged = orientation == 1
            // With one letter deleted, a single typo on either side still meets (symmetric delete).
            for surname in surnames {
                let givenPrefix = givenKey.map { Array($0.prefix(3)) } ?? []
                for variant in oneLetterDeleted(surname) {
                    for name in given { emit(hash(.surnameAndGiven, variant, name)) }
                    if exchanged { continue }
                    if givenPrefix.count == 3 { emit(hash(.surnameAndGivenPrefix, variant, givenPrefix)) }
                    if let year { emit(hash(.nameAndYear, variant, year)) }
                    for father in patronymic { emit(hash(.surnameAndPatronymic, variant, father)) }
                }
            }
            if let surname = surnames.first, let name = givenKey, !name.isEmpty {
                for variant in oneLetterDeleted(name) { emit(hash(.givenTypoAndSurname, surname, variant)) }
            }
            if let date = record.dateOfBirth, let month = date.month, let day = date.day {
                // Day and month in either order: lists swap them.
                let birthday = Self.bytes(Int32(date.year * 10_000 + min(month, day) * 100 + max(month, day)))
                let dayOfYear = Self.bytes(Int32(min(month, day) * 100 + max(month, day)))
                for name in given {
                    emit(hash(.givenAndBirthday, name, birthday))
                    emit(hash(.givenAndDayOfYear, name, dayOfYear))
                }
            }
        }
        if record.serviceNumber.count >= 5 { emit(hash(.serviceNumber, record.serviceNumber, [])) }
        if let year {
            for name in given {
                for father in patronymic { emit(hash(.givenPatronymicAndYear, name, father + [0] + year)) }
            }
            for father in patronymic {
                for town in place { emit(hash(.patronymicPlaceAndYear, father, town + [0] + year)) }
            }
            if let surname = surnames.first, surname.count >= 3 {
                for name in given { emit(hash(.surnamePrefixGivenAndYear, Array(surname.prefix(3)), name + [0] + year)) }
            }
        }
        for name in given {
            for father in patronymic {
                for town in place { emit(hash(.givenPatronymicAndPlace, name, father + [0] + town)) }
            }
        }
        if let surname = surnames.first {
            for town in place { emit(hash(.surnameAndPlace, surname, town)) }
        }
        if record.unit.count >= 3 {
            if let surname = surnames.first { emit(hash(.surnameAndUnit, surname, record.unit)) }
            for name in given { emit(hash(.unitAndGiven, record.unit, name)) }
            for father in patronymic { emit(hash(.unitAndPatronymic, record.unit, father)) }
        }
    }

    static func bytes(_ number: Int32) -> [UInt8] {
        withUnsafeBytes(of: number.littleEndian) { Array($0) }
    }

    /// FNV-1a over the rule and both parts, with a separator so ("ab","c") and ("a","bc") differ.
    static func hash(_ rule: Rule, _ first: [UInt8], _ second: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        mix(rule.rawValue)
        for byte in first { mix(byte) }
        mix(0xFF)
        for byte in second { mix(byte) }
        return hash
    }
}
