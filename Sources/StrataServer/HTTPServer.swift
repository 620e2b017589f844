import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import StrataAPI
import Synchronization

/// The SwiftNIO HTTP/1.1 front of Strata.
public final class HTTPServer: Sendable {
    private let api: DynamoAPI
    private let host: String
    private let port: Int
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let inFlight: InFlightRequests
    private let serverChannel = Mutex<(any Channel)?>(nil)
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// `maximumInFlight`: API requests answered at once, counted from their
    /// head; beyond it a request gets ThrottlingException before its body
    /// is read. nil for no cap.
    public init(api: DynamoAPI, host: String, port: Int, logger: Logger, maximumInFlight: Int?, threads: Int = System.coreCount) {
        self.inFlight = InFlightRequests(maximum: maximumInFlight)
        self.api = api
        self.host = host
        self.port = port
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    /// Binds the listening socket; returns the port (useful with port 0).
    public func start() async throws -> Int {
        let api = self.api, inFlight = self.inFlight, logger = self.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [self] channel in
                track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    // NIO decodes requests; answers are encoded whole by
                    // `EncodedResponse`, and `RequestHandler` keeps
                    // pipelined requests in order itself.
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(HTTPRequestDecoder()))
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(api: api, logger: logger, inFlight: inFlight))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        serverChannel.withLock { $0 = channel }
        let boundPort = channel.localAddress?.port ?? port
        logger.info("Strata listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
        return boundPort
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        connections.withLock { $0[id] = channel }
        channel.closeFuture.whenComplete { [self] _ in
            connections.withLock { _ = $0.removeValue(forKey: id) }
        }
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
