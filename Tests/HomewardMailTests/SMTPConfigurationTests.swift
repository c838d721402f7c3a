import Testing

@testable import HomewardMail

@Suite("Reading the SMTP URL")
struct SMTPConfigurationTests {
    @Test("smtp:// means STARTTLS on 587 by default, with user, password and from")
    func submission() throws {
        let configuration = try SMTPConfiguration(url: "smtp://bureau:secret@mail.example.org:587?from=bureau@example.org")
        #expect(configuration.security == .startTLS)
        #expect(configuration.host == "mail.example.org")
        #expect(configuration.port == 587)
        #expect(configuration.username == "bureau")
        #expect(configuration.password == "secret")
        #expect(configuration.from == (try MailAddress("bureau@example.org")))
        #expect(configuration.heloName == "example.org")
        #expect(configuration.timeout == .seconds(30))
        #expect(try SMTPConfiguration(url: "smtp://mail.example.org?from=a@b").port == 587)
    }

    @Test("smtps:// means TLS from the start, on 465 by default")
    func implicitTLS() throws {
        let configuration = try SMTPConfiguration(
            url: "SMTPS://bureau@mail.example.org/?from=bureau%40example.org&helo=app.example.org")
        #expect(configuration.security == .tls)
        #expect(configuration.port == 465)
        #expect(configuration.username == "bureau")
        #expect(configuration.password == nil)
        #expect(configuration.from.address == "bureau@example.org")
        #expect(configuration.heloName == "app.example.org")
    }

    @Test("smtp+plain:// is a relay without TLS, and IPv6 hosts and timeouts are read")
    func plainRelay() throws {
        let configuration = try SMTPConfiguration(url: "smtp+plain://127.0.0.1:2525?from=bureau@example.org&timeout=2.5")
        #expect(configuration.security == .none)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 2525)
        #expect(configuration.username == nil)
        #expect(configuration.timeout == .milliseconds(2500))
        let ipv6 = try SMTPConfiguration(url: "smtp+plain://[::1]:25?from=a@b")
        #expect(ipv6.host == "::1" && ipv6.port == 25)
        #expect(try SMTPConfiguration(url: "smtp+plain://relay?from=a@b").port == 25)
    }

    @Test("user and password are percent-decoded, and an unencoded @ in the password still parses")
    func percentEncoding() throws {
        let configuration = try SMTPConfiguration(
            url: "smtp://bureau%40example.org:p%40ss%3Aw%2Frd%25%20%D1%97@mail.example.org?from=bureau@example.org"
        )
        #expect(configuration.username == "bureau@example.org")
        #expect(configuration.password == "p@ss:w/rd% ї")
        #expect(try SMTPConfiguration(url: "smtp://u:p@ss@host?from=a@b").password == "p@ss")
    }

    @Test(
        "mistakes are reported in words that say what to fix",
        arguments: [
            ("smtp://bureau:secret@mail.example.org:587", "needs a from= address"),
            ("http://mail.example.org?from=a@b", "scheme must be smtp"),
            ("mail.example.org:587", "must start with smtp://"),
            ("smtp://mail.example.org?from=not-an-address", "from= address in the SMTP URL is invalid"),
            ("smtp://mail.example.org?form=a@b", "unknown parameter \"form\""),
            ("smtp://mail.example.org:99999?from=a@b", "port in the SMTP URL"),
            ("smtp://mail.example.org:abc?from=a@b", "port in the SMTP URL"),
            ("smtp://?from=a@b", "needs a host"),
            ("smtp://mail.example.org/inbox?from=a@b", "must not have a path"),
            ("smtp://:secret@mail.example.org?from=a@b", "password but no user"),
            ("smtp://u:bad%zzsecret@mail.example.org?from=a@b", "password in the SMTP URL has a malformed"),
            ("smtp://mail.example.org?from=a@b&timeout=-1", "timeout="),
        ]
    )
    func mistakes(url: String, expected: String) {
        let error = #expect(throws: SMTPConfigurationError.self) { try SMTPConfiguration(url: url) }
        let description = error.map(String.init(describing:)) ?? ""
        #expect(description.contains(expected), "\(description)")
        #expect(!description.contains("secret"))
    }

    @Test("the description is safe to log: the password is masked")
    func description() throws {
        let configuration = try SMTPConfiguration(url: "smtp://bureau:hunter2@mail.example.org?from=bureau@example.org")
        #expect(configuration.description == "smtp://bureau:***@mail.example.org:587?from=bureau@example.org")
        #expect(!String(describing: configuration).contains("hunter2"))
    }
}
