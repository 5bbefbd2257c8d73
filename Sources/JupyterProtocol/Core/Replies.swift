import JSONModel

/// The JSON contents of replies and IOPub messages, built from the interpreter's value types.
enum Replies {
    static func kernelInfo(_ info: LanguageInfo) -> JSONValue {
        var language: [String: JSONValue] = [
            "name": .string(info.name), "version": .string(info.version), "mimetype": .string(info.mimetype),
            "file_extension": .string(info.fileExtension), "nbconvert_exporter": "script",
        ]
        if let lexer = info.pygmentsLexer { language["pygments_lexer"] = .string(lexer) }
        if let mode = info.codemirrorMode { language["codemirror_mode"] = .string(mode) }
        return [
            "status": "ok",
            "protocol_version": .string(MessageFactory.protocolVersion),
            "implementation": .string(info.implementation),
            "implementation_version": .string(info.implementationVersion),
            "language_info": .object(language),
            "banner": .string(info.banner),
            "help_links": .array(info.helpLinks.map { ["text": .string($0.text), "url": .string($0.url)] }),
            "supported_features": [],
            "debugger": false,
        ]
    }

    static func complete(_ result: CompletionResult) -> JSONValue {
        var types: [JSONValue] = []
        if result.types.count == result.matches.count {
            types = zip(result.matches, result.types).map { match, type in
                [
                    "text": .string(match), "type": .string(type),
                    "start": .int(Int64(result.cursorStart)), "end": .int(Int64(result.cursorEnd)),
                ]
            }
        }
        return [
            "status": "ok",
            "matches": .array(result.matches.map(JSONValue.string)),
            "cursor_start": .int(Int64(result.cursorStart)),
            "cursor_end": .int(Int64(result.cursorEnd)),
            "metadata": ["_jupyter_types_experimental": .array(types)],
        ]
    }

    static func inspect(_ bundle: MimeBundle?) -> JSONValue {
        [
            "status": "ok", "found": .bool(bundle != nil),
            "data": .object(bundle?.data ?? [:]), "metadata": .object(bundle?.metadata ?? [:]),
        ]
    }

    static func isComplete(_ answer: Completeness) -> JSONValue {
        switch answer {
        case .complete: return ["status": "complete"]
        case .incomplete(let indent): return ["status": "incomplete", "indent": .string(indent)]
        case .invalid: return ["status": "invalid"]
        case .unknown: return ["status": "unknown"]
        }
    }

    static func history(_ rows: [HistoryEntry], output: Bool) -> JSONValue {
        let history: [JSONValue] = rows.map { row in
            let input: JSONValue = output
                ? [.string(row.input), row.output.map(JSONValue.string) ?? .null] : .string(row.input)
            return [.int(Int64(row.session)), .int(Int64(row.line)), input]
        }
        return ["status": "ok", "history": .array(history)]
    }

    static func error(_ report: ErrorReport) -> [String: JSONValue] {
        [
            "ename": .string(report.ename), "evalue": .string(report.evalue),
            "traceback": .array(report.traceback.map(JSONValue.string)),
        ]
    }

    /// The reply type of a request type (`complete_request` → `complete_reply`); nil for messages
    /// the protocol answers with nothing (`comm_msg`, `comm_close`, replies sent to the kernel).
    static func replyType(for requestType: String) -> String? {
        guard requestType.hasSuffix("_request") else { return nil }
        return String(requestType.dropLast("_request".count)) + "_reply"
    }

    /// An error reply's fields for a request whose content could not be decoded: the client learns
    /// which field was wrong instead of waiting for a reply that never comes.
    static func malformedRequest(_ error: WireError) -> [String: JSONValue] {
        var content = self.error(ErrorReport(
            ename: "MalformedRequest",
            evalue: "\(error.description); the kernel ignored this request (the client sent content the messaging protocol does not allow)",
            traceback: []))
        content["status"] = "error"
        return content
    }

    static func bundle(_ bundle: MimeBundle) -> [String: JSONValue] {
        ["data": .object(bundle.data), "metadata": .object(bundle.metadata)]
    }

    static func userExpressions(_ results: [String: UserExpressionResult]) -> JSONValue {
        .object(results.mapValues { result in
            switch result {
            case .ok(let value):
                var object = bundle(value)
                object["status"] = "ok"
                return .object(object)
            case .error(let report):
                var object = error(report)
                object["status"] = "error"
                return .object(object)
            }
        })
    }
}
