import ArgumentParser
import Logging
import ServiceLifecycle
import StrataAdmission
import StrataAPI
import StrataServer
import StrataStorage

@main
struct StrataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strata",
        abstract: "A DynamoDB-compatible server on SQLite.")

    @OptionGroup var options: Configuration

    func run() async throws {
        let level = try options.resolvedLogLevel()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "strata")
        let partitions = try options.resolvedPartitions()
        let storage = try SQLiteStorageEngine(options: StorageOptions(
            dataDirectory: options.resolvedDataDirectory,
            durability: try options.resolvedDurability(),
            partitionsPerTable: partitions))
        let admission = AdmissionController(configuration: try options.resolvedAdmission())
        let api = DynamoAPI(
            storage: storage, configuration: APIConfiguration(region: options.resolvedRegion),
            admission: admission)
        let server = HTTPServer(api: api, host: options.resolvedHost, port: try options.resolvedPort(), logger: logger)
        _ = try await server.start()

        let group = ServiceGroup(
            services: [ServerService(server: server)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
        storage.close()
        logger.info("Strata stopped")
    }
}

/// Runs the HTTP server until a graceful shutdown, then lets the requests
/// in flight finish.
struct ServerService: Service {
    let server: HTTPServer

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await server.waitUntilClosed()
        } onGracefulShutdown: {
            server.beginShutdown()
        }
        try await server.finishShutdown()
    }
}
