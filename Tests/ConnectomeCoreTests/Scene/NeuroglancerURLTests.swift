@testable import ConnectomeCore
import Foundation
import JSONModel
import Testing

@Suite("Neuroglancer links")
struct NeuroglancerURLTests {
    /// Expected strings were produced by Python's `urllib.parse.quote(s, safe="~@#$&()*!+=:;,.?/'")`.
    @Test func percentEncodingMatchesPythonsQuote() {
        let text = ##"{"a":"#ff0000 x","b":[1,2.5,8e-09],"c":"<>%[]{}|\\^`""}"##
        #expect(NeuroglancerURL.percentEncode(text)
            == "%7B%22a%22:%22#ff0000%20x%22,%22b%22:%5B1,2.5,8e-09%5D,%22c%22:%22%3C%3E%25%5B%5D%7B%7D%7C%5C%5C%5E%60%22%22%7D")
    }

    /// `json.dumps(..., separators=(",", ":"), sort_keys=True)` then `quote`: non-ASCII as `\uXXXX`.
    @Test func compactJSONMatchesPythonsDumps() {
        let value: JSONValue = ["x": [1, 2], "name": "Kenyon αβ – \"core\"\n"]
        let text = String(decoding: CompactJSONWriter.serialize(value), as: UTF8.self)
        #expect(text == #"{"name":"Kenyon \u03b1\u03b2 \u2013 \"core\"\n","x":[1,2]}"#)
        #expect(NeuroglancerURL.percentEncode(text)
            == "%7B%22name%22:%22Kenyon%20%5Cu03b1%5Cu03b2%20%5Cu2013%20%5C%22core%5C%22%5Cn%22,%22x%22:%5B1,2%5D%7D")
        #expect(String(decoding: CompactJSONWriter.serialize(["d": [.double(8e-9), .double(4.2e-8), .double(0.11), .double(100)]]), as: UTF8.self)
            == #"{"d":[8e-09,4.2e-08,0.11,100.0]}"#)
        let emoji = String(decoding: CompactJSONWriter.serialize(.string("🐜")), as: UTF8.self)
        #expect(emoji == #""\ud83d\udc1c""#)
    }

    @Test func dimensionsKeepXYZOrder() {
        let state = ViewerState(dimensions: CoordinateSpace(voxelSizeNanometres: [8, 8, 42]))
        #expect(NeuroglancerURL.compactJSON(state).hasPrefix(#"{"dimensions":{"x":[8e-09,"m"],"y":[8e-09,"m"],"z":[4.2e-08,"m"]}"#))
    }

    @Test func fragmentWithoutBangAndLegacyURLSafeJSON() throws {
        let plain = try NeuroglancerURL.decode(#"https://x/#{"position":[1,2,3],"layers":[]}"#)
        #expect(plain.position == [1, 2, 3])
        let legacy = try NeuroglancerURL.decode(
            "https://x/#!{'layers':[{'type':'segmentation'_'name':'it\\'s \"q\"_x'_'source':'precomputed://gs://a_b'_'segments':['5'_'!6']}]_'position':[1_2_3]}")
        let layer = try #require(legacy.layers.first?.segmentation)
        #expect(layer.name == "it's \"q\"_x")
        #expect(layer.source.first?.url == "precomputed://gs://a_b")
        #expect(layer.segments == [SegmentSelection(5), SegmentSelection(6, visible: false)])
        #expect(legacy.position == [1, 2, 3])
    }

    @Test func stateServerLinksAreFetchedThroughTheClosure() async throws {
        let stored = #"{"layers":[{"type":"segmentation","name":"seg","source":"graphene://x","segments":["576460752664524086"]}],"position":[5,6,7]}"#
        let requested = FetchLog()
        let fetch: NeuroglancerURL.Fetch = { url in
            await requested.append(url)
            return Data(stored.utf8)
        }
        let spelunker = "https://spelunker.cave-explorer.org/#!middleauth+https://global.daf-apis.com/nglstate/api/v1/5165863127007232"
        let state = try await NeuroglancerURL.decode(spelunker, fetch: fetch)
        #expect(state.position == [5, 6, 7])
        #expect(state.layers.first?.segmentation?.segments.first?.id == 576_460_752_664_524_086)

        let seunglab = "https://neuromancer-seung-import.appspot.com/?json_url=https%3A%2F%2Fglobal.daf-apis.com%2Fnglstate%2Fapi%2Fv1%2F42"
        _ = try await NeuroglancerURL.decode(seunglab, fetch: fetch)
        #expect(await requested.urls == [
            "https://global.daf-apis.com/nglstate/api/v1/5165863127007232",
            "https://global.daf-apis.com/nglstate/api/v1/42",
        ])
        #expect(try NeuroglancerURL.link(spelunker)
            == .stateServer(url: "https://global.daf-apis.com/nglstate/api/v1/5165863127007232", middleAuth: true))
        // Without a fetcher the error says what to do.
        #expect(throws: ConnectomeError.self) { try NeuroglancerURL.decode(spelunker) }
    }

    @Test func stateServerAnswersThatAreNotStatesAreDataErrors() async {
        let fetch: NeuroglancerURL.Fetch = { _ in Data("<html>login</html>".utf8) }
        await #expect(throws: ConnectomeError.self) {
            try await NeuroglancerURL.decode("https://x/#!middleauth+https://s/nglstate/api/v1/1", fetch: fetch)
        }
    }

    @Test(arguments: [
        "https://www.example.org/page",
        "https://www.example.org/page#section-2",
        "not a url at all",
        "",
    ])
    func notANeuroglancerURLSaysWhatWasExpected(url: String) {
        do {
            _ = try NeuroglancerURL.decode(url)
            Issue.record("expected an error for \(url)")
        } catch {
            #expect(error.kind == .argument)
            #expect(error.message.contains("expected a neuroglancer link with the state inline (…/#!{\"layers\": …}) or a state-server link"))
        }
    }

    @Test func brokenInlineJSONIsADataError() {
        #expect(throws: ConnectomeError.self) { try NeuroglancerURL.decode(#"https://x/#!{"layers":[}"#) }
        do {
            _ = try NeuroglancerURL.decode(#"https://x/#!{"layers":[}"#)
        } catch {
            #expect(error.kind == .data)
            #expect(error.message.hasPrefix("the state in the link is not valid JSON"))
        }
    }

    @Test func aHundredThousandSegmentsRoundTrip() throws {
        let ids = (0..<100_000).map { SegmentID(720_575_940_621_039_145 + UInt64($0)) }
        let layer = SegmentationLayer(name: "seg", source: [DataSource(url: "precomputed://gs://x")],
                                      segments: ids.map { SegmentSelection($0, visible: $0.rawValue % 10 != 0) })
        let state = ViewerState(dimensions: CoordinateSpace(voxelSizeNanometres: [4, 4, 40]), layers: [.segmentation(layer)])
        let url = NeuroglancerURL.encode(state, base: DatasetDescription.spelunker)
        #expect(url.utf8.count > 2_000_000)
        let decoded = try NeuroglancerURL.decode(url)
        #expect(decoded == state)
        let summary = decoded.summary
        #expect(summary.layers[0].selectedSegments == 90_000)
        #expect(summary.layers[0].hiddenSegments == 10_000)
        #expect(decoded.segmentTable.count == 100_000)
    }
}

actor FetchLog {
    var urls: [String] = []
    func append(_ url: String) { urls.append(url) }
}
