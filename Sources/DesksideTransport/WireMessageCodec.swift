public import DesksideProtocol
public import NIOCore
import NIOPosix
public import NIOSSL

/// What a connection's decoder accepts right now. The collector starts every connection at
/// ``unauthenticated`` (small, uncompressed frames: enough for `hello` and `enroll`) and widens it once
/// the TLS handshake has shown a certificate of its CA, so that a peer nobody knows can make it buffer,
/// inflate and parse no more than 64 KiB. Used on the connection's event loop only.
public final class FrameAllowance {
    public var maxFrameLength: Int
    public var compressionAllowed: Bool

    public init(maxFrameLength: Int, compressionAllowed: Bool) {
        self.maxFrameLength = maxFrameLength
        self.compressionAllowed = compressionAllowed
    }

    /// Before authentication: 64 KiB, plain.
    public static let unauthenticatedFrameLength = 64 << 10

    public static func unauthenticated() -> FrameAllowance {
        FrameAllowance(maxFrameLength: unauthenticatedFrameLength, compressionAllowed: false)
    }
}

/// Bytes to messages: the length prefix is checked as soon as its four bytes are in (a peer announcing
/// more than the cap is refused before its body is buffered), then the header, then the body is
/// inflated and parsed within the limits. Any violation is an error that ends the connection.
public struct WireMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireMessage

    public let allowance: FrameAllowance
    public let limits: WireMessage.Limits

    public init(maxFrameLength: Int = 8 << 20, limits: WireMessage.Limits = .init()) {
        self.init(allowance: FrameAllowance(maxFrameLength: maxFrameLength, compressionAllowed: true), limits: limits)
    }

    /// A decoder whose caps the caller changes as the connection goes on.
    public init(allowance: FrameAllowance, limits: WireMessage.Limits = .init()) {
        self.allowance = allowance
        self.limits = limits
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self).map(Int.init) else { return .needMoreData }
        try Frame.checkLength(length, limit: allowance.maxFrameLength)
        guard buffer.readableBytes >= 4 + length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let (type, compressed) = try Frame.checkHeader(version: buffer.readInteger()!, type: buffer.readInteger()!, flags: buffer.readInteger()!)
        if compressed && !allowance.compressionAllowed { throw ProtocolError.compressionNotAllowed }
        let body = buffer.readBytes(length: length - Frame.headerLength)!
        let message = try WireMessage(frame: Frame(type: type, compressed: compressed, body: body), limits: limits)
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Messages to bytes: one frame each, bodies over 4 KiB compressed.
public struct WireMessageEncoder: MessageToByteEncoder {
    public typealias OutboundIn = WireMessage

    public init() {}

    public func encode(data: WireMessage, out: inout ByteBuffer) throws {
        let frame = data.frame()
        out.writeInteger(UInt32(frame.body.count + Frame.headerLength))
        out.writeBytes([frame.version, frame.type.rawValue, frame.compressed ? Frame.compressedFlag : 0])
        out.writeBytes(frame.body)
    }
}

/// The agent side's connection: TCP to `endpoint`, TLS with the collector's name checked, the wire
/// codec, then `handler` (which receives `WireMessage`s). Without `encoder`, the caller writes frames
/// as bytes (the load generator sends frames it encoded before the clock started).
public enum WireClient {
    public static func connect(to endpoint: Endpoint, tls: NIOSSLContext, group: any EventLoopGroup, timeout: TimeAmount = .seconds(15),
                               encoder: Bool = true, handler: @escaping @Sendable () -> any ChannelHandler) async throws -> any Channel {
        try await ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandlers(TransportTLS.clientHandlers(context: tls, endpoint: endpoint))
                    try pipeline.addHandler(ByteToMessageHandler(WireMessageDecoder()))
                    if encoder { try pipeline.addHandler(MessageToByteHandler(WireMessageEncoder())) }
                    try pipeline.addHandler(handler())
                }
            }
            .connect(host: endpoint.host, port: endpoint.port).get()
    }
}
