"""Pure role decisions: who each name in an episode's title and description is (host, guest,
mentioned, or not a person), with a confidence, from the evidence around it.

Every name span (`catalog.names`) becomes evidence: the words on either side ("is joined
by", "talks to", "according to", ", a professor of"), where it stands (the title, and there
after a number, before a colon, after "with"), its honorific and descriptor, whether the
first word is a known first name, and, for the whole show, the share of the show's episodes
that name the same person and whether the show's own title or author names them. Mentions of
one person in an item ("Kaldellis", "Anthony Kaldellis") are read together. A linear model
over these features (`catalog/data/roles_model.json`, trained by `bench/credits_train.py` on
the labelled sets under `tests/data/credits/`) gives a probability for each role.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from catalog.core import names
from catalog.core.normalize import fold, person_key

CLASSES = ("host", "guest", "mentioned", "none")
RULE_ODDS = 4.0  # see `decide`
WEAK_RULE_ODDS = 2.0
OFFICE_ODDS = 3.0
MAX_CANDIDATES = 60  # people read from one item (the rest are ignored)

_WORD = re.compile(r"[\w'’\-]+|[^\w\s]")
_NUMBER_PREFIX = re.compile(
    r"^\s*(?:#|no\.?\s*|ep(?:isode)?\.?\s*)?\d[\d.]*\s*[:\-–—|.)]?\s*", re.I
)
_BOUNDARY = {".", "!", "?", ";", "|"}


@dataclass
class Candidate:
    """One person named in one episode's title or text, with all the evidence for a role."""

    name: str
    key: str
    features: Counter[str] = field(default_factory=Counter)
    bio: str = ""
    slot: str = ""  # where the title names it (`title_slot`), if it does
    rule_bio: tuple[str | None, str | None] | None = None  # (bio, website) a phrasing gave


@dataclass
class ShowContext:
    """What a show as a whole says about a name."""

    items: int = 0
    share: dict[str, float] = field(default_factory=dict)  # key → share of items naming it
    channel: frozenset[str] = frozenset()  # keys the show's title, author or description name
    lower: frozenset[str] = frozenset()  # words the show writes in lower case ("latency")
    own: frozenset[str] = frozenset()  # the show's own title, folded: never a person
    slots: dict[str, float] = field(default_factory=dict)  # title slot → share of titles
    slot_people: dict[str, float] = field(default_factory=dict)  # → share with a first name

    def is_own(self, cand: Candidate) -> bool:
        """Whether a candidate is the show's own name ("Software Engineering Daily")."""
        return bool(self.own) and (cand.key in self.own or fold(cand.name) in self.own)

    def bucket(self, key: str) -> str:
        """How regular a name is on the show: "channel", "most", "many", "some", "once"."""
        if key in self.channel:
            return "channel"
        if self.items < 3:
            return "small"
        share = self.share.get(key, 0.0)
        for cut, name in ((0.4, "most"), (0.15, "many"), (0.04, "some")):
            if share >= cut and share * self.items >= 3:
                return name
        return "once"


def _context(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """Up to five words on each side of a span, nearest first, stopping at a sentence end."""
    left = _WORD.findall(text[max(0, start - 60) : start].lower())[-5:]
    right = _WORD.findall(text[end : end + 60].lower())[:5]
    for n in range(len(left) - 1, -1, -1):
        if left[n] in _BOUNDARY:
            left = [*left[n + 1 :]]
            left.insert(0, "<s>")
            break
    left = list(reversed(left))
    for n, word in enumerate(right):
        if word in _BOUNDARY:
            right = [*right[:n], "</s>"]
            break
    return left, right


# Cue words, by what they say of a name near them; the model learns each class's weight on
# either side of a name (the direction matters: "X is joined by Y").
CUES: dict[str, str] = {
    **dict.fromkeys("joins join joining rejoin rejoins returns".split(), "joins"),
    **dict.fromkeys("joined".split(), "joined"),
    **dict.fromkeys(
        "talks talk talked talking speaks speak spoke speaking chats chat chatted converses "
        "conversation interviews interview interviewed interviewing asks asked sits sat "
        "meets met catches caught discusses discuss discussed discussing".split(),
        "talk",
    ),
    **dict.fromkeys("with featuring feat feat. ft ft. w/".split(), "with"),
    **dict.fromkeys("guest guests guesting".split(), "guest"),
    **dict.fromkeys(
        "host hosts hosted hosting co-host co-hosts cohost presenter presenters presents "
        "presented presenting anchor moderator moderated moderation".split(),
        "host",
    ),
    **dict.fromkeys("by".split(), "by"),
    **dict.fromkeys("about regarding on of life legacy tribute biography".split(), "about"),
    **dict.fromkeys("says said according writes wrote argues claims told tells".split(), "says"),
    **dict.fromkeys("and & plus".split(), "and"),
    **dict.fromkeys("our my his her their your".split(), "poss"),
    **dict.fromkeys("welcome welcomes welcomed hear hears heard".split(), "welcome"),
    **dict.fromkeys("president senator minister secretary king queen".split(), "office"),
    **dict.fromkeys(
        "chooses chose chosen choose nominates nominated nominate picks picked pick "
        "champions championed selects selected".split(),
        "choose",
    ),
    **dict.fromkeys(
        "late died dies death dead obituary memorial remembered remembers remember "
        "remembering celebrates celebrating centenary anniversary born legendary".split(),
        "past",
    ),
    **dict.fromkeys(
        "book novel memoir film movie album song play biography essay poem documentary "
        "exhibition portrait letters diaries".split(),
        "work",
    ),
    **dict.fromkeys("producer producers donors donor thanks credits".split(), "credits"),
    **dict.fromkeys("reports reporter correspondent reporting".split(), "reports"),
}
_ROLE_WORD = re.compile(r"[a-z\-]{3,}(?:er|or|ist|ian|ant|ent|ess)s?")
_NOT_ROLE = frozenset(
    "other either neither whether under over after never ever later rather together another "
    "member number order center paper chapter summer winter water border letter weather "
    "however her their your our per for or further former latter".split()
) | frozenset(names.HONORIFICS)  # "president", "minister": an office, talked about


def is_role_word(word: str) -> bool:
    """'historian', 'reporter', 'beekeeper', 'novelist': a word for what someone does."""
    return word not in _NOT_ROLE and _ROLE_WORD.fullmatch(word) is not None


def _span_features(
    span: names.Span, text: str, kind: str, first_names: Callable[[str], bool]
) -> list[str]:
    left, right = _context(text, span.start, span.end)
    feats = [f"{kind}:seen", *_side(tuple(left), "l"), *_side(tuple(right), "r")]
    if kind == "title":
        feats.append(f"t:slot={title_slot(left, right)}")
    tokens = span.name.split()
    feats.append(f"ntok={min(len(tokens), 4)}")
    # A known first name; else a common word ("Low Latency"); else a name the list lacks
    # ("Ngozi", "Aroha"): the list is evidence, its silence is not.
    if first_names(tokens[0]):
        feats.append("fn=1")
    else:
        feats.append("fn=common" if common_word(fold(tokens[0])) else "fn=unknown")
    if span.name.isupper():
        feats.append("allcaps")
    if span.honorific:
        feats.append(f"hon={span.honorific}")
    if span.descriptor:
        feats.append(f"desc={fold(span.descriptor.split()[-1])}")
    if span.possessive:
        feats.append("poss")
    if span.sentence_start:
        feats.append("sent-start")
    return feats


@functools.lru_cache(maxsize=32768)
def _side(words: tuple[str, ...], side: str) -> tuple[str, ...]:
    """The features of the words on one side of a name, nearest first (remembered: a show
    says "… is joined by" item after item)."""
    up = side.upper()
    feats = []
    for n, word in enumerate(words[:4]):
        cue = CUES.get(word)
        if cue:
            feats.append(f"{up}cue={cue}")
            if n < 2:
                feats.append(f"{up}{n + 1}cue={cue}")
    if words:
        if side == "l" and is_role_word(words[0]):
            feats.append("l1:role")
        if side == "r" and words[0] != "," and is_role_word(words[0]):
            feats.append("r1:role")  # "Bloomberg Businessweek editors": a name as a modifier
    if (
        side == "r"
        and len(words) >= 2
        and words[0] == ","
        and (words[1] in {"a", "an", "the", "who", "author"} or is_role_word(words[1]))
    ):
        feats.append("appos")
    for n, word in enumerate(words[:3]):
        feats.append(f"{side}{n + 1}={word}")
    if len(words) >= 2:
        pair = f"{words[1]} {words[0]}" if side == "l" else f"{words[0]} {words[1]}"
        feats.append(f"{side}12={pair}")
    feats += [f"{side}w={w}" for w in words]
    return tuple(feats)


def title_slot(left: list[str], right: list[str]) -> str:
    """Where a name stands in a title: what is just before and after it ("^", ":", "with",
    "$" …), e.g. "^|:" for "Anthony Kaldellis: Roman Empire"."""

    def word(words: list[str], edge: str) -> str:
        if not words or words[0] in {"<s>", "</s>"}:
            return edge
        w = words[0]
        return w if (not w.isalnum() or w in CUES) else ("#" if w.isdigit() else "w")

    return f"{word(left, '^')}|{word(right, '$')}"


def _title_text(title: str) -> str:
    """A title without its episode number ("#498 – Anthony Kaldellis: …" → "Anthony …")."""
    match = _NUMBER_PREFIX.match(title)
    return title[match.end() :] if match and 0 < match.end() < len(title) else title


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    raw = resources.files("catalog").joinpath("data/common_words.txt").read_text("utf-8")
    return frozenset(raw.split())


def common_word(word: str) -> bool:
    """Whether a (folded) word is one the corpus writes in lower case in many shows
    (`catalog/data/common_words.txt`, built by bench/credits_train.py from unlabelled text)."""
    return word in _common()


def candidates(
    title: str, text: str, *, first_names: Callable[[str], bool] | None = None
) -> list[Candidate]:
    """The people an item may name, each with the features of all its mentions."""
    known = first_names or (lambda _w: False)
    found: list[tuple[str, str, names.Span, list[str]]] = []
    head = _title_text(title)
    for kind, body in (("title", head), ("text", text)):
        if not body:
            continue
        spans = names.find(body, first_names=known, common=common_word)
        first: list[str] = []  # the features of the list's first name
        for n, span in enumerate(spans):
            if _MODIFIER.match(body, span.end):
                continue  # "Bloomberg Businessweek editors": a name used as a modifier
            feats = _span_features(span, body, kind, known)
            if n and _continues_list(body[spans[n - 1].end : span.start]):
                feats += [f for f in first if f.startswith(_HEAD_FEATURES)] + ["inlist"]
            else:
                first = feats
            found.append((kind, body, span, feats))
    groups: dict[str, Candidate] = {}
    singles: list[tuple[str, str, names.Span, list[str]]] = []
    for kind, body, span, feats in found:
        if " " not in span.name.strip():
            singles.append((kind, body, span, feats))
            continue
        key = _group_key(span)
        cand = groups.get(key)
        if cand is None:
            if len(groups) >= MAX_CANDIDATES:
                continue
            cand = groups[key] = Candidate(name=span.name, key=key)
        _absorb(cand, kind, body, span, feats)
    # "The Prem Panicker Files" in a title is Prem Panicker, named in the text.
    for key in sorted(groups, key=len, reverse=True):
        words = key.split()
        for n in range(len(words) - 1, 1, -1):
            shorter = groups.get(" ".join(words[:n]))
            if shorter is not None and key in groups:
                shorter.features.update(groups.pop(key).features)
                break
    # A surname or first name alone ("Kaldellis", "Nikhil joins") is the person of that
    # name; otherwise a single word may still be someone ("Nimbusyosh", "Sapphire").
    for kind, body, span, feats in singles:
        word = fold(span.name.strip(".'’"))
        matches = [c for c in groups.values() if word in c.key.split()]
        if matches:
            _absorb(matches[0], kind, body, span, feats, alone=True)
            continue
        if len(word) < 3 or not word.isalpha() or len(groups) >= MAX_CANDIDATES:
            continue
        key = person_key(span.name)
        cand = groups.get(key)
        if cand is None:
            cand = groups[key] = Candidate(name=span.name, key=key)
            cand.features["single"] += 1
        _absorb(cand, kind, body, span, feats)
    return list(groups.values())


_MODIFIER = re.compile(
    r"\s+(?:editors|reporters|writers|journalists|analysts|researchers|scientists|staff|"
    r"team|staffers|correspondents|producers|executives|officials|engineers|developers|"
    r"employees|members|fans|users|readers|listeners|subscribers)\b"
)
# What a list's later names inherit from its first: "talks to singers A, B, C and D".
_HEAD_FEATURES = ("l1=", "l12=", "Lcue=", "L1cue=", "L2cue=", "l1:role", "lw=")
_LIST_GAP = re.compile(r"^(?:['’]s)?\s*(?:,\s*(?:and\s+|&\s*)?|\s+and\s+|\s*&\s*|\s*;\s*)$")


def _continues_list(gap: str) -> bool:
    """Whether the text between two names joins them in one list (", ", " and ", " & ")."""
    return len(gap) <= 12 and _LIST_GAP.match(gap) is not None


def _group_key(span: names.Span) -> str:
    return person_key(span.name)  # 'Matthew "Matt" Rorie' is matt rorie, as "Matt Rorie"


def _absorb(
    cand: Candidate,
    kind: str,
    body: str,
    span: names.Span,
    feats: list[str],
    *,
    alone: bool = False,
) -> None:
    if alone:
        feats = [f for f in feats if not f.startswith(("ntok=", "fn="))] + ["alone"]
    cand.features.update(feats)
    if kind == "title":
        cand.slot = cand.slot or next(
            (f.split("=", 1)[1] for f in feats if f.startswith("t:slot=")), ""
        )
    elif not cand.bio and not alone:
        cand.bio = bio_of(body, span)


# -- bios ----------------------------------------------------------------------------------
_APPOSITIVE = re.compile(r"\s*,\s+((?:a|an|the|who|whose|[a-z])(?:[^.;!?()]|\.(?=\S)){2,300})")
_BIO_END = re.compile(
    r",?\s+(?:and|&)\s+(?=[A-Z])|,\s*(?:to |about |on |as |in this |in today)|"
    r"\s+(?:to (?:discuss|talk|explain|look|share|tell|explore|examine|consider|debate|"
    r"reflect|answer|help)|about|as they|as we|as he|as she)\b",
)
_LEAD_WORDS = re.compile(r"(?<![\w'’\-])((?:[a-z][\w'’\-]*\s+){1,4})$")
_NOT_BIO_LEAD = frozenset(
    "the a an with by and or to of for from at in on is are was were joined joins join "
    "talks talk speaks speak chats interviews welcomes meets hear hears says said guest "
    "guests host hosts hosted co-host presenter presents".split()
)


def bio_of(text: str, span: names.Span) -> str:
    """What the text says of a person: the descriptor before the name ("historian", "Astronomer
    Royal") and an appositive after it (", an independent blogger based in Memphis")."""
    parts = []
    if span.descriptor and fold(span.descriptor) not in {"host", "co-host", "co-hosts"}:
        parts.append(span.descriptor)
    lead = _LEAD_WORDS.search(text[max(0, span.start - 60) : span.start])
    if lead:  # "beekeeper Luis Ferreira", "Prague-based security analyst Jiří Novák"
        words = lead.group(1).split()
        while words and words[0].lower() in _NOT_BIO_LEAD:
            words.pop(0)
        if (
            words
            and not any(w.lower() in _NOT_BIO_LEAD for w in words)
            and (is_role_word(words[-1].lower()) or words[-1].lower() in names.ROLE_TITLES)
        ):
            parts.insert(0, " ".join(words))
    after = _APPOSITIVE.match(text, span.end)
    if after:
        bio = after.group(1)
        stop = _BIO_END.search(bio)
        bio = bio[: stop.start()] if stop else bio
        if not bio.startswith(("who ", "whose ")) or len(bio) > 12:
            parts.append(bio.strip())
    return ", ".join(p for p in parts if p)[:300]


# -- the show ------------------------------------------------------------------------------
def lower_words(texts: Iterable[str]) -> frozenset[str]:
    """The words some text writes in lower case: a name's word seldom is one."""
    seen: set[str] = set()
    for text in texts:
        seen.update(text[: names.MAX_CHARS].split())
    return frozenset(w.strip(_PUNCT) for w in seen if w[:1].islower())


_PUNCT = ".,;:!?()[]{}\"'“”‘’«»"


def show_context(
    items: Iterable[Iterable[Candidate]],
    channel_text: str = "",
    texts: Iterable[str] = (),
) -> ShowContext:
    """Name shares over a show's items, the names its channel text gives, and the words its
    texts write in lower case."""
    counts: Counter[str] = Counter()
    slots: Counter[str] = Counter()
    named: Counter[str] = Counter()
    n = 0
    for cands in items:
        n += 1
        counts.update({c.key for c in cands})
        slots.update({c.slot for c in cands if c.slot})
        named.update({c.slot for c in cands if c.slot and c.features.get("fn=1")})
    channel = frozenset(person_key(s.name) for s in names.find(channel_text) if " " in s.name)
    share = {k: v / n for k, v in counts.items()}
    first_line = channel_text.split("\n", 1)[0].strip()
    own = frozenset({fold(first_line), person_key(first_line)} - {""})
    return ShowContext(
        items=n, share=share, channel=channel, lower=lower_words(texts), own=own,
        slots={k: v / n for k, v in slots.items()},
        slot_people={k: named[k] / v for k, v in slots.items()},
    )  # fmt: skip


# -- the model -----------------------------------------------------------------------------
@dataclass
class Model:
    """A linear model: a weight per feature and class (CLASSES), plus a bias per class."""

    weights: dict[str, list[float]]
    bias: list[float]

    def probabilities(self, features: Iterable[str]) -> list[float]:
        s0, s1, s2, s3 = self.bias
        get = self.weights.get
        for feat in features:
            w = get(feat)
            if w is not None:
                s0 += w[0]
                s1 += w[1]
                s2 += w[2]
                s3 += w[3]
        top = max(s0, s1, s2, s3)
        exps = [math.exp(s0 - top), math.exp(s1 - top), math.exp(s2 - top), math.exp(s3 - top)]
        total = exps[0] + exps[1] + exps[2] + exps[3]
        return [e / total for e in exps]

    def as_json(self) -> dict[str, Any]:
        return {"classes": list(CLASSES), "bias": self.bias, "weights": self.weights}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Model:
        if tuple(data.get("classes") or ()) != CLASSES:
            raise ValueError("the role model's classes are not " + ", ".join(CLASSES))
        return cls(weights=dict(data["weights"]), bias=list(data["bias"]))


@functools.lru_cache(maxsize=1)
def shipped_model() -> Model:
    """The model trained on every labelled set (bench/credits_train.py writes it)."""
    raw = resources.files("catalog").joinpath("data/roles_model.json").read_text("utf-8")
    return Model.from_json(json.loads(raw))


def features_of(cand: Candidate, context: ShowContext | None) -> list[str]:
    """The features the model reads for one candidate (its mentions', and the show's)."""
    feats = list(cand.features)
    words = [w.strip(".,'’") for w in cand.name.split()]
    lower = context.lower if context is not None else frozenset()
    low = [w.lower() in lower for w in words if w]
    if low and low[-1]:
        feats.append("last-lower")  # "Low Latency", "Ad Buys": common words, not a surname
    if len(low) > 1 and low[0]:
        feats.append("first-lower")
    if low and all(low):
        feats.append("all-lower")
    usual = [common_word(fold(w)) for w in words if w]
    if usual and usual[-1]:
        feats.append("last-common")
    if len(usual) > 1 and usual[0]:
        feats.append("first-common")
    if cand.features.get("title:seen") and cand.features.get("text:seen"):
        feats.append("both")
    n = cand.features.get("text:seen", 0) + cand.features.get("title:seen", 0)
    feats.append(f"nment={min(n, 3)}")
    if context is None:
        feats.append("show=none")
    else:
        # The show's view of the name, alone and with each cue: "X talks to" says host on
        # a show where X is on most episodes, guest where X is named once.
        bucket = context.bucket(cand.key)
        feats.append(f"show={bucket}")
        if cand.slot:  # a title shape the show keeps ("#N – Name: Topic"): learned per show
            share = context.slots.get(cand.slot, 0.0)
            regular = "regular" if share >= 0.3 and share * context.items >= 3 else "odd"
            feats += [f"tslot={regular}", f"tslot={regular}&{cand.slot}"]
            if regular == "regular" and context.slot_people.get(cand.slot, 0.0) >= 0.5:
                # Most names in this slot of the show's titles begin with a first name: the
                # slot holds people, this one too ("#209 – Aroha Ngata: Weaving").
                feats += ["tslot=people", f"tslot=people&{cand.slot}"]
                if "fn=unknown" in feats:  # the list lacks this first name; the show's
                    feats.remove("fn=unknown")  # titles say it is one
                    feats.append("fn=slot")
        feats += [f"show={bucket}&{f}" for f in cand.features if f.startswith(_CONJOINED)]
    return feats


_CONJOINED = ("Lcue=", "Rcue=", "L1cue=", "R1cue=", "sent-start", "title:seen", "poss", "appos")


def decide(
    cands: list[Candidate], context: ShowContext | None = None, model: Model | None = None
) -> list[tuple[Candidate, str, float, float]]:
    """Each candidate's most likely role, its probability, and the probability that the
    candidate is someone mentioned."""
    model = model or shipped_model()
    out = []
    mentioned = CLASSES.index("mentioned")
    for cand in cands:
        probs = model.probabilities(features_of(cand, context))
        # A strong phrasing ("X is joined by Y", "Guest: Y") multiplies the odds of the
        # role it gives by RULE_ODDS: the model weighs it, this keeps it from being drowned.
        for role in ("host", "guest"):
            odds = RULE_ODDS if cand.features.get(f"strong={role}") else 1.0
            if odds == 1.0 and cand.features.get(f"rule={role}"):
                odds = WEAK_RULE_ODDS  # "X talks with Y": news uses it too
            if cand.features.get("hon=office") and not cand.features.get(f"rule={role}"):
                odds /= OFFICE_ODDS  # "President Xi Jinping speaks at …": in the news
            if odds != 1.0:
                i = CLASSES.index(role)
                probs[i] *= odds
                total = sum(probs)
                probs = [p / total for p in probs]
        best = max(range(len(CLASSES)), key=probs.__getitem__)
        out.append((cand, CLASSES[best], probs[best], probs[mentioned]))
    return out
