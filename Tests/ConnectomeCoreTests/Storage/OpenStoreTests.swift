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

    @Test("an unopenable URL reads as sentences: what is wrong with it, then the schemes to use", arguments: [
        ("precomputed://just/a/path",
         "'precomputed://just/a/path' has no scheme after precomputed://. Use file://, http://, https://, gs://bucket/path or s3://bucket/path (optionally after precomputed://), e.g. precomputed://gs://bucket/volume"),
        ("just/a/path",
         "'just/a/path' has no scheme. Use file://, http://, https://, gs://bucket/path or s3://bucket/path (optionally after precomputed://), e.g. precomputed://gs://bucket/volume"),
        ("precomputed://ftp://x/y",
         "'precomputed://ftp://x/y' uses ftp://, which the kernel cannot read. Use file://, http://, https://, gs://bucket/path or s3://bucket/path (optionally after precomputed://)"),
    ])
    func unopenableWording(url: String, expected: String) {
        do {
            _ = try openStore(url: url, transport: transport)
        } catch let error as ConnectomeError {
            #expect(error.description == expected)
            #expect(!error.description.contains("no scheme is"), "the old wording")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func httpWithoutTransportIsAnError() {
        let error = #expect(throws: ConnectomeError.self) { try openStore(url: "https://host/v", transport: nil) }
        #expect(error?.description == "'https://host/v' is read over HTTP, and this kernel was started without an HTTP transport. "
                    + "Use a file:// URL, or start the kernel with networking enabled")
    }
}
