import Logging
import StrataPostgres
import StrataStorage

/// `strata migrate`: creates Strata's schema in a database, or checks the
/// version of the one it holds, without serving.
enum MigrateCommand {
    static let help = """
        OVERVIEW: Create Strata's schema in a PostgreSQL-compatible database, or check the one it holds.

        Fronts also create the schema at start-up when it is missing; run this
        first where the fronts' database user may not create tables.

        USAGE: strata migrate --storage postgres://USER@HOST:PORT/DB

        OPTIONS:
        """

    private static let options: [CommandLineOption<Configuration>] = Configuration.options.filter {
        ["storage", "db-timeout"].contains($0.name)
    }

    static func run(_ arguments: [String]) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help + "\n" + CommandLineOption.helpLines(options))
            return
        }
        var configuration = Configuration()
        try CommandLineOption.parse(arguments, into: &configuration, options: options)
        guard let postgres = try configuration.resolvedPostgres() else {
            throw UsageError("migrate needs a database: --storage postgres://...")
        }
        var storage = StorageOptions(dataDirectory: nil)
        storage.logger = Logger(label: "strata")
        let dialect = try await PostgresStorageEngine.migrate(options: storage, postgres: postgres)
        print("Schema version \(PostgresStorageEngine.schemaVersion) is in place on \(postgres.location.redacted) (\(dialect))")
    }
}
