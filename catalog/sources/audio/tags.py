"""Adapter, the only user of mutagen: an audio file's stream info, tags, podcast frames and
chapters in; our own tags written back out without ever corrupting the file.

Formats: MP3 (ID3v1, ID3v2.2-2.4), MP4/M4A/M4B, Ogg Vorbis, Ogg Opus, FLAC and WAV (ID3 in
an `id3 ` chunk). Every failure, whatever mutagen, the OS or corrupt data raise, becomes a
`TagError("<path>: <reason>")`. mutagen is imported inside the functions: `catalog --help`
never pays for it.

Writing (`write_tags`) copies the file to a temp file in the same folder, tags the copy,
reads it back and checks every value written *and* every frame not ours, fsyncs it, and
renames it over the original. On any failure the original is untouched and the copy removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import struct
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.core.errors import TagError
from catalog.core.normalize import clean_block, clean_line
from catalog.sources.audio import chapters

if TYPE_CHECKING:
    from mutagen import FileType

AUDIO_SUFFIXES = frozenset({".mp3", ".m4a", ".m4b", ".mp4", ".ogg", ".oga", ".opus", ".flac",
                            ".wav"})  # fmt: skip
GUESTS_LINE = "Guests: "  # the line of the comment that we own
_FREEFORM = "----:com.apple.iTunes:"
# The fields `write_tags` owns: (ID3 frame, MP4 atoms, Vorbis comment). Every other frame,
# atom or comment of a file is left as it is.
_OWN = {
    "title": ("TIT2", ("©nam",), "TITLE"),
    "album": ("TALB", ("©alb",), "ALBUM"),
    "date": ("TDRC", ("©day",), "DATE"),
    "artist": ("TPE1", ("©ART",), "ARTIST"),
    "guests": ("TXXX:GUESTS", (_FREEFORM + "GUESTS",), "GUESTS"),
    "episode_guid": ("TGID", ("egid",), "EPISODE_GUID"),
    "feed_url": ("WFED", ("purl",), "FEED_URL"),
    "description": ("TDES", ("desc", "ldes"), "DESCRIPTION"),
    "catalog_id": ("TXXX:CATALOG_ID", (_FREEFORM + "CATALOG_ID",), "CATALOG_ID"),
}
WRITABLE = tuple(_OWN)


@dataclass
class AudioInfo:
    """What one audio file says about itself: plain, JSON-able data (text cleaned)."""

    path: str
    size: int
    mtime_ns: int
    format: str  # mp3 | mp4 | ogg-vorbis | ogg-opus | flac | wav
    codec: str | None = None
    duration: float | None = None
    bitrate: int | None = None  # bits per second
    sample_rate: int | None = None
    channels: int | None = None
    tag_format: str | None = None  # "ID3v2.3", "MP4", "Vorbis comment"
    title: str | None = None
    artist: str | None = None
    album_artist: str | None = None
    album: str | None = None
    date: str | None = None
    genre: str | None = None
    comment: str | None = None
    description: str | None = None
    track: int | None = None
    feed_url: str | None = None
    episode_guid: str | None = None
    catalog_id: str | None = None
    podcast: bool | None = None
    keywords: list[str] = field(default_factory=list)
    guests: list[str] = field(default_factory=list)
    chapters: list[dict[str, Any]] = field(default_factory=list)
    has_cover: bool = False

    def as_dict(self) -> dict[str, Any]:
        """Plain data (for the store and `--json`)."""
        return asdict(self)


def _errors() -> tuple[type[BaseException], ...]:
    """What reading or writing a corrupt file may raise, besides our own errors."""
    from mutagen import MutagenError

    return (MutagenError, OSError, struct.error, ValueError, EOFError, IndexError, OverflowError)


# What a mutagen module reads, for messages in words (the class names say only "error").
_PARTS = {
    "mutagen.id3": "the ID3 tag",
    "mutagen.mp3": "the MPEG audio",
    "mutagen.mp4": "the MP4 boxes",
    "mutagen.ogg": "the Ogg stream",
    "mutagen.flac": "the FLAC stream",
    "mutagen.wave": "the WAV chunks",
    "mutagen._riff": "the WAV chunks",
    "mutagen._iff": "the WAV chunks",
}
TRUNCATED = "the file ends inside it (truncated)"
CORRUPT = "corrupt or truncated data"


def _detail(exc: BaseException) -> str:
    """The words of an exception, else of the one it was raised from (mutagen turns a bare
    short read into its module's `error()`), else what such a bare error means."""
    for err in (exc, exc.__cause__ or exc.__context__):
        if err is None:
            continue
        if isinstance(err, OSError) and err.strerror:
            return err.strerror
        if text := clean_line(str(err)):
            return text[:200]
    if isinstance(exc.__cause__ or exc.__context__, OSError):  # mutagen's read_full: short read
        return TRUNCATED
    return CORRUPT


def _reason(exc: BaseException) -> str:
    """What went wrong, in words, never a bare class name: "cannot read the ID3 tag: …"."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    module = type(exc).__module__ or ""
    if type(exc).__name__ == "HeaderNotFoundError":  # mutagen.mp3: "can't sync to MPEG frame"
        return "no MPEG audio frame found (not an MP3 file, or its audio is corrupt or missing)"
    part = next((v for k, v in _PARTS.items() if module.startswith(k)), None)
    if part is None and module.startswith("mutagen"):
        part = "the file"
    if part is None:  # struct.error, ValueError…: mutagen (or our chapter reader) hit bad data
        text = _detail(exc)
        return text if text == CORRUPT else f"{CORRUPT} ({text})"
    return f"cannot read {part}: {_detail(exc)}"


def _text(value: object) -> str | None:
    return clean_line(value) or None


def _first(values: object) -> str | None:
    if isinstance(values, list | tuple):
        for value in values:
            if text := _text(value):
                return text
        return None
    return _text(values)


def _joined(values: object) -> str | None:
    if isinstance(values, list | tuple):
        parts = [t for t in (clean_line(v) for v in values) if t]
        return "; ".join(dict.fromkeys(parts)) or None
    return _text(values)


def _names(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(";") if p.strip()]


def _track(value: object) -> int | None:
    match = re.match(r"\s*(\d{1,6})", str(value or ""))
    return int(match.group(1)) or None if match else None


def _kind(audio: FileType) -> str:
    name = type(audio).__name__
    kinds = {"MP3": "mp3", "MP4": "mp4", "OggVorbis": "ogg-vorbis", "OggOpus": "ogg-opus",
             "FLAC": "flac", "WAVE": "wav"}  # fmt: skip
    if name not in kinds:
        raise TagError(f"unsupported audio format {name}")
    return kinds[name]


def _open(path: Path) -> Any:
    import mutagen
    from mutagen.flac import FLAC
    from mutagen.mp3 import MP3
    from mutagen.mp4 import MP4
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis
    from mutagen.wave import WAVE

    audio = mutagen.File(path, options=[MP3, MP4, OggVorbis, OggOpus, FLAC, WAVE])
    if audio is None:
        raise TagError("not an audio file mutagen can read (MP3, M4A, Ogg, Opus, FLAC or WAV)")
    return audio


def read_info(path: str | Path) -> AudioInfo:
    """Stream info, tags, podcast frames and chapters of one file, or TagError naming it."""
    path = Path(path)
    try:
        stat = path.stat()
        if not path.is_file():
            raise TagError("not a file")
        if stat.st_size == 0:
            raise TagError("empty file (0 bytes)")
        audio = _open(path)
        kind = _kind(audio)
        length = getattr(audio.info, "length", None)
        duration = round(float(length), 3) if length and length > 0 else None
        marks: list[dict[str, Any]] = []
        if kind == "mp4":  # Nero chapters (mutagen reads them), else a QuickTime track
            if getattr(audio, "chapters", None):
                marks = chapters.from_nero(audio.chapters, duration)
            else:
                with path.open("rb") as fh:
                    marks = chapters.from_quicktime(fh, duration)
    except TagError as exc:
        raise TagError(f"{path}: {exc}") from exc.__cause__
    except _errors() as exc:  # chained: `--debug` shows mutagen's traceback
        raise TagError(f"{path}: {_reason(exc)}") from exc
    # Past this point mutagen has parsed everything: an exception here is a bug in catalog.
    return _info(path, stat, audio, kind, duration, marks)


def _info(
    path: Path,
    stat: os.stat_result,
    audio: FileType,
    kind: str,
    duration: float | None,
    marks: list[dict[str, Any]],
) -> AudioInfo:
    stream = audio.info
    bitrate = int(getattr(stream, "bitrate", 0) or 0) or None
    if bitrate is None and duration:  # Opus reports none: the average over the file
        bitrate = int(stat.st_size * 8 / duration)
    info = AudioInfo(
        path=str(path),
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        format=kind,
        codec=_codec(kind, stream),
        duration=duration,
        bitrate=bitrate,
        sample_rate=int(getattr(stream, "sample_rate", 0) or (48000 if kind == "ogg-opus" else 0))
        or None,
        channels=int(getattr(stream, "channels", 0) or 0) or None,
    )
    if kind in {"mp3", "wav"}:
        if audio.tags is not None:
            _read_id3(audio.tags, info)
    elif kind == "mp4":
        if audio.tags is not None:
            _read_mp4(audio.tags, info)
        info.chapters = marks
    else:
        if audio.tags is not None:
            _read_vorbis(audio.tags, info, duration)
        if kind == "flac" and getattr(audio, "pictures", None):
            info.has_cover = True
    return info


def _codec(kind: str, stream: Any) -> str | None:
    if kind == "mp3":
        return f"mp{getattr(stream, 'layer', 3)}"
    if kind == "mp4":
        return _text(getattr(stream, "codec", None))
    return {"ogg-vorbis": "vorbis", "ogg-opus": "opus", "flac": "flac", "wav": "pcm"}[kind]


# -- reading the tags --------------------------------------------------------------------------
# field → (ID3 frame, MP4 atom, Vorbis comment); the first value, or all joined by "; ".
_READ = {
    "title": ("TIT2", "©nam", "TITLE"),
    "artist": ("TPE1", "©ART", "ARTIST"),
    "album_artist": ("TPE2", "aART", "ALBUMARTIST"),
    "album": ("TALB", "©alb", "ALBUM"),
    "date": ("TDRC", "©day", "DATE"),
    "genre": ("TCON", "©gen", "GENRE"),
    "feed_url": ("WFED", "purl", "FEED_URL"),
    "episode_guid": ("TGID", "egid", "EPISODE_GUID"),
    "catalog_id": ("TXXX:CATALOG_ID", _FREEFORM + "CATALOG_ID", "CATALOG_ID"),
    "guests": ("TXXX:GUESTS", _FREEFORM + "GUESTS", "GUESTS"),
    "keywords": ("TKWD", "keyw", "KEYWORDS"),
}
_JOINED = {"artist", "album_artist", "genre"}


def _fill(info: AudioInfo, values: Callable[[str], list[str]], col: int) -> None:
    for name, keys in _READ.items():
        found = values(keys[col])
        if name == "guests":
            info.guests = _names(_joined(found))
        elif name == "keywords":
            words = (clean_line(w) for w in ",".join(found).split(","))
            info.keywords = [w for w in words if w]
        else:
            setattr(info, name, _joined(found) if name in _JOINED else _first(found))


def _block(values: list[str]) -> str | None:
    return clean_block("\n".join(values)) or None


def _id3_values(tags: Any, key: str) -> list[str]:
    frame = tags.get(key)
    if frame is None:
        return []
    if key == "TCON":
        return [str(g) for g in frame.genres]
    if hasattr(frame, "url"):
        return [frame.url]
    return [str(t) for t in getattr(frame, "text", [])]


def _main_comment(tags: Any) -> Any:
    """The COMM frame players show: no description (iTunes' iTunNORM and the truncated ID3v1
    copy have one), English first."""
    frames = [f for f in tags.getall("COMM") if not f.desc]
    frames.sort(key=lambda f: f.lang != "eng")
    return frames[0] if frames else None


def _read_id3(tags: Any, info: AudioInfo) -> None:
    version = getattr(tags, "version", None)
    info.tag_format = f"ID3v{version[0]}.{version[1]}" if version else "ID3"
    _fill(info, lambda key: _id3_values(tags, key), 0)
    info.track = _track(_first(_id3_values(tags, "TRCK")))
    comment = _main_comment(tags)
    text = [str(t) for t in comment.text] if comment is not None else []
    # ffmpeg writes the comment as TXXX:comment
    info.comment = _block(text) or _block(_id3_values(tags, "TXXX:comment"))
    info.description = _block(_id3_values(tags, "TDES"))
    info.podcast = True if tags.get("PCST") is not None else None
    info.has_cover = bool(tags.getall("APIC"))
    info.chapters = chapters.from_id3(tags, info.duration)


def _mp4_values(tags: Any, key: str) -> list[str]:
    values = tags.get(key)
    if values is None:
        return []
    values = values if isinstance(values, list) else [values]
    # freeform atoms hold MP4FreeForm (bytes)
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values]


def _read_mp4(tags: Any, info: AudioInfo) -> None:
    info.tag_format = "MP4"
    _fill(info, lambda key: _mp4_values(tags, key), 1)
    tracks = tags.get("trkn") or []
    info.track = tracks[0][0] or None if tracks and isinstance(tracks[0], tuple) else None
    info.comment = _block(_mp4_values(tags, "©cmt"))
    # the long description first (Auphonic leaves desc empty and fills ldes)
    info.description = next(
        (d for key in ("ldes", "desc", "©des") if (d := _block(_mp4_values(tags, key)))), None
    )
    flags = tags.get("pcst")
    info.podcast = (
        bool(flags[0] if isinstance(flags, list) else flags) if flags is not None else None
    )
    info.has_cover = bool(tags.get("covr"))


def _read_vorbis(tags: Any, info: AudioInfo, duration: float | None) -> None:
    """Vorbis comments (Ogg Vorbis, Opus, FLAC): keys are case-insensitive."""
    comments: dict[str, list[str]] = {}
    for key, value in tags:
        comments.setdefault(key.upper(), []).append(str(value))
    info.tag_format = "Vorbis comment"
    _fill(info, lambda key: comments.get(key, []), 2)
    for key in ("ALBUM ARTIST", "ALBUM_ARTIST"):
        info.album_artist = info.album_artist or _joined(comments.get(key, []))
    info.date = info.date or _first(comments.get("YEAR", []))
    info.feed_url = info.feed_url or _first(comments.get("PODCASTURL", []))
    info.track = _track(_first(comments.get("TRACKNUMBER", [])))
    info.comment = _block(comments.get("COMMENT", []))
    info.description = _block(comments.get("DESCRIPTION", []))
    info.podcast = True if comments.get("PODCAST") else None
    info.has_cover = bool(comments.get("METADATA_BLOCK_PICTURE"))
    first = {key: values[0] for key, values in comments.items()}
    info.chapters = chapters.from_vorbis(first, duration)


# -- writing ---------------------------------------------------------------------------------
def current_values(info: AudioInfo) -> dict[str, Any]:
    """The file's values of the fields we write, in the form `write_tags` takes."""
    return {
        "title": info.title or "",
        "album": info.album or "",
        "date": info.date or "",
        "artist": info.artist or "",
        "guests": list(info.guests),
        "episode_guid": info.episode_guid or "",
        "feed_url": info.feed_url or "",
        "description": info.description or "",
        "catalog_id": info.catalog_id or "",
    }


def with_guests_line(comment: str | None, guests: list[str]) -> str:
    """The comment with our "Guests: …" line set (replaced, appended, or removed if none).

    >>> with_guests_line("Recorded live.", ["Ann Lee", "Bo Roe"])
    'Recorded live.\\n\\nGuests: Ann Lee, Bo Roe'
    >>> with_guests_line("Recorded live.\\n\\nGuests: Old Name", [])
    'Recorded live.'
    """
    lines = [ln for ln in (comment or "").split("\n") if not ln.startswith(GUESTS_LINE)]
    text = "\n".join(lines).strip()
    if guests:
        line = GUESTS_LINE + ", ".join(guests)
        text = f"{text}\n\n{line}" if text else line
    return text


def write_tags(path: str | Path, changes: Mapping[str, Any]) -> AudioInfo:
    """Set the given fields (see WRITABLE; "" or [] removes ours) and return the new info.

    The write goes to a verified temp copy that replaces the file only when it reads back
    with every value written and every other frame unchanged.
    """
    unknown = set(changes) - set(WRITABLE)
    if unknown:
        raise ValueError(f"not writable: {', '.join(sorted(unknown))}")
    src = Path(path).resolve()  # a symlink: write the file it points to, keep the link
    before = read_info(src)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{src.stem}.", suffix=f".catalog-tmp{src.suffix}", dir=src.parent
        )
        os.close(fd)
        shutil.copyfile(src, tmp)
        shutil.copymode(src, tmp)
        audio = _open(Path(tmp))
        others = _foreign(audio)
        _apply(audio, before, changes)
        after = read_info(tmp)
        _verify(after, before, changes)
        if _foreign(_open(Path(tmp))) != others:
            raise TagError("the write changed frames that are not ours; file left as it was")
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, src)
        tmp = ""
        _fsync_folder(src.parent)
    except TagError as exc:
        raise TagError(f"{src}: {exc}") from exc.__cause__
    except _errors() as exc:
        raise TagError(f"{src}: cannot write tags: {_reason(exc)}") from exc
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return read_info(src)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be fsynced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _owned_keys(kind: str) -> set[str]:
    if kind in {"mp3", "wav"}:
        return {own[0] for own in _OWN.values()}
    if kind == "mp4":
        return {key for own in _OWN.values() for key in own[1]} | {"©cmt"}
    return {own[2] for own in _OWN.values()} | {"COMMENT"}


def _foreign(audio: Any) -> dict[str, str]:
    """A fingerprint of every frame/atom/field we do not own (to check a write left them)."""
    kind, tags = _kind(audio), audio.tags
    owned = _owned_keys(kind)
    out: dict[str, str] = {}
    if tags is None:
        return out
    if kind in {"mp3", "wav"}:
        for key, frame in tags.items():
            if key not in owned and not (key.startswith("COMM:") and not frame.desc):
                data = getattr(frame, "data", b"")  # APIC: the picture itself
                # mutagen may reorder the sub-frames of a CHAP: compare them as a set
                lines = sorted(frame._pprint().split("\n"))
                out[key] = "\n".join(lines) + hashlib.sha1(data).hexdigest()
    elif kind == "mp4":
        out = {key: repr(values) for key, values in tags.items() if key not in owned}
    else:
        for key, value in tags:
            if key.upper() not in owned:
                out[key.upper()] = out.get(key.upper(), "") + repr(value)
    return out


def _clean(name: str, value: Any) -> Any:
    if name == "guests":
        return [clean_line(v) for v in value]
    return clean_block(value) if name == "description" else clean_line(value)


def _apply(audio: Any, before: AudioInfo, changes: Mapping[str, Any]) -> None:
    kind = _kind(audio)
    if audio.tags is None:
        audio.add_tags()
    values = {k: "; ".join(_clean(k, v)) if k == "guests" else _clean(k, v)
              for k, v in changes.items()}  # fmt: skip
    comment = None
    if "guests" in changes:
        comment = with_guests_line(before.comment, _clean("guests", changes["guests"]))
    if kind in {"mp3", "wav"}:
        _apply_id3(audio.tags, values, comment)
        version = getattr(audio.tags, "version", (2, 4, 0))
        # Keep the file's ID3 version (2.2 cannot be written: 2.3) and multiple values as
        # they were (v23_sep=None: no "/" joining in 2.3).
        audio.save(v2_version=3 if version[1] <= 3 else 4, v23_sep=None)
        return
    for name, value in values.items():
        for key in _OWN[name][1] if kind == "mp4" else (_OWN[name][2],):
            if value:
                audio.tags[key] = _mp4_value(key, value) if kind == "mp4" else [value]
            elif key in audio.tags:
                del audio.tags[key]
    if comment is not None:
        key = "©cmt" if kind == "mp4" else "COMMENT"
        if comment:
            audio.tags[key] = [comment]
        elif key in audio.tags:
            del audio.tags[key]
    audio.save()


def _apply_id3(tags: Any, values: Mapping[str, str], comment: str | None) -> None:
    from mutagen import id3 as typed

    id3: Any = typed  # its frame classes are untyped

    for name, value in values.items():
        key = _OWN[name][0]
        tags.delall(key)
        if not value:
            continue
        if key == "WFED":
            tags.add(id3.WFED(url=value))
        elif key.startswith("TXXX:"):
            tags.add(id3.TXXX(encoding=3, desc=key[5:], text=[value]))
        else:
            tags.add(getattr(id3, key)(encoding=3, text=[value]))
    if comment is not None:
        main = _main_comment(tags)
        if main is not None:
            tags.delall(main.HashKey)
        if comment:
            lang = main.lang if main is not None else "eng"
            tags.add(id3.COMM(encoding=3, lang=lang, desc="", text=[comment]))


def _mp4_value(key: str, value: str) -> list[Any]:
    if key.startswith(_FREEFORM):
        from mutagen import mp4

        freeform: Any = mp4.MP4FreeForm
        return [freeform(value.encode("utf-8"))]
    return [value]


def _verify(after: AudioInfo, before: AudioInfo, changes: Mapping[str, Any]) -> None:
    """The temp copy must read back with what was written, and with its audio intact."""
    got = current_values(after)
    wrong = [name for name, value in changes.items() if got[name] != _clean(name, value)]
    if "guests" in changes:
        comment = with_guests_line(before.comment, _clean("guests", changes["guests"]))
        if after.comment != (comment or None):
            wrong.append("comment")
    if wrong:
        raise TagError(f"{', '.join(wrong)} did not read back as written; file left as it was")
    same_stream = (after.format, after.codec) == (before.format, before.codec)
    if not same_stream or abs((after.duration or 0) - (before.duration or 0)) > 0.05:
        raise TagError("the audio stream read differently after the write; file left as it was")
    if len(after.chapters) != len(before.chapters):
        raise TagError("the chapters read differently after the write; file left as it was")
