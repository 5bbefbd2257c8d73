import ConnectomeCore
import Foundation
import ImageCodecs
import Testing
import TestSupport

/// middle_auth's refusals become AuthErrors that say which, for which host and what to do; tokens
/// are read from and saved to CAVEclient's files, and go only where the rule allows.
@Suite("CAVE auth and tokens")
struct CaveAuthTests {
    static func temporary() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("cave-secrets-\(UUID().uuidString)").path
    }

    static func client(_ transport: ScriptedTransport, memory: String? = "tok") -> CaveClient {
        CaveClient(transport: transport, credentials: CaveCredentials(server: "https://cave.example.org", secrets: CaveSecrets(directory: temporary()),
                                                                      memory: { $0 == "cave.example.org" ? memory : nil }))
    }

    @Test("401 without and with a token, 403 permission and terms of service, login redirects")
    func refusals() async throws {
        let cases: [(HTTPResponse, String?, [String])] = [
            (ScriptedTransport.json(#"{"error":"no_token","message":"Unauthorized - No Token Provided"}"#, status: 401, url: "u"), nil,
             ["401", "no CAVE token is set for cave.example.org", "Run token", "cave.example.org-cave-secret.json", "https://cave.example.org/auth/api/v1/create_token"]),
            (ScriptedTransport.json(#"{"error":"invalid_token","message":"Unauthorized - Token is Invalid or Expired"}"#, status: 401, url: "u"), "tok",
             ["401", "invalid or expired", "create_token"]),
            (ScriptedTransport.json(#"{"error":"missing_permission","message":"Missing permission: view for dataset d","data":{"required_permission":"view","auth_dataset":"d"}}"#, status: 403, url: "u"), "tok",
             ["403", "view permission for dataset d"]),
            (ScriptedTransport.json(#"{"error":"missing_tos","message":"Need to accept","data":{"tos_id":1,"tos_name":"T","tos_form_url":"https://cave.example.org/tos/1"}}"#, status: 403, url: "u"), "tok",
             ["403", "terms of service (T)", "https://cave.example.org/tos/1"]),
            (HTTPResponse(status: 302, headers: ["location": "https://cave.example.org/auth/api/v1/authorize?redirect=x"], body: Data(), url: "u"), "tok",
             ["redirected", "login page", "may be invalid or expired"]),
            (HTTPResponse(status: 200, headers: ["content-type": "text/html; charset=utf-8"], body: Data("<html>".utf8), url: "u"), nil,
             ["login page", "no token is set"]),
        ]
        for (response, token, words) in cases {
            let transport = ScriptedTransport { _ in response }
            let error = await #expect(throws: ConnectomeError.self) {
                try await Self.client(transport, memory: token).get("https://cave.example.org/info/api/v2/datastacks", what: "the datastacks")
            }
            #expect(error?.kind == .auth, "\(response.status)")
            for word in words { #expect(error?.description.contains(word) == true, "\(word) in \(error?.description ?? "")") }
            #expect(error?.description.contains("tok ") == false)
            #expect(transport.requests[0].headers["X-Requested-With"] != nil)
        }
    }

    @Test("other failures: a PCG 400 is an ArgumentError with the server's message, 503 after retries a NetworkError")
    func otherFailures() async throws {
        let bad = ScriptedTransport { ScriptedTransport.json(#"{"code":400,"message":"[400]: Timestamp parameter timestamp is not a valid unix timestamp"}"#, status: 400, url: $0.url) }
        let error = await #expect(throws: ConnectomeError.self) { try await Self.client(bad).get("https://cave.example.org/x", what: "x") }
        #expect(error?.kind == .argument && error!.message.contains("not a valid unix timestamp"))
        let down = ScriptedTransport { ScriptedTransport.json("{}", status: 503, url: $0.url) }
        let downError = await #expect(throws: ConnectomeError.self) { try await Self.client(down).get("https://cave.example.org/x", what: "x") }
        #expect(downError?.kind == .network && downError!.message.contains("503"))
    }

    @Test("gzip answers are asked for undecoded and inflated by the client; a damaged one is a DataError, an error status keeps its meaning")
    func gzipAnswers() async throws {
        let json = Data(#"{"roots":[1,2,3]}"#.utf8)
        let good = ScriptedTransport { request in
            HTTPResponse(status: 200, headers: ["content-type": "application/json", "content-encoding": "gzip"],
                         body: Gzip.compressFast(json), url: request.url)
        }
        #expect(try await Self.client(good).get("https://cave.example.org/x", what: "x") == json)
        #expect(good.requests[0].decodeContent == false && good.requests[0].headers["Accept-Encoding"] == "gzip")
        // A caller that names its own encoding (materialization picks Arrow's codec that way) keeps libcurl's decoding.
        let named = ScriptedTransport { ScriptedTransport.json("{}", url: $0.url) }
        _ = try await Self.client(named).send(HTTPRequest(url: "https://cave.example.org/x", headers: ["Accept-Encoding": "zstd"]),
                                                what: "x", maxBytes: 1 << 20)
        #expect(named.requests[0].decodeContent == true && named.requests[0].headers["Accept-Encoding"] == "zstd")

        var flipped = Gzip.compressFast(json)
        flipped[flipped.count - 9] ^= 0xFF
        let damaged = flipped
        let broken = ScriptedTransport { HTTPResponse(status: 200, headers: ["content-encoding": "gzip"], body: damaged, url: $0.url) }
        let error = await #expect(throws: ConnectomeError.self) { try await Self.client(broken).get("https://cave.example.org/x", what: "x") }
        #expect(error?.kind == .data && error!.message.contains("does not decompress"), "\(error?.description ?? "")")

        let refused = ScriptedTransport { HTTPResponse(status: 503, headers: ["content-encoding": "gzip"], body: Data("not gzip".utf8), url: $0.url) }
        let refusal = await #expect(throws: ConnectomeError.self) { try await Self.client(refused).get("https://cave.example.org/x", what: "x") }
        #expect(refusal?.kind == .network && refusal!.message.contains("503"))

        let huge = ScriptedTransport { HTTPResponse(status: 200, headers: ["content-encoding": "gzip"],
                                                    body: Gzip.compressFast(Data(count: 4 << 20)), url: $0.url) }
        let tooLarge = await #expect(throws: ConnectomeError.self) {
            try await Self.client(huge).send(HTTPRequest(url: "https://cave.example.org/x"), what: "x", maxBytes: 1 << 20)
        }
        #expect(tooLarge?.kind == .data && tooLarge!.message.contains("inflates to more than"), "\(tooLarge?.description ?? "")")
    }

    @Test("token files: the server's file, then cave-secret.json; saved 0600 keeping other keys; bad files are errors")
    func secretFiles() throws {
        let secrets = CaveSecrets(directory: Self.temporary())
        #expect(try secrets.token(for: "https://cave.example.org", shared: true) == nil)
        let written = try secrets.save("abc123", for: ["http://127.0.0.1:8123", "https://cave.example.org/"])
        #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent }
            == ["127.0.0.1:8123-cave-secret.json", "cave.example.org-cave-secret.json", "cave-secret.json"])
        for path in written {
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path)")
        }
        #expect(try secrets.token(for: "https://cave.example.org/info", shared: false)?.token == "abc123")
        #expect(try secrets.token(for: "https://other.example.org", shared: false) == nil)
        #expect(try secrets.token(for: "https://other.example.org", shared: true)?.token == "abc123")
        // Other keys survive a save.
        let shared = secrets.directory + "/cave-secret.json"
        try Data(#"{"token":"old","other":"keep"}"#.utf8).write(to: URL(fileURLWithPath: shared))
        try secrets.save("new1", for: [])
        #expect(String(decoding: FileManager.default.contents(atPath: shared)!, as: UTF8.self) == #"{"other":"keep","token":"new1"}"#)
        // Broken files and tokens that would inject headers.
        try Data("[1]".utf8).write(to: URL(fileURLWithPath: secrets.directory + "/bad.example.org-cave-secret.json"))
        #expect(throws: ConnectomeError.self) { try secrets.token(for: "https://bad.example.org", shared: false) }
        try Data(#"{"token":"a\r\nX-Evil: 1"}"#.utf8).write(to: URL(fileURLWithPath: secrets.directory + "/evil.example.org-cave-secret.json"))
        #expect(throws: ConnectomeError.self) { try secrets.token(for: "https://evil.example.org", shared: false) }
        #expect(throws: ConnectomeError.self) { try secrets.save("two words", for: []) }
    }

    @Test("a token file read once is read again whenever it changes: rewritten in place, replaced, removed, broken")
    func secretFileChanges() throws {
        let secrets = CaveSecrets(directory: Self.temporary())
        let path = secrets.directory + "/cave.example.org-cave-secret.json"
        func token() throws -> String? { try secrets.token(for: "https://cave.example.org", shared: false)?.token }
        try secrets.save("first1", for: ["https://cave.example.org"])
        #expect(try token() == "first1")
        #expect(try token() == "first1")
        // The same size, written in place (the inode stays): the new content, not the remembered one.
        let before = try #require(FileManager.default.contents(atPath: path))
        let rewritten = Data(String(decoding: before, as: UTF8.self).replacingOccurrences(of: "first1", with: "other2").utf8)
        #expect(rewritten.count == before.count && rewritten != before)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: rewritten)
        try handle.close()
        #expect(try token() == "other2")
        try secrets.save("third3", for: ["https://cave.example.org"])  // a new file renamed into place
        #expect(try token() == "third3")
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConnectomeError.self) { try token() }
        #expect(throws: ConnectomeError.self) { try token() }
        try FileManager.default.removeItem(atPath: path)
        #expect(try token() == nil)
    }

    @Test("CAVEclient's standard folder: CLOUD_VOLUME_DIR, else HOME")
    func standardFolder() {
        #expect(CaveSecrets.standard(environment: ["HOME": "/h"]).directory == "/h/.cloudvolume/secrets")
        #expect(CaveSecrets.standard(environment: ["HOME": "/h", "CLOUD_VOLUME_DIR": "/cv"]).directory == "/cv/secrets")
    }

    @Test("the server's token goes to it and hosts under it, never to another host or over plain http")
    func tokenScope() throws {
        let secrets = CaveSecrets(directory: Self.temporary())
        try secrets.save("shared1", for: [])
        let credentials = CaveCredentials(server: "https://proofreading.zetta.ai", secrets: secrets)
        #expect(try credentials.token(for: "https://proofreading.zetta.ai/info") == "shared1")
        #expect(try credentials.token(for: "https://data.proofreading.zetta.ai/segmentation") == "shared1")
        #expect(try credentials.token(for: "https://evil.zetta.ai/x") == nil)
        #expect(try credentials.token(for: "https://proofreading.zetta.ai.evil.org/x") == nil)
        #expect(try credentials.token(for: "http://data.proofreading.zetta.ai/x") == nil)
        let local = CaveCredentials(server: "http://127.0.0.1:9000", secrets: secrets)
        #expect(try local.token(for: "http://127.0.0.1:9000/info") == "shared1")
    }

    @Test("datastack info: fields read and checked; a bad local server or resolution is a DataError")
    func datastackInfo() throws {
        let good = #"{"aligned_volume":{"image_source":"precomputed://gs://b/em"},"segmentation_source":"graphene://https://data.example.org/segmentation/table/t_x1","local_server":"https://data.example.org/","viewer_site":"https://spelunker.cave-explorer.org","synapse_table":"syn","soma_table":"soma","viewer_resolution_x":8,"viewer_resolution_y":8,"viewer_resolution_z":42}"#
        let info = try CaveDatastack.decode(Data(good.utf8), server: "https://example.org", name: "ds")
        #expect(info.graphTable == "t_x1" && info.localServer == "https://data.example.org" && info.synapseTable == "syn")
        #expect(info.neuroglancerSegmentation == "graphene://middleauth+https://data.example.org/segmentation/table/t_x1")
        #expect(info.viewerResolution == [8, 8, 42])
        let bad = [
            good.replacingOccurrences(of: "\"https://data.example.org/\"", with: "\"ftp://x\""): "local_server",
            good.replacingOccurrences(of: "\"viewer_resolution_z\":42", with: "\"viewer_resolution_z\":1e300"): "viewer_resolution_z",
            good.replacingOccurrences(of: "\"synapse_table\":\"syn\"", with: "\"synapse_table\":5"): "synapse_table",
            "[]": "not a JSON object",
        ]
        for (text, field) in bad {
            let error = #expect(throws: ConnectomeError.self) { try CaveDatastack.decode(Data(text.utf8), server: "https://example.org", name: "ds") }
            #expect(error?.kind == .data && error!.message.contains(field), "\(field): \(error?.message ?? "")")
        }
    }
}
