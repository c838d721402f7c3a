import Foundation

/// One person as the search box indexes them.
public struct SearchEntry: Sendable, Equatable {
    public var id: UUID
    /// Every way a source wrote the name, each as (surname, given names, patronymic).
    public var names: [[String]]
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var datesOfBirth: [String]
    /// What filters select on, as `name:value` ("affiliation:own", "source:…").
    public var facets: [String]

    public init(id: UUID, names: [[String]], datesOfBirth: [String], facets: [String]) {
        self.id = id
        self.names = names
        self.datesOfBirth = datesOfBirth
        self.facets = facets
    }
}

public struct SearchHit: Sendable, Equatable {
    public var id: UUID
    /// Higher is better: exact spellings above other forms of a name, those above typed prefixes.
    public var score: Int
}

public struct SearchResults: Sendable, Equatable {
    public var hits: [SearchHit]
    /// How many persons matched, of which `hits` holds the best.
    public var total: Int

    public init(hits: [SearchHit], total: Int) {
        self.hits = hits
        self.total = total
    }
}

/// The one search box: finds a person whatever the script and spelling of the query.
///
/// Every word of every name a person is known by is indexed under its spelling-independent keys
/// (`PhoneticKey`), and given names and patronymics also under their alias groups, so
/// "Oleksandr Petrenko 1987" finds "Петренко Александр Николаевич, 04.05.1987". A query word
/// matches a person when it matches any word of any of their names; all words must match. Four
/// digits are a year of birth, a full date is a date of birth (day and month may be swapped).
/// The last word also matches as a prefix, for results while typing.
public struct PersonSearchIndex: Sendable {
    private let knowledge: MatchKnowledge
    private var ids: [UUID] = []
    private var slotOf: [UUID: Int32] = [:]
    private var tokensOfSlot: [[String]] = []
    private var datesOfSlot: [[Int32]] = []
    private var facetsOfSlot: [[String]] = []
    private var live: [Bool] = []
    private var postings: [String: [Int32]] = [:]
    /// The distinct phonetic keys, sorted, for prefix look-ups.
    private var sortedKeys: [String] = []

    public init(knowledge: MatchKnowledge = .standard, entries: [SearchEntry] = []) {
        self.knowledge = knowledge
        for entry in entries { insert(entry) }
        sortedKeys = postings.keys.filter { $0.hasPrefix("k:") }.sorted()
    }

    public var count: Int { slotOf.count }

    /// Adds a person or replaces what was known of them.
    public mutating func upsert(_ entry: SearchEntry) {
        remove(entry.id)
        let before = postings.count
        insert(entry)
        if postings.count != before {
            for token in tokensOfSlot[Int(slotOf[entry.id]!)] where token.hasPrefix("k:") {
                let position = lowerBound(token)
                if position == sortedKeys.count || sortedKeys[position] != token {
                    sortedKeys.insert(token, at: position)
                }
            }
        }
    }

    public mutating func remove(_ id: UUID) {
        guard let slot = slotOf.removeValue(forKey: id) else { return }
        for token in tokensOfSlot[Int(slot)] {
            postings[token]?.removeAll { $0 == slot }
        }
        live[Int(slot)] = false
        tokensOfSlot[Int(slot)] = []
    }

    private mutating func insert(_ entry: SearchEntry) {
        let slot = Int32(ids.count)
        ids.append(entry.id)
        slotOf[entry.id] = slot
        var tokens: Set<String> = []
        for name in entry.names {
            for (part, text) in name.enumerated() {
                for word in Self.words(text) {
                    for key in PhoneticKey.keys(word) where !key.isEmpty {
                        tokens.insert("k:" + String(decoding: key, as: UTF8.self))
                    }
                    if part == 1 {
                        for group in knowledge.givenNames.groups(of: PhoneticKey.keys(word)) { tokens.insert("g:\(group)") }
                    } else if part == 2 {
                        for group in knowledge.patronymics.groups(of: PhoneticKey.keys(word)) { tokens.insert("p:\(group)") }
                    }
                }
            }
        }
        for token in tokens { postings[token, default: []].append(slot) }
        tokensOfSlot.append(Array(tokens))
        datesOfSlot.append(entry.datesOfBirth.map { PreparedRecord.packedDate($0) }.filter { $0 != 0 })
        facetsOfSlot.append(entry.facets)
        live.append(true)
    }

    // MARK: Searching

    /// The best `limit` persons matching `text` and carrying every one of `facets`.
    public func search(_ text: String, facets: [String] = [], limit: Int = 50) -> SearchResults {
        let query = SearchQuery(text)
        var score = [Int32](repeating: 0, count: ids.count)
        var candidates: [Int32]
        if query.words.isEmpty {
            guard query.year != nil || !facets.isEmpty else { return SearchResults(hits: [], total: 0) }
            candidates = (0..<Int32(ids.count)).filter { live[Int($0)] }
        } else {
            // A word's matches are gathered in a dense array (best level per person) and the list
            // of persons it touched: a dictionary of tens of thousands of entries, for a short
            // prefix while typing, would cost more than the whole search.
            var matched = [Int32](repeating: 0, count: ids.count)
            var best = [UInt8](repeating: 0, count: ids.count)
            var touched: [Int32] = []
            candidates = []
            for (number, word) in query.words.enumerated() {
                let isLast = number == query.words.count - 1
                gather(word, asPrefix: isLast && query.lastWordIsOpen, best: &best, touched: &touched)
                if touched.isEmpty { return SearchResults(hits: [], total: 0) }
                for slot in touched {
                    let index = Int(slot)
                    if matched[index] == Int32(number) {
                        matched[index] += 1
                        score[index] += Int32(best[index])
                        if isLast { candidates.append(slot) }
                    }
                    best[index] = 0
                }
                touched.removeAll(keepingCapacity: true)
            }
        }
        // (score, slot): ties go to the person indexed first, and comparing integers keeps the sort
        // cheap when a short prefix matches tens of thousands.
        var ranked: [(score: Int, slot: Int32)] = []
        for slot in candidates where live[Int(slot)] {
            let index = Int(slot)
            if !facets.allSatisfy(facetsOfSlot[index].contains) { continue }
            var total = Int(score[index]) * 10
            if let year = query.year {
                let dates = datesOfSlot[index]
                guard dates.contains(where: { $0 / 10_000 == year }) else { continue }
                if let monthDay = query.monthDay {
                    let swapped = (monthDay % 100) * 100 + monthDay / 100
                    if dates.contains(where: { $0 % 10_000 == monthDay }) {
                        total += 5
                    } else if dates.contains(where: { $0 % 10_000 == swapped }) {
                        total += 3
                    }
                }
            }
            ranked.append((total, slot))
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.slot < $1.slot }
        let hits = ranked.prefix(limit).map { SearchHit(id: ids[Int($0.slot)], score: $0.score) }
        return SearchResults(hits: hits, total: ranked.count)
    }

    /// Marks the persons a query word matches with how well: 3 the same key, 2 another form of
    /// the name, 1 a key the word begins.
    private func gather(_ word: String, asPrefix: Bool, best: inout [UInt8], touched: inout [Int32]) {
        func add(_ token: String, _ level: UInt8) {
            guard let slots = postings[token] else { return }
            for slot in slots {
                let index = Int(slot)
                if best[index] == 0 { touched.append(slot) }
                if best[index] < level { best[index] = level }
            }
        }
        let keys = PhoneticKey.keys(word).filter { !$0.isEmpty }
        for group in knowledge.givenNames.groups(of: keys) { add("g:\(group)", 2) }
        for group in knowledge.patronymics.groups(of: keys) { add("p:\(group)", 2) }
        for key in keys { add("k:" + String(decoding: key, as: UTF8.self), 3) }
        if asPrefix {
            for key in keys where key.count >= 2 {
                let prefix = "k:" + String(decoding: key, as: UTF8.self)
                var position = lowerBound(prefix)
                // A short prefix can open thousands of keys; a few hundred are plenty while typing.
                var taken = 0
                while position < sortedKeys.count, sortedKeys[position].hasPrefix(prefix), taken < 400 {
                    add(sortedKeys[position], 1)
                    position += 1
                    taken += 1
                }
            }
        }
    }

    private func lowerBound(_ token: String) -> Int {
        var low = 0
        var high = sortedKeys.count
        while low < high {
            let middle = (low + high) / 2
            if sortedKeys[middle] < token { low = middle + 1 } else { high = middle }
        }
        return low
    }

    static func words(_ text: String) -> [String] {
        text.split { $0.isWhitespace || $0 == "-" || $0 == "," || $0 == "." || $0 == "'" || $0 == "’" }.map(String.init)
    }
}

/// A query as typed: name words, and a year or date of birth.
struct SearchQuery {
    var words: [String] = []
    var year: Int32?
    /// Month × 100 + day, when a full date was typed.
    var monthDay: Int32?
    /// Whether the user may still be typing the last word (no space after it).
    var lastWordIsOpen: Bool

    init(_ text: String) {
        lastWordIsOpen = !(text.last?.isWhitespace ?? true)
        for token in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            let digits = token.filter(\.isNumber)
            if digits.count == token.count, token.count == 4, let value = Int32(token), (1900...2100).contains(value) {
                year = value
            } else if let date = Self.date(token) {
                year = date / 10_000
                monthDay = date % 10_000
            } else if digits.isEmpty {
                words.append(contentsOf: PersonSearchIndex.words(token))
            }
        }
        if words.isEmpty { lastWordIsOpen = false }
    }

    /// 04.05.1987, 4/5/1987 or 1987-05-04, as yyyymmdd (day first where the order is not ISO).
    static func date(_ token: String) -> Int32? {
        let parts = token.split { $0 == "." || $0 == "/" || $0 == "-" }.compactMap { Int32($0) }
        guard parts.count == 3 else { return nil }
        let (year, month, day) = parts[0] > 31 ? (parts[0], parts[1], parts[2]) : (parts[2], parts[1], parts[0])
        guard (1900...2100).contains(year), (1...12).contains(month) || (1...12).contains(day), (1...31).contains(day) else {
            return nil
        }
        return year * 10_000 + month * 100 + day
    }
}
