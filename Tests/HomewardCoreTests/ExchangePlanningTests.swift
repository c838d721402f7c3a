import Foundation
import HomewardCore
import Testing

private let today = date("2025-06-15")

private func facts(
    category: PersonCategory = .servicemember, sex: Sex? = .male, born: String? = nil, captured: String? = nil,
    status: PersonStatus = .captivityReported, medical: MedicalFinding? = nil
) -> PriorityFacts {
    PriorityFacts(
        personID: testPersonID, category: category, sex: sex, dateOfBirth: born.map(date), capturedOn: captured.map(date),
        status: status, medical: medical)
}

private func finding(_ condition: Article110Condition?, _ decision: CommissionDecision?) -> MedicalFinding {
    MedicalFinding(
        personID: testPersonID, condition: condition, decision: decision, recordedAt: defaultRecordedAt, recordedBy: "test")
}

private func assess(_ facts: PriorityFacts, weights: PriorityWeights = .standard) -> Priority {
    ExchangePriority.assess(facts, weights: weights, today: today)
}

/// The contributions as "factor points quantity", rounded to 3 decimals, which reads well in a failure.
private func explained(_ priority: Priority) -> [String] {
    priority.contributions.map {
        "\($0.factor.rawValue) \(String(format: "%.3f", $0.points))" + ($0.quantity.map { " \($0)" } ?? "")
    }
}

private func candidate(_ number: Int, _ score: Double, _ classes: Set<ExchangeClass> = []) -> PlanCandidate {
    PlanCandidate(
        personID: uuid(number), classes: classes.union([.anyone]), priority: Priority(score: score, contributions: []))
}

private func member(
    _ number: Int, _ classes: Set<ExchangeClass> = [], requested: Bool = false, wounded: Bool = false, heldSince: Int? = nil
) -> FundMember {
    FundMember(
        personID: uuid(number), classes: classes.union([.anyone]).union(wounded ? [.woundedOrSick] : []),
        requested: requested, woundedOrSick: wounded, heldSinceDay: heldSince)
}

private func weightIssues(_ weights: PriorityWeights) -> [String] {
    do {
        try weights.validate()
        return []
    } catch {
        return error.issues.map { "\($0.field) \($0.rule)" }
    }
}

@Suite struct ExchangePlanningTests {
    // MARK: Weights

    @Test("the standard weights are the bureau's defaults")
    func defaults() throws {
        let weights = PriorityWeights.standard
        #expect(weights == PriorityWeights())
        #expect(weights.seriouslyWoundedOrSick == 40)
        #expect(weights.commissionDirectRepatriation == 50)
        #expect(weights.commissionNeutralAccommodation == 25)
        #expect(weights.civilian == 15)
        #expect(weights.woman == 10)
        #expect(weights.minor == 30)
        #expect(weights.elderly == 15)
        #expect(weights.elderlyFromAge == 60)
        #expect(weights.perYearInCaptivity == 5)
        #expect(weights.captivityConfirmed == 10)
        try weights.validate()
    }

    @Test("validation names every weight out of range")
    func validation() {
        var weights = PriorityWeights.standard
        weights.civilian = -1
        weights.woman = .nan
        weights.minor = .infinity
        weights.elderly = 1000.5
        weights.elderlyFromAge = 39
        #expect(
            weightIssues(weights) == [
                "weights.civilian range", "weights.woman range", "weights.minor range", "weights.elderly range",
                "weights.elderlyFromAge range",
            ])
        weights = PriorityWeights(seriouslyWoundedOrSick: 1000, civilian: 0, elderlyFromAge: 101)
        #expect(weightIssues(weights) == ["weights.elderlyFromAge range"])
        #expect(weightIssues(PriorityWeights(elderlyFromAge: 40)) == [])
        #expect(weightIssues(PriorityWeights(elderlyFromAge: 100)) == [])
    }

    @Test("factors and reasons are written in kebab case")
    func rawValues() {
        #expect(PriorityFactor.seriouslyWoundedOrSick.rawValue == "seriously-wounded-or-sick")
        #expect(PriorityFactor.commissionNeutralAccommodation.rawValue == "commission-neutral-accommodation")
        #expect(PriorityFactor.captivityLength.rawValue == "captivity-length")
        #expect(HandoverReason.requestedByCounterparty.rawValue == "requested-by-counterparty")
        #expect(HandoverReason.longestHeld.rawValue == "longest-held")
        #expect(LeftOutReason.noRuleForClass.rawValue == "no-rule-for-class")
        #expect(LeftOutReason.limitReached.rawValue == "limit-reached")
    }

    // MARK: Priority

    @Test("a servicemember with nothing known scores nothing")
    func nothing() {
        let priority = assess(facts())
        #expect(priority.score == 0)
        #expect(priority.contributions.isEmpty)
    }

    @Test(
        "a minor only if even the oldest they can be is under 18",
        arguments: [
            ("2007-06-16", 17 as Int?),  // the day before the 18th birthday
            ("2007-06-15", nil),  // the 18th birthday
            ("2008", 17),  // 2008-01-01 at the oldest
            ("2007", nil),  // could be 18 already (born in January)
            ("2007-07", 17),  // 2007-07-01 at the oldest
            ("2007-06", nil),  // 2007-06-01 at the oldest: 18
            ("2025-06-15", 0),  // born today
            ("2025-06-16", nil),  // born tomorrow: an error in the data, not a minor
        ])
    func minor(born: String, age: Int?) {
        let priority = assess(facts(born: born))
        #expect(explained(priority) == (age.map { ["minor 30.000 \($0)"] } ?? []))
    }

    @Test(
        "elderly only if even the youngest they can be is old enough",
        arguments: [
            ("1965-06-15", 60 as Int?),  // the 60th birthday
            ("1965-06-16", nil),  // the day before it
            ("1965", nil),  // could be born in December: 59
            ("1964", 60),  // 1964-12-31 at the youngest
            ("1965-05", 60),  // 1965-05-31 at the youngest
            ("1965-06", nil),  // 1965-06-30 at the youngest: 59
        ])
    func elderly(born: String, age: Int?) {
        let priority = assess(facts(born: born))
        #expect(explained(priority) == (age.map { ["elderly 15.000 \($0)"] } ?? []))
    }

    @Test("the age counted as elderly is the bureau's")
    func elderlyAge() {
        let weights = PriorityWeights(elderlyFromAge: 70)
        #expect(assess(facts(born: "1955-06-15"), weights: weights).contributions.map(\.factor) == [.elderly])
        #expect(assess(facts(born: "1955-06-16"), weights: weights).contributions.isEmpty)
    }

    @Test("a 29 February birthday is reached on 1 March in a common year")
    func leapBirthday() {
        let bornOnLeapDay = facts(born: "2008-02-29")
        #expect(ExchangePriority.assess(bornOnLeapDay, weights: .standard, today: date("2026-02-28")).score == 30)
        #expect(ExchangePriority.assess(bornOnLeapDay, weights: .standard, today: date("2026-03-01")).score == 0)
    }

    @Test(
        "captivity counts from the latest day the capture date can mean",
        arguments: [
            ("2024-06-15", 365),
            ("2024-06", 350),  // from 2024-06-30
            ("2024", 166),  // from 2024-12-31
            ("2023-06-15", 731),  // 2024 was a leap year
        ])
    func captivityLength(captured: String, days: Int) throws {
        let priority = assess(facts(captured: captured))
        let contribution = try #require(priority.contributions.first)
        #expect(priority.contributions.count == 1)
        #expect(contribution.factor == .captivityLength)
        #expect(contribution.quantity == days)
        #expect(abs(contribution.points - 5 * Double(days) / 365.25) < 1e-9)
        #expect(priority.score == contribution.points)
    }

    @Test("a capture today, in the future or unknown adds nothing")
    func noCaptivityLength() {
        #expect(assess(facts(captured: "2025-06-15")).contributions.isEmpty)
        #expect(assess(facts(captured: "2025-07-01")).contributions.isEmpty)
        #expect(assess(facts(captured: "2025")).contributions.isEmpty)
        #expect(assess(facts(captured: nil)).contributions.isEmpty)
    }

    @Test("a Mixed Medical Commission's A weighs more than its B; NC takes the condition away")
    func commission() {
        #expect(
            explained(assess(facts(medical: finding(.seriouslyWounded, .directRepatriation)))) == [
                "commission-direct-repatriation 50.000", "seriously-wounded-or-sick 40.000",
            ])
        #expect(
            explained(assess(facts(medical: finding(nil, .neutralAccommodation)))) == [
                "seriously-wounded-or-sick 40.000", "commission-neutral-accommodation 25.000",
            ])
        #expect(assess(facts(medical: finding(.seriouslySick, .notConcerned))).contributions.isEmpty)
        #expect(explained(assess(facts(medical: finding(.seriouslySick, nil)))) == ["seriously-wounded-or-sick 40.000"])
        #expect(assess(facts(medical: finding(nil, nil))).contributions.isEmpty)
    }

    @Test("confirmation by the ICRC counts, a report does not")
    func confirmed() {
        #expect(explained(assess(facts(status: .captivityConfirmed))) == ["captivity-confirmed 10.000"])
        #expect(assess(facts(status: .captivityReported)).contributions.isEmpty)
    }

    @Test("civilians and women")
    func civilianWoman() {
        #expect(explained(assess(facts(category: .civilian, sex: .female))) == ["civilian 15.000", "woman 10.000"])
        #expect(assess(facts(category: .servicemember, sex: nil)).contributions.isEmpty)
        #expect(assess(facts(category: .medicalPersonnel, sex: .male)).contributions.isEmpty)
    }

    @Test("contributions come largest first, ties in factor order, and add up to the score")
    func ordering() {
        let all = facts(
            category: .civilian, sex: .female, born: "2010-01-01", captured: "2022-06-15", status: .captivityConfirmed,
            medical: finding(.seriouslyWounded, .directRepatriation))
        let priority = assess(all)
        #expect(
            priority.contributions.map(\.factor) == [
                .commissionDirectRepatriation, .seriouslyWoundedOrSick, .minor, .captivityLength, .civilian, .woman,
                .captivityConfirmed,
            ])
        #expect(abs(priority.score - priority.contributions.map(\.points).reduce(0, +)) < 1e-9)
        #expect(abs(priority.score - (50 + 40 + 30 + 5 * 1096 / 365.25 + 15 + 10 + 10)) < 1e-9)

        let even = PriorityWeights(civilian: 10, woman: 10, captivityConfirmed: 10)
        let tied = assess(facts(category: .civilian, sex: .female, status: .captivityConfirmed), weights: even)
        #expect(tied.contributions.map(\.factor) == [.civilian, .woman, .captivityConfirmed])
    }

    @Test("a weight of zero leaves its factor out of the explanation")
    func zeroWeight() {
        let weights = PriorityWeights(civilian: 0, perYearInCaptivity: 0)
        let priority = assess(facts(category: .civilian, sex: .female, captured: "2023-01-01"), weights: weights)
        #expect(priority.contributions.map(\.factor) == [.woman])
    }

    @Test("the classes of a person")
    func classes() {
        #expect(facts().classes == [.anyone, .servicemembers])
        #expect(
            facts(category: .civilian, sex: .female, medical: finding(nil, .neutralAccommodation)).classes == [
                .anyone, .civilians, .women, .woundedOrSick,
            ])
        #expect(facts(category: .journalist, sex: nil, medical: finding(.seriouslySick, .notConcerned)).classes == [.anyone])
    }

    // MARK: Planning

    @Test("N for N brings home the highest priorities for exactly as many of theirs")
    func nForN() {
        let candidates = [candidate(1, 10), candidate(2, 50), candidate(3, 30), candidate(4, 40), candidate(5, 20)]
        let fund = (11...13).map { member($0) }
        let plan = ExchangePlanner.plan(candidates: candidates, fund: fund, formula: .oneForOne())
        #expect(plan.returning.map(\.personID) == [uuid(2), uuid(4), uuid(3)])
        #expect(plan.returning.map(\.rank) == [1, 2, 3])
        #expect(plan.returning.allSatisfy { $0.rule == 0 })
        #expect(Set(plan.handingOver.map(\.personID)) == Set(fund.map(\.personID)))
        #expect(plan.totalPriority == 120)
        #expect(plan.leftOut == 2)
        #expect(plan.unusedFund == 0)
        #expect(plan.nextInLine.map(\.personID) == [uuid(5), uuid(1)])
        #expect(plan.nextInLine.map(\.rank) == [4, 5])
        #expect(plan.nextInLine.allSatisfy { $0.reason == .fundExhausted })
        #expect(
            plan.rules == [
                RuleUsage(rule: ExchangeRule(ours: .anyone, theirs: .anyone), returning: 3, handingOver: 3, fundAvailable: 3)
            ]
        )
    }

    @Test("a larger fund is handed over only as far as our people come home")
    func fundLeftOver() {
        let plan = ExchangePlanner.plan(
            candidates: [candidate(1, 5), candidate(2, 6)], fund: (11...15).map { member($0) }, formula: .oneForOne())
        #expect(plan.returning.count == 2)
        #expect(plan.handingOver.count == 2)
        #expect(plan.unusedFund == 3)
        #expect(plan.leftOut == 0)
        #expect(plan.nextInLine.isEmpty)
    }

    @Test("equal scores rank by the person's id as text")
    func tiesByID() {
        var generator = SplitMix64(seed: 7)
        let ids = (0..<200).map { _ in randomUUID(&generator) }
        let candidates = ids.map {
            PlanCandidate(personID: $0, classes: [.anyone], priority: Priority(score: 1, contributions: []))
        }
        let plan = ExchangePlanner.plan(candidates: candidates, fund: [], formula: .oneForOne())
        let expected = ids.sorted { $0.uuidString < $1.uuidString }.prefix(50)
        #expect(plan.nextInLine.map(\.personID) == Array(expected))
    }

    @Test("the agreed number limits the exchange")
    func limit() {
        let candidates = (1...10).map { candidate($0, Double($0)) }
        let plan = ExchangePlanner.plan(
            candidates: candidates, fund: (11...30).map { member($0) }, formula: .oneForOne(limit: 4))
        #expect(plan.returning.map(\.personID) == [uuid(10), uuid(9), uuid(8), uuid(7)])
        #expect(plan.handingOver.count == 4)
        #expect(plan.unusedFund == 16)
        #expect(plan.leftOut == 6)
        #expect(plan.nextInLine.allSatisfy { $0.reason == .limitReached })
    }

    @Test("one of ours for two of theirs")
    func oneForTwo() {
        let formula = ExchangeFormula(rules: [ExchangeRule(ours: .anyone, theirs: .anyone, oursCount: 1, theirsCount: 2)])
        let plan = ExchangePlanner.plan(
            candidates: (1...5).map { candidate($0, Double($0)) }, fund: (11...17).map { member($0) }, formula: formula)
        #expect(plan.returning.map(\.personID) == [uuid(5), uuid(4), uuid(3)])
        #expect(plan.handingOver.count == 6)
        #expect(plan.unusedFund == 1)
        #expect(plan.rules.map(\.fundAvailable) == [7])
    }

    @Test("two of ours for one of theirs, rounded up in their favour")
    func twoForOne() {
        let formula = ExchangeFormula(rules: [ExchangeRule(ours: .anyone, theirs: .anyone, oursCount: 2, theirsCount: 1)])
        let short = ExchangePlanner.plan(
            candidates: (1...5).map { candidate($0, Double($0)) }, fund: (11...12).map { member($0) }, formula: formula)
        #expect(short.returning.count == 4)
        #expect(short.handingOver.count == 2)
        #expect(short.nextInLine.map(\.reason) == [.fundExhausted])

        let odd = ExchangePlanner.plan(
            candidates: (1...3).map { candidate($0, Double($0)) }, fund: (11...15).map { member($0) }, formula: formula)
        #expect(odd.returning.count == 3)
        #expect(odd.handingOver.count == 2)  // 3 × 1 / 2 = 1.5, rounded up
        #expect(odd.unusedFund == 3)
    }

    @Test("wounded for wounded, then all for all: a wounded man the first rule cannot pay for goes under the second")
    func woundedThenAll() {
        let candidates = [
            candidate(1, 50, [.woundedOrSick]), candidate(2, 45, [.woundedOrSick]), candidate(3, 60), candidate(4, 30),
            candidate(5, 20),
        ]
        let fund = [member(11, wounded: true, heldSince: 19_000), member(12), member(13), member(14)]
        let formula = ExchangeFormula(rules: [
            ExchangeRule(ours: .woundedOrSick, theirs: .woundedOrSick), ExchangeRule(ours: .anyone, theirs: .anyone),
        ])
        let plan = ExchangePlanner.plan(candidates: candidates, fund: fund, formula: formula)
        #expect(plan.returning.map(\.personID) == [uuid(3), uuid(1), uuid(2), uuid(4)])
        #expect(plan.returning.map(\.rule) == [1, 0, 1, 1])
        #expect(plan.returning.map(\.rank) == [1, 2, 3, 4])
        #expect(plan.handingOver.first == PlannedHandover(personID: uuid(11), rule: 0, reason: .woundedOrSick))
        #expect(plan.handingOver.dropFirst().map(\.rule) == [1, 1, 1])
        #expect(plan.handingOver.dropFirst().allSatisfy { $0.reason == .longestHeld })
        #expect(plan.rules.map(\.returning) == [1, 3])
        #expect(plan.rules.map(\.handingOver) == [1, 3])
        #expect(plan.rules.map(\.fundAvailable) == [1, 3])
        #expect(
            plan.nextInLine == [LeftOut(personID: uuid(5), rank: 5, priority: candidates[4].priority, reason: .fundExhausted)])
        #expect(plan.totalPriority == 185)
    }

    @Test("a general rule first does not hand over the people a later specific rule needs")
    func laterRulesKeepTheirPeople() {
        let formula = ExchangeFormula(rules: [
            ExchangeRule(ours: .anyone, theirs: .anyone), ExchangeRule(ours: .woundedOrSick, theirs: .woundedOrSick),
        ])
        let candidates = [candidate(1, 70), candidate(2, 60), candidate(3, 50, [.woundedOrSick])]
        // The wounded man has been held longest, and would otherwise go first.
        let fund = [member(11, wounded: true, heldSince: 18_000), member(12), member(13), member(14)]
        let plan = ExchangePlanner.plan(candidates: candidates, fund: fund, formula: formula)
        #expect(plan.handingOver.map(\.personID) == [uuid(12), uuid(13), uuid(14)])
        #expect(plan.rules.map(\.fundAvailable) == [4, 1])

        // Unless the counterparty asked for him.
        var requested = fund
        requested[0].requested = true
        let asked = ExchangePlanner.plan(candidates: candidates, fund: requested, formula: formula)
        #expect(asked.handingOver.first == PlannedHandover(personID: uuid(11), rule: 0, reason: .requestedByCounterparty))
    }

    @Test("the fund goes in order: requested, wounded or sick, longest held, unknown last")
    func handoverOrder() {
        let fund = [
            member(1, heldSince: 200), member(2), member(3, heldSince: 100), member(4, wounded: true, heldSince: 300),
            member(5, requested: true, heldSince: 400), member(6, heldSince: 100), member(7, requested: true, wounded: true),
        ]
        let plan = ExchangePlanner.plan(
            candidates: (1...6).map { candidate(100 + $0, Double($0)) }, fund: fund, formula: .oneForOne())
        #expect(plan.handingOver.map(\.personID) == [uuid(7), uuid(5), uuid(4), uuid(3), uuid(6), uuid(1)])
        #expect(
            plan.handingOver.map(\.reason) == [
                .requestedByCounterparty, .requestedByCounterparty, .woundedOrSick, .longestHeld, .longestHeld, .longestHeld,
            ])
        #expect(plan.unusedFund == 1)
    }

    @Test("the plan does not depend on the order of its inputs", arguments: [1, 2, 3] as [UInt64])
    func determinism(seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        let classes: [ExchangeClass] = [.servicemembers, .civilians, .woundedOrSick, .women]
        func someClasses() -> Set<ExchangeClass> { Set(classes.filter { _ in Int.random(in: 0..<3, using: &generator) == 0 }) }
        let candidates = (0..<400).map { _ in
            PlanCandidate(
                personID: randomUUID(&generator), classes: someClasses().union([.anyone]),
                priority: Priority(score: Double(Int.random(in: 0...20, using: &generator)), contributions: []))
        }
        let fund = (0..<250).map { _ in
            FundMember(
                personID: randomUUID(&generator), classes: someClasses().union([.anyone]),
                requested: Int.random(in: 0..<10, using: &generator) == 0,
                woundedOrSick: Int.random(in: 0..<10, using: &generator) == 0,
                heldSinceDay: Bool.random(using: &generator) ? Int.random(in: 19_000...19_010, using: &generator) : nil)
        }
        let formula = ExchangeFormula(
            rules: [
                ExchangeRule(ours: .woundedOrSick, theirs: .woundedOrSick),
                ExchangeRule(ours: .women, theirs: .civilians, oursCount: 2, theirsCount: 3),
                ExchangeRule(ours: .civilians, theirs: .anyone, oursCount: 3, theirsCount: 1),
                ExchangeRule(ours: .servicemembers, theirs: .servicemembers),
            ],
            limit: 180)
        let plan = ExchangePlanner.plan(candidates: candidates, fund: fund, formula: formula)
        for _ in 0..<5 {
            let shuffled = ExchangePlanner.plan(
                candidates: candidates.shuffled(using: &generator), fund: fund.shuffled(using: &generator), formula: formula)
            #expect(shuffled == plan)
        }

        // And the plan keeps its own rules.
        let candidateByID = Dictionary(uniqueKeysWithValues: candidates.map { ($0.personID, $0) })
        let memberByID = Dictionary(uniqueKeysWithValues: fund.map { ($0.personID, $0) })
        #expect(plan.returning.count <= 180)
        #expect(plan.returning.map(\.rank) == plan.returning.map(\.rank).sorted())
        #expect(Set(plan.returning.map(\.personID)).count == plan.returning.count)
        #expect(Set(plan.handingOver.map(\.personID)).count == plan.handingOver.count)
        #expect(plan.returning.allSatisfy { candidateByID[$0.personID]!.classes.contains(formula.rules[$0.rule].ours) })
        #expect(plan.handingOver.allSatisfy { memberByID[$0.personID]!.classes.contains(formula.rules[$0.rule].theirs) })
        for (index, usage) in plan.rules.enumerated() {
            let rule = formula.rules[index]
            #expect(usage.returning == plan.returning.count(where: { $0.rule == index }))
            #expect(usage.handingOver == plan.handingOver.count(where: { $0.rule == index }))
            #expect(usage.handingOver == (usage.returning * rule.theirsCount + rule.oursCount - 1) / rule.oursCount)
            #expect(usage.handingOver <= usage.fundAvailable)
        }
        #expect(plan.returning.count + plan.leftOut == candidates.count)
        #expect(plan.handingOver.count + plan.unusedFund == fund.count)
        #expect(plan.returning.count > 0 && plan.leftOut > 0)
    }

    @Test("who is next in line, and why")
    func nextInLine() {
        let formula = ExchangeFormula(rules: [ExchangeRule(ours: .civilians, theirs: .anyone)])
        let candidates = [
            candidate(1, 90),  // a servicemember: no rule counts him
            candidate(2, 80, [.civilians]), candidate(3, 70, [.civilians]), candidate(4, 60, [.civilians]),
        ]
        let plan = ExchangePlanner.plan(candidates: candidates, fund: [member(11), member(12)], formula: formula)
        #expect(plan.returning.map(\.personID) == [uuid(2), uuid(3)])
        #expect(plan.nextInLine.map(\.personID) == [uuid(1), uuid(4)])
        #expect(plan.nextInLine.map(\.rank) == [1, 4])
        #expect(plan.nextInLine.map(\.reason) == [.noRuleForClass, .fundExhausted])

        var limited = formula
        limited.limit = 1
        let short = ExchangePlanner.plan(candidates: candidates, fund: [member(11), member(12)], formula: limited)
        #expect(short.nextInLine.map(\.reason) == [.noRuleForClass, .limitReached, .limitReached])
    }

    @Test("next in line names at most 50")
    func nextInLineLimit() {
        let plan = ExchangePlanner.plan(
            candidates: (1...80).map { candidate($0, Double($0)) }, fund: [member(1000)], formula: .oneForOne())
        #expect(plan.returning.map(\.personID) == [uuid(80)])
        #expect(plan.leftOut == 79)
        #expect(plan.nextInLine.count == 50)
        #expect(plan.nextInLine.map(\.rank) == Array(2...51))
    }

    @Test("empty inputs and an empty formula give an empty plan")
    func empty() {
        let nothing = ExchangePlanner.plan(candidates: [], fund: [], formula: .oneForOne())
        #expect(nothing.returning.isEmpty && nothing.handingOver.isEmpty && nothing.nextInLine.isEmpty)
        #expect(nothing.leftOut == 0 && nothing.unusedFund == 0 && nothing.totalPriority == 0)
        #expect(nothing.rules.map(\.returning) == [0])

        let noFund = ExchangePlanner.plan(candidates: [candidate(1, 1)], fund: [], formula: .oneForOne())
        #expect(noFund.returning.isEmpty && noFund.handingOver.isEmpty)
        #expect(noFund.nextInLine.map(\.reason) == [.fundExhausted])

        let noCandidates = ExchangePlanner.plan(candidates: [], fund: [member(1)], formula: .oneForOne())
        #expect(noCandidates.handingOver.isEmpty && noCandidates.unusedFund == 1)

        let noRules = ExchangePlanner.plan(
            candidates: [candidate(1, 1)], fund: [member(2)], formula: ExchangeFormula(rules: []))
        #expect(noRules.returning.isEmpty && noRules.handingOver.isEmpty && noRules.rules.isEmpty)
        #expect(noRules.unusedFund == 1 && noRules.leftOut == 1)
        #expect(noRules.nextInLine.map(\.reason) == [.noRuleForClass])
    }

    @Test("a formula that would not validate plans nothing rather than failing")
    func invalidFormula() {
        let zero = ExchangeFormula(rules: [ExchangeRule(ours: .anyone, theirs: .anyone, oursCount: 0, theirsCount: 1)])
        let plan = ExchangePlanner.plan(candidates: [candidate(1, 1)], fund: [member(2)], formula: zero)
        #expect(plan.returning.isEmpty && plan.handingOver.isEmpty)
        let noLimit = ExchangePlanner.plan(candidates: [candidate(1, 1)], fund: [member(2)], formula: .oneForOne(limit: -3))
        #expect(noLimit.returning.isEmpty && noLimit.nextInLine.map(\.reason) == [.limitReached])
    }

    @Test("a person listed twice counts once")
    func duplicates() {
        let plan = ExchangePlanner.plan(
            candidates: [candidate(1, 5), candidate(1, 9, [.civilians]), candidate(2, 7)],
            fund: [member(11), member(11, requested: true), member(12)],
            formula: ExchangeFormula(rules: [ExchangeRule(ours: .civilians, theirs: .anyone)]))
        #expect(plan.returning.map(\.personID) == [uuid(1)])
        #expect(plan.returning.first?.priority.score == 9)
        #expect(plan.handingOver == [PlannedHandover(personID: uuid(11), rule: 0, reason: .requestedByCounterparty)])
        #expect(plan.leftOut == 1 && plan.unusedFund == 1)
    }

    @Test("assessed priorities plan end to end")
    func endToEnd() {
        let people = [
            (uuid(1), facts(born: "1990", captured: "2022-03-01")),
            (uuid(2), facts(category: .civilian, sex: .female, born: "1950-01-01", captured: "2023-05")),
            (uuid(3), facts(captured: "2022-02-25", medical: finding(.seriouslyWounded, .directRepatriation))),
        ]
        let candidates = people.map { id, facts in
            var facts = facts
            facts.personID = id
            return PlanCandidate(personID: id, classes: facts.classes, priority: assess(facts))
        }
        let formula = ExchangeFormula(rules: [
            ExchangeRule(ours: .woundedOrSick, theirs: .woundedOrSick), ExchangeRule(ours: .anyone, theirs: .anyone),
        ])
        let plan = ExchangePlanner.plan(
            candidates: candidates, fund: [member(11, wounded: true), member(12)], formula: formula)
        #expect(plan.returning.map(\.personID) == [uuid(3), uuid(2)])
        #expect(plan.returning.map(\.rule) == [0, 1])
        #expect(plan.nextInLine.map(\.personID) == [uuid(1)])
    }

    @Test("weights stored before a weight existed read with that weight's default")
    func weightsDecodeWithDefaults() throws {
        let stored = Data(#"{"civilian": 40, "perYearInCaptivity": 8}"#.utf8)
        let weights = try JSONDecoder().decode(PriorityWeights.self, from: stored)
        #expect(weights.civilian == 40 && weights.perYearInCaptivity == 8)
        #expect(weights.minor == PriorityWeights.standard.minor && weights.elderlyFromAge == 60)
        let roundTrip = try JSONDecoder().decode(PriorityWeights.self, from: try JSONEncoder().encode(weights))
        #expect(roundTrip == weights)
    }
}

private func randomUUID(_ generator: inout SplitMix64) -> UUID {
    let high = generator.next()
    let low = generator.next()
    var bytes = [UInt8](repeating: 0, count: 16)
    for index in 0..<8 {
        bytes[index] = UInt8(truncatingIfNeeded: high >> (56 - 8 * index))
        bytes[8 + index] = UInt8(truncatingIfNeeded: low >> (56 - 8 * index))
    }
    return UUID(
        uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
            bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
        ))

}
