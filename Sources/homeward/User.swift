import ArgumentParser
import Foundation
import HomewardCore
import HomewardStore

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The accounts of the bureau's staff.",
        subcommands: [Create.self, ResetPassword.self, Disable.self, EnableTOTP.self, List.self]
    )

    /// Where a new password comes from: standard input when asked, else a strong one is made and shown once.
    struct PasswordSource: ParsableArguments {
        @Flag(help: "Read the password from standard input instead of generating one.")
        var passwordStdin = false

        func password() throws -> (password: String, generated: Bool) {
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw CommandFailure("no password on standard input")
                }
                return (line, false)
            }
            let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
            var generator = SystemRandomNumberGenerator()
            let groups = (0..<4).map { _ in String((0..<5).map { _ in alphabet.randomElement(using: &generator)! }) }
            return (groups.joined(separator: "-"), true)
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Creates an account.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "The name to sign in with: lowercase letters, digits, '.', '-', '_'.") var username: String
        @Option(help: "What the user may do: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: Role
        @Option(help: "The name shown on pages and in the audit log.") var name: String?
        @Option(help: "The language of the pages: uk or en.") var language = "uk"
        @OptionGroup var passwordSource: PasswordSource

        func run() async throws {
            let (password, generated) = try passwordSource.password()
            let account = try await withDatabase(storage) {
                try await $0.createUser(
                    username: username, displayName: name ?? username, role: role, password: password, language: language,
                    actor: "cli")
            }
            say("Created \(account.username) as \(account.role.rawValue).")
            if generated { say("Password (shown once): \(password)") }
        }
    }

    struct ResetPassword: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sets a new password and signs the user out everywhere.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "Whose password.") var username: String
        @OptionGroup var passwordSource: PasswordSource

        func run() async throws {
            let (password, generated) = try passwordSource.password()
            try await withDatabase(storage) { try await $0.resetPassword(username: username, password: password, actor: "cli") }
            say("The password of \(username) was reset; their sessions have ended.")
            if generated { say("Password (shown once): \(password)") }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disables an account and ends its sessions; its history stays.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "Whose account.") var username: String

        func run() async throws {
            try await withDatabase(storage) { try await $0.disableUser(username: username, actor: "cli") }
            say("\(username) can no longer sign in.")
        }
    }

    struct EnableTOTP: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enable-totp", abstract: "Turns on a second factor and prints the address an authenticator app reads.")

        @OptionGroup var storage: StorageOptions
        @Option(help: "Whose account.") var username: String

        func run() async throws {
            let address = try await withDatabase(storage) { try await $0.enableSecondFactor(username: username, actor: "cli") }
            say("Two-step sign-in is on for \(username). Add this to their authenticator app (shown once):")
            say(address)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lists the accounts.")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let users = try await withDatabase(storage) { try await $0.users() }
            for user in users {
                say(
                    "\(user.username)\t\(user.role.rawValue)\t\(user.displayName)\(user.usesSecondFactor ? "\t2FA" : "")\(user.isDisabled ? "\tdisabled" : "")"
                )
            }
        }
    }
}
