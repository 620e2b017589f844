import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import StrataAdmission
import StrataStorage

/// Every flag of the server. Each one can also come from an environment
/// variable (named in its help); a flag on the command line wins.
struct Configuration: ParsableArguments {
    @Option(help: "Address to listen on; 0.0.0.0 in containers. [env: STRATA_HOST] (default: 127.0.0.1)")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one. [env: STRATA_PORT] (default: 8000)")
    var port: Int?

    @Option(name: .customLong("data-dir"), help: "Directory of the SQLite files. [env: STRATA_DATA_DIR] (default: ./strata-data)")
    var dataDirectory: String?

    @Flag(name: .customLong("in-memory"), help: "Keep all data in memory; nothing is written to disk. [env: STRATA_IN_MEMORY=1]")
    var inMemory = false

    @Option(help: "Storage partitions per new table. [env: STRATA_PARTITIONS] (default: 8)")
    var partitions: Int?

    @Option(help: "process: survive kill -9; full: also survive power loss (fsync per group commit). [env: STRATA_DURABILITY] (default: process)")
    var durability: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. [env: STRATA_LOG_LEVEL] (default: info)")
    var logLevel: String?

    @Option(help: "Region named in table ARNs. [env: STRATA_REGION] (default: us-east-1)")
    var region: String?

    @Option(help: "on: enforce provisioned throughput, the on-demand table maximums and per-key limits as DynamoDB does; off: admit everything. [env: STRATA_THROTTLING] (default: on)")
    var throttling: String?

    @Option(name: .customLong("max-in-flight"), help: "Requests answered at once before the rest get ThrottlingException. [env: STRATA_MAX_IN_FLIGHT] (default: 4096)")
    var maxInFlight: Int?

    @Option(name: .customLong("table-max-units"), help: "Read and write units per second an on-demand table may use. [env: STRATA_TABLE_MAX_UNITS] (default: 40000)")
    var tableMaxUnits: Int?

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    var resolvedHost: String { host ?? Self.environment("STRATA_HOST") ?? "127.0.0.1" }
    var resolvedRegion: String { region ?? Self.environment("STRATA_REGION") ?? "us-east-1" }

    func resolvedPort() throws -> Int {
        try resolveInteger(port, environment: "STRATA_PORT", default: 8000, valid: 0...65535)
    }

    func resolvedPartitions() throws -> Int {
        try resolveInteger(partitions, environment: "STRATA_PARTITIONS", default: 8, valid: 1...1024)
    }

    /// nil means in memory.
    var resolvedDataDirectory: String? {
        let memory = inMemory || ["1", "true", "yes"].contains(Self.environment("STRATA_IN_MEMORY")?.lowercased() ?? "")
        return memory ? nil : dataDirectory ?? Self.environment("STRATA_DATA_DIR") ?? "./strata-data"
    }

    func resolvedDurability() throws -> StorageOptions.Durability {
        let text = durability ?? Self.environment("STRATA_DURABILITY") ?? "process"
        guard let value = StorageOptions.Durability(rawValue: text) else {
            throw ValidationError("durability must be one of: \(StorageOptions.Durability.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    func resolvedLogLevel() throws -> Logger.Level {
        let text = logLevel ?? Self.environment("STRATA_LOG_LEVEL") ?? "info"
        guard let level = Logger.Level(rawValue: text) else {
            throw ValidationError("log level must be one of: \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    func resolvedAdmission() throws -> AdmissionConfiguration {
        let text = (throttling ?? Self.environment("STRATA_THROTTLING") ?? "on").lowercased()
        guard ["on", "off"].contains(text) else { throw ValidationError("throttling must be on or off, not \(text)") }
        let tableMax = Double(try resolveInteger(tableMaxUnits, environment: "STRATA_TABLE_MAX_UNITS", default: 40_000, valid: 1...10_000_000))
        return AdmissionConfiguration(
            enabled: text == "on", onDemandReadUnits: tableMax, onDemandWriteUnits: tableMax,
            maximumInFlight: try resolveInteger(maxInFlight, environment: "STRATA_MAX_IN_FLIGHT", default: 4096, valid: 1...1_000_000))
    }

    private func resolveInteger(_ flag: Int?, environment name: String, default value: Int, valid: ClosedRange<Int>) throws -> Int {
        var resolved = value
        if let flag {
            resolved = flag
        } else if let text = Self.environment(name) {
            guard let parsed = Int(text) else { throw ValidationError("\(name) must be a number, not \(text)") }
            resolved = parsed
        }
        guard valid.contains(resolved) else { throw ValidationError("\(name.lowercased()) must be in \(valid)") }
        return resolved
    }
}
