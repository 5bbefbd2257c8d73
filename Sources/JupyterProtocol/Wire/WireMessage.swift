import Foundation
import JSONModel

/// A verified, parsed request: `[identities..., "<IDS|MSG>", hmac, header, parent, metadata, content, buffers...]`.
///
/// The header is kept both decoded and as the client's raw bytes: replies send those bytes back verbatim as
/// their `parent_header`, so fields this kernel does not model (e.g. `subshell_id`) survive the round trip.
/// The content stays raw until the handler for its `msg_type` decodes it into a strict request type.
public struct WireMessage: Sendable {
    public static let delimiter = Data("<IDS|MSG>".utf8)

    public var identities: [Data]
    public var header: MessageHeader
    public var headerBytes: Data
    public var parentHeader: JSONValue
    public var metadata: JSONValue
    public var contentBytes: Data
    public var buffers: [Data]

    public var msgType: String { header.msgType }

    /// Splits, verifies and parses the frames of one multipart message.
    public static func decode(_ frames: [Data], signer: MessageSigner) throws(WireError) -> WireMessage {
        guard let split = frames.firstIndex(of: delimiter) else {
            throw .missingDelimiter(frameCount: frames.count)
        }
        let afterDelimiter = frames.count - split - 1
        guard afterDelimiter >= 5 else { throw .truncated(framesAfterDelimiter: afterDelimiter) }
        let signature = frames[split + 1]
        let header = frames[split + 2], parent = frames[split + 3], metadata = frames[split + 4]
        let content = frames[split + 5]
        guard signer.verify(signature: signature, header: header, parentHeader: parent, metadata: metadata,
                            content: content)
        else {
            throw .badSignature(received: String(decoding: signature, as: UTF8.self))
        }
        let decodedHeader: MessageHeader
        do {
            decodedHeader = try strictlyDecode(MessageHeader.self, from: header)
        } catch {
            throw .malformed(part: "header", detail: Self.describe(error))
        }
        let parentValue = try object(parent, part: "parent_header")
        let metadataValue = try object(metadata, part: "metadata")
        return WireMessage(
            identities: Array(frames[..<split]), header: decodedHeader, headerBytes: header,
            parentHeader: parentValue, metadata: metadataValue, contentBytes: content,
            buffers: Array(frames[(split + 6)...]))
    }

    /// Decodes the content strictly into a request type.
    public func content<T: Decodable>(_ type: T.Type) throws(WireError) -> T {
        do {
            return try Self.strictlyDecode(T.self, from: contentBytes)
        } catch {
            throw .malformed(part: "\(msgType) content", detail: Self.describe(error))
        }
    }

    /// `JSONDecoder`'s answer, taking the short way through `PreparsedDecodable` when the type has one.
    private static func strictlyDecode<T: Decodable>(_ type: T.Type, from bytes: Data) throws -> T {
        if let preparsed = T.self as? any PreparsedDecodable.Type, let value = try? JSONValue.parse(bytes),
           let decoded = preparsed.init(json: value) as? T {
            return decoded
        }
        return try JSONDecoder().decode(T.self, from: bytes)
    }

    /// The content as an open JSON object (for message types without a dedicated request type).
    public func contentObject() throws(WireError) -> JSONValue {
        try Self.object(contentBytes, part: "\(msgType) content")
    }

    private static func object(_ bytes: Data, part: String) throws(WireError) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes)
        } catch {
            throw .malformed(part: part, detail: error.description)
        }
        guard case .object = value else { throw .malformed(part: part, detail: "expected a JSON object") }
        return value
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at '\(keys)'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)'\(path(context))"
        case .typeMismatch(let type, let context):
            return "expected \(type)\(path(context)): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "null where \(type) is required\(path(context))"
        case .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return "bad JSON\(path(context)): \(underlying ?? context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
