import Foundation
import HomewardMatching
import Testing

@Suite("Linking records")
struct LinkerTests {
    static let knowledge = MatchKnowledge(
        givenNames: AliasIndex(groups: [["Олександр", "Александр", "Сашко", "Саша"], ["Іван", "Иван"], ["Микола", "Николай"]]),
        patronymics: AliasIndex(groups: [["Миколайович", "Николаевич"], ["Іванович", "Иванович"]])
    )

    /// A small register: one man in four sources and spellings, his namesake, and unrelated people.
    static func register() -> [MatchInput] {
        var records = [
            MatchInput(
                id: "relatives", surname: "Петренко", givenName: "Олександр", patronymic: "Миколайович",
                dateOfBirth: "1987-05-04",
                placeOfBirth: "Київ", serviceNumber: "НТ683194"
            ),
            MatchInput(
                id: "adversary", surname: "ПЕТРЕНКО", givenName: "Александр", patronymic: "Николаевич", dateOfBirth: "1987-04-05",
                placeOfBirth: "Киев", serviceNumber: "HT683194"
            ),
            MatchInput(id: "icrc", surname: "PETRENKO", givenName: "Oleksandr", patronymic: "Mykolaiovych", dateOfBirth: "1987"),
            MatchInput(id: "returnee", surname: "Петренко", givenName: "Сашко", dateOfBirth: "1987-05-04"),
            // A namesake: same name, another father, another year, another number.
            MatchInput(
                id: "namesake", surname: "Петренко", givenName: "Олександр", patronymic: "Іванович", dateOfBirth: "1993-11-20",
                placeOfBirth: "Харків", serviceNumber: "АА120934"
            ),
        ]
        // Unrelated people, varied as a register's are. Namesakes occur (a few hundred people
        // share a couple of dozen surnames), but no two share a birthday.
        let surnames = [
            "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Бойко", "Мельник", "Руденко",
            "Савченко", "Марченко", "Лисенко", "Мороз", "Гончаренко", "Левченко", "Харченко", "Карпенко", "Костенко",
            "Гаврилюк", "Приходько", "Демченко", "Кузьменко", "Федоренко", "Марчук",
        ]
        let given = ["Іван", "Микола", "Андрій", "Сергій", "Тарас", "Богдан", "Юрій", "Василь", "Дмитро", "Роман", "Віктор"]
        let fathers = ["Петрович", "Іванович", "Андрійович", "Богданович", "Тарасович", "Степанович", "Олегович", "Юрійович"]
        let places = ["Львів", "Полтава", "Суми", "Одеса", "Житомир", "Вінниця", "Черкаси", "Рівне", "Луцьк", "Ужгород"]
        var seed: UInt64 = 42
        func pick<T>(_ items: [T]) -> T {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return items[Int((seed >> 33) % UInt64(items.count))]
        }
        for index in 0..<400 {
            let day = 3_000 + index * 31
            records.append(
                MatchInput(
                    id: "other-\(index)", surname: pick(surnames), givenName: pick(given), patronymic: pick(fathers),
                    dateOfBirth:
                        "\(1960 + day / 365)-\(String(format: "%02d", 1 + day / 28 % 12))-\(String(format: "%02d", 1 + day % 28))",
                    placeOfBirth: pick(places), serviceNumber: "КК\(100_000 + index * 7_919)"
                )
            )
        }
        return records
    }

    @Test("the four records of one man form one cluster, without his namesake")
    func clusters() async {
        let records = Self.register()
        let result = await Linker(knowledge: Self.knowledge).deduplicate(records)
        let cluster = result.clusters[0]
        let members = records.indices.filter { result.clusters[$0] == cluster }.map { records[$0].id }
        #expect(Set(members) == ["relatives", "adversary", "icrc", "returnee"])
        #expect(result.clusters[4] != cluster)
        #expect(result.model.lambda > 0 && result.model.lambda < 1)
    }

    @Test("every reported pair has left before right and a probability in range")
    func pairsAreWellFormed() async {
        let result = await Linker(knowledge: Self.knowledge).deduplicate(Self.register())
        #expect(!result.pairs.isEmpty)
        #expect(result.pairs.allSatisfy { $0.left < $0.right && (0...1).contains($0.probability) })
    }

    @Test("an explanation names each field's level and its weight, and they add up")
    func explanation() async {
        let records = Self.register()
        let linker = Linker(knowledge: Self.knowledge)
        let result = await linker.deduplicate(records)
        let explanation = linker.explain(records[0], records[1], model: result.model)
        let levels = Dictionary(uniqueKeysWithValues: explanation.contributions.map { ($0.field, $0.level) })
        #expect(levels[.surname] == "same")
        #expect(levels[.givenName] == "alias (other language or diminutive)")
        #expect(levels[.dateOfBirth] == "day and month swapped")
        #expect(levels[.serviceNumber] == "same")
        #expect(levels[.unit] == "missing")
        let sum = explanation.prior + explanation.contributions.reduce(0) { $0 + $1.weight }
        #expect(abs(sum - explanation.weight) < 1e-9)
        #expect(explanation.probability > 0.95)
    }

    @Test("the same input gives the same result")
    func deterministic() async {
        let records = Self.register()
        let first = await Linker(knowledge: Self.knowledge).deduplicate(records)
        let second = await Linker(knowledge: Self.knowledge).deduplicate(records.reversed())
        func clustersByID(_ result: LinkageResult, _ records: [MatchInput]) -> Set<Set<String>> {
            Set(Dictionary(grouping: records.indices, by: { result.clusters[$0] }).values.map { Set($0.map { records[$0].id }) })
        }
        #expect(clustersByID(first, records) == clustersByID(second, records.reversed()))
    }
}

@Suite("The shipped name knowledge as aliases")
struct StandardKnowledgeTests {
    let knowledge = MatchKnowledge.standard

    func aliases(_ index: AliasIndex, _ a: String, _ b: String) -> Bool {
        let left = Set(index.groups(of: PhoneticKey.keys(a)))
        return !left.isDisjoint(with: index.groups(of: PhoneticKey.keys(b)))
    }

    @Test("a name, its other-language form, its diminutive and its romanisations are aliases")
    func givenNames() {
        #expect(aliases(knowledge.givenNames, "Олександр", "Александр"))
        #expect(aliases(knowledge.givenNames, "Сашко", "Олександр"))
        #expect(aliases(knowledge.givenNames, "Oleksandr", "Aleksandr"))
        #expect(aliases(knowledge.givenNames, "Микола", "Nikolai"))
        #expect(!aliases(knowledge.givenNames, "Микола", "Олександр"))
    }

    @Test("patronymics and places")
    func patronymicsAndPlaces() {
        #expect(aliases(knowledge.patronymics, "Миколайович", "Николаевич"))
        #expect(aliases(knowledge.patronymics, "Andriiovych", "Андреевич"))
        #expect(aliases(knowledge.places, "Бахмут", "Артёмовск"))
        #expect(aliases(knowledge.places, "Дніпро", "Днепропетровск"))
        #expect(!aliases(knowledge.places, "Київ", "Харків"))
    }
}

@Suite("Scoring one record against a loaded register")
struct IncrementalTests {
    @Test("a new record finds the person's records, scored as in batch, and not the namesake")
    func matchesAsInBatch() async {
        let records = LinkerTests.register()
        let linker = Linker(knowledge: LinkerTests.knowledge)
        let batch = await linker.deduplicate(records)
        var index = await linker.index(Array(records.dropFirst()), model: batch.model)
        let matches = index.matches(for: records[0], floor: 0.5)
        let ids = Set(matches.map { records.dropFirst()[$0.index + 1].id })
        #expect(ids == ["adversary", "icrc", "returnee"])
        // Scored as in batch before batch reads the pairs together: the pair's own score.
        let batchProbabilities = Dictionary(
            uniqueKeysWithValues: batch.pairs.filter { $0.left == 0 }.map { pair in
                (Int(pair.right), Double(batch.revision(0, Int(pair.right))?.scored ?? pair.probability))
            }
        )
        for match in matches {
            #expect(abs(batchProbabilities[match.index + 1, default: -1] - match.probability) < 1e-6)
        }
    }

    @Test("a record like no one in the register finds nothing")
    func noMatch() async {
        let records = LinkerTests.register()
        let linker = Linker(knowledge: LinkerTests.knowledge)
        let batch = await linker.deduplicate(records)
        var index = await linker.index(records, model: batch.model)
        let stranger = MatchInput(id: "x", surname: "Зеленчук", givenName: "Остап", dateOfBirth: "1950-01-01")
        #expect(index.matches(for: stranger, floor: 0.01).isEmpty)
    }
}

@Suite("The review band")
struct ReviewBandTests {
    @Test("pairs between the review floor and the threshold are counted for a person to decide")
    func reviewCount() async {
        var settings = LinkageSettings()
        settings.reviewFloor = 0.01
        let result = await Linker(knowledge: LinkerTests.knowledge, settings: settings).deduplicate(LinkerTests.register())
        let expected = result.pairs.filter { $0.probability >= 0.01 && $0.probability < Float(settings.threshold) }.count
        #expect(result.pairsForReview == expected)
        #expect(result.pairsForReview > 0)
    }
}

@Suite("Linking a new list against a register")
struct LinkAgainstRegisterTests {
    @Test("new records find their man in the register; register records are not compared with each other")
    func linkAgainst() async {
        let register = LinkerTests.register()
        let list = [
            MatchInput(
                id: "icrc-2", surname: "Petrenko", givenName: "Oleksandr", patronymic: "Mykolaiovych", dateOfBirth: "1987-05-04"),
            MatchInput(id: "stranger", surname: "Зеленчук", givenName: "Остап", dateOfBirth: "1950-01-01"),
        ]
        let result = await Linker(knowledge: LinkerTests.knowledge).link(list, against: register)
        let firstNew = Int32(register.count)
        #expect(!result.pairs.isEmpty)
        #expect(result.pairs.allSatisfy { $0.left < $0.right && $0.right >= firstNew })
        #expect(result.clusters.count == register.count + list.count)
        let newMan = result.clusters[Int(firstNew)]
        let found = Set(
            result.clusters.indices.filter { result.clusters[$0] == newMan && $0 < register.count }.map { register[$0].id })
        #expect(found == ["relatives", "adversary", "icrc", "returnee"])
        #expect(
            !result.clusters.enumerated().contains {
                $0.offset != Int(firstNew) + 1 && $0.element == result.clusters[Int(firstNew) + 1]
            })
    }
}
