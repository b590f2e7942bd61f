"""The mutagen adapter: every claimed format read from files generated here, chapters of each
kind, corrupt and unknown files as one TagError, and safe tag writes (temp copy, verified,
every other frame kept) for every format; plus the shared corpus, read or reported."""

from __future__ import annotations

import os
from pathlib import Path

import audiogen as gen
import pytest
from conftest import CORPUS, needs_corpus
from mutagen import id3
from mutagen.mp4 import MP4

from catalog.core.errors import TagError
from catalog.sources.audio import tags

CHANGES = {
    "title": "New Title",
    "album": "The Show",
    "date": "2017-05-10",
    "artist": "Ann Lee; Bo Roe",
    "guests": ["Cy Doe", "Di Eve"],
    "episode_guid": "guid-42",
    "feed_url": "https://example.org/feed.xml",
    "description": "First.\n\nSecond paragraph.",
    "catalog_id": "abc123def456",
}


def _make(kind: str, path: Path, **kw):
    makers = {
        "mp3": gen.make_mp3,
        "wav": gen.make_wav,
        "m4a": gen.make_m4a,
        "flac": gen.make_flac,
        "ogg": gen.make_ogg_vorbis,
        "opus": gen.make_opus,
    }
    return makers[kind](path / f"x.{kind}", **kw)


FORMATS = {  # kind → (format, codec, tags to set with the generator)
    "mp3": ("mp3", "mp3", {"title": "T", "artist": "A", "album": "Al", "date": "2020-01-02"}),
    "wav": ("wav", "pcm", {"title": "T", "artist": "A", "album": "Al", "date": "2020-01-02"}),
    "m4a": ("mp4", "mp4a.40.2", {"©nam": "T", "©ART": "A", "©alb": "Al", "©day": "2020-01-02"}),
    "flac": ("flac", "flac", {"title": "T", "artist": "A", "album": "Al", "date": "2020-01-02"}),
    "ogg": (
        "ogg-vorbis",
        "vorbis",
        {"title": "T", "artist": "A", "album": "Al", "date": "2020-01-02"},
    ),
    "opus": (
        "ogg-opus",
        "opus",
        {"title": "T", "artist": "A", "album": "Al", "date": "2020-01-02"},
    ),
}


@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_each_format_is_read(tmp_path: Path, kind: str) -> None:
    fmt, codec, fields = FORMATS[kind]
    path = _make(kind, tmp_path, **fields)
    info = tags.read_info(path)
    assert (info.format, info.codec) == (fmt, codec)
    assert (info.title, info.artist, info.album, info.date) == ("T", "A", "Al", "2020-01-02")
    assert info.duration
    assert 0.05 < info.duration < 1.5
    assert info.sample_rate
    assert info.channels
    assert info.bitrate
    assert info.size == path.stat().st_size
    assert info.mtime_ns == path.stat().st_mtime_ns


def test_id3_podcast_frames_cover_and_chapters(tmp_path: Path) -> None:
    path = gen.make_mp3(
        tmp_path / "p.mp3",
        2.0,
        title="Ep",
        comment="Summary text.",
        feed_url="https://f/x.xml",
        episode_guid="g-1",
        description="Long description",
        keywords="a, b,c",
        cover=gen.PNG,
        chapters=[(0, 0.5, "Intro"), (0.5, 2.0, "Main")],
        version=3,
    )
    info = tags.read_info(path)
    assert info.tag_format == "ID3v2.3"
    assert (info.feed_url, info.episode_guid, info.podcast) == ("https://f/x.xml", "g-1", True)
    assert (info.comment, info.description, info.keywords) == (
        "Summary text.",
        "Long description",
        ["a", "b", "c"],
    )
    assert info.has_cover
    assert [(c["start"], c["end"], c["title"]) for c in info.chapters] == [
        (0.0, 0.5, "Intro"),
        (0.5, 2.0, "Main"),
    ]


def test_id3v1_only_and_v22(tmp_path: Path) -> None:
    path = tmp_path / "v1.mp3"
    path.write_bytes(gen.mp3_bytes(0.5))
    tag = id3.ID3()
    tag.add(id3.TIT2(encoding=0, text=["Old Title"]))
    tag.add(id3.TPE1(encoding=0, text=["Björk"]))
    with path.open("ab") as fh:
        fh.write(id3.MakeID3v1(tag))
    info = tags.read_info(path)
    assert (info.title, info.artist, info.tag_format) == ("Old Title", "Björk", "ID3v1.1")


def _id3v22(**frames: str) -> bytes:
    """A hand-made ID3v2.2 tag (three-letter frame ids; mutagen cannot write 2.2)."""
    body = b""
    for name, text in frames.items():
        data = b"\x00" + text.encode("latin-1")
        body += name.encode() + len(data).to_bytes(3, "big") + data
    size = len(body)
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x02\x00\x00" + syncsafe + body


def test_id3v22_and_m4b(tmp_path: Path) -> None:
    path = tmp_path / "old.mp3"
    path.write_bytes(_id3v22(TT2="Two Two", TP1="Old Artist", TAL="Album") + gen.mp3_bytes())
    info = tags.read_info(path)
    assert (info.tag_format, info.title, info.artist) == ("ID3v2.2", "Two Two", "Old Artist")
    written = tags.write_tags(path, {"title": "Now 2.3"})  # 2.2 cannot be written: 2.3
    assert (written.tag_format, written.title, written.album) == ("ID3v2.3", "Now 2.3", "Album")
    book = tmp_path / "book.m4b"
    book.write_bytes(gen.m4a_bytes(1.0, nero_chapters=[(0, "Prologue")]))
    assert tags.read_info(book).chapters[0]["title"] == "Prologue"


def test_mp4_podcast_atoms_and_both_chapter_kinds(tmp_path: Path) -> None:
    atoms = {
        "©nam": "T",
        "purl": "https://f/x.xml",
        "egid": "g-2",
        "pcst": True,
        "keyw": "k1,k2",
        "desc": "",
        "ldes": "Long description",
        "©cmt": "Comment",
    }
    nero = gen.make_m4a(tmp_path / "n.m4a", 2.0, nero_chapters=[(0, "One"), (1.2, "Two")], **atoms)
    info = tags.read_info(nero)
    assert (info.feed_url, info.episode_guid, info.podcast) == ("https://f/x.xml", "g-2", True)
    assert info.keywords == ["k1", "k2"]
    assert (info.description, info.comment) == ("Long description", "Comment")
    assert [(c["start"], c["title"]) for c in info.chapters] == [(0.0, "One"), (1.2, "Two")]
    assert info.chapters[-1]["end"] == info.duration
    qt = gen.make_m4a(tmp_path / "q.m4a", 2.0, qt_chapters=[(0, "Alpha"), (0.75, "Beta ✓")])
    chapters = tags.read_info(qt).chapters
    assert [(c["start"], c["end"], c["title"]) for c in chapters] == [
        (0.0, 0.75, "Alpha"),
        (0.75, chapters[1]["end"], "Beta ✓"),
    ]


def test_vorbis_chapters_and_podcast_fields(tmp_path: Path) -> None:
    path = gen.make_flac(
        tmp_path / "c.flac",
        3.0,
        title="T",
        chapter001="00:00:00.000",
        chapter001name="Start",
        chapter002="00:00:01.500",
        chapter002name="Later",
        chapter002url="https://x/c2",
        feed_url="https://f/y.xml",
        episode_guid="g-3",
        guests="Ann Lee; Bo Roe",
    )
    info = tags.read_info(path)
    assert [(c["start"], c["end"], c["title"], c["url"]) for c in info.chapters] == [
        (0.0, 1.5, "Start", None),
        (1.5, 3.0, "Later", "https://x/c2"),
    ]
    assert (info.feed_url, info.episode_guid, info.guests) == (
        "https://f/y.xml",
        "g-3",
        ["Ann Lee", "Bo Roe"],
    )


def _cut_id3(tmp_path: Path) -> bytes:
    """An MP3 whose ID3 tag says it is longer than the file (cut off inside the tag)."""
    whole = gen.make_mp3(tmp_path / "whole.mp3", 0.5, title="A long title " * 20).read_bytes()
    return whole[:120]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.mp3", b"", "empty file (0 bytes)"),
        ("garbage.mp3", b"\x00\x01garbage" * 50, "no MPEG audio frame found (not an MP3 file"),
        ("text.m4a", b"hello", "not an audio file mutagen can read (MP3, M4A"),
        ("cut.m4a", None, "cannot read the MP4 boxes: "),
        ("cut.flac", b"fLaC\x00\x00", "cannot read the FLAC stream: "),
        ("cut-id3.mp3", _cut_id3, "cannot read the ID3 tag: the file ends inside it (truncated)"),
    ],
    ids=["empty", "garbage", "unknown", "truncated-mp4", "truncated-flac", "truncated-id3"],
)
def test_corrupt_or_unknown_files_are_one_tag_error_in_words(
    tmp_path: Path, name: str, data: object, reason: str
) -> None:
    path = tmp_path / name
    if callable(data):
        data = data(tmp_path)
    path.write_bytes(gen.m4a_bytes(1.0)[:60] if data is None else data)
    with pytest.raises(TagError) as err:
        tags.read_info(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {reason}")
    assert "\n" not in message
    _assert_in_words(message.removeprefix(f"{path}: "))


def _assert_in_words(reason: str) -> None:
    """A reason says what is wrong in words: never a bare (class) name like `error`."""
    assert len(reason.split()) >= 3, reason
    assert not reason.rstrip().endswith((": error", ": Error")), reason


def test_missing_file_and_folder_are_tag_errors(tmp_path: Path) -> None:
    with pytest.raises(TagError, match="No such file"):
        tags.read_info(tmp_path / "nope.mp3")
    with pytest.raises(TagError, match="not a file"):
        tags.read_info(tmp_path)


# -- writing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(FORMATS))
def test_write_round_trip_every_format(tmp_path: Path, kind: str) -> None:
    path = _make(kind, tmp_path, **FORMATS[kind][2])
    before = tags.read_info(path)
    after = tags.write_tags(path, CHANGES)
    assert tags.current_values(after) == CHANGES
    assert after.comment == "Guests: Cy Doe, Di Eve"
    assert tags.current_values(tags.read_info(path)) == CHANGES  # and on disk
    assert (after.format, after.codec, after.duration) == (
        before.format,
        before.codec,
        before.duration,
    )
    assert after.artist == "Ann Lee; Bo Roe"
    assert after.genre == before.genre
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temp file left


def _id3_frames(path: Path) -> dict[str, object]:
    return {key: frame for key, frame in id3.ID3(path).items()}


@pytest.mark.parametrize("version", [3, 4])
def test_mp3_write_keeps_every_other_frame(tmp_path: Path, version: int) -> None:
    extra = [
        id3.TXXX(encoding=1, desc="MusicBrainz Album Id", text=["keep-me"]),
        id3.TCOM(encoding=1, text=["Composer"]),
        id3.PRIV(owner="WM/Provider", data=b"\x00\x01\x02"),
        id3.COMM(encoding=1, lang="eng", desc="iTunNORM", text=[" 0000 1111"]),
    ]
    path = gen.make_mp3(
        tmp_path / "a.mp3",
        1.0,
        title="Old",
        comment="Recorded live.",
        cover=gen.PNG,
        chapters=[(0, 0.5, "A"), (0.5, 1.0, "B")],
        version=version,
        extra=extra,
    )
    before = _id3_frames(path)
    tags.write_tags(path, CHANGES)
    after = _id3_frames(path)
    assert id3.ID3(path).version[:2] == (2, version)
    for key in (
        "APIC:cover",
        "TXXX:MusicBrainz Album Id",
        "TCOM",
        "PRIV:WM/Provider:\x00\x01\x02",
        "COMM:iTunNORM:eng",
        "CTOC:toc",
        "CHAP:ch0",
        "CHAP:ch1",
    ):
        assert after[key] == before[key], key
    assert after["APIC:cover"].data == gen.PNG  # the cover, byte for byte
    assert tags.read_info(path).comment == "Recorded live.\n\nGuests: Cy Doe, Di Eve"


def test_m4a_write_keeps_cover_and_other_atoms(tmp_path: Path) -> None:
    path = gen.make_m4a(
        tmp_path / "a.m4a",
        1.0,
        cover=gen.PNG,
        qt_chapters=[(0, "A"), (0.5, "B")],
        freeform={"iTunSMPB": "00000000 00000840"},
        **{"©nam": "Old", "©gen": "Podcast", "cprt": "CC-0", "trkn": [(3, 9)]},
    )
    before = dict(MP4(path).tags)
    tags.write_tags(path, CHANGES)
    after = dict(MP4(path).tags)
    for key in ("covr", "©gen", "cprt", "trkn", "----:com.apple.iTunes:iTunSMPB"):
        assert after[key] == before[key], key
    assert bytes(after["covr"][0]) == gen.PNG
    info = tags.read_info(path)
    assert [c["title"] for c in info.chapters] == ["A", "B"]  # chapter track offsets updated
    assert (info.track, info.genre) == (3, "Podcast")


def test_empty_values_remove_our_frames_only(tmp_path: Path) -> None:
    path = gen.make_mp3(tmp_path / "a.mp3", title="Keep", comment="Note.")
    tags.write_tags(path, {"guests": ["Ann Lee"], "catalog_id": "x1"})
    assert tags.read_info(path).comment == "Note.\n\nGuests: Ann Lee"
    info = tags.write_tags(path, {"guests": [], "catalog_id": ""})
    assert (info.guests, info.catalog_id, info.comment, info.title) == ([], None, "Note.", "Keep")


def test_a_failed_write_leaves_the_file_untouched(tmp_path: Path, monkeypatch) -> None:
    path = gen.make_mp3(tmp_path / "a.mp3", title="Old", cover=gen.PNG)
    data, stat = path.read_bytes(), path.stat()

    def broken_verify(*_args) -> None:
        raise TagError("title did not read back as written; file left as it was")

    monkeypatch.setattr(tags, "_verify", broken_verify)
    with pytest.raises(TagError, match=r"a\.mp3: title did not read back"):
        tags.write_tags(path, {"title": "New"})
    assert path.read_bytes() == data
    assert path.stat().st_mtime_ns == stat.st_mtime_ns
    assert [p.name for p in tmp_path.iterdir()] == ["a.mp3"]


def test_a_write_that_touches_other_frames_is_refused(tmp_path: Path, monkeypatch) -> None:
    path = gen.make_mp3(tmp_path / "a.mp3", title="Old", genre="Talk")
    data = path.read_bytes()
    real_apply = tags._apply_id3

    def meddling(frames, values, comment) -> None:
        real_apply(frames, values, comment)
        frames.delall("TCON")

    monkeypatch.setattr(tags, "_apply_id3", meddling)
    with pytest.raises(TagError, match="frames that are not ours"):
        tags.write_tags(path, {"title": "New"})
    assert path.read_bytes() == data


def test_write_follows_a_symlink_and_keeps_the_mode(tmp_path: Path) -> None:
    real = gen.make_mp3(tmp_path / "real.mp3", title="Old")
    real.chmod(0o640)
    link = tmp_path / "link.mp3"
    link.symlink_to(real)
    tags.write_tags(link, {"title": "New"})
    assert link.is_symlink()
    assert tags.read_info(real).title == "New"
    assert real.stat().st_mode & 0o777 == 0o640


def test_unknown_field_is_a_programming_error(tmp_path: Path) -> None:
    path = gen.make_mp3(tmp_path / "a.mp3")
    with pytest.raises(ValueError, match="not writable: genre"):
        tags.write_tags(path, {"genre": "x"})


def test_write_to_unreadable_file_is_a_tag_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.mp3"
    path.write_bytes(b"junk" * 100)
    with pytest.raises(TagError, match=r"bad\.mp3: "):
        tags.write_tags(path, {"title": "x"})


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_write_in_a_read_only_folder_is_a_tag_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = gen.make_mp3(folder / "a.mp3", title="Old")
    folder.chmod(0o500)
    try:
        with pytest.raises(TagError, match="cannot write tags"):
            tags.write_tags(path, {"title": "New"})
    finally:
        folder.chmod(0o700)
    assert tags.read_info(path).title == "Old"


# -- the shared corpus -----------------------------------------------------------------------
CORPUS_FOLDERS = ("mutagen-testdata", "tinytag-samples", "antennapod-media")
CORPUS_FILES = sorted(
    p.relative_to(CORPUS).as_posix()
    for folder in CORPUS_FOLDERS
    if (CORPUS / folder).is_dir()
    for p in (CORPUS / folder).iterdir()
    if p.is_file()
)
# What the AntennaPod files hold (see ../shared/corpus/SOURCES.md): chapter titles, in order.
ANTENNAPOD_CHAPTERS = {
    "auphonic.mp3": ["Chapter 1 - ❤️😊", "Chapter 2 - ßöÄ", "Chapter 3 - 爱", "Chapter 4"],
    "auphonic.m4a": ["Chapter 1 - ❤️😊", "Chapter 2 - ßöÄ", "Chapter 3 - 爱", "Chapter 4"],
    "nero-chapters.m4a": ["Chapter 1 - ❤️😊", "Chapter 2 - ßöÄ", "Chapter 3 - 爱", "Chapter 4"],
    "hindenburg-journalist-pro.mp3": ["Chapter Marker 1", "Chapter Marker 2"],
    "hindenburg-journalist-pro.m4a": ["Chapter Marker 1", "Chapter Marker 2"],
    "mp3chaps-py.mp3": ["Start", "Chapter 1", "Chapter 2", "Chapter 3"],
    "ffmpeg-txxx-comment.mp3": [],
}


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_file_is_read_or_reported(name: str) -> None:
    path = CORPUS / name
    try:
        info = tags.read_info(path)
    except TagError as exc:
        message = str(exc)  # one line, naming the file, saying what is wrong in words
        assert message.startswith(f"{path}: ")
        assert "\n" not in message
        _assert_in_words(message.removeprefix(f"{path}: "))
        return
    assert info.format in {"mp3", "mp4", "wav", "flac", "ogg-vorbis", "ogg-opus"}
    assert info.duration is None or info.duration > 0
    for chapter in info.chapters:
        assert chapter["end"] is None or chapter["end"] >= chapter["start"]


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(ANTENNAPOD_CHAPTERS))
def test_antennapod_chapters_and_podcast_tags(name: str) -> None:
    info = tags.read_info(CORPUS / "antennapod-media" / name)
    assert [c["title"] for c in info.chapters] == ANTENNAPOD_CHAPTERS[name]
    starts = [c["start"] for c in info.chapters]
    assert starts == sorted(starts)
    assert not starts or starts[0] == 0.0
    if name.startswith("hindenburg"):
        assert info.chapters[0]["url"] == "https://example.com/chapter1url"
        assert (info.title, info.artist, info.album) == (
            "Episode Title",
            "Author Name",
            "Podcast Name",
        )
        assert info.podcast is True
        assert info.has_cover
        assert info.track == 123
    if name == "hindenburg-journalist-pro.m4a":
        assert info.feed_url == "https://example.com/feedurl"
        assert info.keywords == ["Keyword A", "Keyword B", "Keyword C"]
    if name == "ffmpeg-txxx-comment.mp3":
        assert info.comment == "This is the comment"
    if name == "auphonic.m4a":
        assert info.description == "Summary"  # in ldes; desc and ©cmt are empty


@needs_corpus
@pytest.mark.corpus
def test_corpus_copies_survive_a_tag_write(tmp_path: Path) -> None:
    """Write to copies (in tmp_path) of the readable corpus files; each either succeeds and
    reads back, or fails with a TagError leaving the copy byte for byte as it was."""
    for name in CORPUS_FILES:
        source = CORPUS / name
        try:
            tags.read_info(source)
        except TagError:
            continue
        copy = tmp_path / source.name
        copy.write_bytes(source.read_bytes())
        before = copy.read_bytes()
        try:
            info = tags.write_tags(copy, {"title": "Written", "guests": ["Ann Lee"]})
        except TagError:
            assert copy.read_bytes() == before, name
            continue
        assert (info.title, info.guests) == ("Written", ["Ann Lee"]), name
        copy.unlink()
