import CommandLanguage
import ConnectomeCore
import Foundation

/// `catmaid` (connect to a CATMAID project and list its stacks) and `stack` (choose a stack and
/// mirror as the image source of `slice`), as pymaid.stack does, without its rough edges.
enum CatmaidCommands {
    static func all(state: KernelState) -> [CommandSpec] { [catmaid(state), stack(state)] }

    /// CATMAID keeps project ids in a PostgreSQL `integer` column, so they are 1 to 2^31 - 1.
    static let projectIDs = NumberRange(1...2_147_483_647)

    static func catmaid(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "catmaid",
            summary: "Connect to a CATMAID server's project and list its image stacks.",
            details: """
                `catmaid "https://server/path" project=1` reads the project's stacks (id, title, comment). \
                `catmaid sample` opens the sample dataset written as a CATMAID project (tile sources 1, 4, 5 \
                and N5), so this works offline. An API token (token=) is sent as CATMAID's X-Authorization \
                header; user=/password= are HTTP basic credentials for the server itself (password=true asks \
                for it without echoing). Credentials are never printed. Then choose a stack with `stack`.
                """,
            parameters: [
                ParameterSpec("project", .integer, default: "1", range: projectIDs, help: "the project id"),
                ParameterSpec("token", .string, help: "CATMAID API token"),
                ParameterSpec("user", .string, help: "HTTP basic user for the server"),
                ParameterSpec("password", .any, help: "HTTP basic password, or true to be asked for it"),
            ],
            positional: PositionalSpec("SERVER", .string, help: "the server URL, or sample", choices: ["sample"]),
            examples: ["catmaid sample", "catmaid \"https://catmaid.example.org\" project=3 token=\"…\""]
        ) { invocation in
            guard let server = invocation.value(at: 0)?.asString else {
                throw EvaluationError(.argumentError, "catmaid needs the server's URL, or sample",
                                      hint: "For example: catmaid \"https://catmaid.example.org\" project=1", range: invocation.range)
            }
            var credentials = CatmaidCredentials()
            if invocation.has("token") { credentials.apiToken = try invocation.string("token") }
            if let basic = try await basicCredentials(invocation, what: "the CATMAID server") { credentials.serverBasic = basic }
            let url: String
            if server == "sample" {
                let progress = ProgressDisplay(output: invocation.output, title: "writing the sample dataset")
                try await SampleData.ensureInterruptibly(in: state.environment.sampleDirectory, progress: progress.report)
                progress.finish("sample dataset ready")
                url = "file://" + SampleData.catmaidDirectory(in: state.environment.sampleDirectory)
            } else {
                url = server
            }
            let opener = CatmaidStoreOpener.standard(transport: state.environment.transport)
            let project = try CatmaidProject(server: url, project: try invocation.int("project", default: 1),
                                             credentials: credentials, opener: opener)
            let stacks = try await project.stacks()
            state.catmaid = CatmaidConnection(project: project, credentials: credentials, opener: opener)
            return .table(Table(
                title: "stacks of project \(project.projectID) on \(url)",
                columns: ["id", "title", "comment"],
                rows: stacks.map { [.int(Int128($0.id)), .string($0.title), .string($0.comment ?? "")] },
                footer: "choose one with: stack ID [mirror=ID]"))
        }
    }

    static func stack(_ state: KernelState) -> CommandSpec {
        CommandSpec(
            name: "stack",
            summary: "Make a CATMAID stack (and mirror) the image source of `slice`.",
            details: """
                After `catmaid`, `stack 1` (or the stack's title) reads the stack's info and chooses its first \
                supported mirror (tile sources 1, 4, 5 and N5), or the one given with mirror= (id or title). \
                A mirror behind HTTP basic auth takes user= and password= (password=true asks for it without \
                echoing). `slice` then reads from the stack: x, y in level-0 stack voxels and z the section, \
                or units="nm" for project coordinates; zoom= picks the level. `dataset` switches back.
                """,
            parameters: [
                ParameterSpec("mirror", .any, help: "mirror id or title"),
                ParameterSpec("user", .string, help: "HTTP basic user for the mirror"),
                ParameterSpec("password", .any, help: "HTTP basic password, or true to be asked for it"),
            ],
            positional: PositionalSpec("STACK", .any, help: "stack id or title"),
            examples: ["stack 1", "stack \"EM aligned\" mirror=2", "stack 1 mirror=2 user=\"lab\" password=true"]
        ) { invocation in
            guard var connection = state.catmaid else {
                throw EvaluationError(.argumentError, "no CATMAID project is open",
                                      hint: "Connect first with catmaid \"https://server\" project=1 (or catmaid sample)",
                                      range: invocation.range)
            }
            guard let which = invocation.value(at: 0) else {
                throw EvaluationError(.argumentError, "stack needs a stack id or title", hint: "See the table `catmaid` showed",
                                      range: invocation.range)
            }
            let info = try await connection.project.stackInfo(selector(which))
            let mirror = try info.mirror(invocation.value("mirror").map(selector))
            if let basic = try await basicCredentials(invocation, what: "mirror \(mirror.id) (\(mirror.title))") {
                connection.credentials.mirrors[mirror.id] = basic
            }
            connection.stack = info
            connection.mirror = mirror
            state.useStack(connection)
            return .table(stackTable(info, mirror: mirror))
        }
    }

    static func selector(_ value: Value) -> CatmaidSelector {
        if let id = value.asInt { return .id(id) }
        return CatmaidSelector(value.asString ?? value.plainText)
    }

    /// user= and password= (a string, or true to ask through Jupyter's stdin without echo).
    static func basicCredentials(_ invocation: Invocation, what: String) async throws -> BasicCredentials? {
        guard invocation.has("user") || invocation.has("password") else { return nil }
        guard invocation.has("user") else {
            throw invocation.argumentError("password", "a password needs a user=", hint: "Add user=\"name\"")
        }
        let user = try invocation.string("user")
        let password: String
        switch invocation.value("password") {
        case .bool(true)?:
            password = try await invocation.output.input(prompt: "Password for \(user) at \(what): ", password: true)
        case .string(let text)?:
            password = text
        case nil:
            throw invocation.argumentError("user", "user= needs a password=", hint: "Add password=true to be asked for it")
        case let other?:
            throw invocation.argumentError("password", "password should be a string or true, not \(other.kindName)")
        }
        return BasicCredentials(user: user, password: password)
    }

    static func stackTable(_ info: StackInfo, mirror chosen: StackMirror?) -> Table {
        let dimension = "\(info.dimension.x) × \(info.dimension.y) × \(info.dimension.z)"
        let resolution = [info.resolution.x, info.resolution.y, info.resolution.z].map(NumberFormat.plain)
            .joined(separator: " × ")
        let rows: [[Value]] = info.mirrors.map { mirror in
            let supported = mirror.tileSource != nil
            return [.int(Int128(mirror.id)), .string(mirror.title), .int(Int128(mirror.tileSourceType)),
                    .string("\(mirror.tileWidth)×\(mirror.tileHeight)"), .string(mirror.fileExtension),
                    .string(mirror.id == chosen?.id ? "in use" : supported ? "" : "not supported")]
        }
        var footer = "\(info.orientation.axesExplained) · zoom levels 0–\(info.maxZoomLevel)"
        if !info.brokenSections.indices.isEmpty {
            footer += " · broken sections \(info.brokenSections.indices.sorted().map(String.init).joined(separator: ", ")) (shown as the next good one)"
        }
        return Table(
            title: "stack \(info.id) \"\(info.title)\": \(dimension) voxels at \(resolution) nm",
            columns: ["mirror", "title", "tile source", "tile size", "extension", ""],
            rows: rows, footer: footer)
    }
}
