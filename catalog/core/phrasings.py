"""Pure phrasing evidence: a table of phrasings that show pages and feed descriptions use
("X is joined by Y, bio", "Y joins X to discuss…", "Guest: Y", "X talks to writer Y",
"Name - Role | topics" …), and the text helpers around names (bios, websites, tag lines).

What a phrasing says of a name is one piece of evidence among many: `catalog.people` hands
it to the role model (`catalog.roles`) as features, and the model decides. Each sentence is
read up to `MAX_SENTENCE` characters and a text up to `names.MAX_CHARS`, so the work stays
linear in the text, whatever it holds.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from catalog.core.names import MAX_CHARS
from catalog.core.normalize import clean_line, person_key

MAX_SENTENCE = 400  # characters of one sentence the phrasings are tried on

# A capitalised name token: Latin letters with accents, inner hyphens and apostrophes
# ("Hyun-woo", "O'Brien"), or an initial ("J."). The first character is checked to be
# upper-case afterwards, because `re` has no Unicode upper-case class.
_UP = "A-ZÀ-ÖØ-ÞĀ-ſ"
_TOKEN = rf"[{_UP}][\w'’\-]*\.?"
_NICK = r"""(?:\s+["“][^"”]{1,24}["”])"""
_PARTICLE = r"(?:de|da|del|della|di|du|dos|das|van|von|der|den|ter|bin|ibn|al|el|le|la|y)"
NAME = rf"{_TOKEN}{_NICK}?(?:\s+(?:{_PARTICLE}\s+)*{_TOKEN}){{1,3}}"
_NAME_RE = re.compile(NAME)
_CAPITAL = re.compile(f"[{_UP}]")  # what every name starts with

# Lower-case words that describe a guest when they stand before the name:
# "Historian Ruth Calloway joins…", "talks to writer Hilary Mantel".
ROLE_NOUNS = {
    "historian", "author", "journalist", "writer", "novelist", "poet", "professor", "economist",
    "analyst", "researcher", "scholar", "activist", "lawyer", "attorney", "comedian",
    "scientist", "physicist", "musician", "singer", "filmmaker", "director", "editor",
    "reporter", "correspondent", "columnist", "blogger", "podcaster", "entrepreneur",
    "investor", "founder", "doctor", "physician", "psychologist", "philosopher", "artist",
    "actor", "actress", "politician", "senator", "diplomat", "ambassador", "commentator",
    "expert", "consultant", "teacher", "sociologist", "anthropologist", "biologist", "chef",
    "designer", "photographer", "producer", "composer", "coach", "pastor", "rabbi", "former",
    "veteran", "bestselling", "best-selling", "award-winning", "investigative", "political",
    "legal", "independent", "senior", "retired", "film", "music", "science", "tech", "travel",
    "cartoonist", "illustrator", "engineer", "astronaut", "athlete", "player", "critic",
    "futurist", "publisher", "renowned", "host", "co-host", "strategist", "chronicler",
    "specialist", "thinker", "technologist", "banker", "trader", "farmer",
}  # fmt: skip
# Capitalised words that start sentences or name things, never people.
_NOT_NAME_START = {
    "The", "This", "That", "These", "Those", "In", "On", "At", "For", "From", "With", "And",
    "But", "Or", "Our", "We", "He", "She", "They", "It", "His", "Her", "Their", "Its", "A",
    "An", "Today", "Tonight", "Yesterday", "Tomorrow", "Why", "How", "What", "When", "Who",
    "Where", "Episode", "Part", "Listen", "Join", "Plus", "Also", "Then", "After", "Before",
    "President", "Prime", "Minister", "Secretary", "King", "Queen", "Pope", "General",
    "Governor", "Mayor", "Chancellor", "Chairman", "Senator", "Congressman", "Judge",
}  # fmt: skip
# Words that make a capitalised phrase a place, body or thing rather than a person.
_NOT_PERSON_WORDS = {
    "States", "United", "Union", "Kingdom", "Republic", "Nations", "Middle", "House",
    "Council", "Ministry", "Party", "Forum", "Summit", "Bank",
    "Street", "City", "County", "University", "College", "School", "Institute", "Center",
    "Centre", "Court", "Congress", "Parliament", "Assembly", "Organization", "Organisation",
    "Agency", "Department", "Office", "Foundation", "Association", "Company", "Group", "News",
    "Radio", "Show", "Podcast", "Festival", "Zone", "Zones", "Talks", "Road", "Belt", "Sea",
    "Ocean", "River", "Island", "Islands", "Gulf", "Coast", "Valley", "Club", "Team", "Army",
    "Navy", "Force", "Forces", "Front", "Alliance", "Treaty", "Agreement", "Act", "Bill", "War",
    "Day", "Week", "Year", "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December", "Facebook", "Twitter",
    "Telegram", "Google", "Apple", "Spotify", "YouTube", "Korea", "Arabia", "Africa",
    "America", "Europe", "Asia", "Kong", "Zealand", "Lanka", "Emirates", "Peninsula",
    "Policy", "Affairs", "Review", "Magazine", "Journal", "Times", "Post", "Prize", "Award",
    "Awards", "Economics", "Economy", "Studies", "Media", "Network", "Press", "Books",
}  # fmt: skip
_PRONOUNS = {"he", "she", "they", "him", "her", "them"}

_DOMAIN_RE = re.compile(
    r"\b(?:https?://)?(?:www\.)?((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:com|org|net|edu|gov|io|co|uk|us|ca|au|in|de|fr|info|me|tv|fm|blog|news|ru|eu))"
    r"(/[\w./%-]*)?\b",
    re.IGNORECASE,
)


@dataclass
class Extraction:
    """What the extractor found in one text."""

    credits: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)


def _is_name(text: str) -> bool:
    tokens = text.split()
    tokens = [t.strip('"“”') for t in tokens]
    if len(tokens) < 2 or not tokens[0] or not tokens[0][0].isupper():
        return False
    if tokens[0] in _NOT_NAME_START or tokens[0].lower() in _PRONOUNS:
        return False
    if any(t.strip(".,") in _NOT_PERSON_WORDS for t in tokens):
        return False
    if any(t.endswith(("'s", "’s")) for t in tokens):  # "Richard Thaler’s Nobel Prize"
        return False
    return all(t[0].isupper() or t.islower() for t in tokens)


is_name = _is_name  # public: the audio tags' title phrasings ("… with X") use it too


def _strip_role_prefix(name: str) -> tuple[str, str]:
    """'Historian Ruth Calloway' → ('Ruth Calloway', 'Historian')."""
    tokens = name.split()
    prefix: list[str] = []
    while len(tokens) > 2 and _singular(tokens[0].lower()) in ROLE_NOUNS:
        prefix.append(tokens.pop(0))
    if len(tokens[-1]) > 2:  # "Vivek Kaul." at a sentence end; keep initials ("J.")
        tokens[-1] = tokens[-1].rstrip(".")
    return " ".join(tokens), " ".join(prefix)


def _singular(word: str) -> str:
    """'economists' → 'economist' (for role words)."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def website_of(text: str) -> str | None:
    """The first web address in a text, as an absolute URL.

    >>> website_of("a researcher who writes at jdavismemphis.com")
    'https://jdavismemphis.com'
    """
    match = _DOMAIN_RE.search(text)
    if not match or "@" in text[max(0, match.start() - 1) : match.start()]:
        return None
    found = match.group(0)
    return found if found.lower().startswith("http") else "https://" + found


def clean_bio(bio: str) -> tuple[str | None, str | None]:
    """A bio and a website from an appositive ("an analyst based in Memphis, TN who runs x.com").

    >>> clean_bio("an independent blogger based in Memphis, TN who the site jdavismemphis.com")
    ('an independent blogger based in Memphis, TN', 'https://jdavismemphis.com')
    """
    bio = clean_line(bio).strip(" ,;:-–—")
    bio = _WHO_IS.sub("", bio)
    site = website_of(bio)
    if site:
        # Drop the clause that carries the address: "who runs x.com", "at x.com", "(x.com)".
        domain_at = bio.lower().find(site.split("//", 1)[1].split("/")[0].lower())
        head = bio[: max(domain_at, 0)]
        who = _WHO.search(head)
        others = list(_AT_SITE.finditer(head))
        if who:
            bio = bio[: who.start()]
        elif others:
            bio = bio[: others[-1].start()]
        elif domain_at >= 0:
            bio = bio[:domain_at]
        bio = bio.strip(" ,;:-–—(")
    if len(bio) > 300:
        bio = bio[:300].rsplit(" ", 1)[0] + "…"
    return (bio or None), site


# -- the phrasings ------------------------------------------------------------------------
# Each pattern names its groups: "hosts" and/or "guests" hold the text to read names from.
_HOSTS = rf"(?P<hosts>{NAME}(?:\s*(?:,|and|&)\s*{NAME})*)"
_TAIL = r"(?P<guests>.+)"
_CHAT = r"(?:talks?|talked|talking|speaks?|spoke|speaking|chats?|chatted|sits? down|sat down|" \
        r"catches up|caught up|interviews?|interviewed|welcomes?|welcomed|asks?|asked|hears?|" \
        r"heard|converses|is in conversation)"  # fmt: skip
# Conversational phrasings also describe news ("Lavrov spoke with Tillerson"): they count
# only when no stronger phrasing ("is joined by", "joins", "Guest:") named anyone.
_WEAK = {"talks-with", "interviews", "with-guest", "tells", "and-discuss"}
WEAK = _WEAK  # public: catalog.people tells strong phrasings from these
PATTERNS: list[tuple[str, re.Pattern[str], float]] = [
    # "Andrew Korybko is joined by Joseph Davis, an independent blogger…"
    ("joined-by", re.compile(
        rf"{_HOSTS}\s+(?:is|are|was|were)\s+(?:\w+\s+)?joined\s+(?:\w+\s+)?by\s+{_TAIL}"),
     0.9),
    # "Tyler and David are joined by X" (hosts we cannot name), "We're joined by X"
    ("joined-by", re.compile(r"\b(?:is|are|was|were) (?:\w+ )?joined (?:\w+ )?by " + _TAIL), 0.85),
    ("we-are-joined",
     re.compile(rf"\b(?:[Ww]e(?:'re| are| were)|[Ii]s) joined (?:[\w ]{{0,25}} )?by {_TAIL}"),
     0.8),
    # "X joins Y to discuss", "X, author of …, joins us", "Historian X joins Y"
    ("joins", re.compile(
        r"(?P<guests>.+?)\s+(?:joins?|joined|returns? to|is back (?:on|with))\s+"
        r"(?:(?:co-)?hosts? )?"
        rf"(?P<hosts>{NAME}(?:\s*(?:,|and|&)\s*{NAME})*|us|the show|the program(?:me)?|"
        r"the podcast|me)\b"),
     0.85),
    # "Maria Santos speaks to X", "Mark Lawson talks to writer Hilary Mantel"
    ("talks-with", re.compile(rf"{_HOSTS}\s+{_CHAT}\s+(?:to|with|from)?\s*{_TAIL}"), 0.8),
    # "Mei-Ling Harcourt tells Andrew Korybko why…", "X discusses with Y"
    ("tells", re.compile(
        rf"(?P<guests>{NAME}(?:,[^,]{{3,120}},)?(?: and {NAME})?)\s+(?:tells|told|"
        rf"discuss(?:es)? with|explains to|shares? with|"
        rf"shares? (?:his|her|their) (?:\w+ )?(?:insights|views|thoughts|stories|story|"
        rf"expertise|experiences?) with)\s+(?P<hosts>{NAME})"), 0.75),
    # "Andrew Korybko and Prague-based security analyst Jiří Novák discuss…"
    ("and-discuss", re.compile(
        rf"(?P<hosts>{NAME}) and (?P<guests>(?:[\w-]+ ){{1,4}}{NAME}) (?:discuss|look at|talk|"
        rf"examine|consider|debate|weigh|assess|explore)"), 0.7),
    # "Andrew Korybko's guest is X"
    ("host-guest-is", re.compile(rf"(?P<hosts>{NAME})[’']s guests? (?:[\w ]{{0,20}} )?(?:is|are) "
                                 + _TAIL), 0.8),
    # "Y interviews X" (no preposition)
    ("interviews",
     re.compile(rf"{_HOSTS}\s+(?:interviews?|interviewed|welcomes?|welcomed)\s+{_TAIL}"), 0.8),
    # "with guest X", "with special guests X and Y", "featuring X"
    ("with-guest", re.compile(r"\bwith (?:special |returning |our )?guests? " + _TAIL), 0.75),
    ("guest-label", re.compile(r"^(?:[Ss]pecial )?[Gg]uests?\s*[:\-–]\s*" + _TAIL), 0.85),
    ("host-label", re.compile(r"^(?:[Hh]ost(?:ed by|s)?)\s*[:\-–]\s*(?P<hosts>.+)"), 0.85),
    ("hosted-by", re.compile(r"\b[Hh]osted by (?P<hosts>.+)"), 0.8),
    # "X is our guest", "Our guest this week is X"
    ("our-guest", re.compile(rf"(?P<guests>{NAME})\s+is (?:our|my|this week's) guest"), 0.8),
    ("guest-is",
     re.compile(r"\b(?:[Oo]ur|[Mm]y|[Tt]his week's) guests? (?:[\w ]{0,20} )?(?:is|are) " + _TAIL),
     0.8),
]  # fmt: skip
# Words one of which a sentence must contain before a phrasing's regex is tried.
TRIGGERS = {
    "joined-by": ("joined",), "we-are-joined": ("joined",),
    "joins": ("join", "return", "is back"),
    "talks-with": ("talk", "speak", "spoke", "chat", "sit", "sat ", "catch", "caught", "interv",
                   "welcom", "ask", "hear", "convers"),
    "tells": ("tell", "told", "discuss", "explain", "share"),
    "and-discuss": ("discuss", "look at", "talk", "examine", "consider", "debate", "weigh",
                    "assess", "explore"),
    "host-guest-is": ("guest",), "interviews": ("interv", "welcom"),
    "with-guest": ("guest",), "guest-label": ("guest",), "host-label": ("host",),
    "hosted-by": ("hosted",), "our-guest": ("guest",), "guest-is": ("guest",),
}  # fmt: skip
# Every trigger word once: a sentence is searched for these first.
_TRIGGER_WORDS = sorted({word for words in TRIGGERS.values() for word in words})
# "Name - Role | topic, topic" (radio programme listings)
_DASH_LINE = re.compile(
    rf"^(?P<name>{NAME})\s+[-–—]\s+(?P<bio>[^|]{{3,120}}?)\s*\|\s*(?P<rest>.*)$"
)
_ABOUT = re.compile(
    rf"\b(?:talks? about|talked about|discuss(?:es|ed|ing)?|profiles?|remembers?|"
    rf"pays? tribute to|looks? at|on the legacy of)\s+(?P<name>{NAME})"
)
# _ABOUT matches only where one of these (case-sensitive) occurs.
_ABOUT_WORDS = ("about", "discuss", "profile", "remember", "tribute", "look", "legacy")
# A text none of whose lines holds one of these (lower-cased) matches no phrasing at all.
_ANY_CUE = tuple(sorted({*_TRIGGER_WORDS, *_ABOUT_WORDS}))
_PRONOUN_BIO = re.compile(
    r"^(?:He|She|They)(?: is|'s| was| are|’s) (?P<bio>(?:a|an|the)\b[^.;]{3,200})"
)

# What ends a list of guests: the verb phrase that follows it ("… to discuss", "about …").
_STOP = (
    r"(?:to (?:discuss|talk|explain|describe|share|tell|look|consider|examine|explore|"
    r"break|answer|help|reflect|debate|analy[sz]e|review|unpack|chat)|about|on (?:the|his|her|"
    r"their|what|how|why|whether)|why|whether|what|how|in (?:episode|this|today|the studio|"
    r"studio)|for (?:a|an|"
    r"this|the)|from (?:the|his|her)|as (?:they|we|he|she))\b"
)
_STOP_AFTER_NAME = re.compile(r"\s+" + _STOP, re.IGNORECASE)
_STOP_AFTER_BIO = re.compile(r",\s*" + _STOP + ".*$", re.IGNORECASE)


# Patterns used in the loops below, compiled once.
_WHO_IS = re.compile(r"^(?:who|which) (?:is|was)\s+")
_WHO = re.compile(r"\s*,?\s*\b(?:who|which)\b")
_AT_SITE = re.compile(r"\s*,?\s*(?:\bat\b|\(|\bhttps?:|\bwww\.)")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9À-Þ])")
_ABBREVIATION = re.compile(
    r"(?:[A-Z]\.|Dr\.|Mr\.|Mrs\.|Ms\.|St\.|Prof\.|Jr\.|Sr\.|vs\.|[A-Z]\.[A-Z]\.|No\.|Vol\.|Ep\.)"
)
_ROLE_WORD = re.compile(r"[a-z-]{4,}(?:er|or|ist|ian|ant|ent)")
_FIRST_NAME = re.compile(rf"[{_UP}][\w'’\-]+")
_WORDS = re.compile(r"\S+\s+")
_END_PUNCT = re.compile(r"[.!?]+$")
_LEAD = re.compile(r"\s*(?:,\s*)?(?:and\b|&|as well as\b|plus\b)?\s*")
_OF = re.compile(r"\s+((?:of|from|at) (?:the )?[^,]{3,80}?)(?=\s+(?:and|&)\s+|\s*,|$)")
_IS_A = re.compile(r"\s+(?:is|was)\s+((?:a|an|the)\s.+)$")
_NEXT_NAME = re.compile(rf",?\s+(?:and|&)\s+(?={NAME}\s*(?:,|$))")
_GLUED = re.compile(r"(?<=[a-z0-9][.!?])(?=[A-Z][a-z])")
# Patterns starting with a look-behind are tried at every position; these cheap tests
# (what any match must contain) skip them for most texts.
_SENTENCE_END_HINT = re.compile(r"[.!?][\"”’)]?\s")
_GLUED_HINT = re.compile(r"[.!?][A-Z]")


def _split_sentences(text: str) -> list[str]:
    """Sentences (and lines) of a text; abbreviations and initials don't end a sentence."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        parts = _SENTENCE_END.split(line) if _SENTENCE_END_HINT.search(line) else [line]
        buf = ""
        for part in parts:
            buf = f"{buf} {part}".strip() if buf else part
            tail = buf.rsplit(None, 1)  # the last word: ["…", "word"], or [] for a blank
            if tail and tail[-1].endswith(".") and _ABBREVIATION.fullmatch(tail[-1]):
                continue
            out.append(buf)
            buf = ""
        if buf:
            out.append(buf)
    return out


_NOT_ROLES = {
    "whether", "other", "either", "neither", "under", "over", "after", "never", "ever",
    "later", "rather", "together", "another", "for", "or", "per", "member", "number",
    "order", "center", "paper", "chapter", "summer", "winter", "water", "border", "letter",
}  # fmt: skip


def _is_role_word(word: str) -> bool:
    """'historian', 'beekeeper', 'consultant': a word that says what someone does."""
    low = _singular(word.lower().strip(","))
    if low in ROLE_NOUNS:
        return True
    return low not in _NOT_ROLES and _ROLE_WORD.fullmatch(low) is not None


# Phrasings where the guest comes first, as the subject ("X joins Y", "X tells Y").
_GUEST_FIRST = {"joins", "tells"}


def _resolve_subject(text: str, recent: list[str]) -> list[tuple[str, str]]:
    """Who "He", "They", "Prem" or "…, and Vivek Kaul" is, before a verb like "joins"."""
    subject = text.strip().strip(",")
    if subject in {"He", "She"} and recent:
        return [(recent[0], "")]
    if subject == "They" and recent:
        return [(name, "") for name in recent]
    if _FIRST_NAME.fullmatch(subject):  # a first name used alone
        for name in recent:
            if name.split()[0] == subject:
                return [(name, "")]
        return []
    return _names_before_verb(text)


def _role_and_name(text: str, pos: int) -> tuple[list[str], re.Match[str]] | None:
    """A name at `pos`, possibly after a short description: "Prague-based security analyst
    Jiří Novák", "writer Hilary Mantel", "the economist Ann Lee"."""
    words = _WORDS.findall(text[pos : pos + 120])[:5]
    offset = 0
    for k in range(len(words) + 1):
        lead = [w.strip() for w in words[:k]]
        if k and not (
            _is_role_word(lead[-1])
            and lead[-1].islower()
            # "Renowned journalist X", "China expert X": the first word may be capitalised
            and all(w.islower() or "-" in w or n == 0 for n, w in enumerate(lead))
        ):
            offset += len(words[k]) if k < len(words) else 0
            continue
        match = _NAME_RE.match(text, pos + offset)
        if match and _is_name(match.group(0)):
            return lead, match
        if k < len(words):
            offset += len(words[k])
    return None


def _names_with_bios(text: str) -> list[tuple[str, str]]:
    """Read "A, bio, and B, bio" / "A and B" / "writer A" into (name, bio) pairs."""
    return list(_cached_parse_names(text)[0])


def _names_before_verb(text: str) -> list[tuple[str, str]]:
    """The list of names that ends a text ("India faces a jobs crisis, and Vivek Kaul")."""
    for match in _NAME_RE.finditer(text):
        found, complete = _cached_parse_names(text[match.start() :])
        if found and complete:
            return list(found)
    return []


def _parse_names(text: str) -> tuple[list[tuple[str, str]], bool]:
    """(name, bio) pairs, and whether they took up the whole text."""
    text = _END_PUNCT.sub("", text.strip())
    found: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        lead = _LEAD.match(text[pos:])
        pos += lead.end() if lead else 0
        found_name = _role_and_name(text, pos)
        if found_name is None:
            return found, not text[pos:].strip(" ,")
        role_words, match = found_name
        name, prefix = _strip_role_prefix(match.group(0))
        pos = match.end()
        bio = " ".join(w for w in [*role_words, prefix] if w and w not in {"a", "an", "the", "and"})
        if _STOP_AFTER_NAME.match(text, pos):
            found.append((name, bio))
            return found, False
        tail = text[pos:]
        # "Tamsin Okoro of the Eastside Growers Collective and beekeeper Luis Ferreira"
        of = _OF.match(tail)
        if of:
            bio = f"{bio}, {of.group(1)}" if bio else of.group(1)
            pos += of.end()
            found.append((name, bio))
            continue
        # "Eric Lynch is a professional poker player …"
        is_a = _IS_A.match(tail)
        if is_a:
            found.append((name, is_a.group(1)))
            return found, True
        # An appositive: ", bio" up to ", and NAME", " and NAME," or the verb phrase after it.
        if tail.startswith(","):
            rest = _STOP_AFTER_BIO.sub("", tail[1:])
            nxt = _NEXT_NAME.search(rest)
            appositive = (rest[: nxt.start()] if nxt else rest).strip()
            if appositive and not _NAME_RE.fullmatch(appositive):
                bio = f"{bio}, {appositive}" if bio else appositive
                pos += 1 + len(rest[: nxt.start()] if nxt else rest)
                if not nxt:
                    found.append((name, bio))
                    return found, True
        found.append((name, bio))
    return found, True


@functools.lru_cache(maxsize=4096)
def _cached_parse_names(text: str) -> tuple[tuple[tuple[str, str], ...], bool]:
    """`_parse_names`, remembered: the same hosts and guests are named episode after episode."""
    found, complete = _parse_names(text)
    return tuple(found), complete


def _credit(
    name: str, role: str, bio: str, evidence: str, confidence: float, source: str
) -> dict[str, Any]:
    text_bio, site = clean_bio(bio) if bio else (None, None)
    return {
        "name": clean_line(name), "key": person_key(name), "role": role, "group": "cast",
        "bio": text_bio, "href": site, "img": None, "source": source,
        "confidence": confidence, "evidence": evidence,
    }  # fmt: skip


def extract(text: str, *, source: str = "description") -> Extraction:
    """Hosts, guests and mentioned people in a prose text (a page body or a description)."""
    result = Extraction()
    low = text[:MAX_CHARS].lower()
    if "|" not in low and not any(word in low for word in _ANY_CUE):
        return result  # no phrasing can match: most texts, at no cost
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    # Only lines with a capital letter can name anyone (see below), and neither gluing nor
    # sentence splitting crosses a line break: the other lines are never looked at.
    lines = [line for line in text[:MAX_CHARS].split("\n") if _has_capital(line)]
    sentences = _split_sentences(fix_glued("\n".join(lines)))
    last_guest: dict[str, Any] | None = None
    # The sentences read so far, for "He joins…", "Prem joins…": the names of the latest one
    # that names anyone (worked out only when a phrasing needs them, which is rare).
    earlier: list[str] = []
    for sentence in sentences:
        sentence = sentence[:MAX_SENTENCE]
        if not _has_capital(sentence):
            continue  # every phrasing needs a name, "He", "She" or "They": all capitalised
        dash = _DASH_LINE.match(sentence)
        if dash and _is_name(dash.group("name")):
            _add(
                seen,
                _credit(dash.group("name"), "guest", dash.group("bio"), "dash-line", 0.8, source),
            )
            continue
        pronoun = _PRONOUN_BIO.match(sentence)
        if pronoun and last_guest is not None and not last_guest["bio"]:
            last_guest["bio"], site = clean_bio(pronoun.group("bio"))
            last_guest["href"] = last_guest["href"] or site
        low = sentence.lower()
        present = {word for word in _TRIGGER_WORDS if word in low}
        for evidence, pattern, confidence in PATTERNS if present else ():
            if present.isdisjoint(TRIGGERS[evidence]):
                continue  # a cheap test first: most sentences name no one
            match = pattern.search(sentence)
            if not match:
                continue
            groups = match.groupdict()
            guests = _names_with_bios(groups["guests"]) if groups.get("guests") else []
            if not guests and evidence in _GUEST_FIRST and groups.get("guests"):
                guests = _resolve_subject(groups["guests"], _recent_names(earlier))
            if "guests" in groups and not guests:
                continue  # the phrasing matched but named nobody: try the next one
            for name, bio in guests:
                last_guest = _add(seen, _credit(name, "guest", bio, evidence, confidence, source))
            hosts = groups.get("hosts")
            if hosts and hosts not in {"us", "the show", "me"} and not hosts.startswith("the "):
                for name, _bio in _names_with_bios(hosts):
                    _add(seen, _credit(name, "host", "", evidence, confidence, source))
            break
        if any(word in sentence for word in _ABOUT_WORDS):
            for about in _ABOUT.finditer(sentence):
                name = about.group("name")
                if _is_name(name) and name not in result.mentions:
                    result.mentions.append(clean_line(name))
        earlier.append(sentence)
    credits = list(seen.values())
    if any(c["evidence"] not in _WEAK for c in credits):
        credits = [c for c in credits if c["evidence"] not in _WEAK]
    credited = {c["key"] for c in credits}
    result.credits = credits
    result.mentions = [m for m in result.mentions if person_key(m) not in credited]
    return result


def _has_capital(text: str) -> bool:
    """Whether a text holds a character that a name can start with."""
    if text.isascii() and text.islower():
        return False
    return _CAPITAL.search(text) is not None


def _named(sentence: str) -> list[str]:
    """The people a sentence names (role words dropped)."""
    return [
        _strip_role_prefix(m.group(0))[0]
        for m in _NAME_RE.finditer(sentence)
        if _is_name(m.group(0))
    ]


def _recent_names(earlier: list[str]) -> list[str]:
    """The names in the latest of these sentences that names anyone ([] if none does)."""
    for sentence in reversed(earlier):
        names = _named(sentence)
        if names:
            return names
    return []


def _add(seen: dict[tuple[str, str], dict[str, Any]], credit: dict[str, Any]) -> dict[str, Any]:
    key = (credit["key"], credit["role"])
    other = (credit["key"], "guest" if credit["role"] == "host" else "host")
    if other in seen and credit["role"] == "guest":  # someone hosting is not also a guest
        return seen[other]
    if key in seen:
        old = seen[key]
        old["bio"] = old["bio"] or credit["bio"]
        old["href"] = old["href"] or credit["href"]
        return old
    seen[key] = credit
    return credit


def fix_glued(text: str) -> str:
    """Put back the space that scraping removed between sentences ("summit.The US").

    >>> fix_glued("the summit.The US and Russia")
    'the summit. The US and Russia'
    """
    return _GLUED.sub(" ", text) if _GLUED_HINT.search(text) else text


def tag_people(tags: list[str]) -> tuple[list[str], list[str]]:
    """Split a tag line into (people mentioned, other topics).

    >>> tag_people(["meeting", "Rex Tillerson", "US", "Sergei Lavrov", "New York Times"])
    (['Rex Tillerson', 'Sergei Lavrov'], ['meeting', 'US', 'New York Times'])
    """
    people: list[str] = []
    topics: list[str] = []
    for tag in tags:
        tag = clean_line(tag)
        if not tag:
            continue
        tokens = tag.split()
        looks_like_person = (
            2 <= len(tokens) <= 4
            and _NAME_RE.fullmatch(tag) is not None
            and _is_name(tag)
            and not any(t in {"New", "Times", "Post", "Journal"} for t in tokens)
        )
        (people if looks_like_person else topics).append(tag)
    return people, topics
