"""The soak's browser: a signed-in session over urllib that alternates between the portal's
servers, times and classes every request, and reads forms and messages from the pages as a
browser would. Standard library only (urllib, http.cookiejar, html.parser).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import itertools
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Seconds a request may take before it counts as a connection error.
TIMEOUT = 120
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Hit:
    """One request as the client saw it."""

    kind: str
    method: str
    path: str
    port: int
    status: int  # 0: no answer (refused, reset, timed out)
    started: float  # seconds since the drive began
    ms: float
    expected: bool = False  # a 4xx the scenario expects (a save that meets a newer version)
    error: str = ""


class Recorder:
    """Every request of every session, in the order they ended."""

    def __init__(self) -> None:
        self.t0 = time.monotonic()
        self.hits: list[Hit] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def add(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)


@dataclass
class Response:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes
    started: float = 0.0
    ended: float = 0.0
    posted: list[tuple[str, str]] = field(default_factory=list)  # what the POST sent

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    @property
    def redirected(self) -> bool:
        return 300 <= self.status < 400

    def messages(self) -> list[tuple[str, str]]:
        """The flash messages on the page: (level, text), level success/danger/info/warning."""
        return [
            (level, re.sub(r"<[^>]+>", "", text).strip())
            for level, text in MESSAGE.findall(self.text)
        ]

    def succeeded(self) -> bool:
        levels = {level for level, _text in self.messages()}
        return "success" in levels and "danger" not in levels

    def form(self, form_id: str = "", action: str = "", field: str = "") -> Form | None:
        """The page's form with this id, or posting to a URL ending in `action`, or holding
        the control `field`."""
        for form in parse_forms(self.text):
            if (
                (form_id and form.id == form_id)
                or (action and form.action.endswith(action))
                or (field and field in form.names())
            ):
                return form
        return None


MESSAGE = re.compile(
    r'<div class="alert alert-(success|danger|info|warning) alert-dismissible[^>]*>(.*?)<button',
    re.S,
)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # every redirect is followed (and timed) by the session itself


class ConnectionFailed(Exception):
    """The server did not answer (refused, reset, timed out)."""


class Session:
    """One browser: its own cookies (hence its own sign-in), its requests spread over `ports`
    in turn. Each request is recorded with its kind; a redirect is followed as a page GET."""

    def __init__(self, recorder: Recorder, ports: list[int], *, offset: int = 0) -> None:
        self.recorder = recorder
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )
        self.ports = itertools.cycle(ports[offset % len(ports) :] + ports[: offset % len(ports)])

    def request(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        data: list[tuple[str, str]] | None = None,
        files: list[tuple[str, str, bytes, str]] | None = None,
        expect: tuple[int, ...] = (),
        timeout: float = TIMEOUT,
    ) -> Response:
        """Send one request to the next port; raise ConnectionFailed when nothing answers."""
        port = next(self.ports)
        url = f"http://{HOST}:{port}{path}"
        headers = {"User-Agent": "safecommunity-soak"}
        body = None
        if files is not None:
            body, content_type = multipart(data or [], files)
            headers["Content-Type"] = content_type
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = self.recorder.now()
        t0 = time.perf_counter()
        try:
            raw = self.opener.open(
                urllib.request.Request(url, data=body, headers=headers, method=method),
                timeout=timeout,
            )
        except urllib.error.HTTPError as answered:
            raw = answered  # 3xx (not followed), 4xx and 5xx still carry a response
        except (OSError, urllib.error.URLError) as failed:
            ms = (time.perf_counter() - t0) * 1000
            self.recorder.add(Hit(kind, method, path, port, 0, started, ms, error=repr(failed)))
            raise ConnectionFailed(f"{method} {path} on :{port}: {failed!r}") from failed
        try:
            content = raw.read()
        except (OSError, http.client.HTTPException) as failed:
            ms = (time.perf_counter() - t0) * 1000
            self.recorder.add(Hit(kind, method, path, port, 0, started, ms, error=repr(failed)))
            raise ConnectionFailed(f"{method} {path} on :{port}: {failed!r}") from failed
        finally:
            raw.close()
        ms = (time.perf_counter() - t0) * 1000
        status = raw.status if hasattr(raw, "status") else raw.code
        self.recorder.add(
            Hit(kind, method, path, port, status, started, ms, expected=status in expect)
        )
        headers_out = {key.lower(): value for key, value in raw.headers.items()}
        return Response(status, url, headers_out, content, started, self.recorder.now())

    def get(self, path: str, *, kind: str = "page") -> Response:
        return self.follow(self.request("GET", path, kind=kind))

    def post(
        self,
        path: str,
        data: list[tuple[str, str]],
        *,
        kind: str,
        files: list[tuple[str, str, bytes, str]] | None = None,
        expect: tuple[int, ...] = (),
        timeout: float = TIMEOUT,
    ) -> Response:
        """POST, then follow its redirect; the answer keeps the POST's status and location
        and the page it led to."""
        answer = self.request(
            "POST", path, kind=kind, data=data, files=files, expect=expect, timeout=timeout
        )
        if not answer.redirected:
            return answer
        page = self.follow(answer)
        return Response(
            answer.status,
            page.url,
            {**page.headers, "location": answer.location},
            page.body,
            answer.started,
            answer.ended,
        )

    def follow(self, response: Response, *, hops: int = 5) -> Response:
        while response.redirected and hops:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(response.url, response.location))
            path = target.path + (f"?{target.query}" if target.query else "")
            response = self.request("GET", path, kind="page")
            hops -= 1
        return response

    def sign_in(self, username: str, password: str) -> Response:
        """Through the real login form: its CSRF token from the page, then the POST."""
        page = self.get("/login/")
        form = page.form(field="password")
        if form is None:
            raise AssertionError(f"no login form for {username} ({page.status})")
        form.set("username", username)
        form.set("password", password)
        answer = self.post("/login/", form.fields(), kind="login")
        if answer.status != 302:
            raise AssertionError(f"sign-in of {username} refused ({answer.status})")
        return answer


def multipart(
    fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]
) -> tuple[bytes, str]:
    """A multipart/form-data body: (name, value) fields and (name, file name, bytes, type)."""
    boundary = f"----soak{uuid.uuid4().hex}"
    out = bytearray()
    for name, value in fields:
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += str(value).encode() + b"\r\n"
    for name, file_name, content, content_type in files:
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        out += content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out), f"multipart/form-data; boundary={boundary}"


# --- Forms --------------------------------------------------------------------------------------


@dataclass
class Form:
    """A form as a browser would submit it: its successful controls in document order."""

    id: str
    action: str
    method: str
    controls: list[list[str]] = field(default_factory=list)  # [name, value]
    options: dict[str, list[str]] = field(default_factory=dict)  # select name → option values

    def names(self) -> list[str]:
        return [name for name, _value in self.controls]

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.controls if key == name), None)

    def set(self, name: str, value: object) -> None:
        text = "" if value is None else str(value)
        for control in self.controls:
            if control[0] == name:
                control[1] = text
                return
        self.controls.append([name, text])

    def fields(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.controls]


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.textarea: list[str] | None = None
        self.select: str | None = None
        self.option: list[str] | None = None
        self.selected: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.current = Form(a.get("id", ""), a.get("action", ""), a.get("method", "get"))
            self.forms.append(self.current)
            return
        if self.current is None or (not a.get("name") and tag != "option"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.current.controls.append([a["name"], a.get("value", default)])
        elif tag == "textarea":
            self.current.controls.append([a["name"], ""])
            self.textarea = self.current.controls[-1]  # type: ignore[assignment]
        elif tag == "select":
            self.select = a["name"]
            self.selected.pop(self.select, None)
            self.current.options[self.select] = []
            self.current.controls.append([self.select, ""])
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.current.options[self.select].append(value)
            if "selected" in a or self.select not in self.selected:
                self.selected[self.select] = value
                self.current.controls[
                    next(i for i, c in enumerate(self.current.controls) if c[0] == self.select)
                ][1] = value

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "textarea":
            if self.textarea is not None and self.textarea[1].startswith("\n"):
                self.textarea[1] = self.textarea[1][1:]  # as browsers drop it
            self.textarea = None
        elif tag == "select":
            self.select = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms
