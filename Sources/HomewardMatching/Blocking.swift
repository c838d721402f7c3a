/// Proposes the pairs worth comparing: records that share at least one blocking key.
///
/// Each rule catches what the others miss: the same surname and given name (in any language or
/// diminutive), the same surname and year, the same given name and birthday (day and month in
/// either order), the same service number, surname and given name in either field, and for
/// misspelt surnames the same given name, patronymic and year. Keys are hashed to 64 bits and
/// kept in sorted flat arrays: a million records need no dictionary of arrays.
struct BlockIndex: Sendable {
    /// Every (key, record) entry, sorted by key then record.
    private let keys: [UInt64]
    private let members: [Int32]
    /// Each record's own keys: `recordKeys[recordKeyStart[i]..<recordKeyStart[i + 1]]`.
    private let recordKeyStart: [Int32]
    private let recordKeys: [UInt64]
    private let maxBlockSize: Int

    init(records: [PreparedRecord], maxBlockSize: Int) {
        self.maxBlockSize = maxBlockSize
        var starts: [Int32] = [0]
        var ownKeys: [UInt64] = []
        starts.reserveCapacity(records.count + 1)
        ownKeys.reserveCapacity(records.count * 8)
        var entries: [(key: UInt64, record: Int32)] = []
        entries.reserveCapacity(records.count * 8)
        for (index, record) in records.enumerated() {
            let before = ownKeys.count
            Self.blockingKeys(of: record) { ownKeys.append($0) }
            // A record's keys repeat when rules coincide; each proposes its pairs once.
            let unique = Set(ownKeys[before...])
            ownKeys.removeSubrange(before...)
            ownKeys.append(contentsOf: unique.sorted())
            for key in unique { entries.append((key, Int32(index))) }
            starts.append(Int32(ownKeys.count))
        }
        entries.sort { $0.key != $1.key ? $0.key < $1.key : $0.record < $1.record }
        keys = entries.map(\.key)
        members = entries.map(\.record)
        recordKeyStart = starts
        recordKeys = ownKeys
    }

    /// The records after `record` that share a key with it, each once, in order.
    func candidates(of record: Int, into buffer: inout [Int32]) {
        buffer.removeAll(keepingCapacity: true)
        let own = recordKeys[Int(recordKeyStart[record])..<Int(recordKeyStart[record + 1])]
        for key in own {
            let start = lowerBound(key)
            var end = start
            while end < keys.count, keys[end] == key { end += 1 }
            if end - start > maxBlockSize || end - start < 2 { continue }
            // Members are sorted: skip to the first one after `record`.
            var index = start
            while index < end, members[index] <= Int32(record) { index += 1 }
            buffer.append(contentsOf: members[index..<end])
        }
        if own.count > 1 {
            buffer.sort()
            var write = 0
            for read in buffer.indices where write == 0 || buffer[read] != buffer[write - 1] {
                buffer[write] = buffer[read]
                write += 1
            }
            buffer.removeLast(buffer.count - write)
        }
    }

    private func lowerBound(_ key: UInt64) -> Int {
        var low = 0
        var high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    enum Rule: UInt8 {
        case surnameAndGiven = 1, surnameAndYear, givenAndBirthday, serviceNumber, nameInEitherField
        case givenPatronymicAndYear, surnameAndPatronymic
    }

    static func blockingKeys(of record: PreparedRecord, _ emit: (UInt64) -> Void) {
        let given: [[UInt8]] =
            record.givenGroups.isEmpty ? Array(record.givenName.prefix(1)) : record.givenGroups.map(Self.bytes)
        let patronymic: [[UInt8]] =
            record.patronymicGroups.isEmpty ? Array(record.patronymic.prefix(1)) : record.patronymicGroups.map(Self.bytes)
        let year = record.dateOfBirth.map { Self.bytes(Int32($0.year)) }

        for surname in record.surname where !surname.isEmpty {
            for name in given { emit(hash(.surnameAndGiven, surname, name)) }
            if let year { emit(hash(.surnameAndYear, surname, year)) }
        }
        if let date = record.dateOfBirth, let month = date.month, let day = date.day {
            let birthday = Self.bytes(Int32(date.year * 10_000 + min(month, day) * 100 + max(month, day)))
            for name in given { emit(hash(.givenAndBirthday, name, birthday)) }
        }
        if record.serviceNumber.count >= 5 { emit(hash(.serviceNumber, record.serviceNumber, [])) }
        if let surname = record.surname.first, let name = record.givenName.first, !surname.isEmpty, !name.isEmpty {
            let (first, second) = surname.lexicographicallyPrecedes(name) ? (surname, name) : (name, surname)
            emit(hash(.nameInEitherField, first, second))
        }
        if let year {
            for name in given {
                for father in patronymic { emit(hash(.givenPatronymicAndYear, name, father + [0] + year)) }
            }
        }
        if let surname = record.surname.first {
            for father in patronymic { emit(hash(.surnameAndPatronymic, surname, father)) }
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
