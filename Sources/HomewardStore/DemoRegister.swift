import Foundation
import HomewardCore
import Synchronization

/// Fills an empty register with realistic, invented data that a newcomer can explore.
///
/// Everything is generated from a seed, so two runs give the same people, records and events.
/// The data has what real registers have: one man in a relative's Ukrainian application, in the
/// adversary's Russian list with his date's day and month swapped, in an ICRC list in Latin, and
/// in a returnee's testimony under his diminutive; statements that disagree; corrections; and a
/// history of exchanges.
public struct DemoRegister: Sendable {
    public struct Summary: Sendable, Equatable {
        public var persons = 0
        public var records = 0
        public var events = 0
        public var sources = 0
        public var facilities = 0
        public var exchangeDays = 0
        /// Exchanges recorded as entities: the past ones and the one under negotiation.
        public var exchanges = 0
        public var medicalFindings = 0
        public var fundHolds = 0
        public var inquiries = 0
        /// One family's inquiry a newcomer can check on the public status page.
        public var sampleCaseCode = ""
        public var sampleApplicantBorn = ""
    }

    public var ownPersons: Int
    public var adversaryPersons: Int
    public var seed: UInt64

    public init(ownPersons: Int = 3_000, adversaryPersons: Int = 1_500, seed: UInt64 = 2022_02_24) {
        self.ownPersons = ownPersons
        self.adversaryPersons = adversaryPersons
        self.seed = seed
    }

    /// Writes the demo register in one transaction: all of it, or nothing.
    public func load(into register: Register) async throws -> Summary {
        let plan = self
        return try await register.transaction { register in
            var generator = DemoGenerator(seed: plan.seed, register: register)
            return try await generator.fill(own: plan.ownPersons, adversary: plan.adversaryPersons)
        }
    }
}

private struct DemoGenerator {
    var random: SplitMix64
    let register: Register
    var summary = DemoRegister.Summary()
    var sources: [SourceKind: [UUID]] = [:]
    var adversaryFacilities: [UUID] = []
    var ownFacilities: [UUID] = []
    var exchangeDays: [PartialDate] = []
    /// Who came home and whom we handed over, by exchange day.
    var exchanged: [PartialDate: (ours: [UUID], theirs: [UUID])] = [:]
    var batch = RegisterBatch()

    init(seed: UInt64, register: Register) {
        random = SplitMix64(seed: seed)
        self.register = register
    }

    mutating func fill(own: Int, adversary: Int) async throws -> DemoRegister.Summary {
        try await createSources()
        try await createFacilities()
        exchangeDays = Self.exchangeDays
        summary.exchangeDays = exchangeDays.count
        for _ in 0..<own { try createOwnPerson() }
        for _ in 0..<adversary { try createAdversaryPerson() }
        try await register.insert(batch, action: "demo.load", detail: "demo register")
        try await createExchanges()
        try await createInquiries()
        return summary
    }

    // MARK: Families' inquiries

    /// How many years before (negative) or after the sought person an applicant was born.
    mutating func generationGap(_ relationship: Relationship) -> Int {
        switch relationship {
        case .mother, .father: -int(22...32)
        case .grandparent: -int(45...55)
        case .child: int(20...28)
        default: int(-3...3)
        }
    }

    /// Families asking after our own people, as they write: a mother gives the name she calls her
    /// son by, a wife mixes up day and month; most are linked by liaison staff, some still wait,
    /// and one asks after someone the register does not hold.
    mutating func createInquiries() async throws {
        let own = try await register.persons(PersonFilter(affiliation: .own), offset: 0, limit: 600).items
            .sorted { $0.id.uuidString < $1.id.uuidString }
        let preferred: [PersonStatus] = [.captivityConfirmed, .captivityReported, .noInformation, .returned]
        var chosen: [Person] = []
        for status in preferred { chosen += own.filter { $0.status == status }.prefix(4) }
        let relationships: [Relationship] = [.mother, .spouse, .father, .sibling, .mother, .grandparent]
        // The same codes on every machine, so the README can name one.
        let codes = Mutex(SplitMix64(seed: random.next()))
        let caseCodes: @Sendable () -> UInt64 = { codes.withLock { $0.next() } }
        for (index, person) in chosen.enumerated() {
            let identity = person.identity
            let relationship = relationships[index % relationships.count]
            let born = try identity.dateOfBirth ?? PartialDate(year: 1990)
            let applicantBorn =
                index == 0
                ? try PartialDate(year: 1962, month: 3, day: 8)
                : try PartialDate(
                    year: born.year + generationGap(relationship),
                    month: int(1...12), day: int(1...28))
            let applicantGiven = pick(relationship == .father ? Names.ukrainianMale : Names.ukrainianFemale).uk
            var soughtBorn: PartialDate? = born
            if index % 4 == 1 { soughtBorn = born.dayMonthSwapped ?? born }
            if index % 5 == 3 { soughtBorn = nil }
            let given = identity.name.givenNames.flatMap { name in
                index % 3 == 1 ? Names.ukrainianMale.first { $0.uk == name }?.diminutive ?? name : name
            }
            let email = index % 3 == 2 ? nil : "family\(index + 1)@example.org"
            let draft = InquiryDraft(
                applicant: Applicant(
                    name: PersonName(surname: identity.name.surname, givenNames: applicantGiven, language: .ukrainian),
                    dateOfBirth: applicantBorn, relationship: relationship, email: email,
                    phone: "+380 \(digits(2)) \(digits(3)) \(digits(4))", language: "uk"),
                sought: SoughtParticulars(
                    name: PersonName(
                        surname: identity.name.surname, givenNames: given,
                        patronymic: index % 2 == 0 ? identity.name.patronymic : nil, language: .ukrainian),
                    dateOfBirth: soughtBorn, unit: index % 2 == 0 ? identity.unit : nil,
                    lastSeenOn: try date(between: 2022_02_24, and: 2025_09_30), lastSeenPlace: pick(Names.ukrainianPlaces).uk,
                    circumstances: "Зв'язок обірвався під час бойових дій."),
                consent: true, channel: index % 4 == 0 ? .liaison : .publicForm)
            let inquiry = try await register.fileInquiry(draft, random: caseCodes)
            if index == 0 {
                summary.sampleCaseCode = inquiry.caseCode
                summary.sampleApplicantBorn = applicantBorn.description
            }
            // A few wait for a liaison to review the matcher's candidates.
            if index % 4 != 3 {
                _ = try await register.linkInquiry(inquiry.id, to: person.id, expectedVersion: inquiry.version)
            }
            summary.inquiries += 1
        }
        let stranger = InquiryDraft(
            applicant: Applicant(
                name: PersonName(surname: "Коваль", givenNames: "Ірина", language: .ukrainian),
                dateOfBirth: try PartialDate(year: 1971, month: 11, day: 2), relationship: .mother,
                email: "koval.iryna@example.org", language: "uk"),
            sought: SoughtParticulars(
                name: PersonName(surname: "Коваль", givenNames: "Дмитро", patronymic: "Андрійович", language: .ukrainian),
                dateOfBirth: try PartialDate(year: 1999, month: 6, day: 14), lastSeenPlace: "Бахмут"),
            consent: true, channel: .publicForm)
        _ = try await register.fileInquiry(stranger, random: caseCodes)
        summary.inquiries += 1
    }

    // MARK: Exchanges

    /// The exchanges the events tell of, as records of the day; medical findings and holds on
    /// the fund; and one exchange under negotiation, in its second round.
    mutating func createExchanges() async throws {
        let counterparty = try await register.createParty(name: "Російська Федерація", role: .counterparty, note: nil)
        let emirates = try await register.createParty(
            name: "Об'єднані Арабські Емірати", role: .mediator, note: "посередник більшості обмінів")
        let icrc = try await register.createParty(
            name: "МКЧХ", role: .mediator, note: "нейтральний посередник, присутній на обміні")
        for (index, day) in exchangeDays.enumerated() {
            guard let people = exchanged[day], !people.ours.isEmpty else { continue }
            _ = try await register.recordPastExchange(
                title: "Обмін \(index + 1)", counterpartyID: counterparty.id, mediatorID: index % 3 == 0 ? icrc.id : emirates.id,
                heldOn: day, ours: people.ours, theirs: people.theirs, sourceID: sources[.officialDocument]?.first)
            summary.exchanges += 1
        }

        let candidates = try await register.exchangeCandidates().sorted {
            ($0.person.identity.name.fullName, $0.person.id.uuidString) < (
                $1.person.identity.name.fullName, $1.person.id.uuidString
            )
        }
        for candidate in candidates where chance(0.05) {
            let decision: CommissionDecision? = chance(0.5) ? pick(CommissionDecision.allCases) : nil
            _ = try await register.recordMedicalFinding(
                for: candidate.person.id, condition: pick(Article110Condition.allCases), decision: decision,
                decidedOn: decision == nil ? nil : try date(between: 2024_01_10, and: 2025_10_20),
                note: pick(["Ампутація, потребує протезування", "Туберкульоз", "Осколкові поранення", "Цукровий діабет"]))
            summary.medicalFindings += 1
        }
        let fund = try await register.fund().sorted {
            ($0.person.identity.name.fullName, $0.person.id.uuidString) < (
                $1.person.identity.name.fullName, $1.person.id.uuidString
            )
        }
        for entry in fund {
            let draw = double()
            if draw < 0.03 {
                _ = try await register.placeHold(
                    on: entry.person.id, reason: .criminalProceedings,
                    note: "Кримінальне провадження № \(digits(5))/\(int(2022...2025))")
                summary.fundHolds += 1
            } else if draw < 0.04 {
                _ = try await register.placeHold(on: entry.person.id, reason: .medicalHold, note: "Не транспортабельний")
                summary.fundHolds += 1
            } else if draw < 0.07 {
                _ = try await register.recordMedicalFinding(
                    for: entry.person.id, condition: .seriouslyWounded, decision: nil, decidedOn: nil, note: "Поранення")
                summary.medicalFindings += 1
            }
        }

        // The one under way: we asked for the highest priorities, they asked for their own; in the
        // second round they struck some of ours and we answered.
        let today = register.today
        let ranked = try await register.exchangeCandidates().map { candidate in
            let facts = PriorityFacts(
                personID: candidate.person.id, category: candidate.person.category, sex: candidate.person.identity.sex,
                dateOfBirth: candidate.person.identity.dateOfBirth, capturedOn: candidate.capturedOn,
                status: candidate.person.status,
                medical: candidate.medical)
            return (candidate.person.id, ExchangePriority.assess(facts, weights: .standard, today: today).score)
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.uuidString < $1.0.uuidString }.map(\.0)
        let exchangeable = try await register.fund().filter(\.isExchangeable).map(\.person.id)
        guard ranked.count >= 60, exchangeable.count >= 60 else { return }
        var exchange = try await register.createExchange(
            ExchangeDraft(
                title: "Обмін \(exchangeDays.count + 1)", counterpartyID: counterparty.id, mediatorID: emirates.id,
                formula: ExchangeFormula(
                    rules: [
                        ExchangeRule(ours: .woundedOrSick, theirs: .woundedOrSick), ExchangeRule(ours: .anyone, theirs: .anyone),
                    ],
                    limit: 50),
                plannedOn: nil, note: "Переговори через посередника; наступна зустріч — за домовленістю"))
        let asked = Array(ranked.prefix(50))
        let demanded = (0..<50).map { _ in pick(exchangeable) }.reduce(into: [UUID]()) { if !$0.contains($1) { $0.append($1) } }
        _ = try await register.putList(
            exchange.id, expectedVersion: exchange.version, side: .ours, personIDs: asked, proposedBy: .us,
            note: "Перший список: найвищі пріоритети")
        _ = try await register.putList(
            exchange.id, expectedVersion: exchange.version + 1, side: .theirs, personIDs: demanded, proposedBy: .them,
            note: "Список, переданий через посередника")
        exchange = try await register.openRound(exchange.id, expectedVersion: exchange.version + 2)
        let struck = Set(asked.suffix(8))
        _ = try await register.putList(
            exchange.id, expectedVersion: exchange.version, side: .ours,
            personIDs: asked.filter { !struck.contains($0) } + ranked[50..<55], proposedBy: .them,
            note: "Контрпропозиція: 8 осіб вилучено, 5 додано")
        summary.exchanges += 1
    }

    // MARK: Sources and facilities

    mutating func createSources() async throws {
        let specifications: [(SourceKind, String, Reliability, String)] = [
            (.relativeApplication, "Заяви родичів, Київ, 2022", .usuallyReliable, "2022-12-30"),
            (.relativeApplication, "Заяви родичів, Харків, 2023", .usuallyReliable, "2023-12-29"),
            (.relativeApplication, "Заяви родичів, гаряча лінія, 2024–2025", .usuallyReliable, "2025-10-15"),
            (.adversaryList, "Список военнопленных, переданный через посредника, 2022", .fairlyReliable, "2022-11-04"),
            (.adversaryList, "Список военнопленных, переданный через посредника, 2024", .fairlyReliable, "2024-06-21"),
            (.icrcNotification, "ICRC Central Tracing Agency notification batch 14", .completelyReliable, "2023-03-17"),
            (.icrcNotification, "ICRC Central Tracing Agency notification batch 31", .completelyReliable, "2025-02-07"),
            (.returneeTestimony, "Опитування звільнених, обмін 2023", .fairlyReliable, "2023-08-08"),
            (.returneeTestimony, "Опитування звільнених, обмін 2025", .fairlyReliable, "2025-05-20"),
            (.openSource, "Відкриті джерела: відео та соцмережі", .notUsuallyReliable, "2024-09-01"),
            (.officialDocument, "Акти про повернення тіл загиблих", .completelyReliable, "2025-06-12"),
            (.ownRegistration, "Реєстрація військовополонених при полоненні", .completelyReliable, "2025-10-31"),
        ]
        for (kind, title, reliability, received) in specifications {
            let source = try await register.createSource(
                SourceDraft(kind: kind, title: title, reliability: reliability, receivedOn: PartialDate(received))
            )
            sources[kind, default: []].append(source.id)
            summary.sources += 1
        }
    }

    mutating func createFacilities() async throws {
        let theirs: [(String, FacilityKind, String)] = [
            ("СИЗО-2", .detentionCentre, "Таганрог"), ("ИК-10", .prison, "Мордовия"),
            ("Исправительная колония № 120", .prison, "Еленовка"), ("СИЗО-1", .detentionCentre, "Курск"),
            ("ИК-6", .prison, "Брянская область"), ("Фильтрационный пункт", .filtrationPoint, "Безыменное"),
            ("Военный госпиталь", .hospital, "Ростов-на-Дону"),
        ]
        for (name, kind, location) in theirs {
            let facility = try await register.createFacility(
                FacilityDraft(name: name, kind: kind, location: location, controlledBy: .adversary)
            )
            adversaryFacilities.append(facility.id)
        }
        let ours: [(String, FacilityKind, String)] = [
            ("Табір для військовополонених № 1", .camp, "Західна Україна"),
            ("Табір для військовополонених № 2", .camp, "Центральна Україна"),
            ("Військовий госпіталь", .hospital, "Київ"),
        ]
        for (name, kind, location) in ours {
            let facility = try await register.createFacility(
                FacilityDraft(name: name, kind: kind, location: location, controlledBy: .own)
            )
            ownFacilities.append(facility.id)
        }
        summary.facilities = theirs.count + ours.count
    }

    // MARK: Our people

    mutating func createOwnPerson() throws {
        let female = chance(0.08)
        let first = pick(female ? Names.ukrainianFemale : Names.ukrainianMale)
        let father = pick(Names.ukrainianMale)
        let surname = pick(Names.ukrainianSurnames)
        let place = pick(Names.ukrainianPlaces)
        let rank = pick(Names.ranks)
        let categoryRoll = double()
        let category: PersonCategory =
            categoryRoll < 0.84
            ? .servicemember : categoryRoll < 0.96 ? .civilian : categoryRoll < 0.99 ? .medicalPersonnel : .journalist
        let isMilitary = category == .servicemember || category == .medicalPersonnel
        let dateOfBirth = try PartialDate(year: int(1962...2004), month: int(1...12), day: int(1...28))
        let serviceNumber = isMilitary ? pick(Names.ukrainianLetterPairs) + digits(6) : nil
        let unit = isMilitary ? "А" + digits(4) : nil
        let patronymic = female ? father.patronymicFemale.uk : father.patronymic.uk
        let personID = batch.addPerson(
            PersonDraft(
                affiliation: .own,
                category: category,
                identity: PersonIdentity(
                    name: PersonName(surname: surname.uk, givenNames: first.uk, patronymic: patronymic, language: .ukrainian),
                    sex: female ? .female : .male,
                    dateOfBirth: dateOfBirth,
                    placeOfBirth: place.uk,
                    citizenship: "Україна",
                    dependentPower: "Україна",
                    rank: isMilitary ? rank.uk : nil,
                    serviceNumber: serviceNumber,
                    unit: unit,
                    fatherFirstName: father.uk,
                    mothersMaidenName: pick(Names.ukrainianSurnames).uk,
                    nextOfKin: NextOfKin(
                        name: "\(surname.uk) \(pick(Names.ukrainianFemale).uk)",
                        relationship: pick(["мати", "дружина", "сестра"]),
                        address: "\(place.uk), вул. \(pick(Names.streets)), \(int(1...120))",
                        phone: "+380 \(digits(2)) \(digits(3)) \(digits(4))"
                    )
                )
            )
        )
        summary.persons += 1

        // A relative's application: the best quality, in Ukrainian.
        let relatives = addRecord(
            for: personID, source: .relativeApplication,
            particulars: RecordParticulars(
                name: PersonName(surname: surname.uk, givenNames: first.uk, patronymic: patronymic, language: .ukrainian),
                sex: female ? .female : .male, dateOfBirth: dateOfBirth, placeOfBirth: place.uk,
                rank: isMilitary ? rank.uk : nil, serviceNumber: serviceNumber, unit: unit
            ),
            linked: true
        )

        let lastSeen = try date(between: 2022_02_24, and: 2025_09_30)
        addEvent(
            personID,
            EventDraft(
                kind: .lastSeen, date: lastSeen, place: pick(Names.frontPlaces), sourceID: sourceID(.relativeApplication),
                recordID: relatives, credibility: .probablyTrue, note: "Зв'язок зник під час бойових дій"
            )
        )

        let fate = double()
        guard fate >= 0.33 else { return }  // No information on captivity: the family is still waiting.

        let captured = try later(than: lastSeen, byUpTo: 20)
        let adversaryRecord = addRecord(
            for: personID, source: .adversaryList,
            particulars: russianForm(
                surname: surname, first: first, patronymic: female ? father.patronymicFemale : father.patronymic, female: female,
                dateOfBirth: dateOfBirth, place: place, rank: isMilitary ? rank.ru : nil, serviceNumber: serviceNumber
            ),
            linked: chance(0.97)
        )
        addEvent(
            personID,
            EventDraft(
                kind: .captured, date: captured, place: pick(Names.frontPlaces), sourceID: sourceID(.adversaryList),
                recordID: adversaryRecord, credibility: .possiblyTrue, captureMode: pick(CaptureMode.allCases)
            )
        )
        addEvent(
            personID,
            EventDraft(
                kind: .heldAt, date: try later(than: captured, byUpTo: 60), facilityID: pick(adversaryFacilities),
                sourceID: sourceID(.adversaryList), recordID: adversaryRecord, credibility: .possiblyTrue
            )
        )

        if chance(0.6) {
            let icrc = addRecord(
                for: personID, source: .icrcNotification,
                particulars: latinForm(
                    surname: surname, first: first, patronymic: female ? father.patronymicFemale : father.patronymic,
                    dateOfBirth: dateOfBirth, place: place
                ),
                linked: chance(0.97)
            )
            addEvent(
                personID,
                EventDraft(
                    kind: .captivityConfirmed, date: try later(than: captured, byUpTo: 200),
                    sourceID: sourceID(.icrcNotification),
                    recordID: icrc, credibility: .confirmed
                )
            )
            if chance(0.08) {
                // An unverified post claims he died; the ICRC confirmation outweighs it.
                addEvent(
                    personID,
                    EventDraft(
                        kind: .died, date: try later(than: captured, byUpTo: 300), sourceID: sourceID(.openSource),
                        credibility: .improbable, note: "Повідомлення в соцмережах, не підтверджене"
                    )
                )
            }
        }

        if fate >= 0.85, fate < 0.93 {
            let returnDay = exchangeDays.filter { $0.earliestDay > captured.latestDay }.randomElement(using: &random)
            if let returnDay {
                exchanged[returnDay, default: ([], [])].ours.append(personID)
                addEvent(
                    personID,
                    EventDraft(
                        kind: .exchanged, date: returnDay, place: "Кордон, пункт обміну", sourceID: sourceID(.officialDocument),
                        credibility: .confirmed, note: "Обмін \(returnDay)"
                    )
                )
                if chance(0.5) {
                    _ = addRecord(
                        for: personID, source: .returneeTestimony,
                        particulars: RecordParticulars(
                            name: PersonName(surname: surname.uk, givenNames: first.diminutive, language: .ukrainian),
                            unit: unit
                        ),
                        linked: true
                    )
                }
            }
        } else if fate >= 0.93 {
            let died = try later(than: captured, byUpTo: 400)
            let deathEvent = addEvent(
                personID,
                EventDraft(
                    kind: .died, date: died, sourceID: sourceID(.returneeTestimony), credibility: .probablyTrue,
                    note: "Свідчення побратима"
                )
            )
            if chance(0.3) {
                // The first report got the date wrong; the official act corrects it.
                addEvent(
                    personID,
                    EventDraft(
                        kind: .died, date: try later(than: died, byUpTo: 10), sourceID: sourceID(.officialDocument),
                        credibility: .confirmed, note: "Дата уточнена за актом", supersedes: deathEvent
                    )
                )
            }
            if chance(0.4) {
                addEvent(
                    personID,
                    EventDraft(
                        kind: .remainsReturned, date: try later(than: died, byUpTo: 365), sourceID: sourceID(.officialDocument),
                        credibility: .confirmed
                    )
                )
            }
        }
    }

    // MARK: People we hold

    mutating func createAdversaryPerson() throws {
        let first = pick(Names.russianMale)
        let surname = pick(Names.russianSurnames)
        let patronymic = pick(Names.russianMale).patronymic
        let place = pick(Names.russianPlaces)
        let civilian = chance(0.04)
        let dateOfBirth = try PartialDate(year: int(1965...2005), month: int(1...12), day: int(1...28))
        let serviceNumber = civilian ? nil : pick(Names.russianLetters) + "-" + digits(6)
        let rank = civilian ? nil : pick(Names.ranks).ru
        let personID = batch.addPerson(
            PersonDraft(
                affiliation: .adversary,
                category: civilian ? .civilian : .servicemember,
                identity: PersonIdentity(
                    name: PersonName(surname: surname, givenNames: first.ru, patronymic: patronymic, language: .russian),
                    sex: .male,
                    dateOfBirth: dateOfBirth,
                    placeOfBirth: place,
                    citizenship: "Російська Федерація",
                    dependentPower: "Російська Федерація",
                    rank: rank,
                    serviceNumber: serviceNumber,
                    unit: civilian ? nil : "в/ч " + digits(5),
                    fatherFirstName: patronymicFather(patronymic),
                    nextOfKin: NextOfKin(
                        name: "\(surname)а \(pick(["Ольга", "Татьяна", "Елена", "Наталья", "Ирина"]))",
                        relationship: pick(["мать", "жена"]), address: "\(place), ул. Ленина, \(int(1...90))"
                    )
                )
            )
        )
        summary.persons += 1
        let registration = addRecord(
            for: personID, source: .ownRegistration,
            particulars: RecordParticulars(
                name: PersonName(surname: surname, givenNames: first.ru, patronymic: patronymic, language: .russian),
                sex: .male, dateOfBirth: dateOfBirth, placeOfBirth: place, rank: rank, serviceNumber: serviceNumber
            ),
            linked: true
        )
        let captured = try date(between: 2022_02_24, and: 2025_10_20)
        addEvent(
            personID,
            EventDraft(
                kind: .captured, date: captured, place: pick(Names.frontPlaces), sourceID: sourceID(.ownRegistration),
                recordID: registration, credibility: .confirmed, captureMode: pick(CaptureMode.allCases)
            )
        )
        addEvent(
            personID,
            EventDraft(
                kind: .heldAt, date: try later(than: captured, byUpTo: 14), facilityID: pick(ownFacilities),
                sourceID: sourceID(.ownRegistration), credibility: .confirmed
            )
        )
        let fate = double()
        if fate < 0.32 {
            if let day = exchangeDays.filter({ $0.earliestDay > captured.latestDay + 30 }).randomElement(using: &random) {
                exchanged[day, default: ([], [])].theirs.append(personID)
                addEvent(
                    personID,
                    EventDraft(kind: .exchanged, date: day, sourceID: sourceID(.officialDocument), credibility: .confirmed)
                )
            }
        } else if fate < 0.37 {
            addEvent(
                personID,
                EventDraft(
                    kind: .hospitalised, date: try later(than: captured, byUpTo: 90), facilityID: ownFacilities.last,
                    sourceID: sourceID(.ownRegistration), credibility: .confirmed
                )
            )
        } else if fate < 0.39 {
            addEvent(
                personID,
                EventDraft(
                    kind: .refusedRepatriation, date: try later(than: captured, byUpTo: 200),
                    sourceID: sourceID(.ownRegistration),
                    credibility: .confirmed, note: "Заява про небажання повертатися (ЖК III, ст. 109)"
                )
            )
        } else if fate < 0.395 {
            addEvent(
                personID,
                EventDraft(
                    kind: .died, date: try later(than: captured, byUpTo: 200), sourceID: sourceID(.officialDocument),
                    credibility: .confirmed
                )
            )
        }
    }

    // MARK: Forms of a name in other sources

    /// The adversary's list: Russian forms of the names, and the faults such lists have.
    mutating func russianForm(
        surname: Names.Pair, first: Names.Given, patronymic: Names.Pair, female: Bool, dateOfBirth: PartialDate,
        place: Names.Pair, rank: String?, serviceNumber: String?
    ) -> RecordParticulars {
        var date: PartialDate? = dateOfBirth
        var dateText: String?
        let roll = double()
        if roll < 0.12, let swapped = dateOfBirth.dayMonthSwapped {
            date = swapped
        } else if roll < 0.2 {
            date = try? PartialDate(year: dateOfBirth.year)
        } else if roll < 0.23 {
            date = nil
            dateText = "\(dateOfBirth.year) г.р."
        }
        let upper = chance(0.3)
        let cased: (String) -> String = { upper ? $0.uppercased() : $0 }
        return RecordParticulars(
            name: PersonName(
                surname: cased(surname.ru), givenNames: cased(first.ru), patronymic: cased(patronymic.ru), language: .russian),
            sex: female ? .female : .male,
            dateOfBirth: date,
            dateOfBirthText: dateText,
            placeOfBirth: place.ru,
            rank: rank,
            serviceNumber: chance(0.8) ? serviceNumber : nil
        )
    }

    /// An ICRC list: Latin letters, from the Ukrainian or the Russian form.
    mutating func latinForm(
        surname: Names.Pair, first: Names.Given, patronymic: Names.Pair, dateOfBirth: PartialDate, place: Names.Pair
    ) -> RecordParticulars {
        let fromRussian = chance(0.4)
        let language: NameLanguage = fromRussian ? .russian : .ukrainian
        let pick: (Names.Pair) -> String = { fromRussian ? $0.ru : $0.uk }
        let name = PersonName(
            surname: pick(surname), givenNames: fromRussian ? first.ru : first.uk, patronymic: pick(patronymic),
            language: language
        ).latin
        return RecordParticulars(
            name: PersonName(
                surname: name.surname.uppercased(), givenNames: name.givenNames, patronymic: name.patronymic, language: .latin),
            dateOfBirth: chance(0.85) ? dateOfBirth : try? PartialDate(year: dateOfBirth.year),
            placeOfBirth: Transliteration.latin(pick(place), from: language)
        )
    }

    // MARK: Writing

    @discardableResult
    mutating func addRecord(for personID: UUID, source: SourceKind, particulars: RecordParticulars, linked: Bool) -> UUID {
        summary.records += 1
        var raw = [RawField(column: "surname", value: particulars.name.surname)]
        if let given = particulars.name.givenNames { raw.append(RawField(column: "given_name", value: given)) }
        if let patronymic = particulars.name.patronymic { raw.append(RawField(column: "patronymic", value: patronymic)) }
        if let date = particulars.dateOfBirth { raw.append(RawField(column: "dob", value: date.description)) }
        if let text = particulars.dateOfBirthText { raw.append(RawField(column: "dob", value: text)) }
        if let place = particulars.placeOfBirth { raw.append(RawField(column: "place_of_birth", value: place)) }
        return batch.addRecord(
            RecordDraft(
                sourceID: sourceID(source), personID: linked ? personID : nil, rowNumber: summary.records + 1,
                particulars: particulars, raw: raw
            )
        )
    }

    @discardableResult
    mutating func addEvent(_ personID: UUID, _ draft: EventDraft) -> UUID {
        summary.events += 1
        return batch.addEvent(draft, to: personID)
    }

    // MARK: Chance

    mutating func sourceID(_ kind: SourceKind) -> UUID { pick(sources[kind]!) }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    mutating func double() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
    mutating func chance(_ probability: Double) -> Bool { double() < probability }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }
    mutating func digits(_ count: Int) -> String { (0..<count).map { _ in String(int(0...9)) }.joined() }

    /// A day between two dates written as yyyymmdd numbers.
    mutating func date(between start: Int, and end: Int) throws -> PartialDate {
        let first = PartialDate.dayNumber(year: start / 10_000, month: start / 100 % 100, day: start % 100)
        let last = PartialDate.dayNumber(year: end / 10_000, month: end / 100 % 100, day: end % 100)
        return try PartialDate(dayNumber: int(first...last))
    }

    mutating func later(than date: PartialDate, byUpTo days: Int) throws -> PartialDate {
        let cutoff = PartialDate.dayNumber(year: 2025, month: 10, day: 31)
        return try PartialDate(dayNumber: min(date.latestDay + int(1...days), cutoff))
    }

    func patronymicFather(_ patronymic: String) -> String? {
        Names.russianMale.first { $0.patronymic == patronymic }?.ru
    }

    static let exchangeDays: [PartialDate] = [
        "2022-04-01", "2022-05-06", "2022-06-29", "2022-09-21", "2022-10-17", "2022-12-31", "2023-02-04",
        "2023-03-07", "2023-05-06", "2023-06-11", "2023-08-07", "2024-01-03", "2024-01-31", "2024-02-08",
        "2024-05-31", "2024-06-25", "2024-08-24", "2024-09-14", "2024-10-18", "2024-12-30", "2025-02-05",
        "2025-03-19", "2025-05-23", "2025-06-26", "2025-08-14", "2025-10-02",
    ].map { PartialDate($0)! }
}

/// Invented names drawn from the most common Ukrainian and Russian names and places.
private enum Names {
    struct Pair {
        var uk: String
        var ru: String
    }

    struct Given {
        var uk: String
        var ru: String
        var diminutive: String
        var patronymic: Pair
        var patronymicFemale: Pair
    }

    struct RussianGiven {
        var ru: String
        var patronymic: String
    }

    static func male(_ uk: String, _ ru: String, _ diminutive: String, _ patronymicUK: String, _ patronymicRU: String) -> Given {
        Given(
            uk: uk, ru: ru, diminutive: diminutive, patronymic: Pair(uk: patronymicUK, ru: patronymicRU),
            patronymicFemale: Pair(uk: feminineUkrainian(patronymicUK), ru: String(patronymicRU.dropLast(3)) + "вна")
        )
    }

    static func feminineUkrainian(_ patronymic: String) -> String {
        if patronymic.hasSuffix("йович") { return String(patronymic.dropLast(5)) + "ївна" }
        if patronymic.hasSuffix("льович") { return String(patronymic.dropLast(6)) + "лівна" }
        return String(patronymic.dropLast(4)) + "івна"
    }

    static let ukrainianMale: [Given] = [
        male("Олександр", "Александр", "Сашко", "Олександрович", "Александрович"),
        male("Микола", "Николай", "Коля", "Миколайович", "Николаевич"),
        male("Іван", "Иван", "Івась", "Іванович", "Иванович"),
        male("Сергій", "Сергей", "Сергійко", "Сергійович", "Сергеевич"),
        male("Андрій", "Андрей", "Андрійко", "Андрійович", "Андреевич"),
        male("Василь", "Василий", "Васько", "Васильович", "Васильевич"),
        male("Петро", "Пётр", "Петрик", "Петрович", "Петрович"),
        male("Дмитро", "Дмитрий", "Дмитрик", "Дмитрович", "Дмитриевич"),
        male("Олексій", "Алексей", "Льоша", "Олексійович", "Алексеевич"),
        male("Володимир", "Владимир", "Володя", "Володимирович", "Владимирович"),
        male("Юрій", "Юрий", "Юрко", "Юрійович", "Юрьевич"),
        male("Віталій", "Виталий", "Віталік", "Віталійович", "Витальевич"),
        male("Богдан", "Богдан", "Бодя", "Богданович", "Богданович"),
        male("Тарас", "Тарас", "Тарасик", "Тарасович", "Тарасович"),
        male("Михайло", "Михаил", "Михась", "Михайлович", "Михайлович"),
        male("Степан", "Степан", "Стьопа", "Степанович", "Степанович"),
        male("Григорій", "Григорий", "Гриць", "Григорович", "Григорьевич"),
        male("Євген", "Евгений", "Женя", "Євгенович", "Евгеньевич"),
        male("Ігор", "Игорь", "Ігорко", "Ігорович", "Игоревич"),
        male("Роман", "Роман", "Ромко", "Романович", "Романович"),
        male("Віктор", "Виктор", "Вітя", "Вікторович", "Викторович"),
        male("Анатолій", "Анатолий", "Толік", "Анатолійович", "Анатольевич"),
        male("Максим", "Максим", "Макс", "Максимович", "Максимович"),
        male("Артем", "Артём", "Тьома", "Артемович", "Артёмович"),
        male("Ярослав", "Ярослав", "Ярко", "Ярославович", "Ярославович"),
        male("Олег", "Олег", "Олежко", "Олегович", "Олегович"),
        male("Павло", "Павел", "Павлик", "Павлович", "Павлович"),
    ]

    static let ukrainianFemale: [Given] = [
        ("Олена", "Елена", "Оленка"), ("Наталія", "Наталья", "Наталка"), ("Ірина", "Ирина", "Іра"),
        ("Оксана", "Оксана", "Ксюша"), ("Тетяна", "Татьяна", "Таня"), ("Марія", "Мария", "Маруся"),
        ("Юлія", "Юлия", "Юля"), ("Людмила", "Людмила", "Люда"), ("Анна", "Анна", "Ганнуся"),
        ("Світлана", "Светлана", "Світланка"),
    ].map {
        Given(uk: $0.0, ru: $0.1, diminutive: $0.2, patronymic: Pair(uk: "", ru: ""), patronymicFemale: Pair(uk: "", ru: ""))
    }

    static let ukrainianSurnames: [Pair] = [
        ("Шевченко", "Шевченко"), ("Коваленко", "Коваленко"), ("Бондаренко", "Бондаренко"), ("Ткаченко", "Ткаченко"),
        ("Кравченко", "Кравченко"), ("Олійник", "Олейник"), ("Шевчук", "Шевчук"), ("Поліщук", "Полищук"),
        ("Бойко", "Бойко"), ("Ткачук", "Ткачук"), ("Марченко", "Марченко"), ("Мельник", "Мельник"),
        ("Савченко", "Савченко"), ("Руденко", "Руденко"), ("Лисенко", "Лысенко"), ("Петренко", "Петренко"),
        ("Кравчук", "Кравчук"), ("Мороз", "Мороз"), ("Павленко", "Павленко"), ("Гончаренко", "Гончаренко"),
        ("Левченко", "Левченко"), ("Харченко", "Харченко"), ("Карпенко", "Карпенко"), ("Литвиненко", "Литвиненко"),
        ("Сидоренко", "Сидоренко"), ("Костенко", "Костенко"), ("Гаврилюк", "Гаврилюк"), ("Пономаренко", "Пономаренко"),
        ("Коваль", "Коваль"), ("Приходько", "Приходько"), ("Демченко", "Демченко"), ("Кузьменко", "Кузьменко"),
        ("Лук'яненко", "Лукьяненко"), ("Федоренко", "Федоренко"), ("Ковальчук", "Ковальчук"), ("Марчук", "Марчук"),
        ("Білоус", "Белоус"), ("Зінченко", "Зинченко"), ("Гриценко", "Гриценко"), ("Остапенко", "Остапенко"),
        ("Дорошенко", "Дорошенко"), ("Яковенко", "Яковенко"), ("Тимошенко", "Тимошенко"), ("Головко", "Головко"),
        ("Нестеренко", "Нестеренко"), ("Власенко", "Власенко"), ("Кушнір", "Кушнир"), ("Сердюк", "Сердюк"),
        ("Задорожний", "Задорожный"), ("Гнатюк", "Гнатюк"), ("Вовк", "Вовк"), ("Білик", "Билык"),
        ("Ярошенко", "Ярошенко"), ("Юрченко", "Юрченко"), ("Гуменюк", "Гуменюк"), ("Стасюк", "Стасюк"),
        ("Щербак", "Щербак"), ("Чорновол", "Черновол"), ("Яценко", "Яценко"), ("Їжакевич", "Ижакевич"),
        ("Єременко", "Еременко"), ("Ясницький", "Ясницкий"), ("Опанасенко", "Опанасенко"), ("Нерубацький", "Нерубацкий"),
    ].map { Pair(uk: $0.0, ru: $0.1) }

    static let ukrainianPlaces: [Pair] = [
        ("Київ", "Киев"), ("Харків", "Харьков"), ("Одеса", "Одесса"), ("Дніпро", "Днепропетровск"), ("Львів", "Львов"),
        ("Запоріжжя", "Запорожье"), ("Миколаїв", "Николаев"), ("Херсон", "Херсон"), ("Полтава", "Полтава"),
        ("Чернігів", "Чернигов"), ("Суми", "Сумы"), ("Житомир", "Житомир"), ("Вінниця", "Винница"), ("Черкаси", "Черкассы"),
        ("Кропивницький", "Кировоград"), ("Бахмут", "Артёмовск"), ("Маріуполь", "Мариуполь"), ("Краматорськ", "Краматорск"),
        ("Слов'янськ", "Славянск"), ("Ізюм", "Изюм"), ("Біла Церква", "Белая Церковь"), ("Умань", "Умань"),
        ("Луцьк", "Луцк"), ("Рівне", "Ровно"), ("Тернопіль", "Тернополь"), ("Івано-Франківськ", "Ивано-Франковск"),
        ("Ужгород", "Ужгород"), ("Чернівці", "Черновцы"), ("Хмельницький", "Хмельницкий"), ("Кременчук", "Кременчуг"),
        ("Павлоград", "Павлоград"), ("Нікополь", "Никополь"), ("Мелітополь", "Мелитополь"), ("Бердянськ", "Бердянск"),
    ].map { Pair(uk: $0.0, ru: $0.1) }

    static let frontPlaces = [
        "Бахмутський район", "Покровський район", "Куп'янський район", "Запорізький напрямок", "Авдіївка",
        "Волноваха", "Маріуполь, Азовсталь", "Сєвєродонецьк", "Херсонська область", "Вугледар", "Кліщіївка",
    ]

    static let streets = ["Шевченка", "Грушевського", "Франка", "Лесі Українки", "Соборна", "Миру", "Садова", "Незалежності"]

    static let ranks: [Pair] = [
        ("солдат", "рядовой"), ("старший солдат", "ефрейтор"), ("молодший сержант", "младший сержант"),
        ("сержант", "сержант"), ("старший сержант", "старший сержант"), ("головний сержант", "старшина"),
        ("молодший лейтенант", "младший лейтенант"), ("лейтенант", "лейтенант"), ("старший лейтенант", "старший лейтенант"),
        ("капітан", "капитан"), ("майор", "майор"), ("матрос", "матрос"),
    ].map { Pair(uk: $0.0, ru: $0.1) }

    static let ukrainianLetterPairs = ["АА", "АВ", "ВК", "КК", "НТ", "ТН", "СА", "ОР", "ЄЛ", "ІМ"]
    static let russianLetters = ["А", "Б", "В", "Г", "Д", "Ж", "К", "М", "Н", "П", "Р", "С", "Т", "У", "Х"]

    static let russianMale: [RussianGiven] = [
        ("Александр", "Александрович"), ("Сергей", "Сергеевич"), ("Дмитрий", "Дмитриевич"), ("Андрей", "Андреевич"),
        ("Алексей", "Алексеевич"), ("Максим", "Максимович"), ("Евгений", "Евгеньевич"), ("Иван", "Иванович"),
        ("Михаил", "Михайлович"), ("Артём", "Артёмович"), ("Николай", "Николаевич"), ("Владимир", "Владимирович"),
        ("Денис", "Денисович"), ("Роман", "Романович"), ("Павел", "Павлович"), ("Игорь", "Игоревич"),
        ("Олег", "Олегович"), ("Виктор", "Викторович"), ("Антон", "Антонович"), ("Кирилл", "Кириллович"),
        ("Илья", "Ильич"), ("Юрий", "Юрьевич"), ("Вадим", "Вадимович"), ("Константин", "Константинович"),
        ("Руслан", "Русланович"),
    ].map { RussianGiven(ru: $0.0, patronymic: $0.1) }

    static let russianSurnames = [
        "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков", "Фёдоров",
        "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов", "Степанов", "Николаев",
        "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев",
        "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв",
        "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов",
        "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров",
        "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Щукин",
    ]

    static let russianPlaces = [
        "Москва", "Ростов-на-Дону", "Краснодар", "Воронеж", "Белгород", "Курск", "Брянск", "Псков", "Новосибирск",
        "Екатеринбург", "Пермь", "Уфа", "Казань", "Самара", "Саратов", "Волгоград", "Омск", "Томск", "Иркутск",
        "Хабаровск", "Чита", "Улан-Удэ", "Рязань", "Тула", "Калуга", "Смоленск", "Тверь", "Оренбург", "Кемерово",
    ]
}
