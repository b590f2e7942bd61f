"""Pure name finding: every span of a text that may be a person's name, with what stands
around it, for `catalog.roles` to decide who each one is.

A span is a run of capitalised tokens (with particles such as "de" or "van", initials,
Mc/Mac/O', hyphens and a nickname in quotes), cut where a lower-case word, most punctuation
or a sentence end interrupts it. Honorifics and capitalised descriptors are split off the
front ("Astronomer Royal Sir Martin Rees" → "Martin Rees", descriptor "Astronomer Royal",
honorific "Sir"); spans that are organisations, publications, places or headline words are
dropped. The work is linear in the text and capped (`MAX_CHARS`, `MAX_SPANS`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from catalog.core.normalize import fold

MAX_CHARS = 20_000  # of one text: a description or a page body (longer text is cut)
MAX_SPANS = 200  # name spans read from one text

# Tokens: words (letters, digits, inner apostrophes, hyphens and dots), quotes, punctuation.
_TOKEN = re.compile(r"[^\W_](?:[\w'’.\-]*[^\W_])?\.?|[\"“”‘]|[^\w\s]")
_UPPER_START = re.compile(r"[^\W\d_]")

PARTICLES = frozenset(
    "de da del della di du dos das do van von der den ter ten bin ibn al el le la y zu st".split()
)
# Honorifics, by kind: the kind is evidence of the role (a Senator is usually talked about).
HONORIFICS: dict[str, str] = {
    **dict.fromkeys("dr dr. doctor prof prof. professor".split(), "academic"),
    **dict.fromkeys("sir dame lord lady baroness baron earl duke duchess".split(), "noble"),
    **dict.fromkeys("mr mr. mrs mrs. ms ms. miss mx mx. herr frau".split(), "polite"),
    **dict.fromkeys(
        "rev rev. reverend rabbi father fr fr. sister brother bishop archbishop imam "
        "pastor cardinal sheikh".split(),
        "clergy",
    ),
    **dict.fromkeys(
        "president senator sen sen. rep rep. representative congressman congresswoman "
        "governor gov gov. mayor minister chancellor secretary judge justice king queen "
        "prince princess pope emperor empress general gen gen. colonel col col. captain "
        "capt capt. lieutenant lt lt. sergeant sgt sgt. admiral ambassador commissioner "
        "chairman chairwoman councillor councilman councilwoman premier sultan tsar czar "
        "speaker attorney-general".split(),
        "office",
    ),
}
# Capitalised words that begin sentences or headlines and are never part of a name.
FUNCTION_WORDS = frozenset(
    """the a an this that these those there here in on at for from with without and but or
    nor of to by as is are was were be been being it its it's he she they we you i his her
    their our your my me him them us who whom whose what when where why how which while if
    then than so not no yes all any each every some many more most other another such both
    either neither one two three four five six seven eight nine ten first second third last
    next new old today tonight yesterday tomorrow now also just only even still after before
    during since until about above below over under into onto upon through between among
    against around across along behind beyond near off out up down via per plus part
    episode episodes ep show shows podcast interview interviews live special edition bonus
    week weekly daily monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december listen
    join hear watch meet welcome thanks thank please read see get find learn subscribe
    follow check visit click download support do does did don't can can't could would
    should will won't shall might must has have had having let let's make made go going
    said says say ask asks tell tells talk talks why's what's here's there's""".split()
)
# Words that make a capitalised span a place, body, work or event rather than a person.
THING_WORDS = frozenset(
    """states united union kingdom republic nations middle house council ministry party
    forum summit bank street city county university college school institute center
    centre court congress parliament assembly organization organisation agency department
    office foundation association company corporation corp inc ltd llc group news radio
    show podcast festival zone talks road sea ocean river island islands gulf coast valley
    club team army navy force forces front alliance treaty agreement act bill war day week
    year weekly daily facebook twitter telegram google apple spotify youtube instagram
    tiktok korea arabia africa america europe asia policy affairs review magazine journal
    times post prize award awards economics economy studies media network press books
    records hospital church museum library gallery theatre theater square
    airport station bridge tower mountain mountains lake desert empire dynasty
    revolution movement project program programme series season chapter edition report
    tour trust fund society committee commission board bureau service services industry
    industries capital labs lab studio studios games software engineering systems
    technologies technology solutions partners ventures holdings global international
    national federal royal public state ministries senate cabinet police guard
    conference convention olympics league cup championship festival fm am tv""".split()
)

# Countries, regions and large cities: a span that is one of these is a place.
PLACES = frozenset(
    """afghanistan albania algeria andorra angola argentina armenia australia austria
    azerbaijan bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan
    bolivia bosnia botswana brazil brunei bulgaria burkina burundi cambodia cameroon canada
    chad chile china colombia congo croatia cuba cyprus czechia denmark djibouti dominica
    ecuador egypt eritrea estonia eswatini ethiopia fiji finland france gabon gambia georgia
    germany ghana greece grenada guatemala guinea guyana haiti honduras hungary iceland india
    indonesia iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya kiribati
    kosovo kuwait kyrgyzstan laos latvia lebanon lesotho liberia libya liechtenstein lithuania
    luxembourg madagascar malawi malaysia maldives mali malta mauritania mauritius mexico
    micronesia moldova monaco mongolia montenegro morocco mozambique myanmar namibia nauru
    nepal netherlands nicaragua niger nigeria norway oman pakistan palau palestine panama
    paraguay peru philippines poland portugal qatar romania russia rwanda samoa senegal
    serbia seychelles singapore slovakia slovenia somalia spain sudan suriname sweden
    switzerland syria taiwan tajikistan tanzania thailand togo tonga trinidad tunisia turkey
    turkmenistan tuvalu uganda ukraine uruguay uzbekistan vanuatu vatican venezuela vietnam
    yemen zambia zimbabwe england scotland wales britain europe asia africa america americas
    antarctica australasia oceania arctic balkans caucasus scandinavia siberia kashmir tibet
    gaza crimea donbas kurdistan catalonia bavaria texas california florida alaska hawaii
    alabama arizona arkansas colorado connecticut delaware idaho illinois indiana iowa kansas
    kentucky louisiana maine maryland massachusetts michigan minnesota mississippi missouri
    montana nebraska nevada ohio oklahoma oregon pennsylvania tennessee utah vermont
    virginia wisconsin wyoming nashville atlanta denver dallas houston austin miami
    portland philadelphia detroit memphis ontario quebec
    london paris berlin moscow beijing tokyo delhi mumbai washington chicago boston seattle
    toronto sydney melbourne dublin madrid rome vienna prague warsaw budapest athens istanbul
    ankara cairo lagos nairobi johannesburg tehran baghdad damascus kabul karachi lahore
    dhaka shanghai seoul pyongyang bangkok jakarta manila hanoi kyiv kiev minsk riyadh doha
    dubai jerusalem brussels amsterdam geneva zurich munich hamburg milan lisbon oslo
    stockholm copenhagen helsinki havana caracas bogota lima santiago mexico""".split()
) | frozenset(
    (
        "united states",
        "united kingdom",
        "new zealand",
        "south africa",
        "north korea",
        "south korea",
        "saudi arabia",
        "sri lanka",
        "hong kong",
        "new york",
        "los angeles",
        "san francisco",
        "new delhi",
        "el salvador",
        "costa rica",
        "sierra leone",
        "ivory coast",
        "east timor",
        "middle east",
        "latin america",
        "north america",
        "south america",
        "new jersey",
        "new mexico",
        "rio de janeiro",
        "sao paulo",
        "buenos aires",
        "tel aviv",
        "abu dhabi",
        "kuala lumpur",
        "san diego",
        "las vegas",
        "san jose",
        "st petersburg",
        "saint petersburg",
        "cape town",
        "west bank",
        "new hampshire",
        "north carolina",
        "south carolina",
        "north dakota",
        "south dakota",
        "west virginia",
        "rhode island",
        "new orleans",
    )
)


@dataclass(frozen=True, slots=True)
class Span:
    """One name found in a text."""

    name: str  # as written, honorifics and descriptors removed
    start: int  # character offsets of `name` in the text
    end: int
    descriptor: str  # capitalised words split off the front ("Astronomer Royal")
    honorific: str  # the honorific's kind ("academic", "office", …) or ""
    possessive: bool  # "Parris's", "Parris’"
    nickname: str  # 'Matthew "Matt" Rorie' → "Matt"
    sentence_start: bool  # the name (or its honorific/descriptor) opens the sentence


def _is_cap(token: str) -> bool:
    first = _UPPER_START.match(token)
    return first is not None and token[0].isupper()


def _is_initial(token: str) -> bool:
    """'J.', 'J', 'C.S.'"""
    bare = token.replace(".", "")
    return 0 < len(bare) <= 3 and bare.isupper() and bare.isalpha() and len(token) <= 6


# A run of capitalised tokens, found by the regex engine in one pass over the text: names
# are a small part of any text, so only the runs are looked at in Python. Initials and known
# abbreviations keep their period inside a run ("J. R. R. Tolkien", "Dr. Ravi Menon"); any
# other period ends it ("… Vivek Kaul. The US …").
_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽΆ-ΫА-ЯЁ-Џ"
_ABBR = r"(?:Dr|Mr|Mrs|Ms|Mx|St|Prof|Jr|Sr|Rev|Gen|Col|Capt|Lt|Sgt|Sen|Rep|Gov|Fr|Mt|Hon)\."
_TOK = rf"(?:{_ABBR}|[{_UP}]\.(?:[{_UP}]\.)*|[{_UP}][\w'’\-]*)"
_PART = "(?:" + "|".join(sorted(PARTICLES, key=len, reverse=True)) + ")"
_GAP = r"[ \t\u00a0]{1,2}"
_NICK = rf"[\"“][{_UP}][\w'’.\-]{{0,20}}[\"”]"
_RUN = re.compile(rf"{_TOK}(?:{_GAP}(?:{_PART}{_GAP})*(?:{_TOK}|{_NICK}))*")
_CAPITAL = re.compile(f"[{_UP}]")  # where a run may start: the regex engine finds these fast
_INSIDE_WORD = re.compile(r"[\w'’\-]")  # "McDonald" is found at "M", never at "D"
_OPENS = re.compile(r"(?:^|[.!?:;\n]|[.!?][\"”’)])[\s\"“(]*$")


def find(
    text: str,
    *,
    first_names: Callable[[str], bool] | None = None,
    common: Callable[[str], bool] | None = None,
) -> list[Span]:
    """Every name span in a text, in order (at most MAX_SPANS, from the first MAX_CHARS).

    >>> [s.name for s in find("Andrew Korybko is joined by Joseph Davis, a blogger.")]
    ['Andrew Korybko', 'Joseph Davis']
    >>> s = find("with Astronomer Royal Sir Martin Rees and others")[0]
    >>> s.name, s.descriptor, s.honorific
    ('Martin Rees', 'Astronomer Royal', 'noble')
    """
    text = text[:MAX_CHARS]
    known = first_names or _never
    usual = common or _never
    spans: list[Span] = []
    done = 0  # the end of the last run: capitals before it are inside it
    for capital in _CAPITAL.finditer(text):
        start = capital.start()
        if start < done or (start and _INSIDE_WORD.match(text, start - 1)):
            continue
        found = _RUN.match(text, start)
        if found is None:
            continue
        done = found.end()
        opens = _OPENS.search(text, max(0, start - 4), start) is not None
        for sp in _run_spans(found.group(0), opens, known, usual):
            spans.append(
                Span(
                    sp.name,
                    sp.start + start,
                    sp.end + start,
                    sp.descriptor,
                    sp.honorific,
                    sp.possessive,
                    sp.nickname,
                    sp.sentence_start,
                )
            )
        if len(spans) >= MAX_SPANS:
            break
    return spans[:MAX_SPANS]


def _never(_word: str) -> bool:
    return False


@functools.lru_cache(maxsize=16384)
def _run_spans(
    run_text: str, opens: bool, known: Callable[[str], bool], usual: Callable[[str], bool]
) -> tuple[Span, ...]:
    """The name spans of one run, offsets within the run (remembered: the same runs, a
    show's hosts and its furniture, come back item after item)."""
    run = list(_TOKEN.finditer(run_text))
    if not any(_is_cap(m.group(0)) for m in run):
        return ()
    out: list[Span] = []
    _close(run_text, run, opens, known, usual, out)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Word:
    """What a capitalised token is, worked out once per distinct token."""

    folded: str
    function: bool  # "The", "They're"
    honorific: str  # its kind, or ""
    role: bool  # "Host", "Reporter"
    thing: bool  # "University", "Radio"
    place: bool  # "India", "Memphis"
    lower: bool  # a lower-case particle inside a run ("van")


@functools.lru_cache(maxsize=65536)
def _word(token: str) -> _Word:
    folded = fold(token)
    bare = folded.rstrip(".")
    kind = HONORIFICS.get(folded) or HONORIFICS.get(bare) or ""
    if not kind and bare.endswith("s"):
        kind = HONORIFICS.get(bare[:-1]) or ""
    head = re.split(r"['’]", token.rstrip(".,"), maxsplit=1)[0]
    plain = _POSSESSIVE.sub("", bare)  # "Israel's" is Israel, "Times" stays Times
    return _Word(
        folded=folded,
        function=fold(head) in FUNCTION_WORDS,
        honorific=kind,
        role=folded in ROLE_TITLES,
        thing=plain in THING_WORDS,
        place=plain in PLACES,
        lower=token.islower(),
    )


def _close(
    text: str,
    run: list[re.Match[str]],
    opens: bool,
    known: Callable[[str], bool],
    usual: Callable[[str], bool],
    out: list[Span],
) -> None:
    """Turn a run of capitalised tokens into zero or more name spans."""
    tokens = [m.group(0) for m in run]
    # Quotes: keep one nickname ("Matt"), drop stray quote marks.
    nickname = ""
    keep: list[int] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in '"“”‘':
            if i + 2 < len(tokens) and tokens[i + 2] in '"“”' and _is_cap(tokens[i + 1]):
                nickname = tokens[i + 1]
                i += 3
                continue
            i += 1
            continue
        keep.append(i)
        i += 1
    if not keep:
        return
    info = {i: _word(tokens[i]) for i in keep}
    if info[keep[-1]].thing:
        return  # "Meridian Analytics Group", "Riverbend Community Radio": a body, not a person
    if len(keep) > 1 and " ".join(info[i].folded.rstrip(".") for i in keep) in PLACES:
        return  # "New York", "Rio de Janeiro"
    # Possessive at the end: "Parris's", "Lavrov’s".
    last = tokens[keep[-1]]
    possessive = False
    for suffix in ("'s", "’s", "'", "’"):
        if last.endswith(suffix) and len(last) > len(suffix) + 1:
            possessive = True
            break
    # Leading function words ("The", "In", "They're") are not part of a name.
    while keep and info[keep[0]].function:
        keep.pop(0)
    # Trailing particles ("… de") and function words ("… And") are not either.
    while keep and (info[keep[-1]].lower or info[keep[-1]].function):
        keep.pop()
    if not keep:
        return
    # Split off honorifics and any descriptor before them: "Astronomer Royal Sir Martin Rees".
    honorific = ""
    descriptor_end = 0
    for n, idx in enumerate(keep[:-1]):
        if info[idx].honorific:
            honorific, descriptor_end = info[idx].honorific, n + 1
    name_idx = keep[descriptor_end:]
    descriptor_idx = [i for i in keep[:descriptor_end] if not info[i].honorific]
    plural = descriptor_end and info[keep[descriptor_end - 1]].folded.rstrip(".") not in HONORIFICS
    if honorific and len(name_idx) == 1 and not plural:  # "Mr. Madhavan": title and surname
        name_idx = [keep[descriptor_end - 1], *name_idx]
        descriptor_idx = [i for i in descriptor_idx if i < name_idx[0]]
        honorific = ""
    # Capitalised role words before the name: "Reporter M. Gessen", "Host Ira Glass".
    while len(name_idx) > 1 and info[name_idx[0]].role:
        descriptor_idx.append(name_idx.pop(0))
    # A capitalised descriptor without an honorific ("Grim Reaper John Drake"): the name
    # starts at the first known first name, when the words before it are not names.
    if not honorific and len(name_idx) > 2 and not known(tokens[name_idx[0]]):
        for n in range(1, len(name_idx) - 1):
            if known(tokens[name_idx[n]]):
                descriptor_idx = name_idx[:n]
                name_idx = name_idx[n:]
                break
    # Common words at the ends of a long run are not the name ("Dave Jones Everybody").
    while (
        len(name_idx) > 2 and usual(info[name_idx[-1]].folded) and not known(tokens[name_idx[-1]])
    ):
        name_idx.pop()
    while len(name_idx) > 2 and usual(info[name_idx[0]].folded) and not known(tokens[name_idx[0]]):
        descriptor_idx.append(name_idx.pop(0))
    if not name_idx:
        return
    # Long runs (headlines in title case) hold at most a name or two: split at words that
    # are not name-like (function words were dropped above; things end the run too).
    for piece in _pieces(tokens, name_idx, info):
        words = [tokens[i] for i in piece]
        if any(info[i].thing for i in piece) or all(info[i].place for i in piece):
            continue
        if len(piece) == 1 and usual(info[piece[0]].folded) and not known(tokens[piece[0]]):
            continue  # "Later", "Security": a common word that opens a sentence
        if len(piece) > 1 and fold(" ".join(words).replace(".", "")) in PLACES:
            continue
        start = run[piece[0]].start()
        end = run[piece[-1]].end()
        name = text[start:end]
        if possessive and piece[-1] == keep[-1]:
            name = _POSSESSIVE.sub("", name)
            end = start + len(name)
        if name.endswith(".") and not _is_initial(words[-1]):
            name = name[:-1]
            end -= 1
        first = piece[0] == name_idx[0]
        out.append(
            Span(
                name=name,
                start=start,
                end=end,
                descriptor=" ".join(tokens[i] for i in descriptor_idx) if first else "",
                honorific=honorific if first else "",
                possessive=possessive and piece[-1] == keep[-1],
                nickname=nickname,
                sentence_start=opens and piece[0] == keep[0] and not descriptor_idx,
            )
        )


_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


# Capitalised words for what someone does: a descriptor before a name ("Host Ira Glass",
# "Producer Chana Joffe-Walt"), never the name itself.
ROLE_TITLES = frozenset(
    """host hosts co-host co-hosts cohost presenter guest guests special reporter producer
    correspondent editor author writer novelist poet historian journalist critic comedian
    actor actress singer musician rapper artist director filmmaker founder ceo chef
    economist analyst scientist physicist astronomer biologist doctor lawyer attorney
    activist blogger podcaster commentator columnist contributor narrator interviewer
    moderator anchor managing executive senior chief former veteran legendary renowned
    rocker drummer guitarist composer conductor designer photographer playwright
    entrepreneur investor expert professor coach player""".split()
)


def _pieces(tokens: list[str], idx: list[int], info: dict[int, _Word]) -> list[list[int]]:
    """A run split where a function word sat inside it ("Lavrov And Tillerson" → two)."""
    out: list[list[int]] = [[]]
    for i in idx:
        if info[i].function or tokens[i] in {"&", "-", "–"}:
            if out[-1]:
                out.append([])
            continue
        out[-1].append(i)
    return [p for p in out if p and len(p) <= 6]
