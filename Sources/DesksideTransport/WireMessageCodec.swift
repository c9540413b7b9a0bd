import DesksideProtocol
import NIOCore
import NIOPosix
import NIOSSL

/// Bytes to messages: the length prefix is checked as soon as its four bytes are in (a peer announcing
/// more than the cap is refused before its body is buffered), then the header, then the body is
/// inflated and parsed within the limits. Any violation is an error that ends the connection.
public struct WireMessageDecoder: ByteToMessageDecoder {
    public typealias InboundOut = WireMessage

    public let maxFrameLength: Int
    public let limits: WireMessage.Limits

    public init(maxFrameLength: Int = 8 << 20, limits: WireMessage.Limits = .init()) {
        self.maxFrameLength = maxFrameLength
        self.limits = limits
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self).map(Int.init) else { return .needMoreData }
        try Frame.checkLength(length, limit: maxFrameLength)
        guard buffer.readableBytes >= 4 + length else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 4)
        let (type, compressed) = try Frame.checkHeader(version: buffer.readInteger()!, type: buffer.readInteger()!, flags: buffer.readInteger()!)
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
