"""Podcast RSS export of curated shows: round trip, feed rules, hostile text, definitions.

Every feed these tests export goes through `check_feed`, which runs the shared validator
(../shared/tools/validate_podcast_rss.py, when present) and re-checks the rules of
../shared/docs/podcast-rss.md section 1 with lxml and feedparser.
"""

from __future__ import annotations

import email.utils
import io
import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import CATALOG_NAME, FEEDS, ROOT, SHARED, Cli
from lxml import etree
from lxml import html as lxml_html

from catalog.core.curated import APPLE_CATEGORIES, parse_category
from catalog.export.rss import build_rss, podcast_guid, sanitize_html

VALIDATOR = SHARED / "tools" / "validate_podcast_rss.py"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # podcast namespace spec
HOSTS = {"host", "co-host", "guest host"}
CAST = HOSTS | {"guest"}
HTML_ALLOWED = {"p", "ol", "ul", "li", "a", "b", "i", "strong", "em", "br"}
RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)
# What "cleaned" means for display text: C0/C1 controls and bidi/format marks dropped.
UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
RLO = "\u202e"
HARDENED = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def q(ns: str, local: str) -> str:
    return f"{{{ns}}}{local}"


def cleaned(text: str) -> str:
    return " ".join(UNSAFE.sub("", text).split())


def definition(name: str, **fields: str | None) -> list[str]:
    """Options of a valid curated-show definition; `fields` override (None drops one)."""
    values: dict[str, str | None] = {
        "title": f"Best of {name}",
        "description": f"Episodes picked for {name}.",
        "link": f"https://shows.example.com/{name}/",
        "feed_url": f"https://feeds.example.com/{name}.xml",
        "image": f"https://shows.example.com/{name}/art.jpg",
        "category": "News/Politics",
    }
    values.update(fields)
    return [a for k, v in values.items() if v is not None for a in ("--" + k.replace("_", "-"), v)]


def one_line_error(result: Any) -> str:
    """The single `error: …` line of a failed command (any `left out:` lines aside)."""
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert all(ln.startswith(("error:", "left out:")) for ln in lines), result.stderr
    return errors[0]


# -- the feed checker used by every export below ---------------------------------------------


def run_validator(data: bytes) -> None:
    if not VALIDATOR.is_file():
        return  # ../shared/tools is absent: our own checks below still run
    out = subprocess.run(
        [sys.executable, str(VALIDATOR), "--warnings", "-"],
        input=data,
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stdout.decode() + out.stderr.decode()
    assert b": error [" not in out.stdout, out.stdout.decode()


def persons(parent: etree._Element) -> list[tuple[str, str, str | None, str | None]]:
    return [
        (p.text or "", p.get("role") or "", p.get("href"), p.get("img"))
        for p in parent.findall(q(PODCAST, "person"))
    ]


def check_feed(
    data: bytes,
    *,
    feed_url: str,
    image: str,
    category: tuple[str, str | None],
    explicit: bool = False,
    title: str | None = None,
) -> etree._Element:
    """Validate `data` as a podcast feed; return the parsed <rss> root."""
    run_validator(data)
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = etree.fromstring(data, HARDENED)  # strict: raises unless well-formed
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    assert root.nsmap == NSMAP  # exact URIs, nothing else declared
    assert all(el.nsmap == NSMAP for el in root.iter() if isinstance(el.tag, str))
    (channel,) = root.findall("channel")
    assert len(root) == 1
    if title is not None:
        assert channel.findtext("title") == title
    for tag in ("title", "link", "description", "language"):
        assert len(channel.findall(tag)) == 1, tag
        assert (channel.findtext(tag) or "").strip(), tag
    assert channel.findtext("link", "").startswith(("http://", "https://"))
    (self_link,) = [a for a in channel.findall(q(ATOM, "link")) if a.get("rel") == "self"]
    assert self_link.get("href") == feed_url
    assert self_link.get("type") == "application/rss+xml"
    (img,) = channel.findall(q(ITUNES, "image"))
    assert img.get("href") == image
    (cat,) = channel.findall(q(ITUNES, "category"))
    assert cat.text in (None, "") or not cat.text.strip()
    assert cat.get("text") == category[0]
    assert cat.get("text") in APPLE_CATEGORIES
    subs = [s.get("text") for s in cat.findall(q(ITUNES, "category"))]
    assert subs == ([category[1]] if category[1] else [])
    assert all(s in APPLE_CATEGORIES[category[0]] for s in subs)
    assert channel.findtext(q(ITUNES, "explicit")) == ("true" if explicit else "false")
    (guid,) = channel.findall(q(PODCAST, "guid"))
    bare = feed_url.split("://", 1)[1].rstrip("/")
    assert guid.text == str(uuid.uuid5(GUID_NS, bare)) == podcast_guid(feed_url)
    assert channel.findtext(q(PODCAST, "locked")) in {"yes", "no"}

    items = channel.findall("item")
    assert items, "a feed needs at least one item"
    assert data.count(b"<description><![CDATA[") == len(items)  # item HTML in CDATA
    guids = []
    for item in items:
        assert (item.findtext("title") or "").strip()
        assert not UNSAFE.search(item.findtext("title") or "")
        (enc,) = item.findall("enclosure")
        assert enc.get("url", "").startswith(("http://", "https://"))
        assert re.fullmatch(r"\d+", enc.get("length", ""))
        assert "/" in enc.get("type", "")
        (g,) = item.findall("guid")
        assert g.get("isPermaLink") == "false"
        assert g.text
        guids.append(g.text)
        pub = item.findtext("pubDate")
        if pub is not None:
            assert RFC2822.match(pub), pub
            assert email.utils.parsedate_to_datetime(pub).tzinfo is not None
        duration = item.findtext(q(ITUNES, "duration"))
        assert duration is None or re.fullmatch(r"\d+", duration), duration
        assert item.findtext(q(ITUNES, "explicit")) in (None, "true", "false")
        people = persons(item)
        roles = [role for _name, role, _href, _img in people]
        assert all(role in CAST for role in roles), people
        assert all(name.strip() and not UNSAFE.search(name) for name, *_ in people)
        if "guest" in roles:  # item persons replace the channel's: hosts must be restated
            assert HOSTS & set(roles), people
            assert roles.index("guest") > max(i for i, r in enumerate(roles) if r in HOSTS)
        check_item_html(item.findtext("description") or "")
    assert len(set(guids)) == len(guids)

    parsed = feedparser.parse(io.BytesIO(data))  # bytes only: never a string (it opens URLs)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == channel.findtext("title")
    assert [e.title for e in parsed.entries] == [i.findtext("title") for i in items]
    assert [e.id for e in parsed.entries] == guids
    assert [e.enclosures[0].href for e in parsed.entries] == [
        i.find("enclosure").get("url") for i in items
    ]
    assert parsed.feed.get("podcast_guid") == guid.text
    return root


def check_item_html(html: str) -> None:
    assert html.strip()
    assert len(html.encode("utf-8")) <= 4000
    assert "javascript:" not in html.lower()
    assert "<script" not in html.lower()
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    for el in fragment.iterdescendants():
        assert el.tag in HTML_ALLOWED, el.tag
        if el.tag == "a":
            assert set(el.attrib) == {"href"}
            assert el.get("href", "").startswith(("http://", "https://"))
        else:
            assert not el.attrib, (el.tag, dict(el.attrib))


def export(cli: Cli, *args: str, out: Path, db: Path | None = None) -> bytes:
    """`catalog export rss ARGS -o OUT`, returning the bytes written."""
    prefix = ("--db", db) if db is not None else ()
    cli(*prefix, "export", "rss", *args, "-o", out)
    return out.read_bytes()


def items_of(root: etree._Element) -> list[etree._Element]:
    return root.find("channel").findall("item")


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo (feeds/ and its summaries), ingested once per module."""
    path = tmp_path_factory.mktemp("demo") / CATALOG_NAME
    cli = Cli()
    cli("--db", path, "ingest", ROOT / "feeds")
    cli("--db", path, "summaries", "import", ROOT / "feeds" / "summaries")
    return path


@pytest.fixture
def demo(demo_catalog: Path, db_path: Path) -> Path:
    """This test's own copy of the demo catalog (the one $CATALOG_DB points at)."""
    shutil.copyfile(demo_catalog, db_path)
    wal = Path(f"{demo_catalog}-wal")  # a SQLite catalog still open in this process
    if wal.exists():
        shutil.copyfile(wal, f"{db_path}-wal")
    return db_path


def by_title(cli: Cli, *query: str) -> dict[str, dict[str, Any]]:
    return {e["title"]: e for e in cli.json("list", *query)}


# Hostile text, as it appears in the feed's XML (escaped where XML needs it).
HOSTILE_TITLE_XML = (
    "Ends ]]&gt; here &amp; &lt;b&gt;bold&lt;/b&gt; "
    f'{RLO}txt.exe [bold]x[/bold] =HYPERLINK("http://evil")'
)
HOSTILE_HTML = (
    "<p>Text ]]]]><![CDATA[> inside &amp; <b>bold</b> "  # `]]>` split over two CDATA sections
    f'{RLO}rev [bold]x[/bold] =HYPERLINK("http://evil")</p>'
    "<script>alert(1)</script>"
    '<p><a href="javascript:alert(2)">click</a> '
    '<a href="https://ok.example.com/" onclick="alert(4)">ok</a>'
    '<img src="x" onerror="alert(3)"></p><style>p{}</style>'
)
HOSTILE_GUEST_XML = (
    f'Gus ]]&gt; &lt;b&gt;G&lt;/b&gt; {RLO}live [bold]G[/bold] =HYPERLINK("http://evil")'
)


def hostile_feed() -> str:
    """Well-formed XML whose text is hostile everywhere except C0 controls (see below)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="{ITUNES}" xmlns:podcast="{PODCAST}">
  <channel>
    <title>Hostile Radio</title>
    <link>https://hostile.example.com/</link>
    <description>Hostile text in every field.</description>
    <item>
      <title>{HOSTILE_TITLE_XML}</title>
      <guid isPermaLink="false">ha-1</guid>
      <pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
      <enclosure url="https://hostile.example.com/a1.mp3" length="100" type="audio/mpeg"/>
      <itunes:duration>61</itunes:duration>
      <description><![CDATA[{HOSTILE_HTML}]]></description>
      <podcast:person role="host" href="https://hostile.example.com/hana">Hana Host</podcast:person>
      <podcast:person role="guest" href="https://guest.example.com/">{HOSTILE_GUEST_XML}</podcast:person>
    </item>
    <item>
      <title>No audio here</title>
      <guid isPermaLink="false">ha-2</guid>
      <pubDate>Tue, 02 Jan 2024 10:00:00 GMT</pubDate>
      <enclosure url="file:///etc/passwd" length="10" type="audio/mpeg"/>
    </item>
    <item>
      <title>No enclosure at all</title>
      <guid isPermaLink="false">ha-3</guid>
      <pubDate>Wed, 03 Jan 2024 10:00:00 GMT</pubDate>
    </item>
  </channel>
</rss>
"""


# C0 controls cannot appear in XML 1.0 at all, so this feed is malformed (as real ones are):
# ingest reads it leniently, and feedparser turns the character references into raw controls.
CONTROL_FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:podcast="https://podcastindex.org/namespace/1.0">
  <channel>
    <title>Control Radio</title>
    <link>https://control.example.com/</link>
    <description>Control characters.</description>
    <item>
      <title>Ctl &#x1;one&#x1b;[31m two &amp; &lt;i&gt;three&lt;/i&gt;</title>
      <guid isPermaLink="false">hb-1</guid>
      <pubDate>Thu, 04 Jan 2024 10:00:00 GMT</pubDate>
      <enclosure url="https://control.example.com/b1.mp3" length="200" type="audio/mpeg"/>
      <description>Desc &#x1b;[31mred&#x1; ]]&gt; end</description>
      <podcast:person role="host">Hal Host</podcast:person>
      <podcast:person role="guest">Cora &#x1b;[31mCtl&#x1;</podcast:person>
    </item>
  </channel>
</rss>
"""

ONE_OFF = definition("hostile", category="Society & Culture/Documentary")
ONE_OFF_CHECK = {
    "feed_url": "https://feeds.example.com/hostile.xml",
    "image": "https://shows.example.com/hostile/art.jpg",
    "category": ("Society & Culture", "Documentary"),
}


@pytest.fixture
def hostile(cli: Cli, tmp_path: Path) -> Path:
    (tmp_path / "hostile.xml").write_text(hostile_feed(), encoding="utf-8")
    (tmp_path / "control.xml").write_text(CONTROL_FEED, encoding="utf-8")
    report = cli.json("ingest", tmp_path / "hostile.xml", tmp_path / "control.xml")
    assert not report["failed"]
    return tmp_path


# -- 1. round trip -------------------------------------------------------------------------------


def cast(ep: dict[str, Any]) -> set[tuple[str, str, str | None, str | None]]:
    return {
        (c["name"], c["role"], c.get("href"), c.get("img"))
        for c in ep["credits"]
        if c["role"] in CAST
    }


def assert_round_trip(
    cli: Cli, name: str, root: etree._Element, feed: Path, tmp_path: Path
) -> list[str]:
    """The episodes of curated show `name`, in order, equal the feed's and what a fresh
    catalog reads back from it. Returns the titles in feed order."""
    shown = cli.json("curate", "show", name)
    source = {e["id"]: e for e in cli.json("list")}
    expected = [source[i] for i in shown["episodes"]]
    items = items_of(root)
    assert [i.findtext("title") for i in items] == [e["title"] for e in expected]

    other = tmp_path / f"fresh-{name}.json"
    report = cli.json("--db", other, "ingest", feed)
    assert not report["failed"]
    back = {e["enclosures"][0]["url"]: e for e in cli.json("--db", other, "list")}
    assert len(back) == len(expected)
    for src, item in zip(expected, items, strict=True):
        url = src["enclosures"][0]["url"]
        got = back[url]
        assert got["title"] == src["title"]
        assert got["enclosures"] == [src["enclosures"][0]]  # url, length and type
        (enc,) = item.findall("enclosure")
        assert dict(enc.attrib) == {
            "url": url,
            "type": src["enclosures"][0]["type"],
            "length": str(src["enclosures"][0]["length"]),
        }
        assert got["published"] == src["published"]
        pub = email.utils.parsedate_to_datetime(item.findtext("pubDate"))
        assert pub == datetime.fromisoformat(src["published"].replace("Z", "+00:00"))
        assert got["duration"] == round(src["duration"])
        assert int(item.findtext(q(ITUNES, "duration"))) == round(src["duration"])
        assert got["explicit"] == src["explicit"]
        assert cast(got) == cast(src), src["title"]
        # the feed itself: hosts first, then guests, exactly the source's cast
        assert set(persons(item)) == cast(src)
        assert got["transcripts"] == [
            {"url": t["url"], "type": t["type"], "language": t.get("language"), "rel": t.get("rel")}
            for t in src["transcripts"]
        ]
        assert got["chapters"] == src["chapters"]
    (show,) = cli.json("--db", other, "shows")
    assert show["podcast_guid"] == podcast_guid(shown["feed_url"])
    assert show["title"] == shown["title"]
    assert show["explicit"] is bool(shown.get("explicit"))
    return [e["title"] for e in expected]


def test_round_trip_query_show(cli: Cli, demo: Path, tmp_path: Path) -> None:
    cli(
        "curate", "create", "jd", *definition("jd"), "--query", 'guest:"joseph davis"',
        "--author", "Catalog Editors", "--owner-email", "feeds@example.com", "--explicit",
        "--locked",
    )  # fmt: skip
    data = export(cli, "jd", out=tmp_path / "jd.xml")
    root = check_feed(
        data,
        feed_url="https://feeds.example.com/jd.xml",
        image="https://shows.example.com/jd/art.jpg",
        category=("News", "Politics"),
        explicit=True,
        title="Best of jd",
    )
    channel = root.find("channel")
    assert channel.findtext(q(ITUNES, "author")) == "Catalog Editors"
    assert channel.findtext(f"{q(ITUNES, 'owner')}/{q(ITUNES, 'email')}") == "feeds@example.com"
    locked = channel.find(q(PODCAST, "locked"))
    assert (locked.text, locked.get("owner")) == ("yes", "feeds@example.com")
    titles = assert_round_trip(cli, "jd", root, tmp_path / "jd.xml", tmp_path)
    assert titles == [
        "Independent Bloggers and the Local News Gap",
        "Lavrov-Tillerson Meet: Preparing for Putin-Trump Summit",
    ]
    # The guest's homepage survives as href; each item names its own host next to him.
    lavrov = items_of(root)[1]
    assert persons(lavrov) == [
        ("Andrew Korybko", "host", None, None),
        ("Joseph Davis", "guest", "https://jdavismemphis.com", None),
    ]
    assert persons(items_of(root)[0])[0] == ("Maria Santos", "host", None, None)


def test_round_trip_pinned_order_then_query(cli: Cli, demo: Path, tmp_path: Path) -> None:
    eps = by_title(cli)
    tax = eps["Tax Season Help Line"]["id"]
    hamburg = next(e["id"] for t, e in eps.items() if t.startswith("Hamburg G20"))
    astana = next(e["id"] for t, e in eps.items() if t.startswith("Astana Talks"))
    extra = next(e["id"] for t, e in eps.items() if t.startswith("Belt and Road"))
    query = "show:trendstorm date:2017-06.."
    cli("curate", "create", "mix", *definition("mix", category="History"), "--query", query)
    cli("curate", "add", "mix", tax[:8], hamburg[:8])
    cli("curate", "add", "mix", astana, extra, tax)  # tax again: already pinned, stays first
    cli("curate", "remove", "mix", extra[:8])
    shown = cli.json("curate", "show", "mix")
    assert shown["pinned"] == [tax, hamburg, astana]
    newest_first = [e["id"] for e in cli.json("list", query)]
    assert hamburg in newest_first
    assert len(newest_first) > 2
    expected = [tax, hamburg, astana] + [i for i in newest_first if i != hamburg]
    assert shown["episodes"] == expected

    data = export(cli, "mix", out=tmp_path / "mix.xml")
    root = check_feed(
        data,
        feed_url="https://feeds.example.com/mix.xml",
        image="https://shows.example.com/mix/art.jpg",
        category=("History", None),
    )
    titles = assert_round_trip(cli, "mix", root, tmp_path / "mix.xml", tmp_path)
    title_of = {e["id"]: t for t, e in eps.items()}
    assert titles[:3] == [title_of[tax], title_of[hamburg], title_of[astana]]
    # Channel persons: the regular hosts; every item still names its own.
    channel_people = persons(root.find("channel"))
    assert ("Andrew Korybko", "host", None, None) in channel_people
    for item in items_of(root):
        assert any(role in HOSTS for _n, role, _h, _i in persons(item))


# -- 2. feed rules -------------------------------------------------------------------------------


def test_podcast_guid_follows_the_spec() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert str(uuid.uuid5(GUID_NS, "podnews.net/rss")) == podcast_guid("https://podnews.net/rss")
    assert uuid.UUID(podcast_guid("https://feeds.example.com/x.xml")).version == 5


def test_parse_category_uses_apples_list() -> None:
    assert parse_category("news > politics") == ("News", "Politics")
    assert parse_category("Society & Culture/Documentary") == ("Society & Culture", "Documentary")
    assert parse_category("technology") == ("Technology", None)
    for bad in ("Cooking", "News/Cooking", "News/Politics/Local", "", "Technology/Gadgets"):
        with pytest.raises(ValueError, match="category"):
            parse_category(bad)


def test_sanitize_html_keeps_only_the_allowlist() -> None:
    html = (
        '<div><p onclick="x()">Hi <a href="javascript:alert(1)">there</a>'
        '<script>steal()</script><style>p{}</style><a href="https://ok.example.com/?a=1&amp;b=&quot;2">'
        "ok</a><iframe src='https://evil'></iframe><img src=x onerror=alert(1)></p></div>"
    )
    out = sanitize_html(html)
    check_item_html(out)
    assert "steal" not in out
    assert "p{}" not in out
    assert "iframe" not in out
    assert '<a href="https://ok.example.com/?a=1&amp;b=&quot;2">ok</a>' in out
    assert sanitize_html("<ul><li>one<li>two</ul>").count("<li>") == 2
    assert sanitize_html("<b>unclosed") == "<b>unclosed</b>"


def test_exports_are_byte_identical_and_stdout_matches(
    cli: Cli, demo: Path, tmp_path: Path
) -> None:
    cli("curate", "create", "jd", *definition("jd"), "--query", 'guest:"joseph davis"')
    first = export(cli, "jd", out=tmp_path / "a.xml")
    second = export(cli, "jd", out=tmp_path / "b.xml")
    assert first == second
    jd = {
        "feed_url": "https://feeds.example.com/jd.xml",
        "image": "https://shows.example.com/jd/art.jpg",
        "category": ("News", "Politics"),
    }
    check_feed(first, **jd)
    result = cli("export", "rss", "jd", "-o", "-")
    assert result.stdout_bytes == first
    assert "wrote" not in result.stdout
    # Item guids do not depend on the item's position: a re-ordered feed keeps them.
    guids = {i.findtext("title"): i.findtext("guid") for i in items_of(etree.fromstring(first))}
    lavrov = next(e["id"] for e in cli.json("list", 'guest:"joseph davis"')
                  if e["title"].startswith("Lavrov"))  # fmt: skip
    cli("curate", "add", "jd", lavrov)
    reordered = export(cli, "jd", out=tmp_path / "c.xml")
    items = items_of(check_feed(reordered, **jd))
    assert items[0].findtext("title").startswith("Lavrov")
    assert {i.findtext("title"): i.findtext("guid") for i in items} == guids
    # A different feed URL is a different feed: new podcast:guid and new item guids.
    cli("curate", "edit", "jd", "--feed-url", "https://other.example.com/jd.xml")
    moved = check_feed(
        export(cli, "jd", out=tmp_path / "d.xml"),
        **dict(jd, feed_url="https://other.example.com/jd.xml"),
    )
    assert moved.find("channel").findtext(q(PODCAST, "guid")) == podcast_guid(
        "https://other.example.com/jd.xml"
    )
    assert not {i.findtext("guid") for i in items_of(moved)} & set(guids.values())


# -- 3. episodes without an http(s) enclosure ---------------------------------------------------


def test_episodes_without_http_enclosure_are_left_out(cli: Cli, hostile: Path) -> None:
    result = cli("export", "rss", "show:hostile", *ONE_OFF, "-o", hostile / "feed.xml")
    left_out = [ln for ln in result.stderr.splitlines() if "left out" in ln]
    assert len(left_out) == 2
    assert any("No audio here" in ln for ln in left_out)
    assert any("No enclosure at all" in ln for ln in left_out)
    root = check_feed((hostile / "feed.xml").read_bytes(), **ONE_OFF_CHECK)
    titles = [i.findtext("title") for i in items_of(root)]
    assert len(titles) == 1
    assert titles[0].startswith("Ends ]]>")
    assert b"file:" not in (hostile / "feed.xml").read_bytes()


def test_no_episode_with_http_enclosure_is_an_error(cli: Cli, hostile: Path) -> None:
    out = hostile / "none.xml"
    result = cli("export", "rss", "show:hostile", "-title:ends", *ONE_OFF, "-o", out, code=1)
    message = one_line_error(result)
    assert "http(s) enclosure" in message
    assert "2 episodes" in message
    assert result.stderr.count("left out") == 2
    assert not out.exists()
    assert result.stdout == ""
    # A query that selects nothing at all is an error too, not an empty feed.
    result = cli("export", "rss", "show:nosuchshow", *ONE_OFF, "-o", out, code=None)
    assert result.exit_code != 0
    assert not out.exists()
    assert one_line_error(result)


# -- 4. hostile input ----------------------------------------------------------------------------


def test_hostile_text_is_escaped_cleaned_and_sanitised(cli: Cli, hostile: Path) -> None:
    data = export(cli, "show:hostile,show:control", *ONE_OFF, out=hostile / "feed.xml")
    root = check_feed(data, **ONE_OFF_CHECK)
    items = {i.findtext("guid"): i for i in items_of(root)}
    assert len(items) == 2
    by_title_ = {i.findtext("title"): i for i in items.values()}
    hostile_title = cleaned(
        f'Ends ]]> here & <b>bold</b> {RLO}txt.exe [bold]x[/bold] =HYPERLINK("http://evil")'
    )
    control_title = cleaned("Ctl \x01one\x1b[31m two & <i>three</i>")
    assert (
        hostile_title
        == 'Ends ]]> here & <b>bold</b> txt.exe [bold]x[/bold] =HYPERLINK("http://evil")'
    )
    assert control_title == "Ctl one[31m two & <i>three</i>"
    assert set(by_title_) == {hostile_title, control_title}
    # The markup in titles is text: escaped in the bytes, never elements.
    assert b"&lt;b&gt;bold&lt;/b&gt;" in data
    assert b"]]&gt; here" in data
    assert b"\x1b" not in data
    assert b"\x01" not in data
    assert RLO.encode() not in data

    item = by_title_[hostile_title]
    assert persons(item) == [
        ("Hana Host", "host", "https://hostile.example.com/hana", None),
        (
            'Gus ]]> <b>G</b> live [bold]G[/bold] =HYPERLINK("http://evil")',
            "guest",
            "https://guest.example.com/",
            None,
        ),
    ]
    html = item.findtext("description")
    assert "alert" not in html
    assert "javascript" not in html.lower()
    assert "onclick" not in html
    fragment = lxml_html.fragment_fromstring(html, create_parent="div")
    text = fragment.text_content()
    assert "Text ]]> inside &" in text  # `]]>` survived the CDATA section, as text
    assert '[bold]x[/bold] =HYPERLINK("http://evil")' in text
    assert [a.get("href") for a in fragment.iter("a")] == [
        "https://ok.example.com/",
        "https://guest.example.com/",
    ]
    control = by_title_[control_title]
    names = [name for name, *_ in persons(control)]
    stored = {c["name"] for e in cli.json("list", "show:control") for c in e["credits"]}
    assert names[0] == "Hal Host"
    assert set(names) <= stored
    assert all(not UNSAFE.search(n) for n in names)
    assert (
        "]]> end"
        in lxml_html.fragment_fromstring(
            control.findtext("description"), create_parent="div"
        ).text_content()
    )


# -- 5. definitions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "option"),
    [
        ({"feed_url": None}, "--feed-url"),
        ({"title": None}, "--title"),
        ({"link": "ftp://shows.example.com/"}, "--link"),
        ({"link": "javascript:alert(1)"}, "--link"),
        ({"feed_url": "feeds.example.com/x.xml"}, "--feed-url"),
        ({"image": "https://shows.example.com/art.gif"}, "--image"),
        ({"image": "https://shows.example.com/art.jpg.html"}, "--image"),
        ({"language": "english"}, "--language"),
        ({"language": "e"}, "--language"),
        ({"owner_email": "nobody"}, "--owner-email"),
        pytest.param(
            {"category": "Cooking"},
            "--category",
        ),
        pytest.param(
            {"category": "News/Cooking"},
            "--category",
        ),
    ],
)
def test_create_refuses_a_bad_definition(cli: Cli, override: dict[str, Any], option: str) -> None:
    result = cli("curate", "create", "bad", *definition("bad", **override), code=2)
    message = one_line_error(result)
    assert option in message
    assert cli.json("curate", "list") == []


@pytest.mark.parametrize(
    "override",
    [
        pytest.param({"title": "   "}, id="blank-title"),
        pytest.param({"description": " \t "}, id="blank-description"),
        pytest.param({"feed_url": " https://feeds.example.com/x.xml"}, id="feed-url-leading-space"),
        pytest.param({"feed_url": "https://feeds.example.com/my feed.xml"}, id="feed-url-space"),
        pytest.param({"image": "https://shows.example.com/my art.jpg"}, id="image-space"),
    ],
)
def test_create_refuses_what_the_validator_rejects(cli: Cli, override: dict[str, Any]) -> None:
    cli("curate", "create", "bad", *definition("bad", **override), code=2)


def test_locked_owner_email_must_be_an_address(cli: Cli, demo: Path, tmp_path: Path) -> None:
    result = cli(
        "curate", "create", "lk", *definition("lk"), "--owner-email", "me@localhost",
        "--locked", "--query", 'guest:"joseph davis"', code=None,
    )  # fmt: skip
    if result.exit_code == 0:  # accepted: then the export must still be a valid feed
        data = export(cli, "lk", out=tmp_path / "lk.xml")
        owner = etree.fromstring(data).find("channel").find(q(PODCAST, "locked")).get("owner")
        assert re.fullmatch(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+", owner or "")
        run_validator(data)
    else:
        assert result.exit_code == 2
        assert "--owner-email" in one_line_error(result)


def test_curate_edit_show_list_delete(cli: Cli, demo: Path, tmp_path: Path) -> None:
    cli("curate", "create", "jd", *definition("jd"), "--query", 'guest:"joseph davis"')
    assert cli("curate", "create", "jd", *definition("jd"), code=2).stderr.count("exists") == 1
    shown = cli.json("curate", "show", "jd")
    assert len(shown["episodes"]) == 2
    assert all(isinstance(i, str) for i in shown["episodes"])
    assert set(shown["episodes"]) == {e["id"] for e in cli.json("list", 'guest:"joseph davis"')}
    assert "Best of jd" in cli("curate", "show", "jd").stdout

    cli("curate", "edit", "jd", "--title", "Joseph Davis & Friends", "--category", "history")
    shown = cli.json("curate", "show", "jd")
    assert shown["title"] == "Joseph Davis & Friends"
    assert shown["description"] == "Episodes picked for jd."  # untouched fields stay
    root = check_feed(
        export(cli, "jd", out=tmp_path / "jd.xml"),
        feed_url="https://feeds.example.com/jd.xml",
        image="https://shows.example.com/jd/art.jpg",
        category=("History", None),
        title="Joseph Davis & Friends",
    )
    assert root is not None
    # A bad edit is refused and changes nothing.
    message = one_line_error(cli("curate", "edit", "jd", "--link", "mailto:x@example.com", code=2))
    assert "--link" in message
    assert cli.json("curate", "show", "jd")["link"] == "https://shows.example.com/jd/"

    assert [d["name"] for d in cli.json("curate", "list")] == ["jd"]
    cli("curate", "delete", "jd")
    assert cli.json("curate", "list") == []
    assert "no curated show" in one_line_error(cli("curate", "show", "jd", code=1))
    assert one_line_error(cli("curate", "delete", "jd", code=1))
    assert one_line_error(cli("curate", "edit", "jd", "--title", "x", code=1))
    assert len(cli.json("list")) == 18  # episodes are not touched


def test_unknown_curated_show_needs_title(cli: Cli, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.xml"
    message = one_line_error(cli("export", "rss", "nosuchshow", "-o", out, code=2))
    assert "no curated show 'nosuchshow'" in message
    assert "--title" in message
    assert not out.exists()
    # A one-off definition is checked like a saved one.
    bad = definition("x", image="https://shows.example.com/a.gif")
    assert "--image" in one_line_error(cli("export", "rss", "year:2017", *bad, "-o", out, code=2))
    assert not out.exists()


def test_output_is_written_atomically(
    cli: Cli, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli("curate", "create", "jd", *definition("jd"), "--query", 'guest:"joseph davis"')
    folder = tmp_path / "out" / "deeper"
    target = folder / "feed.xml"
    data = export(cli, "jd", out=target)
    check_feed(
        data,
        feed_url="https://feeds.example.com/jd.xml",
        image="https://shows.example.com/jd/art.jpg",
        category=("News", "Politics"),
    )
    assert sorted(p.name for p in folder.iterdir()) == ["feed.xml"]
    target.write_bytes(b"old feed")
    assert export(cli, "jd", out=target) == data  # replaced whole
    assert sorted(p.name for p in folder.iterdir()) == ["feed.xml"]

    target.write_bytes(b"old feed")
    real_replace = os.replace

    def full_disk(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if Path(dst).name == "feed.xml":
            raise OSError(28, "No space left on device")
        real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full_disk)
    message = one_line_error(cli("export", "rss", "jd", "-o", target, code=1))
    monkeypatch.setattr(os, "replace", real_replace)
    assert "feed.xml" in message
    assert target.read_bytes() == b"old feed"  # never half-written
    assert sorted(p.name for p in folder.iterdir()) == ["feed.xml"]  # no temp file left


def test_new_feed_file_honours_the_umask(cli: Cli, demo: Path, tmp_path: Path) -> None:
    cli("curate", "create", "jd", *definition("jd"), "--query", 'guest:"joseph davis"')
    old = os.umask(0o022)
    try:
        export(cli, "jd", out=tmp_path / "feed.xml")
    finally:
        os.umask(old)
    assert (tmp_path / "feed.xml").stat().st_mode & 0o777 == 0o644


# -- 6. transcripts, chapters and podcast: credits ------------------------------------------------


def test_transcripts_chapters_and_credits_carry_over(cli: Cli, tmp_path: Path) -> None:
    cli("ingest", FEEDS / "persons.xml")
    cli("curate", "create", "harbour", *definition("harbour", category="Leisure/Hobbies"),
        "--query", "show:harbour")  # fmt: skip
    data = export(cli, "harbour", out=tmp_path / "harbour.xml")
    root = check_feed(
        data,
        feed_url="https://feeds.example.com/harbour.xml",
        image="https://shows.example.com/harbour/art.jpg",
        category=("Leisure", "Hobbies"),
    )
    items = {i.findtext("title"): i for i in items_of(root)}
    assert list(items) == ["Fog Signals", "Tides & Timetables", "Nameless Person"]
    fog = items["Fog Signals"]
    assert [dict(t.attrib) for t in fog.findall(q(PODCAST, "transcript"))] == [
        {"url": "https://cdn.example.com/hl/003.vtt", "type": "text/vtt", "language": "en"},
        {"url": "https://cdn.example.com/hl/003.srt", "type": "application/x-subrip"},
    ]
    (chapters,) = fog.findall(q(PODCAST, "chapters"))
    assert dict(chapters.attrib) == {
        "url": "https://cdn.example.com/hl/003.json",
        "type": "application/json+chapters",
    }
    assert persons(fog) == [
        ("Inès Moreau", "host", None, None),
        ("Ada Lindqvist", "guest", "https://ada.example.org", "https://ada.example.org/a.jpg"),
    ]  # the audio engineer is crew, not cast; the nameless guest is dropped
    assert fog.findtext(q(ITUNES, "duration")) == "3723"
    assert items["Nameless Person"].findtext(q(ITUNES, "duration")) == "1746"  # 1745.5 s
    nameless = persons(items["Nameless Person"])
    assert [n for n, role, *_ in nameless if role == "guest"] == ["Bea Kowalczyk"]
    assert {n for n, role, *_ in nameless if role in HOSTS} == {"Inès Moreau", "Tomasz Wrona"}
    assert not items["Tides & Timetables"].findall(q(PODCAST, "transcript"))
    assert assert_round_trip(cli, "harbour", root, tmp_path / "harbour.xml", tmp_path)


# -- bugs found while writing these tests ---------------------------------------------------------


def test_sanitizer_keeps_spaces_around_inline_tags(cli: Cli, tmp_path: Path) -> None:
    assert sanitize_html("<p>Hi <b>there</b> friend</p>") == "<p>Hi <b>there</b> friend</p>"
    cli("ingest", FEEDS / "persons.xml")
    data = export(cli, "show:harbour", *definition("h"), out=tmp_path / "h.xml")
    root = check_feed(
        data,
        feed_url="https://feeds.example.com/h.xml",
        image="https://shows.example.com/h/art.jpg",
        category=("News", "Politics"),
    )
    html = items_of(root)[0].findtext("description")
    text = lxml_html.fragment_fromstring(html, create_parent="div").text_content()
    assert "talk with Ada Lindqvist about lighthouses" in text


def long_description_feed(html: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Long</title><link>https://long.example.com/</link>
<description>Long descriptions.</description>
<item><title>Long one</title><guid isPermaLink="false">long-1</guid>
<pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>
<enclosure url="https://long.example.com/1.mp3" length="100" type="audio/mpeg"/>
<description><![CDATA[{html}]]></description></item></channel></rss>
"""


@pytest.mark.parametrize(
    "html",
    [
        pytest.param("<p>" + "字" * 1400 + "</p>", id="one-cjk-paragraph-hangs"),
        pytest.param("<ul><li>" + "word " * 1000 + "</li></ul>", id="no-paragraph-not-trimmed"),
        pytest.param("<p>" + "é" * 2900 + "</p>", id="one-accented-paragraph-hangs"),
    ],
)
def test_long_descriptions_are_trimmed_to_4000_bytes(cli: Cli, tmp_path: Path, html: str) -> None:
    feed = tmp_path / "long.xml"
    feed.write_text(long_description_feed(html), encoding="utf-8")
    cli("ingest", feed)
    out = tmp_path / "out.xml"
    # A subprocess, so that the hang is a timeout rather than a stuck test run.
    subprocess.run(
        [sys.executable, "-m", "catalog", "--db", str(tmp_path / CATALOG_NAME),
         "export", "rss", "show:long", *definition("long"), "-o", str(out)],
        capture_output=True, timeout=3, check=True,
    )  # fmt: skip
    description = items_of(etree.fromstring(out.read_bytes()))[0].findtext("description")
    assert len(description.encode("utf-8")) <= 4000
    check_feed(
        out.read_bytes(),
        feed_url="https://feeds.example.com/long.xml",
        image="https://shows.example.com/long/art.jpg",
        category=("News", "Politics"),
    )


def test_enclosure_url_with_a_space_still_gives_a_valid_feed(cli: Cli, tmp_path: Path) -> None:
    feed = tmp_path / "spacey.xml"
    feed.write_text(
        long_description_feed("<p>Short.</p>").replace("/1.mp3", "/my episode.mp3"),
        encoding="utf-8",
    )
    cli("ingest", feed)
    data = export(cli, "show:long", *definition("long"), out=tmp_path / "out.xml")
    for item in items_of(etree.fromstring(data)):
        assert " " not in item.find("enclosure").get("url")
    run_validator(data)


def test_item_without_credits_does_not_inherit_other_shows_hosts() -> None:
    host = {"name": "Ada Host", "key": "ada host", "role": "host"}

    def episode(n: int, show: str, credits: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": f"ep{n}", "show_id": show, "guid": f"g{n}", "title": f"Episode {n}",
            "published": f"2024-01-0{n}T10:00:00Z", "duration": 60, "credits": credits,
            "enclosures": [{"url": f"https://m.example.com/{n}.mp3", "length": 1,
                            "type": "audio/mpeg"}],
        }  # fmt: skip

    defn = {
        "title": "Mix", "description": "Mixed.", "link": "https://e.example.com/",
        "feed_url": "https://e.example.com/f.xml", "image": "https://e.example.com/a.jpg",
        "category": "History",
    }  # fmt: skip
    eps = [episode(1, "a", [host]), episode(2, "a", [host]), episode(3, "b", [])]
    data, skipped = build_rss(defn, eps)
    assert skipped == []
    channel = etree.fromstring(data).find("channel")
    third = channel.findall("item")[2]
    effective = persons(third) or persons(channel)  # item persons replace the channel's
    assert ("Ada Host", "host", None, None) not in effective
