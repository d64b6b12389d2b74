//! What the benchmark runs inside the page (WebDriver "execute script").
//! Times are taken by the page's own clock (`performance.now()`), so the
//! WebDriver round trips are not part of them.

/// The moment (ms since the Unix epoch) the window first accepted typing:
/// the `warmline-interactive` mark, which Warmline's window sets once the
/// conversation is loaded and the text box has the focus (and the bare
/// page once its text box has it); `null` before.
pub const READY: &str = "
    const mark = performance.getEntriesByName('warmline-interactive')[0];
    return mark ? performance.timeOrigin + mark.startTime : null;
";

/// Where the start went, as ms since the Unix epoch: `[navigation start,
/// DOM content loaded]` of the page (the webview was up and asked for the
/// page; the page's scripts had run), for splitting the cold start into the
/// native part, the page load and the app's own start.
pub const PAGE_TIMES: &str = "
    const nav = performance.getEntriesByType('navigation')[0];
    const origin = performance.timeOrigin;
    return [origin, nav ? origin + nav.domContentLoadedEventEnd : null];
";

/// The page's start marks (`warmline-start-<step>`, ui/src/startMarks.ts,
/// and `warmline-interactive`) as `[name, ms since the Unix epoch]`, in the
/// order they were set; empty for a page without them (the bare window).
pub const START_MARKS: &str = "
    const origin = performance.timeOrigin;
    return performance.getEntriesByType('mark')
        .filter((m) => m.name.startsWith('warmline-'))
        .map((m) => [m.name, origin + m.startTime]);
";

/// Empties the text box the way a person would see it (the UI hears an
/// input event).
pub const CLEAR_INPUT: &str = "
    const input = document.querySelector('#composer-input');
    const set = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value').set;
    set.call(input, '');
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return input.value;
";

/// Asynchronous: writes a message, presses Send, and answers the ms from the
/// press to the first animation frame after the message is in the
/// transcript (the frame that paints it), or -1 after 30 s.
pub const NEW_MESSAGE: &str = "
    const done = arguments[arguments.length - 1];
    const log = document.querySelector('#transcript');
    const input = document.querySelector('#composer-input');
    const text = 'bench ' + Math.random().toString(36).slice(2);
    const set = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(input), 'value').set;
    set.call(input, text);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const shown = () => [...log.querySelectorAll('.message__text')].some((el) => el.textContent === text);
    requestAnimationFrame(() => setTimeout(() => {
        const started = performance.now();
        const giveUp = setTimeout(() => { observer.disconnect(); done(-1); }, 30000);
        const observer = new MutationObserver(() => {
            if (shown()) {
                observer.disconnect();
                clearTimeout(giveUp);
                requestAnimationFrame(() => done(performance.now() - started));
            }
        });
        observer.observe(log, { childList: true, subtree: true, characterData: true });
        document.querySelector('#send-button').click();
    }, 50));
";

/// Starts recording typing latency: for every key that changes the text box,
/// the ms from its `keydown` (the event's own time stamp) to the first
/// animation frame after the `input` event (the frame that paints the
/// character).
pub const TYPING_START: &str = "
    window.__benchKeys = [];
    const input = document.querySelector('#composer-input');
    let pressed = null;
    input.addEventListener('keydown', (event) => { pressed = event.timeStamp; }, { capture: true });
    input.addEventListener('input', () => {
        const at = pressed;
        pressed = null;
        if (at !== null) {
            requestAnimationFrame(() => window.__benchKeys.push(performance.now() - at));
        }
    });
    return true;
";

/// The typing latencies recorded since [`TYPING_START`].
pub const TYPING_READ: &str = "return window.__benchKeys || [];";
