"""Fetching over real HTTP: conditional GET, redirects, 410, caps, timeouts, broken servers.

Every test starts a stdlib ThreadingHTTPServer on 127.0.0.1 (port 0) in a background thread;
its routes are plain data (a status, headers and a body) or small functions of the request,
and it records the path and headers of every request it gets, so that the tests can assert
what `catalog` actually sent. The CLI runs in process through the `cli` fixture.
"""

from __future__ import annotations

import gzip
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from catalog.core.errors import FetchError
from catalog.sources.fetch import FetchSettings, fetch

# --------------------------------------------------------------------------- the server


@dataclass
class Reply:
    """One response. `raw` bytes are written as they are (for broken servers)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


@dataclass
class Seen:
    """One request the server received (header names lower-cased)."""

    path: str
    headers: dict[str, str]


Route = Reply | Callable[[Seen], Reply]


class FeedServer:
    """The state behind one test server: routes by path, and a log of the requests."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self.stop = threading.Event()  # set at teardown: wakes up handlers that are waiting
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def record(self, seen: Seen) -> Route | None:
        with self._lock:
            self.requests.append(seen)
            return self.routes.get(seen.path)

    def feed(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve `body` at `path` with validators, answering 304 like a careful server."""
        validators = {
            k: v
            for k, v in (("ETag", etag), ("Last-Modified", last_modified), *(headers or {}).items())
            if v is not None
        }

        def route(req: Seen) -> Reply:
            inm = req.headers.get("if-none-match")
            ims = req.headers.get("if-modified-since")
            # RFC 9110 13.2.2: If-Modified-Since only counts when If-None-Match is absent.
            if (etag and inm == etag) or (inm is None and last_modified and ims == last_modified):
                return Reply(304, headers=dict(validators))
            return Reply(200, body, {"Content-Type": "application/rss+xml", **validators})

        self.routes[path] = route

    def redirect(self, path: str, code: int, target: str) -> None:
        self.routes[path] = Reply(code, headers={"Location": target})


class _Handler(BaseHTTPRequestHandler):
    server: Any  # a ThreadingHTTPServer carrying `.app`, the FeedServer

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        app: FeedServer = self.server.app
        seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
        route = app.record(seen)
        if route is None:
            reply = Reply(404, b"not here\n")
        else:
            reply = route(seen) if callable(route) else route
        try:
            if reply.raw is not None:
                self.wfile.write(reply.raw)
                return
            self.send_response(reply.status)
            headers = dict(reply.headers)
            if reply.status != 304:
                headers.setdefault("Content-Length", str(len(reply.body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except OSError:  # the client gave up (a timeout test): nothing to answer
            pass


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib honours $http_proxy; requests to the test server must go straight to it.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A live HTTP server on 127.0.0.1; `.base` is its URL. Shut down after the test."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    host, port = httpd.server_address[:2]
    app = FeedServer(f"http://{host}:{port}")
    httpd.app = app  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield app
    finally:
        app.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- feeds and helpers

LM_1 = "Mon, 01 Jan 2024 10:00:00 GMT"
LM_2 = "Tue, 02 Jan 2024 10:00:00 GMT"


def rss(
    guids: Sequence[int], *, title: str = "HTTP Show", channel_extra: str = "", pad: int = 0
) -> bytes:
    """A small podcast feed with one item per number (guid `ep-N`, published Jan N 2024)."""
    items = "".join(
        f"""
    <item>
      <guid isPermaLink="false">ep-{n}</guid>
      <title>Episode {n}</title>
      <pubDate>{n:02d} Jan 2024 10:00:00 GMT</pubDate>
      <enclosure url="https://media.example/ep-{n}.mp3" length="1000" type="audio/mpeg"/>
    </item>"""
        for n in guids
    )
    padding = f"<description>{'x' * pad}</description>" if pad else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd">
  <channel>
    <title>{title}</title>
    <link>https://show.example/</link>
    {padding}{channel_extra}{items}
  </channel>
</rss>
""".encode()


def opml(*urls: str) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="f{i}" xmlUrl="{u}"/>' for i, u in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><opml version="2.0"><head><title>subs</title>'
        f"</head><body>{outlines}</body></opml>"
    ).encode()


def output(result: Any) -> str:
    return str(result.stdout) + str(result.stderr)


def clean_failure(result: Any) -> str:
    """Assert exit 1 without a crash, and return the one `error:` line of the output."""
    text = output(result)
    assert result.exit_code == 1, text
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in text
    errors = [line for line in text.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, text
    return errors[0]


def shows(cli: Any) -> list[dict[str, Any]]:
    return list(cli.json("shows"))


def guids(cli: Any) -> dict[str, dict[str, Any]]:
    return {e["guid"]: e for e in cli.json("list")}


# --------------------------------------------------------------------------- 1. conditional GET


def test_ingest_stores_validators_and_refresh_gets_304(cli: Any, server: FeedServer) -> None:
    server.feed("/feed.xml", rss([1, 2]), etag='"v1"', last_modified=LM_1)
    url = server.url("/feed.xml")

    cli("ingest", url)
    [show] = shows(cli)
    assert (show["feed_url"], show["etag"], show["last_modified"]) == (url, '"v1"', LM_1)
    assert show["episode_count"] == 2
    first = server.hits("/feed.xml")[0].headers
    assert "if-none-match" not in first
    assert "if-modified-since" not in first
    before_eps = cli.json("list")

    report = cli.json("refresh")
    assert report["failed"] == 0
    [row] = report["sources"]
    assert (row["status"], row["source"], row["show_id"]) == ("not-modified", url, show["id"])
    assert (row["new"], row["absent"]) == (0, 0)
    sent = server.hits("/feed.xml")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == LM_1

    # the human report says so too, and nothing is lost or duplicated
    assert "unchanged (304)" in cli("refresh").stdout
    [again] = shows(cli)
    assert {k: again[k] for k in ("id", "feed_url", "etag", "last_modified", "status")} == {
        "id": show["id"],
        "feed_url": url,
        "etag": '"v1"',
        "last_modified": LM_1,
        "status": "ok",
    }
    assert again["episode_count"] == 2
    assert cli.json("list") == before_eps


def test_reingesting_the_same_url_is_conditional_too(cli: Any, server: FeedServer) -> None:
    server.feed("/feed.xml", rss([1]), last_modified=LM_1)  # Last-Modified only, no ETag
    url = server.url("/feed.xml")
    cli("ingest", url)
    report = cli.json("ingest", url)
    assert report["sources"][0]["status"] == "not-modified"
    sent = server.hits("/feed.xml")[1].headers
    assert sent["if-modified-since"] == LM_1
    assert "if-none-match" not in sent
    assert len(shows(cli)) == 1


# --------------------------------------------------------------------------- 2. changed feed


def test_changed_feed_adds_new_and_marks_removed_absent(cli: Any, server: FeedServer) -> None:
    server.feed("/feed.xml", rss([1, 2]), etag='"v1"', last_modified=LM_1)
    cli("ingest", server.url("/feed.xml"))

    server.feed("/feed.xml", rss([2, 3]), etag='"v2"', last_modified=LM_2)
    report = cli.json("refresh")
    [row] = report["sources"]
    assert (row["status"], row["new"], row["unchanged"], row["absent"]) == ("ok", 1, 1, 1)
    assert server.hits("/feed.xml")[1].headers["if-none-match"] == '"v1"'

    eps = guids(cli)
    assert sorted(eps) == ["ep-1", "ep-2", "ep-3"]
    assert eps["ep-1"]["absent_since"] is not None  # gone from the feed, kept in the catalog
    assert eps["ep-2"]["absent_since"] is None
    assert eps["ep-3"]["absent_since"] is None
    [show] = shows(cli)
    assert (show["etag"], show["last_modified"]) == ('"v2"', LM_2)

    # the next refresh is a 304 against the new validators, and changes nothing
    assert cli.json("refresh")["sources"][0]["status"] == "not-modified"
    assert server.hits("/feed.xml")[2].headers["if-none-match"] == '"v2"'
    assert guids(cli) == eps


# --------------------------------------------------------------------------- 3. redirects


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_on_ingest_moves_feed_url(
    cli: Any, server: FeedServer, code: int
) -> None:
    server.redirect("/old.xml", code, "/new.xml")  # a relative Location
    server.feed("/new.xml", rss([1, 2]), etag='"n1"')
    old, new = server.url("/old.xml"), server.url("/new.xml")

    result = cli("ingest", old)
    assert f"feed moved to {new}" in result.stderr
    [show] = shows(cli)
    assert show["feed_url"] == new
    assert set(show["sources"]) == {old, new}

    assert cli.json("refresh")["sources"][0]["status"] == "not-modified"
    assert len(server.hits("/old.xml")) == 1  # refresh went straight to the new URL
    assert server.hits("/new.xml")[-1].headers["if-none-match"] == '"n1"'
    assert shows(cli)[0]["episode_count"] == 2


@pytest.mark.parametrize("code", [301, 308])
@pytest.mark.parametrize("changed", [False, True], ids=["moved-304", "moved-200"])
def test_permanent_redirect_on_refresh_moves_feed_url(
    cli: Any, server: FeedServer, code: int, changed: bool
) -> None:
    server.feed("/feed.xml", rss([1]), etag='"v1"')
    old, new = server.url("/feed.xml"), server.url("/moved.xml")
    cli("ingest", old)

    server.redirect("/feed.xml", code, new)
    server.feed(
        "/moved.xml", rss([1, 2]) if changed else rss([1]), etag='"v2"' if changed else '"v1"'
    )
    [row] = cli.json("refresh")["sources"]
    assert row["status"] == ("ok" if changed else "not-modified")
    assert row["new"] == (1 if changed else 0)
    assert f"feed moved to {new}" in row["warnings"]
    [show] = shows(cli)
    assert show["feed_url"] == new
    assert show["episode_count"] == (2 if changed else 1)

    cli("refresh")
    assert len(server.hits("/feed.xml")) == 2  # the ingest and the refresh that moved it
    assert len(server.hits("/moved.xml")) == 2


@pytest.mark.parametrize("codes", [(302,), (307,), (301, 307)], ids=["302", "307", "301-then-307"])
def test_temporary_redirect_does_not_move_feed_url(
    cli: Any, server: FeedServer, codes: tuple[int, ...]
) -> None:
    paths = [f"/hop{i}.xml" for i in range(len(codes))] + ["/target.xml"]
    for path, code, target in zip(paths, codes, paths[1:], strict=False):
        server.redirect(path, code, server.url(target))
    server.feed("/target.xml", rss([1]), etag='"t1"')
    start = server.url(paths[0])

    result = cli("ingest", start)
    assert "moved" not in result.output
    [show] = shows(cli)
    assert show["feed_url"] == start

    assert cli.json("refresh")["sources"][0]["status"] == "not-modified"
    assert len(server.hits(paths[0])) == 2  # refresh still starts at the stored URL
    assert server.hits("/target.xml")[-1].headers["if-none-match"] == '"t1"'
    assert shows(cli)[0]["feed_url"] == start


def test_five_redirects_are_followed(cli: Any, server: FeedServer) -> None:
    for i in range(5):
        server.redirect(f"/r{i}", 301, f"/r{i + 1}")
    server.routes["/r5"] = Reply(200, rss([1]))
    cli("ingest", server.url("/r0"))
    assert shows(cli)[0]["feed_url"] == server.url("/r5")


# --------------------------------------------------------------------------- 4. new-feed-url


def test_itunes_new_feed_url_moves_the_show(cli: Any, server: FeedServer) -> None:
    old, new = server.url("/old.xml"), server.url("/new.xml")
    moved = f"<itunes:new-feed-url>{new}</itunes:new-feed-url>"
    server.feed("/old.xml", rss([1, 2], channel_extra=moved), etag='"old"')
    server.feed("/new.xml", rss([1, 2, 3]), etag='"new"')

    result = cli("ingest", old)
    assert f"feed moved to {new}" in result.stderr
    [show] = shows(cli)
    assert show["feed_url"] == new
    assert old in show["sources"]
    assert not server.hits("/new.xml")  # moving is bookkeeping; the next refresh fetches

    [row] = cli.json("refresh")["sources"]
    assert (row["source"], row["status"], row["new"], row["unchanged"]) == (new, "ok", 1, 2)
    assert len(server.hits("/old.xml")) == 1
    assert len(server.hits("/new.xml")) == 1
    [show] = shows(cli)
    assert (show["feed_url"], show["etag"], show["episode_count"]) == (new, '"new"', 3)


def test_malformed_new_feed_url_is_ignored(cli: Any, server: FeedServer) -> None:
    bad = "<itunes:new-feed-url>http://[oops/feed.xml</itunes:new-feed-url>"
    server.feed("/feed.xml", rss([1], channel_extra=bad))
    cli("ingest", server.url("/feed.xml"))
    assert shows(cli)[0]["feed_url"] == server.url("/feed.xml")


def test_first_fetch_after_new_feed_url_is_unconditional(cli: Any, server: FeedServer) -> None:
    old, new = server.url("/old.xml"), server.url("/new.xml")
    moved = f"<itunes:new-feed-url>{new}</itunes:new-feed-url>"
    # The old host changed its feed (adding the tag) on May 1; the new host set up its copy,
    # with one more episode, on April 1. Neither sends an ETag.
    server.feed(
        "/old.xml", rss([1], channel_extra=moved), last_modified="Wed, 01 May 2024 00:00:00 GMT"
    )
    new_modified = "Mon, 01 Apr 2024 00:00:00 GMT"

    def new_host(req: Seen) -> Reply:
        # Like Apache or Python's http.server: 304 when not modified *since* the given date.
        ims = req.headers.get("if-modified-since")
        if ims and parsedate_to_datetime(ims) >= parsedate_to_datetime(new_modified):
            return Reply(304)
        return Reply(200, rss([1, 2]), {"Last-Modified": new_modified})

    server.routes["/new.xml"] = new_host
    cli("ingest", old)
    cli("refresh")
    assert "if-modified-since" not in server.hits("/new.xml")[0].headers
    assert "ep-2" in guids(cli)


# --------------------------------------------------------------------------- 5. 410 Gone


def test_gone_feed_keeps_episodes_and_is_not_fetched_again(cli: Any, server: FeedServer) -> None:
    server.feed("/feed.xml", rss([1, 2]), etag='"v1"')
    cli("ingest", server.url("/feed.xml"))
    before = cli.json("list")

    server.routes["/feed.xml"] = Reply(410, b"gone\n")
    report = cli.json("refresh")
    assert report["failed"] == 0
    [row] = report["sources"]
    assert row["status"] == "gone"
    assert any("410" in w for w in row["warnings"])
    [show] = shows(cli)
    assert (show["status"], show["episode_count"]) == ("gone", 2)
    assert cli.json("list") == before

    hits = len(server.hits("/feed.xml"))
    [row] = cli.json("refresh")["sources"]
    assert row["status"] == "gone"
    assert len(server.hits("/feed.xml")) == hits  # not fetched again
    assert cli.json("list") == before


def test_ingesting_an_unknown_gone_url_is_an_error(cli: Any, server: FeedServer) -> None:
    server.routes["/gone.xml"] = Reply(410)
    line = clean_failure(cli("ingest", server.url("/gone.xml"), code=None))
    assert line == f"error: {server.url('/gone.xml')}: HTTP 410 Gone"
    assert shows(cli) == []


# --------------------------------------------------------------------------- 6. errors


def test_404_does_not_stop_the_batch(cli: Any, server: FeedServer) -> None:
    server.feed("/good.xml", rss([1, 2]))
    bad = server.url("/missing.xml")
    line = clean_failure(cli("ingest", bad, server.url("/good.xml"), code=None))
    assert line == f"error: {bad}: HTTP 404 Not Found"
    [show] = shows(cli)
    assert (show["feed_url"], show["episode_count"]) == (server.url("/good.xml"), 2)

    report = cli.json("ingest", bad, server.url("/good.xml"), code=1)
    assert [(r["status"], r["unchanged"]) for r in report["sources"]] == [("error", 0), ("ok", 2)]
    assert report["failed"] == 1


def test_refresh_error_keeps_the_show_and_says_why(cli: Any, server: FeedServer) -> None:
    server.feed("/feed.xml", rss([1]))
    cli("ingest", server.url("/feed.xml"))
    server.routes["/feed.xml"] = Reply(500, b"oops")
    line = clean_failure(cli("refresh", code=None))
    assert "HTTP 500" in line
    [show] = shows(cli)
    assert show["status"] == "error"
    assert "HTTP 500" in show["last_error"]
    assert show["episode_count"] == 1


def test_body_over_the_size_cap_is_refused(cli: Any, server: FeedServer) -> None:
    big = rss([1], pad=1024 * 1024 + 10)
    assert len(big) > 1024 * 1024
    server.routes["/big.xml"] = Reply(200, big)
    url = server.url("/big.xml")
    line = clean_failure(cli("ingest", "--max-mb", "1", url, code=None))
    assert line == f"error: {url}: response is over the 1048576-byte cap"
    assert shows(cli) == []
    cli("ingest", "--max-mb", "2", url)  # the cap, not the feed, was the problem
    assert len(shows(cli)) == 1


def test_gzip_bomb_is_refused_at_the_cap(cli: Any, server: FeedServer) -> None:
    bomb = gzip.compress(rss([1], pad=2 * 1024 * 1024))
    assert len(bomb) < 64 * 1024
    server.routes["/bomb.xml"] = Reply(200, bomb, {"Content-Encoding": "gzip"})
    line = clean_failure(cli("ingest", "--max-mb", "1", server.url("/bomb.xml"), code=None))
    assert "decompressed response is over the 1048576-byte cap" in line


@pytest.mark.parametrize(
    ("encoding", "compress"), [("gzip", gzip.compress), ("deflate", zlib.compress)]
)
def test_compressed_body_is_decoded(
    cli: Any, server: FeedServer, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    server.routes["/z.xml"] = Reply(200, compress(rss([1, 2])), {"Content-Encoding": encoding})
    cli("ingest", server.url("/z.xml"))
    assert "gzip" in server.hits("/z.xml")[0].headers["accept-encoding"]
    assert sorted(e["title"] for e in cli.json("list")) == ["Episode 1", "Episode 2"]


def test_redirect_loop_fails_cleanly(cli: Any, server: FeedServer) -> None:
    server.redirect("/loop.xml", 302, "/loop.xml")
    server.feed("/good.xml", rss([1]))
    url = server.url("/loop.xml")
    line = clean_failure(cli("ingest", url, server.url("/good.xml"), code=None))
    assert line == f"error: {url}: more than 5 redirects"
    assert len(server.hits("/loop.xml")) == 6  # the first request and 5 redirects
    assert len(shows(cli)) == 1


def test_unsupported_scheme_on_the_command_line(cli: Any) -> None:
    line = clean_failure(cli("ingest", "ftp://x/y", code=None))
    assert line == "error: ftp://x/y: unsupported scheme 'ftp' (only files and http(s))"


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://x/y"])
def test_redirect_to_another_scheme_is_refused(cli: Any, server: FeedServer, target: str) -> None:
    server.redirect("/feed.xml", 302, target)
    line = clean_failure(cli("ingest", server.url("/feed.xml"), code=None))
    assert f"refusing to fetch non-http(s) location {target!r}" in line
    assert shows(cli) == []


def test_remote_opml_children_resolve_and_bad_schemes_fail(cli: Any, server: FeedServer) -> None:
    server.feed("/feeds/a.xml", rss([1], title="A"))
    server.feed("/b.xml", rss([2], title="B"))
    server.routes["/subs/list.opml"] = Reply(
        200, opml("../feeds/a.xml", "ftp://x/y", server.url("/b.xml"))
    )
    result = cli("ingest", server.url("/subs/list.opml"), code=None)
    assert clean_failure(result).startswith("error: ftp://x/y: ")  # named, one line
    assert sorted(s["feed_url"] for s in shows(cli)) == [
        server.url("/b.xml"),
        server.url("/feeds/a.xml"),
    ]


def test_remote_opml_cannot_read_local_files(cli: Any, server: FeedServer, tmp_path: Path) -> None:
    secret = tmp_path / "local.xml"
    secret.write_bytes(rss([1], title="Local file"))
    server.routes["/list.opml"] = Reply(200, opml(secret.as_uri()))
    result = cli("ingest", server.url("/list.opml"), code=None)
    assert shows(cli) == []
    assert secret.as_uri() in clean_failure(result)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"garbage\r\n\r\n", "bad HTTP response (BadStatusLine: garbage)"),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3e8\r\n<rss>",
            "the response ended early",
        ),
        (
            b"HTTP/1.0 200 OK\r\nContent-Encoding: gzip\r\n\r\n" + gzip.compress(rss([1]))[:100],
            "the gzip body is truncated",
        ),
    ],
    ids=["bad-status-line", "chunked-cut", "gzip-cut"],
)
def test_broken_responses_fail_cleanly(
    cli: Any, server: FeedServer, raw: bytes, message: str
) -> None:
    server.routes["/broken.xml"] = Reply(raw=raw)
    server.feed("/good.xml", rss([1]))
    url = server.url("/broken.xml")
    line = clean_failure(cli("ingest", url, server.url("/good.xml"), code=None))
    assert line.startswith(f"error: {url}: {message}")
    assert len(shows(cli)) == 1


def test_cut_off_body_does_not_mark_episodes_absent(cli: Any, server: FeedServer) -> None:
    full = rss(range(1, 21))
    server.routes["/feed.xml"] = Reply(200, full)
    cli("ingest", server.url("/feed.xml"))
    # the server promises the whole feed but the connection drops half way
    server.routes["/feed.xml"] = Reply(
        200, full[: len(full) // 2], {"Content-Length": str(len(full))}
    )
    line = clean_failure(cli("refresh", code=None))
    assert f"the response ended early ({len(full) // 2} of {len(full)} bytes)" in line
    eps = guids(cli)
    assert len(eps) == 20
    assert all(e["absent_since"] is None for e in eps.values())


def test_invalid_port_fails_cleanly(cli: Any, server: FeedServer) -> None:
    server.feed("/good.xml", rss([1]))
    line = clean_failure(
        cli("ingest", "http://127.0.0.1:abc/x.xml", server.url("/good.xml"), code=None)
    )
    assert "nonnumeric port" in line
    assert len(shows(cli)) == 1


@pytest.mark.parametrize("where", ["argument", "opml"])
def test_unparseable_url_does_not_stop_the_batch(cli: Any, server: FeedServer, where: str) -> None:
    server.feed("/good.xml", rss([1]))
    bad = "http://[::1/feed.xml"
    if where == "argument":
        result = cli("ingest", bad, server.url("/good.xml"), code=None)
    else:
        server.routes["/list.opml"] = Reply(200, opml(bad, server.url("/good.xml")))
        result = cli("ingest", server.url("/list.opml"), code=None)
    assert bad in clean_failure(result)
    assert len(shows(cli)) == 1


def test_fetch_directly_reports_validators_and_permanent_url(server: FeedServer) -> None:
    server.redirect("/a", 308, "/b")
    server.feed("/b", rss([1]), etag='"e"', last_modified=LM_1)
    settings = FetchSettings(timeout=5)
    got = fetch(server.url("/a"), settings)
    assert (got.status, got.final_url, got.permanent_url) == (
        "ok",
        server.url("/b"),
        server.url("/b"),
    )
    assert (got.etag, got.last_modified) == ('"e"', LM_1)
    assert got.data == rss([1])
    again = fetch(server.url("/a"), settings, etag='"e"')
    assert (again.status, again.data, again.permanent_url) == (
        "not-modified",
        b"",
        server.url("/b"),
    )
    with pytest.raises(FetchError, match="more than 0 redirects"):
        fetch(server.url("/a"), FetchSettings(timeout=5, max_redirects=0))


# --------------------------------------------------------------------------- 7. timeouts


def test_server_that_never_answers_times_out(cli: Any, server: FeedServer) -> None:
    def stall(_req: Seen) -> Reply:
        server.stop.wait(3)  # released at teardown, so the test does not wait it out
        return Reply(200, rss([1]))

    server.routes["/slow.xml"] = stall
    server.feed("/good.xml", rss([1]))
    url = server.url("/slow.xml")
    started = time.monotonic()
    result = cli("ingest", "--timeout", "1", url, server.url("/good.xml"), code=None)
    elapsed = time.monotonic() - started
    assert elapsed < 2.5
    assert clean_failure(result) == f"error: {url}: timed out"
    assert len(shows(cli)) == 1
