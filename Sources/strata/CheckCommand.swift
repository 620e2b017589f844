import ArgumentParser
import StrataStorage

/// `strata check`: the integrity check of a data directory, without a server.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the files of a data directory: every table, partition and item.",
        discussion: """
            Reads the directory without changing it (no server starts, \
            nothing is written), prints what it checked and every problem \
            found, and exits 1 if there is any.
            """)

    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files to check.")
    var dataDirectory: String

    func run() throws {
        let report = try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: dataDirectory)
        for finding in report.findings {
            print(finding)
        }
        print("Checked \(dataDirectory): \(report.summary)")
        if !report.isHealthy { throw ExitCode.failure }
    }
}
