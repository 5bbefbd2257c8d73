import Testing
@testable import ConnectomeCore

@Suite("CATMAID tile and N5 addressing")
struct TileURLTests {
    func mirror(_ type: Int, _ ext: String = "jpg", base: String = "https://h/s/") -> StackMirror {
        StackMirror(id: 1, title: "m", imageBase: base, tileWidth: 256, tileHeight: 256, tileSourceType: type,
                    fileExtension: ext)
    }

    @Test func tileSourceURLPatterns() {
        #expect(mirror(1).tileURL(section: 12, row: 3, column: 4, zoom: 2) == "https://h/s/12/3_4_2.jpg")
        #expect(mirror(4).tileURL(section: 12, row: 3, column: 4, zoom: 2) == "https://h/s/12/2/3_4.jpg")
        #expect(mirror(5).tileURL(section: 12, row: 3, column: 4, zoom: 2) == "https://h/s/2/12/3/4.jpg")
        #expect(mirror(11).tileURL(section: 1, row: 1, column: 1, zoom: 0) == nil)
        #expect(mirror(1, ".png?token=abc").tileURL(section: 0, row: 0, column: 1, zoom: 0) == "https://h/s/0/0_1_0.png?token=abc")
        #expect(mirror(1, "JPEG?x").imageFormatExtension == "jpeg")
    }

    @Test func imageBaseWithoutTrailingSlashKeepsItsPrefix() {
        #expect(StackReader.splitImageBase("https://h/s/") == ("https://h/s", ""))
        #expect(StackReader.splitImageBase("https://h/s/pre_") == ("https://h/s", "pre_"))
    }

    @Test func n5LocationFromImageBase() throws {
        let location = try N5Location(imageBase: "https://h/data/fafb.n5/volumes/%SCALE_DATASET%/2_1_0", zoom: 3)
        #expect(location.containerURL == "https://h/data/fafb.n5")
        #expect(location.datasetPath == "volumes/s3")
        #expect(location.stackAxes == [2, 1, 0])
        let file = try N5Location(imageBase: "file:///tmp/x/sample.N5/%SCALE_DATASET%/0_1_2/", zoom: 0)
        #expect(file.containerURL == "file:///tmp/x/sample.N5" && file.datasetPath == "s0" && file.stackAxes == [0, 1, 2])
        let noContainer = try N5Location(imageBase: "https://h/raw/%SCALE_DATASET%/0_1_2", zoom: 1)
        #expect(noContainer.containerURL == "https://h" && noContainer.datasetPath == "raw/s1")
        let bad = #expect(throws: ConnectomeError.self) { try N5Location(imageBase: "https://h/a.n5/s0/x_y_z", zoom: 0) }
        #expect(bad?.message.contains("x_y_z") == true)
        #expect(throws: ConnectomeError.self) { try N5Location(imageBase: "https://h/a.n5/s0/0_0_1", zoom: 0) }
    }
}
