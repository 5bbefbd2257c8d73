import Foundation
import JSONModel
import Testing
@testable import JupyterProtocol

/// The short way (`init?(json:)`) must give what `JSONDecoder` gives, and step aside whenever it is unsure.
@Suite struct PreparsedDecodableTests {
    @Test(arguments: [
        #"{"code":"x"}"#,
        #"{"code":"x","silent":null,"store_history":false}"#,
        #"{"code":"x","silent":true,"store_history":true}"#,
        #"{"code":"x","user_expressions":{"a":"b","c":"d"},"allow_stdin":false,"stop_on_error":false}"#,
        #"{"code":"x","user_expressions":null,"extra":[1,2]}"#,
        #"{"code":"é\n\"q\"","allow_stdin":null}"#,
    ])
    func executeRequestEqualsTheStrictDecoder(json: String) throws {
        let strict = try JSONDecoder().decode(ExecuteRequest.self, from: Data(json.utf8))
        let preparsed = try #require(ExecuteRequest(json: try JSONValue.parse(json)))
        #expect(preparsed == strict)
    }

    @Test(arguments: [
        #"{"code":1}"#, #"{"silent":false}"#, #"{"code":"x","silent":"yes"}"#, #"{"code":"x","store_history":0}"#,
        #"{"code":"x","user_expressions":{"a":1}}"#, #"{"code":"x","user_expressions":[]}"#, #"["code"]"#,
    ])
    func doubtfulExecuteRequestsGoToTheStrictDecoder(json: String) throws {
        #expect(ExecuteRequest(json: try JSONValue.parse(json)) == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ExecuteRequest.self, from: Data(json.utf8)) }
    }

    @Test(arguments: [
        #"{"msg_id":"a","msg_type":"t","session":"s"}"#,
        #"{"msg_id":"a","msg_type":"t","session":"s","username":null,"date":"2026-01-01T00:00:00Z","version":"5.3","subshell_id":null}"#,
    ])
    func headerEqualsTheStrictDecoder(json: String) throws {
        let strict = try JSONDecoder().decode(MessageHeader.self, from: Data(json.utf8))
        let preparsed = try #require(MessageHeader(json: try JSONValue.parse(json)))
        #expect(preparsed == strict)
    }

    @Test(arguments: [
        #"{"msg_id":1,"msg_type":"t","session":"s"}"#, #"{"msg_type":"t","session":"s"}"#,
        #"{"msg_id":"a","msg_type":"t","session":"s","date":5}"#,
    ])
    func doubtfulHeadersGoToTheStrictDecoder(json: String) throws {
        #expect(MessageHeader(json: try JSONValue.parse(json)) == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MessageHeader.self, from: Data(json.utf8)) }
    }

    /// jupyter_client's form, `<session>_<pid>_<n>`, counted across copies of the factory.
    @Test func messageIDsCountPerProcess() throws {
        let factory = MessageFactory(signer: MessageSigner(key: "k"), session: "sess")
        let copy = factory
        let ids = try [factory, copy, factory].map { maker in
            let frames = maker.frames(msgType: "status", content: Data("{}".utf8), parent: nil, identities: [])
            return try WireMessage.decode(frames, signer: maker.signer).header.msgID
        }
        let prefix = "sess_\(getpid())_"
        #expect(ids == ["\(prefix)0", "\(prefix)1", "\(prefix)2"])
    }
}
