import Logging
import NIOCore

/// Enforces a connection's timeouts (`ConnectionDeadlines`): first in the
/// pipeline, it sees every byte that arrives and whether the client takes
/// its answers; `RequestHandler` tells it where each request stands. It
/// checks the deadlines when the next one falls, and at least once a
/// second, and closes the connection when one has passed.
final class ConnectionWatchdog: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let checkInterval = TimeAmount.seconds(1)

    private var deadlines: ConnectionDeadlines
    private let logger: Logger
    private var check: Scheduled<Void>?

    init(timeouts: ConnectionDeadlines.Timeouts, logger: Logger) {
        deadlines = ConnectionDeadlines(timeouts: timeouts, now: .now())
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        scheduleCheck(context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadlines.bytesArrived(at: .now())
        context.fireChannelRead(data)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        deadlines.writabilityChanged(isWritable: context.channel.isWritable, at: .now())
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        context.fireChannelInactive()
    }

    // What `RequestHandler` reports.
    func headArrived() { deadlines.headArrived(at: .now()) }
    func bodyArrived(bytes: Int) { deadlines.bodyArrived(bytes: bytes) }
    func requestEnded() { deadlines.requestEnded() }
    func answered() { deadlines.answered(at: .now()) }

    private func scheduleCheck(context: ChannelHandlerContext) {
        let at = min(NIODeadline.now() + Self.checkInterval, deadlines.nextDeadline)
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: at) { [self] in
            guard context.channel.isActive else { return }
            if let expiry = deadlines.expiry(at: .now()) {
                logger.debug("Closing a connection", metadata: ["reason": "\(expiry.rawValue)"])
                context.close(promise: nil)
            } else {
                scheduleCheck(context: context)
            }
        }
    }
}
