"""Commands about people: `people [QUERY]`, `guest NAME` / `person NAME`, merges and manual
credit fixes (`people merge|split|rename|rekey`, `credit add|remove`), and the review of
suggested credits (`people review`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from catalog.cli.browse import QueryCommand, id_prefix
from catalog.cli.common import (
    JsonFlag,
    app,
    emit_json,
    find_episode,
    get_settings,
    open_store,
    user_errors,
)
from catalog.cli.pager import NoPager, page
from catalog.core.errors import CatalogError, NotFoundError, UsageError

if TYPE_CHECKING:
    from catalog.core.registry import Person
    from catalog.store import Store


class ListByDefault(TyperGroup):
    """`catalog people davis` lists people; `catalog people merge A B` runs the subcommand."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in {"-h", "--help"}):
            args = ["list", *args]
        return super().parse_args(ctx, args)


people_app = typer.Typer(cls=ListByDefault, help="Hosts and guests across every show: list, "
                         "merge spellings, split, rename, review suggested credits.",
                         rich_markup_mode=None)  # fmt: skip
credit_app = typer.Typer(
    help="Fix an episode's credits by hand (kept across re-ingests).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(people_app, name="people")
app.add_typer(credit_app, name="credit")
Name = Annotated[
    str, typer.Argument(help="A person's name (any spelling or alias).", show_default=False)
]


def _everyone(
    store: Store, *, with_appearances: bool = False, episodes: list[dict[str, Any]] | None = None
) -> dict[str, Person]:
    from catalog.core import registry

    titles = {s["id"]: s.get("title") or "" for s in store.shows()}
    if episodes is None:  # the credits are enough, unless appearances are listed
        episodes = store.scan("episodes") if with_appearances else store.credited_episodes()
    return registry.build(episodes, titles,
                          store.all("people"), with_appearances=with_appearances)  # fmt: skip


def resolve_one(people: dict[str, Person], name: str) -> Person:
    """One person for a name, or a one-line error listing candidates or suggestions."""
    from catalog.core import registry

    found = registry.resolve(name, people)
    if found.person is not None:
        return found.person
    if found.candidates:
        listed = "; ".join(f"{p.name} ({sum(p.roles.values())})" for p in found.candidates[:8])
        raise UsageError(f"{name!r} is ambiguous: {listed}")
    hint = (
        f"; did you mean {' or '.join(repr(s) for s in found.suggestions)}?"
        if found.suggestions
        else ""
    )
    raise NotFoundError(f"no one called {name!r} in the catalog{hint}")


@people_app.command("list")
@user_errors
def list_people(
    ctx: typer.Context,
    query: Annotated[
        list[str] | None,
        typer.Argument(help="Part of a name.", show_default=False, metavar="[QUERY]..."),
    ] = None,
    role: Annotated[str | None, typer.Option(help="host or guest (or another role).")] = None,
    show: Annotated[
        list[str] | None,
        typer.Option(
            "--show", "-s", help="Only people on this show (repeatable).", show_default=False
        ),
    ] = None,
    sort: Annotated[str, typer.Option(help="appearances, name, first or last.")] = "appearances",
    as_json: JsonFlag = False,
    no_pager: NoPager = False,
) -> None:
    """People credited across all shows, with their roles, shows and first/last appearance."""
    from catalog import ui
    from catalog.core import registry
    from catalog.core.normalize import fold
    from catalog.services.selection import resolve_shows

    if sort not in {"appearances", "name", "first", "last"}:
        raise UsageError(f"cannot sort people by {sort!r}: appearances, name, first or last")
    settings = get_settings(ctx)
    store = open_store(settings)
    everyone = _everyone(store)
    titles = None
    if show:
        ids = resolve_shows(store, show)
        titles = {s.get("title") or "" for s in store.shows() if s["id"] in ids}
    words = fold(" ".join(query or [])).split()
    chosen = [p for p in everyone.values() if not role or registry.is_cast(p, role)]
    chosen = [p for p in chosen
              if all(w in fold(" ".join([p.name, *p.aliases])) for w in words)
              and (titles is None or set(p.shows) & titles)]  # fmt: skip

    def order(p: Person) -> Any:
        return {"appearances": (-sum(p.roles.values()), fold(p.name)), "name": fold(p.name),
                "first": p.first or "", "last": p.last or ""}[sort]  # fmt: skip

    chosen.sort(key=order, reverse=sort == "last")
    if as_json:
        emit_json([p.as_dict() for p in chosen])
        return
    if not chosen:
        settings.err.print("no one matches")
        return
    page(settings, ui.people_table(chosen, settings.out.width), no_pager=no_pager)


def _profile(ctx: typer.Context, name: str, as_json: bool, no_pager: bool) -> None:
    from catalog import ui
    from catalog.core import registry
    from catalog.core.normalize import person_key

    settings = get_settings(ctx)
    store = open_store(settings)
    people_docs = store.all("people")
    aliases = registry.alias_map(people_docs)
    titles = {s["id"]: s.get("title") or "" for s in store.shows()}
    # The usual case, a name as credited: read only the episodes crediting that person (an
    # index lookup in SQLite). Partial names, typos and ambiguity need everyone.
    key = registry.canonical(person_key(name), aliases)
    keys = {key} | {alias for alias, canon in aliases.items() if canon == key}
    episodes = store.episodes_with_people(keys)
    everyone = registry.build(episodes, titles, people_docs, with_appearances=True)
    person = everyone.get(key)
    if person is None:
        everyone = _everyone(store, with_appearances=True)
        person = resolve_one(everyone, name)
    partners = registry.co_appearances(person, aliases, everyone)
    sizes: dict[str, int] = {}
    for show_id, stats in store.show_stats().items():
        title = titles.get(show_id, "")
        sizes[title] = sizes.get(title, 0) + stats["episodes"]
    regular = registry.regular_shows(person, sizes)
    appearances = sorted(person.appearances,
                         key=lambda a: a["episode"].get("published") or "")  # fmt: skip
    if as_json:
        emit_json(dict(person.as_dict(), regular_on=regular,
                       appeared_with=dict(partners.most_common(10)),
                       episodes=[{"id": a["episode"]["id"], "role": a["role"],
                                  "show": titles.get(a["episode"]["show_id"], ""),
                                  "date": (a["episode"].get("published") or "")[:10],
                                  "title": a["episode"].get("title")}
                                 for a in appearances]))  # fmt: skip
        return
    id_width = id_prefix(store, "episodes", [a["episode"]["id"] for a in appearances])
    view = ui.person_view(person, appearances, titles, partners, regular, settings.out.width,
                          id_width)  # fmt: skip
    page(settings, view, no_pager=no_pager)


@app.command("guest")
@user_errors
def guest(
    ctx: typer.Context, name: Name, as_json: JsonFlag = False, no_pager: NoPager = False
) -> None:
    """A person's profile and every appearance across all shows, in date order, with who
    they appeared with most and the shows they are a regular on."""
    _profile(ctx, name, as_json, no_pager)


@app.command("person")
@user_errors
def person(
    ctx: typer.Context, name: Name, as_json: JsonFlag = False, no_pager: NoPager = False
) -> None:
    """Same as `catalog guest`: a profile and every appearance, for hosts too."""
    _profile(ctx, name, as_json, no_pager)


@people_app.command("review", cls=QueryCommand)
@user_errors
def review(
    ctx: typer.Context,
    terms: Annotated[
        list[str] | None,
        typer.Argument(
            help="Only these episodes: query terms as `catalog list` takes.",
            show_default=False,
            metavar="[QUERY]...",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the queue as JSON (decides nothing).")
    ] = False,
) -> None:
    """Go through the suggested credits (prose credits too uncertain to count) one at a
    time: accept (a manual credit in that role, as `credit add`), reject (as `credit
    remove`: prose never credits them on that episode again), skip or quit. Decisions survive
    re-ingests and go to `catalog match log` (`catalog match undo` takes one back)."""
    from catalog.cli.browse import select
    from catalog.services import creditreview

    settings = get_settings(ctx)
    store = open_store(settings)
    titles = {s["id"]: s.get("title") or "" for s in store.shows()}
    if terms:
        episodes, _ctx = select(store, terms)
    else:
        episodes = store.scan("episodes")
    queue = creditreview.pending(episodes, titles)
    if as_json:
        emit_json(queue)
        return
    if not queue:
        settings.err.print("nothing to review: no suggested credits", markup=False)
        return
    _review_interactive(settings, store, queue)


def _review_interactive(settings: Any, store: Store, queue: list[dict[str, Any]]) -> None:
    from rich.markup import escape
    from rich.prompt import Prompt

    from catalog import ui
    from catalog.cli.common import now
    from catalog.services import creditreview

    console = settings.out
    counts = {"accepted": 0, "rejected": 0, "skipped": 0}
    for n, item in enumerate(queue, 1):
        if not creditreview.still_suggested(store, item):
            continue  # settled meanwhile (the same person in another role, say)
        console.print(ui.suggestion_panel(item, n, len(queue)))
        answer = Prompt.ask(escape("[a]ccept, [r]eject, s[k]ip, [q]uit"),
                            choices=["a", "r", "k", "q"], default="k", show_choices=False,
                            console=console)  # fmt: skip
        if answer == "q":
            break
        if answer == "k":
            counts["skipped"] += 1
            continue
        action = "accept" if answer == "a" else "reject"
        reason = f"{action}ed suggested {item['role']} in people review"
        creditreview.decide(store, item, action, now=now(), reason=reason)
        counts["accepted" if action == "accept" else "rejected"] += 1
    console.print(", ".join(f"{k} {v}" for k, v in counts.items()), markup=False)


@people_app.command("rekey")
@user_errors
def rekey(ctx: typer.Context) -> None:
    """Re-key a catalog made by an older version's name rules (nicknames in quotes and
    honorifics are now one person with the plain name): run once after upgrading."""
    from catalog.services import rekey as rk

    settings = get_settings(ctx)
    counts = rk.rekey_store(open_store(settings))
    if not any(counts.values()):
        settings.out.print("every key is up to date", markup=False)
        return
    settings.out.print(", ".join(f"{n} {t}" for t, n in counts.items() if n) + " re-keyed",
                       markup=False)  # fmt: skip


def _doc(store: Store, person: Person) -> dict[str, Any]:
    return store.get("people", person.key) or {
        "id": person.key, "key": person.key, "name": person.name, "aliases": [],
        "alias_keys": [], "merged": [],
    }  # fmt: skip


@people_app.command("merge")
@user_errors
def merge(ctx: typer.Context, first: Name, second: Name) -> None:
    """Make SECOND the same person as FIRST: its spelling becomes an alias and every credit
    follows. Survives re-ingests; `people split SECOND` undoes it."""
    from catalog.core.normalize import person_key
    from catalog.services import derive

    settings = get_settings(ctx)
    store = open_store(settings)
    with store.transaction():
        everyone = _everyone(store)
        a, b = resolve_one(everyone, first), resolve_one(everyone, second)
        if a.key == b.key:
            raise UsageError(f"{first!r} and {second!r} are already the same person")
        doc, other = _doc(store, a), _doc(store, b)
        doc["merged"].append({k: other.get(k) for k in ("key", "name", "aliases", "alias_keys")})
        names = [b.name, *b.aliases, *(other.get("aliases") or [])]
        doc["aliases"] = list(dict.fromkeys([*doc["aliases"], *names]))
        doc["alias_keys"] = list(dict.fromkeys(
            [*doc["alias_keys"], b.key, *(person_key(n) for n in names),
             *(other.get("alias_keys") or [])]))  # fmt: skip
        store.delete("people", [b.key])
        store.put("people", [doc])
        for show in store.shows():
            derive.refresh_show(store, show["id"])
    settings.out.print(f"{b.name} is now an alias of {a.name}", markup=False)


@people_app.command("split")
@user_errors
def split(ctx: typer.Context, name: Name) -> None:
    """Undo a merge: NAME (an alias) becomes a person of its own again."""
    from catalog.core.normalize import person_key

    settings = get_settings(ctx)
    store = open_store(settings)
    key = person_key(name)
    with store.transaction():
        owner = next((d for d in store.all("people")
                      for m in d.get("merged") or [] if m["key"] == key), None)  # fmt: skip
        if owner is None:
            raise NotFoundError(f"{name!r} is not an alias from a merge (see `catalog people`)")
        record = next(m for m in owner["merged"] if m["key"] == key)
        owner["merged"].remove(record)
        gone = {record["key"], *(record.get("alias_keys") or [])}
        gone |= {person_key(n) for n in [record["name"], *(record.get("aliases") or [])]}
        owner["alias_keys"] = [k for k in owner["alias_keys"] if k not in gone]
        owner["aliases"] = [n for n in owner["aliases"] if person_key(n) not in gone]
        store.put("people", [owner])
        if record.get("alias_keys") or record.get("aliases"):
            store.put(
                "people",
                [
                    {
                        "id": record["key"],
                        "key": record["key"],
                        "name": record["name"],
                        "aliases": record.get("aliases") or [],
                        "alias_keys": record.get("alias_keys") or [],
                        "merged": [],
                    }
                ],
            )
    settings.out.print(f"{record['name']} is a person of their own again", markup=False)


@people_app.command("rename")
@user_errors
def rename(
    ctx: typer.Context,
    name: Name,
    new: Annotated[str, typer.Argument(help="The name to show from now on.", show_default=False)],
) -> None:
    """Change how a person's name is shown (the old spelling stays as an alias). A name that
    is already someone else's is refused with the `people merge` that makes them one."""
    from catalog.core import registry
    from catalog.core.normalize import clean_line

    settings = get_settings(ctx)
    store = open_store(settings)
    new = clean_line(new)
    if not new:
        raise UsageError("the new name is empty")
    with store.transaction():
        everyone = _everyone(store)
        person = resolve_one(everyone, name)
        aliases = registry.alias_map(store.all("people"))
        other = registry.resolve_exact(new, everyone, aliases)
        if other is not None and other.key != person.key:  # never two people called B
            keys = {other.key} | {k for k, owner in aliases.items() if owner == other.key}
            n = len(store.episodes_with_people(keys))
            raise CatalogError(
                f"people rename: {_shell(other.name)} is already a person "
                f"({n} episode{'' if n == 1 else 's'}); to make them one, run: "
                f"catalog people merge {_shell(other.name)} {_shell(person.name)}"
            )
        doc = _doc(store, person)
        if person.name not in doc["aliases"] and person.name != new:
            doc["aliases"].append(person.name)
        doc["name"] = new
        store.put("people", [doc])
    settings.out.print(f"{person.name} is now shown as {new}", markup=False)


def _shell(name: str) -> str:
    """A name as a shell word: in double quotes, unless the shell would read inside them."""
    import shlex

    return f'"{name}"' if not set(name) & set('"$`\\!') else shlex.quote(name)


@credit_app.command("add")
@user_errors
def credit_add(
    ctx: typer.Context,
    episode: Annotated[str, typer.Argument(help="Episode id or prefix.", show_default=False)],
    name: Name,
    role: Annotated[str, typer.Option(help="host, co-host, guest, …")] = "guest",
    bio: Annotated[str | None, typer.Option(help="Who they are.")] = None,
    website: Annotated[str | None, typer.Option(help="Their web site.")] = None,
) -> None:
    """Credit someone on an episode by hand (a suggested credit of theirs becomes a credit)."""
    from catalog.core.normalize import clean_line
    from catalog.services import creditreview

    name = clean_line(name)
    if not name:
        raise UsageError("the name is empty")

    def change(inputs: dict[str, Any], ep: dict[str, Any], store: Store) -> None:
        creditreview.add_manual(inputs, name, role, bio, website)

    _change_credits(ctx, episode, change, f"credited {name} as {role}")


@credit_app.command("remove")
@user_errors
def credit_remove(
    ctx: typer.Context,
    episode: Annotated[str, typer.Argument(help="Episode id or prefix.", show_default=False)],
    name: Name,
) -> None:
    """Take a credit off an episode (whatever its source, or a suggested one); kept across
    re-ingests: prose never credits them on that episode again."""
    from catalog.services import creditreview

    def change(inputs: dict[str, Any], ep: dict[str, Any], store: Store) -> None:
        creditreview.remove(inputs, ep, name, store.all("people"))

    _change_credits(ctx, episode, change, f"removed {name}")


def _change_credits(ctx: typer.Context, ref: str, change: Any, done: str) -> None:
    from catalog.services import derive

    settings = get_settings(ctx)
    store = open_store(settings)
    with store.transaction():
        ep = find_episode(store, ref)
        inputs = ep.setdefault("credit_inputs", {})
        change(inputs, ep, store)
        store.put("episodes", [ep])
        derive.refresh_show(store, ep["show_id"])
    settings.out.print(f"{done} on {ep['id'][:8]} {ep.get('title') or ''}", markup=False)
