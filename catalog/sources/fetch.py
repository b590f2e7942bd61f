"""Adapter: get the bytes of a source (local file or http(s) URL) safely.

Never hands a location to feedparser (which would open paths and URLs itself): we read the
bytes here with timeouts, a size cap, http(s) only, a redirect limit and conditional GET.
"""

from __future__ import annotations

import gzip
import http.client
import os
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Literal

from catalog import __version__
from catalog.core.errors import FetchError

USER_AGENT = f"catalog/{__version__} (+offline podcast catalog)"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class FetchSettings:
    """Limits for one fetch; passed in, never global."""

    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = MAX_REDIRECTS


@dataclass
class FetchResult:
    """What a fetch produced.

    `status` is "ok", "not-modified" (HTTP 304) or "gone" (HTTP 410). `final_url` is the URL
    the bytes came from; `permanent_url` is set when every redirect on the way was permanent
    (301/308), so the stored feed URL should move there.
    """

    location: str
    status: Literal["ok", "not-modified", "gone"]
    data: bytes = b""
    final_url: str | None = None
    permanent_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def is_url(location: str) -> bool:
    """True for an http(s) URL (the only schemes we fetch); False for what cannot be parsed."""
    try:
        scheme = urllib.parse.urlsplit(location).scheme
    except ValueError:  # e.g. "http://[::1/", an unclosed IPv6 bracket
        return False
    return scheme.lower() in {"http", "https"}


def _one_line(exc: object) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def read_file(path: Path, settings: FetchSettings) -> FetchResult:
    """Read a local source, refusing files over the size cap."""
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise FetchError(f"{path}: {size} bytes is over the {settings.max_bytes}-byte cap")
        with path.open("rb") as fh:
            data = fh.read(settings.max_bytes + 1)
    except FileNotFoundError:
        raise FetchError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FetchError(f"{path}: is a folder") from None
    except OSError as exc:
        raise FetchError(f"{path}: {exc.strerror or exc}") from exc
    return FetchResult(location=str(path), status="ok", data=data, final_url=None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let 3xx responses surface so that we follow (and judge) redirects ourselves."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: object,
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch_url(
    url: str,
    settings: FetchSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET an http(s) URL with conditional headers, following at most N redirects."""
    current = url
    permanent = True
    for _hop in range(settings.max_redirects + 1):
        if not is_url(current):
            raise FetchError(f"{url}: refusing to fetch non-http(s) location {current!r}")
        headers = {
            "User-Agent": USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "application/rss+xml, application/atom+xml, application/xml, "
            "text/xml;q=0.9, */*;q=0.8",
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        request = urllib.request.Request(current, headers=headers, method="GET")
        try:
            response = _OPENER.open(request, timeout=settings.timeout)
        except urllib.error.HTTPError as exc:
            code = exc.code
            if code in {301, 302, 303, 307, 308}:
                target = exc.headers.get("Location")
                exc.close()
                if not target:
                    raise FetchError(
                        f"{current}: HTTP {code} redirect without a Location"
                    ) from None
                permanent = permanent and code in {301, 308}
                try:
                    current = urllib.parse.urljoin(current, target)
                except ValueError:
                    raise FetchError(
                        f"{current}: HTTP {code} redirect to an invalid URL {target!r}"
                    ) from None
                continue
            exc.close()
            if code == 304:
                return FetchResult(
                    location=url,
                    status="not-modified",
                    final_url=current,
                    permanent_url=current if permanent and current != url else None,
                    etag=etag,
                    last_modified=last_modified,
                )
            if code == 410:
                return FetchResult(location=url, status="gone", final_url=current)
            raise FetchError(f"{current}: HTTP {code} {exc.reason}") from None
        except urllib.error.URLError as exc:
            raise FetchError(f"{current}: {exc.reason}") from None
        except http.client.HTTPException as exc:  # a bad status line, URL or headers
            raise FetchError(
                f"{current}: bad HTTP response ({type(exc).__name__}: {_one_line(exc)})"
            ) from None
        except (TimeoutError, OSError, ValueError) as exc:
            raise FetchError(f"{current}: {exc}") from None
        with response:
            body = _read_capped(response, current, settings.max_bytes)
            resp_headers = {k.lower(): v for k, v in response.headers.items()}
        expected = resp_headers.get("content-length", "").strip()
        if expected.isascii() and expected.isdigit() and len(body) < int(expected):
            # http.client returns a short body silently; half a feed would mark episodes absent
            raise FetchError(
                f"{current}: the response ended early ({len(body)} of {expected} bytes)"
            )
        body = _decode_body(
            body, resp_headers.get("content-encoding", ""), current, settings.max_bytes
        )
        return FetchResult(
            location=url,
            status="ok",
            data=body,
            final_url=current,
            permanent_url=current if permanent and current != url else None,
            etag=resp_headers.get("etag"),
            last_modified=resp_headers.get("last-modified"),
            headers=resp_headers,
        )
    raise FetchError(f"{url}: more than {settings.max_redirects} redirects")


def _read_capped(response: object, url: str, cap: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    read = response.read  # type: ignore[attr-defined]
    try:
        while True:
            chunk = read(65536)
            if not chunk:
                break
            total += len(chunk)
            if total > cap:
                raise FetchError(f"{url}: response is over the {cap}-byte cap")
            chunks.append(chunk)
    except (TimeoutError, OSError) as exc:
        raise FetchError(f"{url}: {exc}") from None
    except http.client.HTTPException as exc:  # IncompleteRead of a chunked body
        raise FetchError(f"{url}: the response ended early ({_one_line(exc)})") from None
    return b"".join(chunks)


def _decode_body(body: bytes, encoding: str, url: str, cap: int) -> bytes:
    encoding = encoding.strip().lower()
    if not encoding or encoding == "identity":
        return body
    try:
        if encoding in {"gzip", "x-gzip"}:
            decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            decoder = zlib.decompressobj()
        else:
            return body
        out = decoder.decompress(body, cap + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise FetchError(f"{url}: bad {encoding} body: {exc}") from None
    if len(out) > cap:
        raise FetchError(f"{url}: decompressed response is over the {cap}-byte cap")
    if not decoder.eof:
        raise FetchError(f"{url}: the {encoding} body is truncated")
    return out


def fetch(
    location: str,
    settings: FetchSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Fetch a URL (conditional GET) or read a file path; other schemes are refused."""
    try:
        scheme = urllib.parse.urlsplit(location).scheme.lower()
    except ValueError as exc:
        raise FetchError(f"{location}: not a valid URL ({exc})") from None
    if scheme in {"http", "https"}:
        return fetch_url(location, settings, etag=etag, last_modified=last_modified)
    if scheme == "file":
        return read_file(
            Path(urllib.request.url2pathname(urllib.parse.urlsplit(location).path)), settings
        )
    if scheme and len(scheme) > 1:  # a Windows drive letter is not a scheme
        raise FetchError(f"{location}: unsupported scheme {scheme!r} (only files and http(s))")
    return read_file(Path(os.path.expanduser(location)), settings)
