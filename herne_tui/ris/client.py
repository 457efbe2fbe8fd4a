"""HTTP for the OParl client: a polite ``httpx`` client with bounded retries and lenient JSON.

Politeness: a User-Agent naming herne-tui, at most ``rate`` requests per second, timeouts,
and never a file's contents (only the JSON objects are fetched). Spurious server errors (5xx,
429, a broken connection, a timeout) are retried with doubling waits a bounded number of
times. What a sloppy server does that the sync survives is noted once in ``Problems``;
anything else raises ``RisError``: one German line naming the URL and the reason.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from herne_tui import __version__
from herne_tui.errors import HerneError

USER_AGENT = f"herne-tui/{__version__}"

KEEP = "der bisherige Stand bleibt"
"""Said at the end of every fatal sync message: nothing was applied."""


class RisError(HerneError):
    """A sync that cannot go on; the mirror keeps its previous complete state."""


PROBLEMS = {
    "missing": "„N/A“ oder leerer Text statt eines Werts bei {where}",
    "not-list": "ein Objekt statt einer Liste bei {where}",
    "not-object": "eine Liste statt eines Objekts bei {where}",
    "control": "JSON mit unmaskierten Steuerzeichen",
    "retry": "vorübergehender Serverfehler ({where}), nach erneutem Versuch gelesen",
    "empty-404": "leere gefilterte Liste als HTTP 404 beantwortet",
    "unfetchable": "referenziertes Objekt nicht abrufbar ({where}); nur die URL bleibt",
    "date": "Wert bei {where} ist kein gültiges Datum laut OParl; angepasst oder leer",
    "mime": "mimeType bei {where} ist kein MIME-Typ; als Text behalten",
    "no-id": "Objekt ohne id bei {where} übergangen",
    "bare-list": "Liste ohne data/links-Hülle",
    "lost-filter": "nächste Listenseite ohne modified_since; Filter wieder angehängt",
    "bodies": "System nennt {where} Körperschaften; abgeglichen wird die erste",
    "too-many-refs": "mehr fehlende referenzierte Objekte als {where}; der Rest bleibt URL",
}
"""What a sloppy server did (case → German text with ``{where}``)."""


@dataclass
class Problems:
    """Each kind of problem in each place is logged once: its first URL and how often."""

    seen: dict[tuple[str, str], list] = field(default_factory=dict)

    def note(self, case: str, url: str, where: str = "") -> None:
        """Record that ``case`` happened at ``url`` (``where`` names the field or status)."""
        entry = self.seen.get((case, where))
        if entry is None:
            self.seen[(case, where)] = [url, 1]
        else:
            entry[1] += 1

    def lines(self) -> list[str]:
        """One German line per kind and place, with the first URL and the count of others."""
        out = []
        for (case, where), (url, count) in self.seen.items():
            text = PROBLEMS[case].format(where=where)
            more = f" (und {count - 1} weitere)" if count > 1 else ""
            out.append(f"{text}: {url}{more}")
        return out

    def cases(self) -> set[str]:
        """The kinds of problem seen (for tests and summaries)."""
        return {case for case, _ in self.seen}


@dataclass(frozen=True)
class Politeness:
    """How hard the client may press a server."""

    rate: float = 5.0
    """Requests per second at most."""
    timeout: float = 30.0
    retries: int = 3
    """Further tries after a spurious error (so ``retries + 1`` requests at most)."""
    backoff: float = 1.0
    """Seconds before the first retry; doubled for each further one."""
    max_pages: int = 5_000
    """Pages one list may have; more means a looping or broken server."""


def _reason(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "keine Antwort (Zeitüberschreitung)"
    if isinstance(exc, httpx.ConnectError):
        return "Verbindung fehlgeschlagen (Adresse und Netz prüfen)"
    return f"Verbindung abgebrochen ({type(exc).__name__})"


class Client:
    """GET OParl JSON politely; count requests; follow list pages."""

    def __init__(
        self,
        problems: Problems,
        politeness: Politeness | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.problems = problems
        self.polite = politeness or Politeness()
        self.requests = 0
        self._sleep = sleep
        self._last = 0.0
        self.http = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=httpx.Timeout(self.polite.timeout, connect=min(10.0, self.polite.timeout)),
            follow_redirects=True,
        )

    def close(self) -> None:
        """Close the connections."""
        self.http.close()

    def _wait_turn(self) -> None:
        gap = 1.0 / self.polite.rate if self.polite.rate > 0 else 0.0
        wait = self._last + gap - time.monotonic()
        if wait > 0:
            self._sleep(wait)
        self._last = time.monotonic()

    def _send(self, url: str, params: dict | None) -> httpx.Response:
        """One GET, retried on spurious errors; raises RisError when every try failed."""
        reason = ""
        for attempt in range(self.polite.retries + 1):
            if attempt:
                self._sleep(self.polite.backoff * 2 ** (attempt - 1))
            self._wait_turn()
            self.requests += 1
            try:
                response = self.http.get(url, params=params)
            except httpx.HTTPError as exc:
                reason = _reason(exc)
                continue
            if response.status_code >= 500 or response.status_code == 429:
                reason = f"HTTP {response.status_code}"
                continue
            if attempt:
                self.problems.note("retry", str(response.url), reason)
            return response
        shown = str(httpx.URL(url).copy_merge_params(params)) if params else url
        raise RisError(f"{shown}: {reason}, auch nach {self.polite.retries + 1} Versuchen; {KEEP}")

    def get(self, url: str, params: dict | None = None, *, missing_ok: bool = False) -> Any:
        """The JSON at ``url`` (None for a 404 when ``missing_ok``); RisError otherwise."""
        response = self._send(url, params)
        shown = str(response.url)
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400:
            raise RisError(f"{shown}: HTTP {response.status_code}; {KEEP}")
        return decode(response, shown, self.problems)

    def pages(self, url: str, params: dict | None = None) -> Iterator[tuple[list, int | None]]:
        """Each page's data and the page count the server announces, following ``links.next``.

        A page seen twice is a loop, more than ``max_pages`` pages a broken server: both end
        the sync. A filtered list answered with 404 is an empty list.
        """
        seen: set[str] = set()
        current: str | None = str(httpx.URL(url).copy_merge_params(params)) if params else url
        while current:
            if current in seen:
                raise RisError(
                    f"{current}: der Server liefert diese Listenseite ein zweites Mal "
                    f"(Schleife in links.next); {KEEP}"
                )
            seen.add(current)
            if len(seen) > self.polite.max_pages:
                raise RisError(f"{url}: mehr als {self.polite.max_pages} Listenseiten; {KEEP}")
            page = self.get(current, missing_ok=bool(params))
            if page is None:
                self.problems.note("empty-404", current)
                return
            data, following, total = read_page(page, current, self.problems)
            yield data, total
            current = _keep_filter(following, params, self.problems)


def _keep_filter(following: str | None, params: dict | None, problems: Problems) -> str | None:
    if not following or not params:
        return following
    link = httpx.URL(following)
    missing = {k: v for k, v in params.items() if k not in link.params}
    if not missing:
        return following
    problems.note("lost-filter", following)
    return str(link.copy_merge_params(missing))


def decode(response: httpx.Response, url: str, problems: Problems) -> Any:
    """The response's JSON; unescaped control characters are tolerated, HTML is not."""
    text = response.text
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml") or text.lstrip()[:1] == "<":
        raise RisError(f"{url}: keine OParl-Antwort (HTML statt JSON); {KEEP}")
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    try:
        value = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        raise RisError(
            f"{url}: keine gültige JSON-Antwort ({exc.msg}, Zeile {exc.lineno}); {KEEP}"
        ) from None
    problems.note("control", url)
    return value


def read_page(page: Any, url: str, problems: Problems) -> tuple[list, str | None, int | None]:
    """A list page's objects, its ``links.next`` and the announced number of pages."""
    if isinstance(page, list):
        problems.note("bare-list", url)
        return page, None, None
    if not isinstance(page, dict):
        raise RisError(f"{url}: keine OParl-Liste; {KEEP}")
    if "data" not in page:
        if page.get("id") and page.get("type"):  # one object where a list belongs
            problems.note("not-list", url, "Liste")
            return [page], None, None
        raise RisError(f"{url}: keine OParl-Liste (Feld „data“ fehlt); {KEEP}")
    data = page["data"]
    if isinstance(data, dict):
        problems.note("not-list", url, "data")
        data = [data]
    elif not isinstance(data, list):
        data = []
    links = page.get("links")
    following = links.get("next") if isinstance(links, dict) else None
    pagination = page.get("pagination")
    total = pagination.get("totalPages") if isinstance(pagination, dict) else None
    following = following if isinstance(following, str) else None
    return data, following or None, total if isinstance(total, int) else None
