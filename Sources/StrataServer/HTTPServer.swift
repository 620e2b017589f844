import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import StrataAPI
import StrataModel
import Synchronization

/// The SwiftNIO HTTP/1.1 front of Strata.
public final class HTTPServer: Sendable {
    private let api: DynamoAPI
    private let host: String
    private let port: Int
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    /// Each loop's task executor, when request tasks run on the loops.
    private let loopExecutors: [ObjectIdentifier: EventLoopTaskExecutor]
    private let options: ServerOptions
    private let inFlight: InFlightRequests
    private let resources: ServerResources
    private let hosts: HostPolicy
    private let serverChannel = Mutex<(any Channel)?>(nil)
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    /// Whether running out of descriptors on accept has been logged.
    private let descriptorShortageLogged = Atomic<Bool>(false)

    /// `threads`: the event loops. By default two per core when request
    /// tasks run on them, so that a request that reads from the disk, or
    /// runs long, holds up one loop of two; else (the engine runs requests
    /// on threads of its own) one per two cores: the loops then only read
    /// requests and write answers, and fewer of them take more sockets per
    /// wake-up (PutItem on PostgreSQL +9-26% on 2 cores, Benchmarks/README).
    public init(api: DynamoAPI, host: String, port: Int, logger: Logger, options: ServerOptions, threads: Int? = nil) {
        self.inFlight = InFlightRequests(maximum: options.maximumInFlight)
        self.resources = ServerResources(inFlight: inFlight, bodyMemory: CappedBudget(capacity: options.maximumBodyMemory))
        self.hosts = HostPolicy(listeningHost: host, allowedHosts: options.allowedHosts)
        self.options = options
        self.api = api
        self.host = host
        self.port = port
        self.logger = logger
        let requestsOnLoops = api.runsRequestsOnAdoptedThreads
        group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? (requestsOnLoops ? 2 * System.coreCount : max(1, System.coreCount / 2)))
        var loopExecutors: [ObjectIdentifier: EventLoopTaskExecutor] = [:]
        if requestsOnLoops {
            for loop in group.makeIterator() {
                loopExecutors[ObjectIdentifier(loop)] = EventLoopTaskExecutor(loop)
                // At once, from this thread: no request reaches a loop before `start`.
                try? loop.submit { api.adoptCallingThread() }.wait()
            }
        }
        self.loopExecutors = loopExecutors
    }

    /// Binds the listening socket; returns the port (useful with port 0).
    public func start() async throws -> Int {
        let api = self.api, resources = self.resources, hosts = self.hosts, logger = self.logger
        let authenticator = options.authenticator, metrics = options.metrics, metricsToken = options.metricsToken, console = options.console
        let timeouts = ConnectionDeadlines.Timeouts(
            header: options.headerTimeout, minimumBodyRate: options.minimumBodyRate, bodyRateWindow: options.bodyRateWindow,
            idle: options.idleTimeout, write: options.writeTimeout)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { [self] channel in
                // Out of descriptors, accepting would fail again at once:
                // it pauses for a second instead of spinning.
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler(backoffProvider: { [self] error in
                        let backoff = AcceptBackoffHandler.defaultBackoffProvider(error: error)
                        if backoff != nil, !descriptorShortageLogged.exchange(true, ordering: .relaxed) {
                            logger.warning("Accepting connections failed; pausing accepts for a second", metadata: ["error": "\(error)"])
                        }
                        return backoff
                    }))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // A client that half-closes after its request still gets the answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { [self] channel in
                guard track(channel) else {
                    // Beyond --max-connections: closed at once, never read.
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    // `RequestDecoder` reads requests; answers are encoded
                    // whole by `EncodedResponse`, and `RequestHandler`
                    // keeps pipelined requests in order itself.
                    let watchdog = ConnectionWatchdog(timeouts: timeouts, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(watchdog)
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(RequestDecoder()))
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(
                            api: api, executor: loopExecutors[ObjectIdentifier(channel.eventLoop)] ?? api.requestExecutor, logger: logger,
                            resources: resources, watchdog: watchdog, hosts: hosts, authenticator: authenticator, metrics: metrics,
                            metricsToken: metricsToken, console: console))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        serverChannel.withLock { $0 = channel }
        let boundPort = channel.localAddress?.port ?? port
        logger.info("Strata listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
        return boundPort
    }

    /// Counts a new connection in, unless --max-connections are open.
    private func track(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let admitted = connections.withLock { open in
            guard open.count < options.maximumConnections else { return false }
            open[id] = channel
            return true
        }
        guard admitted else { return false }
        channel.closeFuture.whenComplete { [self] _ in
            connections.withLock { _ = $0.removeValue(forKey: id) }
        }
        return true
    }

    /// Returns when the listening socket has closed (after `beginShutdown`).
    public func waitUntilClosed() async throws {
        guard let channel = serverChannel.withLock({ $0 }) else { return }
        try await channel.closeFuture.get()
    }

    /// Stops accepting connections.
    public func beginShutdown() {
        serverChannel.withLock { $0 }?.close(promise: nil)
    }

    /// Waits for the requests in flight, closes every connection and stops
    /// the event loops.
    public func finishShutdown() async throws {
        await inFlight.drained()
        let open = connections.withLock { Array($0.values) }
        for channel in open {
            try? await channel.close()
        }
        try await group.shutdownGracefully()
    }
}
