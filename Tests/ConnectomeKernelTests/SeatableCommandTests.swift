import ConnectomeCore
import Foundation
import JSONModel
import JupyterProtocol
import Synchronization
import Testing
import TestSupport
@testable import ConnectomeKernel

/// `neurons` and `annotations` on CRANT's Seatable table: the token's way in (`token seatable=`),
/// the 2-hour cache and `clear_cache=true`, `cache` listing it, and the errors.
@Suite("Seatable commands")
struct SeatableCommandTests {
    static let uuid = "0c8b5f2e-6a7d-4e1b-9a3c-5d2f8e7b1a40"

    /// cloud.seatable.io with three rows; every other host is a test failure.
    static func seatable() -> ScriptedTransport {
        ScriptedTransport { request in
            let token = request.headers["Authorization"]
            switch request.url {
            case "https://cloud.seatable.io/api/v2.1/workspace/62919/dtable/CRANTb/temp-api-token/":
                return token == "Token acct-tok" ? ScriptedTransport.json(#"{"api_token":"base-tok"}"#, url: request.url)
                    : ScriptedTransport.json(#"{"detail":"Invalid token"}"#, status: 401, url: request.url)
            case "https://cloud.seatable.io/api/v2.1/dtable/app-access-token/":
                return ScriptedTransport.json(#"{"access_token":"access-tok","dtable_uuid":"\#(uuid)","use_api_gateway":true}"#, url: request.url)
            case "https://cloud.seatable.io/api-gateway/api/v2/dtables/\(uuid)/sql":
                #expect(token == "Token access-tok")
                return ScriptedTransport.json("""
                    {"success":true,"metadata":[{"key":"0000","name":"root_id","type":"text"},{"key":"k001","name":"side","type":"single-select"},
                    {"key":"k002","name":"status","type":"multiple-select"},{"key":"k003","name":"proofread","type":"checkbox"}],
                    "results":[{"_id":"a","root_id":"18446744073709551615","side":"left","status":["proofread"],"proofread":true},
                    {"_id":"b","root_id":"576460752664524086","side":"right","status":["backbone","proofread"],"proofread":false},
                    {"_id":"c","root_id":"576460752590602315","side":"left"}]}
                    """, url: request.url)
            default:
                Issue.record("unexpected request to \(request.url)")
                return ScriptedTransport.json("{}", status: 404, url: request.url)
            }
        }
    }

    @Test("token seatable= lets dataset crant's neurons read Seatable; IDs as integers; the token is never shown")
    func neuronsFromSeatable() async throws {
        let transport = Self.seatable()
        let kernel = Kernel(transport: transport)
        await kernel.run("dataset crant")
        await kernel.run("token seatable=\"acct-tok\"")
        let left = try #require(await kernel.run("neurons side=\"left\"")?.text("text/plain"))
        #expect(left.contains("18446744073709551615") && left.contains("576460752590602315") && !left.contains("576460752664524086"))
        let rows = try #require(await kernel.run("annotations [576460752664524086, 18446744073709551615]")?.text("text/plain"))
        #expect(rows.range(of: "576460752664524086")!.lowerBound < rows.range(of: "18446744073709551615")!.lowerBound)
        let everything = kernel.context.events.map { "\($0)" }.joined()
        #expect(!everything.contains("acct-tok") && !left.contains("acct-tok"))
        #expect(transport.requests.count == 3, "one login and one page, then the cache")
        #expect(transport.requests.allSatisfy { CredentialScope.host(of: $0.url) == "cloud.seatable.io" })
        let listing = try #require(await kernel.run("cache")?.text("text/plain"))
        #expect(listing.contains("annotation table") && listing.contains("3 rows"), "\(listing)")
        await kernel.run("neurons clear_cache=true")
        #expect(transport.requests.count == 4, "read again with the same login")
        await kernel.run("cache clear")
        #expect(await kernel.run("cache")?.text("text/plain")?.contains("annotation table") == false)
    }

    @Test("without an account token: an AuthError saying how to set one, before any request; seatable= only with crant")
    func errors() async throws {
        let transport = Self.seatable()
        let kernel = Kernel(transport: transport)
        await kernel.run("dataset crant")
        let report = try #require(await kernel.failure("neurons"))
        #expect(report.ename == "AuthError" && report.evalue.contains("CRANTTABLE_TOKEN") && report.evalue.contains("token seatable="))
        #expect(transport.requests.isEmpty)
        let misplaced = try #require(await kernel.failure("dataset sample seatable=\"https://cloud.seatable.io\""))
        #expect(misplaced.ename == "ArgumentError" && misplaced.evalue.contains("goes with dataset crant"))
        let plain = try #require(await kernel.failure("dataset crant seatable=\"http://seatable.example.org\""))
        #expect(plain.evalue.contains("unencrypted"))
        let bad = try #require(await kernel.failure("token seatable=\"two words\""))
        #expect(bad.ename == "ArgumentError" && !bad.evalue.contains("two words"))
    }
}
