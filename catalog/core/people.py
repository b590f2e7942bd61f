"""Pure credit extraction: prose in, host and guest credits (name, bio, website) out.

Every name in an item's title and description is a candidate (`catalog.names`); a trained
linear model over the evidence around each one (`catalog.roles`) says whether it is a host,
a guest, someone mentioned, or not a person, with a confidence. A show's items are read
together (`extract_items`): a name on many of them, or in the show's title, is a host.
Names are written as in the text; `normalize.person_key` gives the key. Mentioned people are
returned separately and never as guests.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from catalog.core import firstnames, names, phrasings, roles
from catalog.core.normalize import clean_line, person_key
from catalog.core.phrasings import clean_bio, fix_glued, is_name, tag_people, website_of

__all__ = ["Extraction", "clean_bio", "extract", "extract_items", "fix_glued", "is_name",
           "tag_people", "website_of"]  # fmt: skip

Extraction = phrasings.Extraction
# A credit for a one-word name is at most this sure: below the suggestion threshold
# (credits.SUGGEST_BELOW), so it waits in `catalog people review`.
ONE_WORD_CONFIDENCE = 0.55


# -- credits from prose -------------------------------------------------------------------
def _pick_name(cand: roles.Candidate) -> str:
    return clean_line(cand.name)


@functools.lru_cache(maxsize=4096)
def item_candidates(title: str, text: str) -> tuple[roles.Candidate, ...]:
    """The people an item may name (remembered: re-ingests see the same texts)."""
    text = fix_glued(text)
    cands = roles.candidates(title, text, first_names=firstnames.is_first_name)
    # The phrasings table ("X is joined by Y", "Guest: Y") is evidence too, weighed by the
    # model like any other: what it says of a candidate becomes that candidate's features.
    for body in (title, text):
        found = phrasings.extract(body)
        for credit in found.credits:
            surname = " " + credit["key"].rsplit(" ", 1)[-1]
            for cand in cands:
                if cand.key == credit["key"] or cand.key.endswith(surname):
                    cand.features[f"rule={credit['role']}"] += 1
                    cand.features[f"rule={credit['role']}:{credit['evidence']}"] += 1
                    if credit["evidence"] not in phrasings.WEAK:
                        cand.features[f"strong={credit['role']}"] += 1
                    if credit.get("bio") or credit.get("href"):  # its reading of the bio
                        cand.rule_bio = (credit.get("bio"), credit.get("href"))
        for name in found.mentions:
            for cand in cands:
                if cand.name == name:
                    cand.features["rule=mentioned"] += 1
    return tuple(cands)


def introduced(text: str, hosts: Iterable[str] = ()) -> set[str]:
    """Keys of the people a sentence introduces as the show's guest: a phrasing that is not
    just conversation ("is joined by", "Guest:"), any phrasing with a bio ("talks to Bolat
    Nurgaliev, a logistics consultant"), or a sentence that names one of the `hosts` and then
    them ("A and B discuss rates with Henrike Solberg"). A page's tag line names the people
    in the news; one of them introduced so is the guest all the same ("Lavrov went to meet
    Tillerson" is not).
    """
    text = text[: names.MAX_CHARS]
    found = {
        c["key"]
        for c in phrasings.extract(text).credits
        if c["role"] == "guest" and (c["evidence"] not in phrasings.WEAK or c.get("bio"))
    }
    host_keys = {person_key(h) for h in hosts}
    if host_keys:
        for sentence in _SENTENCE_END.split(text):
            spans = names.find(sentence[: phrasings.MAX_SENTENCE])
            keys = [person_key(sp.name) for sp in spans]
            first_host = next((n for n, k in enumerate(keys) if k in host_keys), None)
            if first_host is not None:
                found.update(k for k in keys[first_host + 1 :] if k not in host_keys)
    return found


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def decide(
    cands: Iterable[roles.Candidate],
    context: roles.ShowContext | None,
    *,
    source: str,
    model: roles.Model | None = None,
) -> Extraction:
    """Credits (host and guest, with the model's confidence) and mentions of one item."""
    result = Extraction()
    for cand, role, confidence, mentioned in roles.decide(list(cands), context, model):
        regular = context is not None and context.bucket(cand.key) in {"most", "many", "channel"}
        if " " not in cand.key and not regular:  # one word, once ("Rorie"): a person decides
            confidence = min(confidence, ONE_WORD_CONFIDENCE)
        if role in {"host", "guest"}:
            text_bio, site = cand.rule_bio or (None, None)
            if not (text_bio or site) and cand.bio and role == "guest":
                text_bio, site = clean_bio(cand.bio)
            if role == "host":
                text_bio = None  # "Host", "co-host": what a host does, not a bio
            result.credits.append({
                "name": _pick_name(cand), "key": cand.key, "role": role, "group": "cast",
                "bio": text_bio, "href": site, "img": None, "source": source,
                "confidence": round(confidence, 3), "evidence": "model",
            })  # fmt: skip
        elif role == "mentioned" or (
            role == "none" and (mentioned >= 0.3 or "rule=mentioned" in cand.features)
        ):
            result.mentions.append(_pick_name(cand))
    return result


def channel_text(channel: dict[str, Any]) -> str:
    """What a show says of itself (title, author, owner, the start of its description): a
    name there is evidence of a host ("On Point with Tom Ashbrook")."""
    parts = [channel.get(k) or "" for k in ("title", "author", "owner_name")]
    parts.append(str(channel.get("description") or "")[:600])
    return "\n".join(str(p) for p in parts if p)


def show_candidates(
    items: Sequence[tuple[str, str]], channel_text: str = ""
) -> tuple[list[tuple[roles.Candidate, ...]], roles.ShowContext]:
    """Every item's candidates, and what the show as a whole says of each name."""
    cands = [item_candidates(title, text) for title, text in items]
    texts = (f"{title}\n{text}" for title, text in items)
    context = roles.show_context(cands, channel_text, texts)
    return [tuple(c for c in found if _plausible(c, context)) for found in cands], context


def _plausible(cand: roles.Candidate, context: roles.ShowContext) -> bool:
    """Not the show's own name, and not a single word the show also writes in lower case
    ("FREE", "Later")."""
    if context.is_own(cand):
        return False
    if " " in cand.key:
        return True
    # One word: not a common word, and not an acronym ("NATO", "BBC").
    return cand.key not in context.lower and not (cand.name.isupper() and len(cand.name) <= 6)


def extract_items(
    items: Sequence[tuple[str, str]],
    channel_text: str = "",
    *,
    source: str = "description",
    model: roles.Model | None = None,
    only: Iterable[int] | None = None,
) -> list[Extraction]:
    """Credits of every item of one show ((title, description) pairs), read together: a
    name on many of the show's items, or in the show's own title, is evidence of a host.
    `only` limits the answer to those positions (the context still reads every item)."""
    cands, context = show_candidates(items, channel_text)
    positions = range(len(items)) if only is None else only
    return [decide(cands[i], context, source=source, model=model) for i in positions]


def same_person(a: str, b: str) -> bool:
    """Whether two written names are one person: the same key, one less a middle name or
    initial ("Donald J. Trump" / "Donald Trump"), or a surname alone ("Putin")."""
    ka = [w for w in person_key(a).split() if w not in names.HONORIFICS]
    kb = [w for w in person_key(b).split() if w not in names.HONORIFICS]
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    if ka[-1] != kb[-1]:
        return False
    short, long = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    return len(short) == 1 or set(short) <= set(long)


def unique_people(names_: Iterable[str]) -> list[str]:
    """Names in order, later spellings of someone already named dropped ("Donald J. Trump"
    after "Donald Trump"); a full name takes the place of a surname alone ("Putin")."""
    kept: list[str] = []
    for name in names_:
        same = next((i for i, k in enumerate(kept) if same_person(name, k)), None)
        if same is None:
            kept.append(name)
        elif len(kept[same].split()) == 1 and len(name.split()) > 1:
            kept[same] = name
    return kept


def extract(text: str, *, source: str = "description", title: str = "") -> Extraction:
    """Hosts, guests and mentioned people in one prose text (a page body, a description)."""
    found, context = show_candidates([(title, text)])
    return decide(found[0], context, source=source)
