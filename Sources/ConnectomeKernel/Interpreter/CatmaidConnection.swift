import ConnectomeCore

/// A CATMAID project the kernel is connected to, with the stack and mirror chosen for `slice`.
struct CatmaidConnection: Sendable {
    var project: CatmaidProject
    var credentials: CatmaidCredentials
    var opener: CatmaidStoreOpener
    var stack: StackInfo?
    var mirror: StackMirror?

    var reader: StackReader { StackReader(opener: opener, credentials: credentials) }
}
