import Foundation
import HomewardCore
import Testing

@testable import HomewardMatching

@Suite("Name knowledge")
struct NameKnowledgeTests {
    let knowledge = NameKnowledge.standard

    @Test("A Ukrainian given name and its Russian form find each other")
    func givenNameEquivalents() {
        #expect(knowledge.givenNameForms(of: "Олександр").contains("Александр"))
        #expect(knowledge.givenNameForms(of: "Александр").contains("Олександр"))
        #expect(knowledge.givenNameForms(of: "Микола").contains("Николай"))
        #expect(knowledge.givenNameForms(of: "Наталья").isSuperset(of: ["Наталія", "Наталя"]))
        #expect(knowledge.sexes(ofGivenName: "Олена") == [.female])
    }

    @Test("Lookups ignore case, the kind of apostrophe and the dots of Ё")
    func lookupsAreForgiving() {
        #expect(knowledge.givenNameForms(of: "ОЛЕКСАНДР").contains("Александр"))
        #expect(knowledge.givenNameForms(of: "Дем’ян").contains("Демьян"))
        #expect(knowledge.givenNameForms(of: "демʼян").contains("Демьян"))
        #expect(knowledge.givenNameForms(of: "Алёна").contains("Альона"))
        #expect(knowledge.placeForms(of: "  кривой   РОГ ").contains("Кривий Ріг"))
        #expect(knowledge.givenNameForms(of: "Nobody").isEmpty)
    }

    @Test("A diminutive leads to its full name and that name's Russian form")
    func diminutiveToFullName() {
        let forms = knowledge.givenNameForms(of: "Сашко")
        #expect(forms.contains("Олександр"))
        #expect(forms.contains("Александр"))
        #expect(knowledge.fullNames(ofDiminutive: "Сашко") == ["Олександр"])
        #expect(knowledge.diminutives(of: "Олександр").contains("Сашко"))
    }

    @Test("An ambiguous diminutive keeps every full name, male and female")
    func ambiguousDiminutive() {
        let forms = knowledge.givenNameForms(of: "Саша")
        #expect(forms.isSuperset(of: ["Олександр", "Александр", "Олександра", "Александра"]))
        #expect(knowledge.fullNames(ofDiminutive: "Женя").isSuperset(of: ["Євген", "Євгенія", "Евгений", "Евгения"]))
        #expect(knowledge.sexes(ofGivenName: "Валя") == [.male, .female])
    }

    @Test("A Ukrainian patronymic and its Russian form find each other")
    func patronymics() {
        #expect(knowledge.patronymicForms(of: "Миколайович").contains("Николаевич"))
        #expect(knowledge.patronymicForms(of: "Николаевич").contains("Миколайович"))
        #expect(knowledge.patronymicForms(of: "Миколаївна").contains("Николаевна"))
        #expect(knowledge.patronymicForms(of: "Ілліч").contains("Ильич"))
        #expect(knowledge.patronymicForms(of: "Сергіївна").contains("Сергеевна"))
    }

    @Test("Former names and Russian forms of a place lead to its current name")
    func places() {
        #expect(knowledge.placeForms(of: "Дніпропетровськ").contains("Дніпро"))
        #expect(knowledge.placeForms(of: "Днепропетровск").isSuperset(of: ["Дніпро", "Днепр", "Дніпропетровськ"]))
        #expect(knowledge.placeForms(of: "Артёмовск").contains("Бахмут"))
        #expect(knowledge.placeForms(of: "Артемовск").contains("Бахмут"))
        #expect(knowledge.placeForms(of: "Киев").contains("Київ"))
        #expect(knowledge.placeForms(of: "Кам’янське").contains("Днепродзержинск"))
    }

    @Test("Aliases do not chain: Олекса is short for Олександр and for Олексій, which stay apart")
    func aliasesAreNotTransitive() {
        // The chain exists in the tables: one diminutive links both full names...
        let throughDiminutive = knowledge.givenNameForms(of: "Олекса")
        #expect(throughDiminutive.isSuperset(of: ["Олександр", "Олексій"]))
        // ...but neither full name reaches the other through it.
        #expect(!knowledge.givenNameForms(of: "Олександр").contains("Олексій"))
        #expect(!knowledge.givenNameForms(of: "Олексій").contains("Олександр"))
        // Наталія~Наталья and Наталя~Наталья are two lines; Наталія does not reach Наталя.
        #expect(knowledge.givenNameForms(of: "Наталья").contains("Наталя"))
        #expect(!knowledge.givenNameForms(of: "Наталія").contains("Наталя"))
        // A diminutive does not reach the other diminutives of its full name.
        #expect(!knowledge.givenNameForms(of: "Саша").contains("Сашко"))
    }

    @Test("Every romanisation scheme covers its whole alphabet")
    func schemesAreComplete() throws {
        let ukrainian = Set("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя'".map(String.init))
        let russian = Set("абвгдеёжзийклмнопрстуфхцчшщъыьэюя".map(String.init))
        #expect(knowledge.schemes.count >= 15)
        for scheme in knowledge.schemes.values {
            let alphabet = scheme.language == .ukrainian ? ukrainian : russian
            let covered = Set(scheme.mappings.map(\.cyrillic))
            #expect(alphabet.isSubset(of: covered), "\(scheme.name) lacks \(alphabet.subtracting(covered).sorted())")
        }
        let national = try #require(knowledge.schemes["uk-national-2010"])
        #expect(national.latinForms(of: "Г") == ["h"])
        #expect(national.latinForms(of: "я") == ["ia", "ya"])
        #expect(knowledge.schemes["ru-icao-9303-2015"]?.latinForms(of: "ъ") == ["ie"])
        #expect(knowledge.schemes["ru-german"]?.latinForms(of: "ж").first == "sch")
    }

    @Test("Every table has its columns on every line and no line twice", arguments: NameKnowledge.File.allCases)
    func tableIsWellFormed(_ file: NameKnowledge.File) throws {
        let table = try KnowledgeTable(file: file, in: NameKnowledge.bundledDirectory)
        #expect(!table.rows.isEmpty)
        var seen: Set<[String]> = []
        for row in table.rows {
            #expect(row.cells.count == file.columns.count, "\(file.rawValue):\(row.line)")
            #expect(seen.insert(row.cells).inserted, "\(file.rawValue):\(row.line) repeats an earlier line")
        }
    }

    @Test("Cyrillic cells hold only Cyrillic letters, apostrophes, hyphens and spaces", arguments: NameKnowledge.File.allCases)
    func cyrillicCellsAreClean(_ file: NameKnowledge.File) throws {
        let table = try KnowledgeTable(file: file, in: NameKnowledge.bundledDirectory)
        for row in table.rows {
            for column in Self.cyrillicColumns(of: file) {
                let cell = row[column]
                #expect(
                    !cell.isEmpty && cell.unicodeScalars.allSatisfy(Self.isAllowedInCyrillicCell),
                    "\(file.rawValue):\(row.line) \"\(cell)\"")
            }
        }
    }

    @Test("A malformed line fails loudly, with where it is")
    func malformedLineIsReported() {
        let text = "# comment\nsex\tuk\tru\nm\tІван\tИван\nx\tІван\n"
        #expect(throws: NameKnowledge.LoadError.self) {
            try KnowledgeTable(file: .givenNames, text: text)
        }
        do {
            _ = try KnowledgeTable(file: .givenNames, text: text)
        } catch let error as NameKnowledge.LoadError {
            #expect(error.line == 4)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    static func cyrillicColumns(of file: NameKnowledge.File) -> [Int] {
        switch file {
        case .givenNames: [1, 2]
        case .patronymics: [1, 2, 3, 4]
        case .diminutives: [0, 1]
        case .renamedPlaces: [0, 1]
        case .transliterationVariants: [1]
        }
    }

    static func isAllowedInCyrillicCell(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "'" || scalar == "-" || scalar == " "
            || ((0x0400...0x04FF).contains(scalar.value) && scalar.properties.isAlphabetic)
    }
}
