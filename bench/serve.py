"""First board in a browser tab through ``herne-tui serve``, against a bare Textual app.

    python bench/serve.py [--sizes 140,10000] [--runs 3] [--cache DIR]

For each size it builds a database of N synthetic measures (as ``bench/startup.py`` does),
starts ``herne-tui serve`` on a free port and, beside it, a bare Textual app (header, one
line, footer) served by textual-serve's ``Server`` with the same page template. Headless
Debian Chromium (``/usr/bin/chromium``, driven by Playwright's Python package; ``playwright
install`` is never used) opens each in a new browser context per run, so every tab starts a
fresh app process. Measured in the page, from ``page.goto``: the first moment xterm.js's
buffer holds the board's column header (``Offen (``), or the bare app's line, and the first
frame xterm.js draws after that ("drawn": pixels, not only parsed text). Bare and herne tabs
alternate; the median over ``--runs`` is printed, and the ratio to the bare tab of the same
size's runs; also whether the tab's app process is given a target the quick start takes.
Numbers are printed, not asserted: this is not a test.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from startup import BARE_APP, bench_args, bench_db  # noqa: E402

CHROMIUM = os.environ.get("HERNE_TUI_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
TEMPLATES = Path(__file__).resolve().parents[1] / "herne_tui" / "web" / "templates"
BOARD_MARKER = "Offen ("
BARE_MARKER = "Hallo Herne"

BARE_SERVER = """
import sys
from textual_serve.server import Server

command, port, templates = sys.argv[1], int(sys.argv[2]), sys.argv[3]
Server(command, host="127.0.0.1", port=port, templates_path=templates).serve()
"""

# textual-serve keeps its terminal private: catch it as it is built (the first ``fitAddon``
# assigned to an object with a ``terminal``, as tests/test_serve_browser.py does), then stamp
# the first parsed write after which the screen holds the marker, and the first frame xterm.js
# draws after it (epoch milliseconds).
CATCH_TERMINAL = """
const marker = MARKER;
window.__herneSeen = null;
window.__herneDrawn = null;
const now = () => performance.timeOrigin + performance.now();
const screenText = (t) => {
  const b = t.buffer.active, lines = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
};
Object.defineProperty(Object.prototype, "fitAddon", {
  configurable: true,
  get() { return undefined; },
  set(value) {
    Object.defineProperty(this, "fitAddon",
                          {value, writable: true, configurable: true, enumerable: true});
    if (this.terminal && this.terminal.buffer && !window.__herneTerminal) {
      const t = window.__herneTerminal = this.terminal;
      const check = () => {
        if (window.__herneSeen === null && screenText(t).includes(marker)) {
          window.__herneSeen = now();
          const drawn = t.onRender(() => {  // the next frame xterm.js draws: pixels
            if (window.__herneDrawn === null) { window.__herneDrawn = now(); }
            drawn.dispose();
          });
        }
      };
      if (t.onWriteParsed) { t.onWriteParsed(check); } else { setInterval(check, 5); }
    }
  },
});
"""

READ_SCREEN = """() => {
  const t = window.__herneTerminal;
  if (!t) { return null; }
  const b = t.buffer.active, lines = [];
  for (let i = 0; i < t.rows; i++) {
    const line = b.getLine(b.viewportY + i);
    lines.push(line ? line.translateToString(true) : "");
  }
  return lines.join("\\n");
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_members(pgid: int) -> list[int]:
    """Processes in the process group ``pgid`` (the server and the apps it started)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[2]) == pgid:
            pids.append(int(entry))
    return pids


def cmdline(pid: int) -> list[str]:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode() for a in f.read().split(b"\0") if a]
    except OSError:
        return []


class Served:
    """A server in its own process group; stopping it ends every app process it started."""

    def __init__(self, argv: list[str], port: int, env: dict, log: Path):
        self.url = f"http://127.0.0.1:{port}/"
        self.log = log
        with open(log, "wb") as out:
            self.proc = subprocess.Popen(
                argv, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        try:  # a server that never answers is stopped too (Ctrl+C included)
            self._wait_until_up(time.perf_counter() + 60)
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self, deadline: float) -> None:
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.url}: the server ended: {self.log.read_text()[-800:]}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as exc:  # up, but broken: no use waiting
                raise SystemExit(f"{self.url}: {exc}: {self.log.read_text()[-800:]}") from None
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise SystemExit(f"{self.url} does not answer: {self.log.read_text()[-800:]}")
            time.sleep(0.1)

    def apps(self) -> list[int]:
        """The app processes (not the shell textual-serve starts them through)."""
        return [
            pid
            for pid in group_members(self.proc.pid)
            if pid != self.proc.pid and cmdline(pid)[:1] != ["/bin/sh"]
        ]

    def wait_for_no_apps(self, timeout: float = 10.0) -> None:
        deadline = time.perf_counter() + timeout
        while set(group_members(self.proc.pid)) - {self.proc.pid}:
            if time.perf_counter() > deadline:
                for pid in group_members(self.proc.pid):
                    if pid != self.proc.pid:
                        with suppress(OSError):
                            os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.05)

    def stop(self) -> None:
        """Ctrl+C to the whole group, then SIGKILL to whatever of it is left (apps too)."""
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGINT)
        with suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()


@contextmanager
def served(argv: list[str], port: int, env: dict, log: Path):
    server = Served(argv, port, env, log)
    try:
        yield server
    finally:
        server.stop()


def first_paint(browser, server: Served, marker: str, timeout: float = 60.0) -> tuple[float, float]:
    """Seconds from ``page.goto`` to the first parsed write that puts ``marker`` on the
    terminal's screen, and to the first frame xterm.js draws after it, in a new browser
    context (a fresh app process)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        # only this machine: anything outside fails at once
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
        page = context.new_page()
        page.add_init_script(CATCH_TERMINAL.replace("MARKER", json.dumps(marker)))
        started = time.time() * 1000
        page.goto(server.url, wait_until="domcontentloaded")
        deadline = time.perf_counter() + timeout
        while None in (stamps := page.evaluate("[window.__herneSeen, window.__herneDrawn]")):
            if time.perf_counter() > deadline:
                raise TimeoutError(
                    f"{marker!r} not drawn within {timeout} s ({stamps}):\n"
                    f"{page.evaluate(READ_SCREEN)}"
                )
            time.sleep(0.05)
        seen, drawn = stamps
        return (seen - started) / 1000, (drawn - started) / 1000
    finally:
        context.close()
        server.wait_for_no_apps()


def quick_start_used(server: Served, browser) -> str:
    """Whether a tab's app process gets a target the quick start takes (a current SQLite
    file by plain path), read from the running process's command line."""
    from herne_tui.db.quickstart import quick_start

    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
        page = context.new_page()
        page.add_init_script(CATCH_TERMINAL.replace("MARKER", json.dumps(BOARD_MARKER)))
        page.goto(server.url, wait_until="domcontentloaded")
        deadline = time.perf_counter() + 60
        while not (apps := server.apps()) and time.perf_counter() < deadline:
            time.sleep(0.05)
        args = next((cmdline(p) for p in apps if "--db" in cmdline(p)), [])
        if not args:
            return "unknown (no app process seen)"
        target = args[args.index("--db") + 1]
        quick = quick_start(target, read_only=False, opener=lambda: None)
        return f"{'yes' if quick is not None else 'NO'} (--db {target})"
    finally:
        context.close()
        server.wait_for_no_apps()


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f}"


def main() -> None:
    args = bench_args(__doc__, "140,10000", 3)
    sizes = [int(s) for s in args.sizes.split(",")]
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        raise SystemExit(f"{CHROMIUM} not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Ctrl+C and a plain kill both unwind through the finally blocks (servers, browser)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    env = dict(os.environ, HERNE_TUI_USER="bench")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        tmp_path = Path(tmp)
        bare = tmp_path / "bare.py"
        bare.write_text(BARE_APP)
        bare_server = tmp_path / "bare_server.py"
        bare_server.write_text(BARE_SERVER)
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        stack.callback(browser.close)
        port = free_port()
        bare_command = f"{sys.executable} {bare}"
        bare_served = stack.enter_context(
            served(
                [sys.executable, str(bare_server), bare_command, str(port), str(TEMPLATES)],
                port,
                env,
                tmp_path / "bare.log",
            )
        )
        first_paint(browser, bare_served, BARE_MARKER)  # untimed: the browser's own first tab
        bare_times = [first_paint(browser, bare_served, BARE_MARKER) for _ in range(args.runs)]
        print(
            f"bare Textual app through textual-serve: first paint in a tab median "
            f"{median_ms([t[0] for t in bare_times])} ms "
            f"(min {min(t[0] for t in bare_times) * 1000:.0f}), "
            f"drawn {median_ms([t[1] for t in bare_times])} ms"
        )
        for n in sizes:
            db, built = bench_db(tmp_path, n, args.cache)
            argv = [sys.executable, "-m", "herne_tui", "serve", "--db", str(db)]
            port = free_port()
            argv += ["--port", str(port)]
            with served(argv, port, env, tmp_path / f"serve-{n}.log") as herne:
                quick = quick_start_used(herne, browser)  # untimed, also the server's first tab
                boards, bares = [], []
                for _ in range(args.runs):  # alternating, so both see the same load
                    bares.append(first_paint(browser, bare_served, BARE_MARKER))
                    boards.append(first_paint(browser, herne, BOARD_MARKER))
            board = statistics.median(t[0] for t in boards)
            drawn = statistics.median(t[1] for t in boards)
            bare_tab = statistics.median(t[0] for t in bares)
            bare_drawn = statistics.median(t[1] for t in bares)
            print(
                f"N={n:>6} (built in {built:.0f} s): first board in a tab {board * 1000:.0f} ms "
                f"({board / bare_tab:.2f}× bare tab), drawn {drawn * 1000:.0f} ms "
                f"({drawn / bare_drawn:.2f}× bare tab)\n"
                f"         bare tab in the same runs {bare_tab * 1000:.0f} ms, drawn "
                f"{bare_drawn * 1000:.0f} ms; board min {min(t[0] for t in boards) * 1000:.0f} "
                f"ms; quick start: {quick}"
            )


if __name__ == "__main__":
    main()
