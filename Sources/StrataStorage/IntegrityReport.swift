/// What an integrity check looked at, and every problem it found.
public struct IntegrityReport: Sendable {
    /// One problem, in one database file.
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// The file's path (or the in-memory database's name).
        public var file: String
        public var problem: String

        public init(file: String, problem: String) {
            self.file = file
            self.problem = problem
        }

        public var description: String { "\(file): \(problem)" }
    }

    public var tables = 0
    public var partitions = 0
    public var items = 0
    /// Database files opened, of every kind.
    public var files = 0
    public var findings: [Finding] = []

    public init() {}

    public var isHealthy: Bool { findings.isEmpty }

    /// One line of counts, for people.
    public var summary: String {
        "\(tables) tables, \(partitions) partitions, \(items) items in \(files) files: "
            + (findings.isEmpty ? "no problems" : "\(findings.count) problem\(findings.count == 1 ? "" : "s")")
    }
}
