"""Chapter lists of audio files: [{start, end, title, url}] in seconds, every chapter closed.

From the objects `catalog/tags.py` gets from mutagen (ID3 CHAP/CTOC frames, Vorbis
`CHAPTERnnn` comments, MP4 Nero `chpl` chapters), and from the QuickTime chapter tracks
of MP4 files (a text track named by the audio track's `tref/chap`, as Apple, Auphonic and
Hindenburg write them), which mutagen does not read: their boxes are read here with `struct`.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO

from catalog.core.normalize import clean_line

_MAX_TABLE = 100_000  # entries of a sample table read at most (a chapter track has few)
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"tref"}


def chapter(start: float, end: float | None, title: object, url: object = None) -> dict[str, Any]:
    """One chapter (times rounded to the millisecond, text cleaned)."""
    return {
        "start": round(start, 3),
        "end": round(end, 3) if end is not None else None,
        "title": clean_line(title),
        "url": clean_line(url) or None,
    }


def close_ends(chapters: list[dict[str, Any]], duration: float | None) -> list[dict[str, Any]]:
    """A chapter without an end ends where the next starts (the last, at the end of file).

    >>> close_ends([chapter(0, None, "a"), chapter(5, None, "b")], 9.5)[1]["end"]
    9.5
    """
    for here, nxt in zip(chapters, [*chapters[1:], None], strict=False):
        if here["end"] is None or here["end"] <= here["start"]:
            here["end"] = nxt["start"] if nxt else duration
    return chapters


def from_id3(tags: Any, duration: float | None) -> list[dict[str, Any]]:
    """CHAP frames, in the order of the top-level CTOC (else by start time)."""
    chaps = {f.element_id: f for f in tags.getall("CHAP")}
    order: list[str] = []
    for toc in tags.getall("CTOC"):
        if toc.flags & 1 or not order:  # flag 1: the top-level table of contents
            order = [c for c in toc.child_element_ids if c in chaps]
    if set(order) != set(chaps):
        order = sorted(chaps, key=lambda c: chaps[c].start_time)
    out = []
    for eid in order:
        chap, sub = chaps[eid], chaps[eid].sub_frames
        titles = [str(t) for key in ("TIT2", "TIT3") if key in sub for t in sub[key].text]
        urls = [f.url for f in sub.getall("WXXX")]
        end = chap.end_time if 0 < chap.end_time < 0xFFFFFFFF else None
        out.append(
            chapter(
                chap.start_time / 1000,
                end / 1000 if end else None,
                next((t for t in titles if t.strip()), eid),
                urls[0] if urls else None,
            )
        )
    return close_ends(out, duration)


_VC_KEY = re.compile(r"^CHAPTER(\d{1,3})$", re.I)
_VC_TIME = re.compile(r"^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$")


def from_vorbis(comments: dict[str, str], duration: float | None) -> list[dict[str, Any]]:
    """Vorbis chapter comments (upper-case keys): CHAPTER001=00:01:02.500, CHAPTER001NAME,
    CHAPTER001URL."""
    out = []
    for key, value in comments.items():
        number, stamp = _VC_KEY.match(key), _VC_TIME.match(value.strip())
        if number and stamp:
            start = int(stamp.group(1)) * 3600 + int(stamp.group(2)) * 60 + float(stamp.group(3))
            name = comments.get(key + "NAME") or f"Chapter {number.group(1)}"
            out.append(chapter(start, None, name, comments.get(key + "URL")))
    out.sort(key=lambda c: c["start"])
    return close_ends(out, duration)


def from_nero(chapters: Any, duration: float | None) -> list[dict[str, Any]]:
    """mutagen's MP4 Nero chapters (start, title)."""
    out = [chapter(c.start, None, c.title or f"Chapter {n}") for n, c in enumerate(chapters, 1)]
    return close_ends(out, duration)


# -- QuickTime chapter tracks ------------------------------------------------------------------
def _boxes(fh: BinaryIO, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(name, payload start, payload end) of the boxes between two offsets."""
    pos = start
    while pos + 8 <= end:
        fh.seek(pos)
        head = fh.read(8)
        if len(head) < 8:
            return
        size, name = struct.unpack(">I4s", head)
        header = 8
        if size == 1:  # a 64-bit size follows
            wide = fh.read(8)
            if len(wide) < 8:
                return
            size, header = struct.unpack(">Q", wide)[0], 16
        elif size == 0:  # to the end of the file
            size = end - pos
        if size < header:
            return
        yield name, pos + header, min(pos + size, end)
        pos += size


def _child(fh: BinaryIO, span: tuple[int, int], *path: bytes) -> tuple[int, int] | None:
    for name in path:
        span_found = next(((s, e) for n, s, e in _boxes(fh, *span) if n == name), None)
        if span_found is None:
            return None
        span = span_found
    return span


def _data(fh: BinaryIO, span: tuple[int, int] | None, limit: int = 1 << 22) -> bytes:
    if span is None:
        return b""
    fh.seek(span[0])
    return fh.read(min(span[1] - span[0], limit))


def _table(data: bytes, header: int, fmt: str) -> list[tuple[int, ...]]:
    """The entries of a sample table box (version/flags, [fields], count, entries)."""
    if len(data) < header:
        return []
    count = min(struct.unpack(">I", data[header - 4 : header])[0], _MAX_TABLE)
    size = struct.calcsize(fmt)
    body = data[header : header + count * size]
    return list(struct.iter_unpack(fmt, body[: len(body) // size * size]))


def from_quicktime(fh: BinaryIO, duration: float | None) -> list[dict[str, Any]]:
    """The chapters of an MP4 file's QuickTime chapter track ([] when it has none)."""
    end = os.fstat(fh.fileno()).st_size
    moov = _child(fh, (0, end), b"moov")
    if moov is None:
        return []
    tracks: dict[int, tuple[int, int]] = {}
    wanted: list[int] = []
    for name, start, stop in list(_boxes(fh, *moov)):
        if name != b"trak":
            continue
        tkhd = _data(fh, _child(fh, (start, stop), b"tkhd"))
        if len(tkhd) < 24:
            continue
        tracks[struct.unpack(">I", tkhd[20:24] if tkhd[0] == 1 else tkhd[12:16])[0]] = (start, stop)
        refs = _data(fh, _child(fh, (start, stop), b"tref", b"chap"))
        wanted += [i for (i,) in struct.iter_unpack(">I", refs[: len(refs) // 4 * 4])]
    found = []
    for track_id in dict.fromkeys(wanted):
        span = tracks.get(track_id)
        hdlr = _data(fh, _child(fh, span, b"mdia", b"hdlr")) if span else b""
        if span and hdlr[8:12] in {b"text", b"sbtl"}:
            found.append(_samples(fh, span))
    if not found:
        return []
    # Auphonic and Hindenburg write the titles in one text track and the links (`href`
    # atoms) in a second one, sample for sample.
    links = {c["start"]: c["url"] for track in found[1:] for c in track if c["url"]}
    for item in found[0]:
        item["url"] = item["url"] or links.get(item["start"])
    return close_ends(found[0], duration)


def _samples(fh: BinaryIO, trak: tuple[int, int]) -> list[dict[str, Any]]:
    """The text samples of a track, with their start times."""
    mdhd = _data(fh, _child(fh, trak, b"mdia", b"mdhd"))
    stbl = _child(fh, trak, b"mdia", b"minf", b"stbl")
    if len(mdhd) < 24 or stbl is None:
        return []
    scale = struct.unpack(">I", mdhd[20:24] if mdhd[0] == 1 else mdhd[12:16])[0] or 1
    runs = _table(_data(fh, _child(fh, stbl, b"stts")), 8, ">II")
    durations = [d for count, d in runs for _ in range(min(count, _MAX_TABLE))][:_MAX_TABLE]
    stsz = _data(fh, _child(fh, stbl, b"stsz"))
    fixed = struct.unpack(">I", stsz[4:8])[0] if len(stsz) >= 12 else 0
    sizes = [fixed] * len(durations) if fixed else [s for (s,) in _table(stsz, 12, ">I")]
    offsets = [o for (o,) in _table(_data(fh, _child(fh, stbl, b"stco")), 8, ">I")]
    offsets += [o for (o,) in _table(_data(fh, _child(fh, stbl, b"co64")), 8, ">Q")]
    chunks = _table(_data(fh, _child(fh, stbl, b"stsc")), 8, ">III")
    positions: list[int] = []
    for n, pos in enumerate(offsets, 1):
        per_chunk = next((c[1] for c in reversed(chunks) if c[0] <= n), 1)
        for _ in range(per_chunk):
            if len(positions) >= len(sizes):
                break
            positions.append(pos)
            pos += sizes[len(positions) - 1]
    out: list[dict[str, Any]] = []
    start = 0
    for pos, size, length in zip(positions, sizes, durations, strict=False):
        fh.seek(pos)
        sample = fh.read(min(size, 65536))
        if len(sample) >= 2:
            n = struct.unpack(">H", sample[:2])[0]
            raw = sample[2 : 2 + n]
            bom = raw[:2] in {b"\xfe\xff", b"\xff\xfe"}
            text = raw.decode("utf-16", "replace") if bom else raw.decode("utf-8", "replace")
            out.append(
                chapter(
                    start / scale, None, text or f"Chapter {len(out) + 1}", _href(sample[2 + n :])
                )
            )
        start += length
    return out


def _href(extra: bytes) -> str | None:
    """The URL of a text sample's `href` atom (start, end, length, URL)."""
    while len(extra) >= 8:
        size, name = struct.unpack(">I4s", extra[:8])
        if size < 8:
            return None
        if name == b"href" and size >= 13:
            return extra[13 : 13 + extra[12]].decode("utf-8", "replace") or None
        extra = extra[size:]
    return None
