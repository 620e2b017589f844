import ArgumentParser

/// The `strata` executable: the server by default, or one of the tools.
@main
struct StrataMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "A DynamoDB-compatible server on SQLite.",
        discussion: """
            Without a subcommand, strata runs the server, so `strata --port 0` \
            is `strata serve --port 0`. `strata serve --help` lists the \
            server's flags.
            """,
        subcommands: [ServeCommand.self, CheckCommand.self],
        defaultSubcommand: ServeCommand.self)
}
