/// String similarity on the ASCII keys the matcher compares; no allocation per call for short keys.
public enum Similarity {
    /// Jaro–Winkler similarity from 0 to 1, with the usual prefix scale 0.1 over at most 4 letters.
    public static func jaroWinkler(_ a: [UInt8], _ b: [UInt8]) -> Double {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in jaroWinkler(a, b) } }
    }

    static func jaroWinkler(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 1 : 0 }
        if a.elementsEqual(b) { return 1 }
        let jaro = jaro(a, b)
        var prefix = 0
        while prefix < min(4, a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    /// The letters of a key as a set of 64 bits (letters may share a bit, which only loosens
    /// the bound below).
    static func letterSet(_ key: some Sequence<UInt8>) -> UInt64 {
        key.reduce(0) { $0 | 1 << UInt64($1 & 63) }
    }

    /// An upper bound of `jaroWinkler(a, b)`, cheap to compute: no more letters can match than
    /// each side has letters the other contains, and transpositions only lower the score.
    static func jaroWinklerBound(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ aLetters: UInt64, _ bLetters: UInt64
    ) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 1 }
        var aShared = 0
        for letter in a where bLetters & 1 << UInt64(letter & 63) != 0 { aShared += 1 }
        var bShared = 0
        for letter in b where aLetters & 1 << UInt64(letter & 63) != 0 { bShared += 1 }
        let matches = Double(min(aShared, bShared))
        let jaro = matches == 0 ? 0 : (matches / Double(a.count) + matches / Double(b.count) + 1) / 3
        var prefix = 0
        while prefix < min(4, a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        return jaro + Double(prefix) * 0.1 * (1 - jaro)
    }

    static func jaro(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Double {
        let window = max(0, max(a.count, b.count) / 2 - 1)
        return withUnsafeTemporaryAllocation(of: Bool.self, capacity: a.count + b.count) { flags in
            flags.initialize(repeating: false)
            var matches = 0
            for i in 0..<a.count {
                let low = max(0, i - window)
                let high = min(b.count - 1, i + window)
                if low > high { continue }
                for j in low...high where !flags[a.count + j] && a[i] == b[j] {
                    flags[i] = true
                    flags[a.count + j] = true
                    matches += 1
                    break
                }
            }
            if matches == 0 { return 0 }
            var transpositions = 0
            var k = 0
            for i in 0..<a.count where flags[i] {
                while !flags[a.count + k] { k += 1 }
                if a[i] != b[k] { transpositions += 1 }
                k += 1
            }
            let m = Double(matches)
            return (m / Double(a.count) + m / Double(b.count) + (m - Double(transpositions / 2)) / m) / 3
        }
    }

    /// `areWithinOneEdit`, first ruling out most pairs cheaply by their letter sets
    /// (`letterSet`): one edit changes the length by one and the set of letters by two at most.
    static func areWithinOneEdit(
        _ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, _ aLetters: UInt64, _ bLetters: UInt64
    ) -> Bool {
        abs(a.count - b.count) <= 1 && (aLetters ^ bLetters).nonzeroBitCount <= 2 && areWithinOneEdit(a, b)
    }

    /// Whether two strings are at most one edit apart (an insertion, a deletion, a substitution
    /// or a swap of neighbours), in one pass.
    static func areWithinOneEdit(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let (short, long) = a.count <= b.count ? (a, b) : (b, a)
        guard long.count - short.count <= 1 else { return false }
        var start = 0
        while start < short.count, short[start] == long[start] { start += 1 }
        if start == short.count { return true }
        var shortEnd = short.count
        var longEnd = long.count
        while shortEnd > start, short[shortEnd - 1] == long[longEnd - 1] {
            shortEnd -= 1
            longEnd -= 1
        }
        // What differs between the common prefix and the common suffix.
        let shortMiddle = shortEnd - start
        let longMiddle = longEnd - start
        if longMiddle <= 1 { return shortMiddle <= 1 }
        return shortMiddle == 2 && longMiddle == 2 && short[start] == long[start + 1] && short[start + 1] == long[start]
    }

    /// Edit distance counting a swap of two neighbours as one edit (optimal string alignment),
    /// the typing error service numbers suffer most.
    public static func damerauLevenshtein(_ a: [UInt8], _ b: [UInt8]) -> Int {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in damerauLevenshtein(a, b) } }
    }

    static func damerauLevenshtein(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        return withUnsafeTemporaryAllocation(of: Int.self, capacity: width * 3) { rows in
            // Three rows in turn: the one before the previous, the previous and the current.
            var previousPrevious = 0
            var previous = width
            var current = width * 2
            for j in 0...b.count { rows[previous + j] = j }
            for i in 1...a.count {
                rows[current] = i
                for j in 1...b.count {
                    let cost = a[i - 1] == b[j - 1] ? 0 : 1
                    var best = min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        best = min(best, rows[previousPrevious + j - 2] + 1)
                    }
                    rows[current + j] = best
                }
                (previousPrevious, previous, current) = (previous, current, previousPrevious)
            }
            return rows[previous + b.count]
        }
    }
}
