import CommandLanguage
import Foundation
import JupyterProtocol
import Synchronization

/// Progress of long work, shown in place with update_display_data.
///
/// Nothing is shown for work that ends quickly (under `delay`), so a cached slice does not flash
/// a bar; after that the display is refreshed at most every `interval`, and the final call turns it
/// into a one-line record of what was done.
final class ProgressDisplay: Sendable {
    private let output: any CommandOutput
    private let title: String
    private let displayID = "progress-" + UUID().uuidString
    private let start = ContinuousClock.now
    private let delay: Duration
    private let interval: Duration
    private let state = Mutex<(shown: Bool, last: ContinuousClock.Instant?)>((false, nil))

    init(output: any CommandOutput, title: String, delay: Duration = .milliseconds(300), interval: Duration = .milliseconds(100)) {
        self.output = output
        self.title = title
        self.delay = delay
        self.interval = interval
    }

    /// Call with `done` of `total` steps; cheap when nothing needs to be shown.
    func report(_ done: Int, _ total: Int) {
        let now = ContinuousClock.now
        let action: (show: Bool, update: Bool) = state.withLock { state in
            guard now - start >= delay else { return (false, false) }
            if let last = state.last, now - last < interval, done < total { return (false, false) }
            state.last = now
            if !state.shown { state.shown = true; return (true, false) }
            return (false, true)
        }
        guard action.show || action.update else { return }
        let value = Value.custom(ProgressValue(title: title, done: done, total: total))
        if action.show { output.show(value, displayID: displayID) } else { output.update(value, displayID: displayID) }
    }

    /// Replaces a shown bar with `summary`; does nothing if no bar was shown.
    func finish(_ summary: String) {
        guard state.withLock({ $0.shown }) else { return }
        output.update(.custom(ProgressValue(title: summary, done: 1, total: 1, finished: true)), displayID: displayID)
    }
}

/// A progress bar: HTML `<progress>` with a text twin.
struct ProgressValue: RichDisplay {
    let title: String
    let done: Int
    let total: Int
    var finished = false

    var kindName: String { "progress" }
    var plainText: String { finished ? title : "\(title): \(done) of \(total)" }

    var mimeBundle: MimeBundle {
        let html = finished
            ? "<div>\(HTML.escape(title))</div>"
            : "<div>\(HTML.escape(title)) <progress value=\"\(done)\" max=\"\(max(total, 1))\" style=\"width:16em\"></progress> \(done) / \(total)</div>"
        return MimeBundle(data: ["text/plain": .string(plainText), "text/html": .string(html)])
    }
}
