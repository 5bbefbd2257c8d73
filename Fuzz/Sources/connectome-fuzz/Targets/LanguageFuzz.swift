import ConnectomeKernel
import Foundation
@testable import CommandLanguage

extension FuzzTarget {
    /// One interpreter with every command registered, as a kernel has: completion and inspection consult
    /// the registry. Nothing here executes code, so no command reaches the network or the sample.
    private static let interpreter = ConnectomeInterpreter(
        environment: KernelEnvironment(transport: nil, sampleDirectory: "/nonexistent/connectome-fuzz"))

    /// A cell's text through the parser and the three tooling requests a front end sends while typing:
    /// `complete_request` and `inspect_request` at the start, the middle and the end, and `is_complete_request`.
    static let language = FuzzTarget(name: "language", summary: "command-language parser, complete, inspect, is_complete") { data in
        let code = String(decoding: data, as: UTF8.self)
        _ = Parser.parse(code)
        let length = code.unicodeScalars.count
        for cursor in Set([0, length / 2, length]) {
            _ = interpreter.complete(code: code, cursorPosition: cursor)
            _ = interpreter.inspect(code: code, cursorPosition: cursor, detailLevel: cursor % 2)
        }
        _ = interpreter.isComplete(code: code)
    }
}
