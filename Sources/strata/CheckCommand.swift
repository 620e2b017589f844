import StrataStorage

/// `strata check`: the integrity check of a data directory, without a server.
enum CheckCommand {
    static let help = """
        OVERVIEW: Check the files of a data directory: every table, partition and item.

        Reads the directory without changing it (no server starts, nothing is
        written), prints what it checked and every problem found, and exits 1 if
        there is any.

        USAGE: strata check --data-dir <data-dir>

        OPTIONS:
        """

    private static let options: [CommandLineOption<String?>] = [
        .value("data-dir", "Directory of the SQLite files to check.") { $0 = $1 },
    ]

    static func run(_ arguments: [String]) throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help + "\n" + CommandLineOption.helpLines(options))
            return
        }
        var dataDirectory: String?
        try CommandLineOption.parse(arguments, into: &dataDirectory, options: options)
        guard let dataDirectory else { throw UsageError("missing expected argument '--data-dir <data-dir>'") }
        let report = try SQLiteStorageEngine.checkIntegrity(ofDataDirectory: dataDirectory)
        for finding in report.findings {
            print(finding)
        }
        print("Checked \(dataDirectory): \(report.summary)")
        if !report.isHealthy { throw ExitStatus(code: 1) }
    }
}
