import ConnectomeCore
import Foundation
import TestSupport
import Testing

@Suite struct OpenStoreTests {
    let transport = CannedTransport(origin: "x", objects: [:])

    @Test func gsAndS3MapToHTTPS() throws {
        let gs = try openStore(url: "precomputed://gs://dkronauer-ant-001-alignment-final/aligned", transport: transport)
        #expect(gs.baseURL == "https://storage.googleapis.com/dkronauer-ant-001-alignment-final/aligned")
        #expect(gs is HTTPStore)
        let s3 = try openStore(url: "s3://bucket/path/vol", transport: transport)
        #expect(s3.baseURL == "https://s3.amazonaws.com/bucket/path/vol")
    }

    @Test func httpFileAndFragments() throws {
        #expect(try openStore(url: "precomputed://https://host/a/b#type=mesh", transport: transport).baseURL == "https://host/a/b")
        #expect(try openStore(url: "http://127.0.0.1:8080/v", transport: transport).baseURL == "http://127.0.0.1:8080/v")
        let file = try openStore(url: "precomputed://file:///tmp/vol", transport: nil)
        #expect(file is FileStore && file.baseURL == "file:///tmp/vol")
    }

    @Test func unknownSchemesAreRejectedListingTheAccepted() {
        for url in ["graphene://middleauth+https://x/table", "ftp://x/y", "just/a/path"] {
            do {
                _ = try openStore(url: url, transport: transport)
                Issue.record("\(url) should be rejected")
            } catch let error as ConnectomeError {
                #expect(error.kind == .argument)
                #expect(error.hint.contains("gs://") && error.hint.contains("file://"))
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
    }

    @Test func httpWithoutTransportIsAnError() {
        #expect(throws: ConnectomeError.self) { try openStore(url: "https://host/v", transport: nil) }
    }
}
