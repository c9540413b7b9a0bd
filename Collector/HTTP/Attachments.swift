public import DesksideStoreSQLite
public import Hummingbird
import NIOCore

/// A file that came with a mail, answered as a download and never as something the browser shows:
/// `application/octet-stream`, `Content-Disposition: attachment` with a name cut to printable ASCII
/// (and `nosniff`, which ``SecurityHeaders`` adds to every answer).
public enum Attachments {
    public static func download(_ record: CollectorStore.AttachmentRecord, _ bytes: [UInt8]) -> Response {
        let name = record.filename.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? String($0) : "_" }.joined()
        return Response(status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
