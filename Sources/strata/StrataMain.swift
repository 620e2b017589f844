#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataModel

/// The `strata` executable: the server by default (`serve`), or `check`.
/// The command line is parsed here, by hand: a parsing library would bring
/// Foundation and start-up reflection, 2.3 MB of resident memory for eleven
/// flags (Benchmarks/README, Memory).
@main
enum StrataMain {
    static let overview = """
        OVERVIEW: A DynamoDB-compatible server on SQLite, or on a shared PostgreSQL-compatible database.

        Without a subcommand, strata runs the server, so `strata --port 0` is
        `strata serve --port 0`. `strata serve --help` lists the server's flags.

        USAGE: strata <subcommand>

        SUBCOMMANDS:
          serve (default)         Run the server (the default when no subcommand is given).
          check                   Check the files of a data directory: every table, partition and item.
          migrate                 Create Strata's schema in a PostgreSQL-compatible database, or check it.
          export                  Export a table of a data directory in DynamoDB's DYNAMODB_JSON export format.
          import                  Import DynamoDB JSON or CSV files into a table of a data directory.
        """

    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let subcommand = arguments.first.flatMap { ["serve", "check", "migrate", "export", "import"].contains($0) ? $0 : nil }
        if subcommand != nil { arguments.removeFirst() }
        if subcommand == nil, arguments.contains(where: { $0 == "--help" || $0 == "-h" }) {
            print(overview)
            return
        }
        do {
            switch subcommand {
            case "check":
                try CheckCommand.run(arguments)
            case "migrate":
                try await MigrateCommand.run(arguments)
            case "export":
                try await ExportCommand.run(arguments)
            case "import":
                try await ImportCommand.run(arguments)
            default:
                try await ServeCommand.run(arguments)
            }
        } catch let error as UsageError {
            fail("Error: \(error)\nSee 'strata \(subcommand ?? "serve") --help'.", code: 64)
        } catch let exit as ExitStatus {
            fail(nil, code: exit.code)
        } catch let error as DynamoError {
            // Its message, not the enum case around it.
            fail("Error: \(error.message ?? error.typeName)", code: 1)
        } catch {
            fail("Error: \(error)", code: 1)
        }
    }

    private static func fail(_ message: String?, code: Int32) -> Never {
        if let message {
            // Standard error, by its descriptor: the C `stderr` global is shared mutable state to Swift.
            let text = Array((message + "\n").utf8)
            _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        }
        exit(code)
    }
}

/// Ends the process with this status, after what was printed.
struct ExitStatus: Error {
    let code: Int32
}
