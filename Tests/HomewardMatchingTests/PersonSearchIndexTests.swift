import Foundation
import HomewardMatching
import Testing

@Suite("The search box's index")
struct PersonSearchIndexTests {
    static let petrenko = UUID()
    static let petrenkoBrother = UUID()
    static let shevchenko = UUID()

    static func index() -> PersonSearchIndex {
        PersonSearchIndex(entries: [
            SearchEntry(
                id: petrenko, names: [["Петренко", "Александр", "Николаевич"], ["PETRENKO", "Oleksandr", "Mykolaiovych"]],
                datesOfBirth: ["1987-05-04"], facets: ["affiliation:own", "status:captivity-confirmed"]),
            SearchEntry(
                id: petrenkoBrother, names: [["Петренко", "Андрій", "Миколайович"]], datesOfBirth: ["1990-01-12"],
                facets: ["affiliation:own", "status:no-information"]),
            SearchEntry(
                id: shevchenko, names: [["Шевченко", "Сашко", ""]], datesOfBirth: ["1987"],
                facets: ["affiliation:adversary", "status:in-custody"]),
        ])
    }

    func ids(_ results: SearchResults) -> [UUID] { results.hits.map(\.id) }

    @Test("a Latin query with a year finds a Russian record")
    func acrossScripts() {
        let index = Self.index()
        #expect(ids(index.search("Oleksandr Petrenko 1987")) == [Self.petrenko])
        #expect(ids(index.search("Олександр Петренко")) == [Self.petrenko])
        #expect(ids(index.search("Petrenko Aleksandr 04.05.1987")) == [Self.petrenko])
    }

    @Test("a date with day and month swapped still finds the person, below an exact one")
    func swappedDate() {
        #expect(ids(Self.index().search("Petrenko 05.04.1987")) == [Self.petrenko])
    }

    @Test("a diminutive finds the full name; the full name finds the diminutive")
    func diminutives() {
        let index = Self.index()
        #expect(ids(index.search("Sashko Shevchenko")) == [Self.shevchenko])
        #expect(ids(index.search("Oleksandr Shevchenko")) == [Self.shevchenko])
    }

    @Test("the last word, still being typed, matches as a prefix; a finished word does not")
    func whileTyping() {
        let index = Self.index()
        #expect(Set(ids(index.search("Petr"))) == [Self.petrenko, Self.petrenkoBrother])
        #expect(ids(index.search("Petr ")).isEmpty)
        #expect(ids(index.search("Petrenko And")) == [Self.petrenkoBrother])
    }

    @Test("filters narrow; all words must match; the year must fit")
    func filtersAndWords() {
        let index = Self.index()
        #expect(ids(index.search("Petrenko", facets: ["status:no-information"])) == [Self.petrenkoBrother])
        #expect(ids(index.search("Petrenko Taras")).isEmpty)
        #expect(ids(index.search("Petrenko 1999")).isEmpty)
        #expect(ids(index.search("", facets: ["affiliation:adversary"])) == [Self.shevchenko])
        #expect(ids(index.search("")).isEmpty)
    }

    @Test("a changed person is found by their new name and no longer by the old one")
    func upsertAndRemove() {
        var index = Self.index()
        index.upsert(SearchEntry(id: Self.petrenkoBrother, names: [["Коваль", "Андрій", ""]], datesOfBirth: [], facets: []))
        #expect(ids(index.search("Petrenko")) == [Self.petrenko])
        #expect(ids(index.search("Koval")) == [Self.petrenkoBrother])
        #expect(ids(index.search("Kova")) == [Self.petrenkoBrother])
        index.remove(Self.petrenko)
        #expect(ids(index.search("Petrenko")).isEmpty)
        #expect(index.count == 2)
    }

    @Test("results are capped, and the total says how many matched")
    func limit() {
        let entries = (0..<120).map { number in
            SearchEntry(id: UUID(), names: [["Бондаренко", "Іван", ""]], datesOfBirth: ["19\(50 + number % 40)"], facets: [])
        }
        let results = PersonSearchIndex(entries: entries).search("Bondarenko", limit: 50)
        #expect(results.hits.count == 50)
        #expect(results.total == 120)
    }
}
