import Logging
import ServiceLifecycle
import StrataAdmission
import StrataAPI
import StrataPostgres
import StrataServer
import StrataStorage

/// Runs the server: `strata`'s default subcommand.
struct ServeCommand {
    static let help = """
        OVERVIEW: Run the server (the default when no subcommand is given).

        USAGE: strata serve [<options>]

        OPTIONS:
        """

    let options: Configuration

    static func run(_ arguments: [String]) async throws {
        if arguments.contains("--help") || arguments.contains("-h") {
            print(help + "\n" + CommandLineOption.helpLines(Configuration.options))
            return
        }
        var options = Configuration()
        try CommandLineOption.parse(arguments, into: &options, options: Configuration.options)
        try await ServeCommand(options: options).run()
    }

    func run() async throws {
        let level = try options.resolvedLogLevel()
        let json = try options.resolvedLogFormat() == "json"
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "strata")
        let admissionConfiguration = try options.resolvedAdmission()
        var storageOptions = StorageOptions(
            dataDirectory: options.resolvedDataDirectory,
            durability: try options.resolvedDurability(),
            partitionsPerTable: try options.resolvedPartitions())
        storageOptions.logger = logger
        storageOptions.indexLag = try options.resolvedIndexLag()
        storageOptions.itemCollectionLimit = try options.resolvedItemCollectionLimit()
        storageOptions.timeToLiveInterval = try options.resolvedTimeToLiveInterval()
        storageOptions.streamTrimInterval = try options.resolvedStreamTrimInterval()
        let requestedStorageFiles = try options.resolvedMaxOpenFiles()
        let openFiles = OpenFilesLimit.raise()
        let descriptors = DescriptorBudget(limit: openFiles.after, cores: StorageOptions.coreCount, storage: requestedStorageFiles)
        storageOptions.maximumOpenFiles = descriptors.storage
        logger.info("File descriptors", metadata: [
            "limit": "\(openFiles.after)", "raised_from": "\(openFiles.before)", "reserve": "\(descriptors.reserve)",
            "storage": "\(descriptors.storage)", "connections": "\(descriptors.connections)",
        ])
        var serverOptions = try options.resolvedServerOptions(
            maximumInFlight: admissionConfiguration.enabled ? admissionConfiguration.maximumInFlight : nil,
            connections: max(1, descriptors.connections))
        serverOptions.authenticator = try options.resolvedAuthenticator(region: options.resolvedRegion)
        if descriptors.reserve + descriptors.storage > descriptors.limit {
            logger.warning("--max-open-files leaves the rest of the server fewer descriptors than it needs: expect failures to open files or accept connections")
        }
        let storage: any StorageEngine
        var sharedCapacity: (any SharedCapacity)?
        if let postgres = try options.resolvedPostgres() {
            let engine = try await PostgresStorageEngine.open(options: storageOptions, postgres: postgres)
            await engine.openConnections()
            storage = engine
            // Fronts over one database share each provisioned table's throughput.
            sharedCapacity = engine
        } else {
            storage = try SQLiteStorageEngine(options: storageOptions)
        }
        let admission = AdmissionController(configuration: admissionConfiguration, shared: sharedCapacity)
        let metrics = MetricsExporter(storage: storage, admission: admission)
        metrics.bootstrap()
        serverOptions.metrics = { metrics.export(inFlight: $0) }
        serverOptions.console = try options.resolvedConsole()
        let api = DynamoAPI(storage: storage, configuration: APIConfiguration(
                region: options.resolvedRegion, accountID: try options.resolvedAccountID(),
                timeToLiveCooldown: try options.resolvedTimeToLiveCooldown(), accessLog: try options.resolvedAccessLog(),
                exportDirectory: options.resolvedExportDirectory), admission: admission)
        let server = HTTPServer(api: api, host: options.resolvedHost, port: try options.resolvedPort(), logger: logger, options: serverOptions)
        _ = try await server.start()

        // A graceful shutdown stops services in reverse order: the server
        // answers its requests in flight first, then storage closes SQLite.
        let group = ServiceGroup(
            services: [StorageService(engine: storage), ServerService(server: server)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        try await group.run()
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
