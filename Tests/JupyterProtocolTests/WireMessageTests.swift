import Foundation
import JSONModel
import Testing
@testable import JupyterProtocol

/// Frames signed with a fixed key, checked against a digest computed independently with Python:
/// `hmac.new(b"0123456789abcdef-key", digestmod=hashlib.sha256)` updated with header, "{}", "{}", "{}".
@Suite struct WireMessageTests {
    static let key = "0123456789abcdef-key"
    static let header = #"{"msg_id":"a1","msg_type":"kernel_info_request","session":"s1","username":"u","date":"2026-01-01T00:00:00.000000Z","version":"5.3"}"#
    static let pythonDigest = "3bfdecf832dc121bad99c08f6394876e7bc23f95ade0453413819cdcef7e6641"

    static func golden(signature: String = pythonDigest, identities: [String] = ["id-a", "id-b"]) -> [Data] {
        identities.map { Data($0.utf8) } + [
            Data("<IDS|MSG>".utf8), Data(signature.utf8), Data(header.utf8), Data("{}".utf8), Data("{}".utf8),
            Data("{}".utf8),
        ]
    }

    @Test func signatureMatchesPythonHMAC() {
        let signer = MessageSigner(key: Self.key)
        let empty = Data("{}".utf8)
        #expect(signer.signature(header: Data(Self.header.utf8), parentHeader: empty, metadata: empty, content: empty)
            == Self.pythonDigest)
    }

    /// The signer keeps one keyed HMAC and copies it per message: no message may leave state behind
    /// for the next, on one thread or many.
    @Test func signingAgainAndConcurrentlyGivesTheSameDigest() async {
        let signer = MessageSigner(key: Self.key)
        let empty = Data("{}".utf8)
        let other = signer.signature(header: Data("{\"x\": 1}".utf8), parentHeader: empty, metadata: empty, content: empty)
        #expect(other != Self.pythonDigest)
        let digests = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    signer.signature(header: Data(Self.header.utf8), parentHeader: empty, metadata: empty, content: empty)
                }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(digests.count == 64 && digests.allSatisfy { $0 == Self.pythonDigest })
    }

    @Test func decodesGoldenFramesAndKeepsIdentities() throws {
        let message = try WireMessage.decode(Self.golden(), signer: MessageSigner(key: Self.key))
        #expect(message.identities == [Data("id-a".utf8), Data("id-b".utf8)])
        #expect(message.header == MessageHeader(msgID: "a1", msgType: "kernel_info_request", session: "s1",
                                                username: "u", date: "2026-01-01T00:00:00.000000Z", version: "5.3"))
        #expect(message.headerBytes == Data(Self.header.utf8))
        #expect(message.buffers.isEmpty)
    }

    @Test func keepsBuffersAfterContent() throws {
        let frames = Self.golden() + [Data([0, 1, 2])]
        let message = try WireMessage.decode(frames, signer: MessageSigner(key: Self.key))
        #expect(message.buffers == [Data([0, 1, 2])])
    }

    @Test func rejectsWrongSignature() {
        let tampered = String(Self.pythonDigest.dropLast()) + "0"
        #expect(throws: WireError.badSignature(received: tampered)) {
            try WireMessage.decode(Self.golden(signature: tampered), signer: MessageSigner(key: Self.key))
        }
        #expect(throws: WireError.self) {
            try WireMessage.decode(Self.golden(), signer: MessageSigner(key: "another key"))
        }
        #expect(throws: WireError.badSignature(received: "")) {
            try WireMessage.decode(Self.golden(signature: ""), signer: MessageSigner(key: Self.key))
        }
    }

    @Test func emptyKeyMeansUnsigned() throws {
        let signer = MessageSigner(key: "")
        #expect(!signer.isEnabled)
        #expect(signer.signature(header: Data(), parentHeader: Data(), metadata: Data(), content: Data()) == "")
        _ = try WireMessage.decode(Self.golden(signature: ""), signer: signer)
    }

    @Test func rejectsMissingDelimiterAndTruncation() {
        let signer = MessageSigner(key: Self.key)
        var noDelimiter = Self.golden()
        noDelimiter.remove(at: 2)
        #expect(throws: WireError.missingDelimiter(frameCount: 7)) { try WireMessage.decode(noDelimiter, signer: signer) }
        let truncated = Array(Self.golden().dropLast(2))
        #expect(throws: WireError.truncated(framesAfterDelimiter: 3)) { try WireMessage.decode(truncated, signer: signer) }
    }

    @Test func rejectsBadJSONAndMissingHeaderFields() {
        let signer = MessageSigner(key: Self.key)
        func signed(header: String, content: String = "{}") -> [Data] {
            let h = Data(header.utf8), e = Data("{}".utf8), c = Data(content.utf8)
            let signature = signer.signature(header: h, parentHeader: e, metadata: e, content: c)
            return [Data("<IDS|MSG>".utf8), Data(signature.utf8), h, e, e, c]
        }
        #expect(throws: WireError.self) { try WireMessage.decode(signed(header: "{not json"), signer: signer) }
        #expect(throws: WireError.self) {
            try WireMessage.decode(signed(header: #"{"msg_id":"1","session":"s"}"#), signer: signer)
        }
        #expect(throws: WireError.self) {
            try WireMessage.decode(signed(header: #"{"msg_id":1,"msg_type":"x","session":"s"}"#), signer: signer)
        }
        #expect(throws: WireError.self) {
            try WireMessage.decode(signed(header: #"{"msg_id":"1","msg_type":"x","session":"s","date":5}"#), signer: signer)
        }
        let badContent = signed(header: #"{"msg_id":"1","msg_type":"execute_request","session":"s"}"#,
                                content: #"{"code":"x","silent":"yes"}"#)
        let message = try? WireMessage.decode(badContent, signer: signer)
        #expect(message != nil)
        #expect(throws: WireError.self) { try message?.content(ExecuteRequest.self) }
    }

    @Test func executeRequestDefaultsFollowTheSpec() throws {
        let decode = { (json: String) in try JSONDecoder().decode(ExecuteRequest.self, from: Data(json.utf8)) }
        let plain = try decode(#"{"code":"x"}"#)
        #expect(plain == ExecuteRequest(code: "x", silent: false, storeHistory: true, userExpressions: [:],
                                        allowStdin: true, stopOnError: true))
        let silent = try decode(#"{"code":"x","silent":true,"store_history":true}"#)
        #expect(silent.storeHistory == false)
        let noHistory = try decode(#"{"code":"x","store_history":false,"user_expressions":{"a":"b"}}"#)
        #expect(!noHistory.storeHistory && noHistory.userExpressions == ["a": "b"])
        #expect(throws: DecodingError.self) { try decode(#"{"silent":false}"#) }
    }

    @Test func outgoingHeadersAreFreshAndDated() throws {
        // Every character the hand-written header must escape, and one it must pass through.
        let user = "u\"s\\e\nr\t\r\u{1}ë"
        let factory = MessageFactory(signer: MessageSigner(key: Self.key), session: "sess", username: user)
        let first = factory.frames(msgType: "status", content: Data("{}".utf8), parent: nil, identities: [Data("t".utf8)])
        let second = factory.frames(msgType: "status", content: Data("{}".utf8), parent: nil, identities: [Data("t".utf8)])
        let a = try WireMessage.decode(first, signer: factory.signer)
        let b = try WireMessage.decode(second, signer: factory.signer)
        #expect(a.header.msgID != b.header.msgID)
        #expect(first[2] != second[2])  // signatures differ too (jupyter_client rejects repeats)
        #expect(a.header.version == "5.3" && a.header.session == "sess" && a.header.username == user)
        #expect(a.header.msgType == "status")
        #expect(a.header.msgID.hasPrefix("sess_\(getpid())_") && b.header.msgID.hasPrefix("sess_\(getpid())_"))
        #expect(Int(a.header.msgID.split(separator: "_").last!)! + 1 == Int(b.header.msgID.split(separator: "_").last!)!)
        let date = try #require(a.header.date)
        #expect(date.count == 27 && date.hasSuffix("Z"))
        #expect(date.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z/) != nil)
        #expect(a.identities == [Data("t".utf8)])
    }
}
