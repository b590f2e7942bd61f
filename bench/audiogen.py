"""Tiny audio files built from scratch, for tests and benchmarks: no binary fixtures.

MP3 (hand-made MPEG-1 Layer III frames of silence), WAV (stdlib `wave`), M4A (hand-written
ftyp/moov/trak/mdia/minf/stbl boxes around an AAC track, with optional Nero or QuickTime
chapters), FLAC (fLaC + STREAMINFO), Ogg Vorbis and Ogg Opus (pages with valid headers).
Tags are then set with mutagen, as any tagger would.
"""

from __future__ import annotations

import itertools
import struct
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# -- MP3 ---------------------------------------------------------------------------------------
# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo, no CRC: 417 bytes per frame (no padding)
MP3_HEADER = bytes.fromhex("FFFB9064")
MP3_FRAME = 144 * 128_000 // 44_100


def mp3_bytes(seconds: float = 0.5) -> bytes:
    frames = max(4, round(seconds * 44_100 / 1152))
    return (MP3_HEADER + bytes(MP3_FRAME - 4)) * frames


def make_mp3(path: Path, seconds: float = 0.5, **tags: Any) -> Path:
    path.write_bytes(mp3_bytes(seconds))
    if tags:
        tag_id3(path, **tags)
    return path


# -- WAV ---------------------------------------------------------------------------------------
def make_wav(path: Path, seconds: float = 0.1, rate: int = 8000, **tags: Any) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(2 * int(rate * seconds)))
    if tags:
        tag_id3(path, **tags)
    return path


_ID3_FIELDS = {
    "title": "TIT2",
    "artist": "TPE1",
    "album": "TALB",
    "date": "TDRC",
    "genre": "TCON",
    "track": "TRCK",
    "album_artist": "TPE2",
    "episode_guid": "TGID",
    "description": "TDES",
    "keywords": "TKWD",
}


def tag_id3(
    path: Path,
    *,
    comment: str | None = None,
    feed_url: str | None = None,
    cover: bytes | None = None,
    chapters: Sequence[tuple[float, float, str]] = (),
    version: int = 4,
    extra: Sequence[Any] = (),
    **fields: str,
) -> None:
    """ID3 tags on an MP3 or WAV file: text fields by name, plus COMM, WFED, PCST, APIC,
    CHAP/CTOC chapters and any extra mutagen frames."""
    from mutagen import id3
    from mutagen.wave import WAVE

    is_wave = path.suffix.lower() == ".wav"
    if is_wave:
        audio = WAVE(path)
        if audio.tags is None:
            audio.add_tags()
        tags = audio.tags
    else:
        try:
            tags = id3.ID3(path)
        except id3.ID3NoHeaderError:
            tags = id3.ID3()
    for name, value in fields.items():
        frame = getattr(id3, _ID3_FIELDS[name])
        tags.add(frame(encoding=3, text=[value]))
    if comment is not None:
        tags.add(id3.COMM(encoding=3, lang="eng", desc="", text=[comment]))
    if feed_url is not None:
        tags.add(id3.WFED(url=feed_url))
        tags.add(id3.PCST(value=1))
    if cover is not None:
        tags.add(id3.APIC(encoding=3, mime="image/png", type=3, desc="cover", data=cover))
    if chapters:
        ids = [f"ch{n}" for n in range(len(chapters))]
        tags.add(id3.CTOC(element_id="toc", flags=3, child_element_ids=ids, sub_frames=[]))
        for eid, (start, end, title) in zip(ids, chapters, strict=True):
            tags.add(
                id3.CHAP(
                    element_id=eid,
                    start_time=int(start * 1000),
                    end_time=int(end * 1000),
                    sub_frames=[id3.TIT2(encoding=3, text=[title])],
                )
            )
    for frame in extra:
        tags.add(frame)
    if is_wave:
        audio.save(v2_version=version)
    else:
        tags.save(path, v2_version=version)


# -- M4A ---------------------------------------------------------------------------------------
def _box(name: bytes, *parts: bytes) -> bytes:
    payload = b"".join(parts)
    return struct.pack(">I4s", 8 + len(payload), name) + payload


def _full(name: bytes, version: int, flags: int, *parts: bytes) -> bytes:
    return _box(name, struct.pack(">I", (version << 24) | flags), *parts)


_MATRIX = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)


def _tkhd(track_id: int, duration: int) -> bytes:
    return _full(
        b"tkhd",
        0,
        7,
        struct.pack(">IIIII", 0, 0, track_id, 0, duration),
        bytes(8),
        struct.pack(">hhhh", 0, 0, 0x100, 0),
        _MATRIX,
        bytes(8),
    )


def _mdhd(scale: int, duration: int) -> bytes:
    return _full(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, scale, duration, 0x55C4, 0))


def _hdlr(kind: bytes, name: bytes) -> bytes:
    return _full(b"hdlr", 0, 0, bytes(4), kind, bytes(12), name + b"\x00")


def _dinf() -> bytes:
    return _box(b"dinf", _full(b"dref", 0, 0, struct.pack(">I", 1), _full(b"url ", 0, 1)))


def _tables(durations: Sequence[int], sizes: Sequence[int], offset: int) -> bytes:
    """stts, stsc, stsz and stco for samples stored one after another from `offset`."""
    stts = _full(
        b"stts",
        0,
        0,
        struct.pack(">I", len(durations)),
        *(struct.pack(">II", 1, d) for d in durations),
    )
    stsc = _full(b"stsc", 0, 0, struct.pack(">IIII", 1, 1, len(sizes), 1))
    stsz = _full(
        b"stsz", 0, 0, struct.pack(">II", 0, len(sizes)), *(struct.pack(">I", s) for s in sizes)
    )
    stco = _full(b"stco", 0, 0, struct.pack(">II", 1, offset))
    return stts + stsc + stsz + stco


def _esds(rate: int, channels: int) -> bytes:
    index = [
        96000,
        88200,
        64000,
        48000,
        44100,
        32000,
        24000,
        22050,
        16000,
        12000,
        11025,
        8000,
    ].index(rate)
    asc = struct.pack(">H", (2 << 11) | (index << 7) | (channels << 3))  # AAC LC
    dsi = b"\x05" + bytes([len(asc)]) + asc
    dcd = b"\x04" + bytes([13 + len(dsi)]) + bytes([0x40, 0x15]) + bytes(3)
    dcd += struct.pack(">II", 64_000, 64_000) + dsi
    sl = b"\x06\x01\x02"
    es = b"\x03" + bytes([3 + len(dcd) + len(sl)]) + struct.pack(">HB", 1, 0) + dcd + sl
    return _full(b"esds", 0, 0, es)


def m4a_bytes(
    seconds: float = 0.5,
    *,
    rate: int = 44100,
    channels: int = 2,
    nero_chapters: Sequence[tuple[float, str]] = (),
    qt_chapters: Sequence[tuple[float, str]] = (),
) -> bytes:
    """A minimal valid M4A: ftyp, moov (mvhd, an AAC trak, optionally a QuickTime chapter
    text trak and a Nero `chpl`), mdat with silent 1024-sample frames."""
    n = max(2, round(seconds * rate / 1024))
    audio = [bytes(8)] * n
    texts = [struct.pack(">H", len(t.encode())) + t.encode() for _s, t in qt_chapters]
    ftyp = _box(b"ftyp", b"M4A ", struct.pack(">I", 0), b"M4A mp42isom")
    total = n * 1024

    def moov(offset: int) -> bytes:
        entry = _box(
            b"mp4a",
            bytes(6),
            struct.pack(">H", 1),
            bytes(8),
            struct.pack(">HHHHI", channels, 16, 0, 0, rate << 16),
            _esds(rate, channels),
        )
        stsd = _full(b"stsd", 0, 0, struct.pack(">I", 1), entry)
        stbl = _box(b"stbl", stsd, _tables([1024] * n, [len(a) for a in audio], offset))
        minf = _box(b"minf", _full(b"smhd", 0, 0, bytes(4)), _dinf(), stbl)
        mdia = _box(b"mdia", _mdhd(rate, total), _hdlr(b"soun", b"SoundHandler"), minf)
        tref = _box(b"tref", _box(b"chap", struct.pack(">I", 2))) if qt_chapters else b""
        traks = [_box(b"trak", _tkhd(1, total), tref, mdia)]
        if qt_chapters:
            starts = [round(s * 1000) for s, _t in qt_chapters] + [round(seconds * 1000)]
            durs = [max(1, b - a) for a, b in itertools.pairwise(starts)]
            text_entry = _box(b"text", bytes(6), struct.pack(">H", 1), bytes(51))
            tstbl = _box(
                b"stbl",
                _full(b"stsd", 0, 0, struct.pack(">I", 1), text_entry),
                _tables(durs, [len(t) for t in texts], offset + sum(map(len, audio))),
            )
            tminf = _box(b"minf", _full(b"nmhd", 0, 0), _dinf(), tstbl)
            tmdia = _box(b"mdia", _mdhd(1000, sum(durs)), _hdlr(b"text", b"Chapters"), tminf)
            traks.append(_box(b"trak", _tkhd(2, sum(durs)), tmdia))
        udta = b""
        if nero_chapters:
            body = bytes(4) + bytes([len(nero_chapters)])
            for start, title in nero_chapters:
                raw = title.encode()
                body += struct.pack(">QB", round(start * 10_000_000), len(raw)) + raw
            udta = _box(b"udta", _full(b"chpl", 1, 0, body))
        mvhd = _full(
            b"mvhd",
            0,
            0,
            struct.pack(">IIII", 0, 0, rate, total),
            struct.pack(">IH", 0x10000, 0x100),
            bytes(10),
            _MATRIX,
            bytes(24),
            struct.pack(">I", 3),
        )
        return _box(b"moov", mvhd, *traks, udta)

    size = len(moov(0))
    mdat = _box(b"mdat", *audio, *texts)
    return ftyp + moov(len(ftyp) + size + 8) + mdat


def make_m4a(
    path: Path,
    seconds: float = 0.5,
    *,
    nero_chapters: Sequence[tuple[float, str]] = (),
    qt_chapters: Sequence[tuple[float, str]] = (),
    cover: bytes | None = None,
    freeform: dict[str, str] | None = None,
    **tags: Any,
) -> Path:
    """An M4A with MP4 tags: keys by mutagen name ("©nam", "purl", "pcst", …)."""
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

    path.write_bytes(m4a_bytes(seconds, nero_chapters=nero_chapters, qt_chapters=qt_chapters))
    if tags or cover or freeform:
        audio = MP4(path)
        if audio.tags is None:
            audio.add_tags()
        for key, value in tags.items():
            audio.tags[key] = value if isinstance(value, list | bool) else [value]
        if cover is not None:
            audio.tags["covr"] = [MP4Cover(cover, imageformat=MP4Cover.FORMAT_PNG)]
        for name, value in (freeform or {}).items():
            audio.tags["----:com.apple.iTunes:" + name] = [MP4FreeForm(value.encode())]
        audio.save()
    return path


# -- FLAC --------------------------------------------------------------------------------------
def make_flac(path: Path, seconds: float = 0.5, rate: int = 44100, **comments: str) -> Path:
    samples = int(seconds * rate)
    packed = (rate << 44) | ((2 - 1) << 41) | ((16 - 1) << 36) | samples
    info = struct.pack(">HH", 4096, 4096) + bytes(6) + struct.pack(">Q", packed) + bytes(16)
    path.write_bytes(b"fLaC" + bytes([0x80]) + len(info).to_bytes(3, "big") + info)
    if comments:
        from mutagen.flac import FLAC

        audio = FLAC(path)
        audio.add_tags()
        for key, value in comments.items():
            audio[key] = value
        audio.save()
    return path


# -- Ogg ---------------------------------------------------------------------------------------
def _ogg(path: Path, headers: list[list[bytes]], granule: int) -> None:
    from mutagen.ogg import OggPage

    pages = []
    for n, packets in enumerate([*headers, [bytes(20)]]):
        page = OggPage()
        page.serial, page.sequence, page.packets = 0x1234, n, packets
        page.first = n == 0
        page.last = n == len(headers)
        page.position = granule if page.last else 0
        pages.append(page.write())
    path.write_bytes(b"".join(pages))


def make_ogg_vorbis(path: Path, seconds: float = 0.5, rate: int = 44100, **comments: str) -> Path:
    ident = b"\x01vorbis" + struct.pack("<IBIiiiBB", 0, 2, rate, 0, 128_000, 0, 0xB8, 1)
    vendor = b"catalog tests"
    comment = (
        b"\x03vorbis" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0) + b"\x01"
    )
    setup = b"\x05vorbis" + bytes(16)
    _ogg(path, [[ident], [comment, setup]], int(seconds * rate))
    return _comment(path, "vorbis", comments)


def make_opus(path: Path, seconds: float = 0.5, **comments: str) -> Path:
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 2, 312, 48000, 0, 0)
    vendor = b"catalog tests"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    _ogg(path, [[head], [tags]], int(seconds * 48000) + 312)
    return _comment(path, "opus", comments)


def _comment(path: Path, kind: str, comments: dict[str, str]) -> Path:
    if comments:
        from mutagen.oggopus import OggOpus
        from mutagen.oggvorbis import OggVorbis

        audio = OggOpus(path) if kind == "opus" else OggVorbis(path)
        for key, value in comments.items():
            audio[key] = value
        audio.save()
    return path


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154"
    "789c6360f8cfc0f01f0005000201e5270de30000000049454e44ae426082"
)
