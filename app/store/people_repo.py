"""People rows <-> domain Person, plus the local search and matching indexes."""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection, Iterable
from datetime import date

from sqlalchemy import column, select, table, text
from sqlalchemy.orm import Session

from app.domain.linkage import blocking_keys
from app.domain.person import Address, Alias, ContactDetails, Identifiers, Person, PersonName
from app.domain.phonetic import metaphone, sound_keys
from app.store.consent_repo import consent_record
from app.store.identity import WriteContext, stamp_edit, stamp_new
from app.store.models import Person as PersonRow
from app.store.person_models import BlockingKey, Consent, PersonAlias, SearchEntry

_IDENTITY_COLUMNS = ("given_name", "family_name", "middle_name", "date_of_birth", "sex",
                     "gender", "ethnicity", "nationality", "phone", "email",
                     "safe_to_leave_message", "contact_notes", "address_line1", "address_line2",
                     "town", "postcode", "home_district", "out_of_area", "pnc_id",
                     "prison_number", "nhs_number")


def _columns(person: Person) -> dict[str, object]:
    a, c, ids = person.address, person.contact, person.identifiers
    return {
        "given_name": person.name.given, "family_name": person.name.family,
        "middle_name": person.name.middle,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "sex": person.sex, "gender": person.gender, "ethnicity": person.ethnicity,
        "nationality": person.nationality, "phone": c.phone, "email": c.email,
        "safe_to_leave_message": c.safe_to_leave_message, "contact_notes": c.notes,
        "address_line1": a.line1, "address_line2": a.line2, "town": a.town,
        "postcode": a.postcode, "home_district": a.home_district,
        "out_of_area": person.out_of_area, "pnc_id": ids.pnc_id,
        "prison_number": ids.prison_number, "nhs_number": ids.nhs_number,
    }


def to_domain(row: PersonRow, aliases: Iterable[PersonAlias] = (),
              consents: Iterable[Consent] = ()) -> Person:
    return Person(
        id=row.id, name=PersonName(row.given_name, row.family_name, row.middle_name),
        date_of_birth=date.fromisoformat(row.date_of_birth) if row.date_of_birth else None,
        sex=row.sex, gender=row.gender, ethnicity=row.ethnicity, nationality=row.nationality,
        aliases=tuple(Alias(a.text, a.kind) for a in aliases if not a.deleted),
        address=Address(row.address_line1, row.address_line2, row.town, row.postcode,
                        row.home_district),
        contact=ContactDetails(row.phone, row.email, row.safe_to_leave_message,
                               row.contact_notes),
        identifiers=Identifiers(row.pnc_id, row.prison_number, row.nhs_number),
        out_of_area=row.out_of_area,
        consents=tuple(consent_record(c) for c in consents if not c.deleted),
    )


class PeopleRepository:
    def __init__(self, session: Session, ctx: WriteContext | None = None) -> None:
        self._session = session
        self._ctx = ctx

    # ---- writing --------------------------------------------------------------------
    def add(self, person: Person) -> str:
        assert self._ctx is not None
        row = PersonRow(**_columns(person), id_salt=secrets.token_hex(16))
        stamp_new(row, self._ctx)
        self._session.add(row)
        self._replace_aliases(row.id, person.aliases)
        self._session.flush()
        self.reindex(person_id=row.id)
        return row.id

    def update(self, person_id: str, person: Person) -> list[str]:
        """Write the fields that changed; returns their names (empty: nothing to do)."""
        assert self._ctx is not None
        row = self._row(person_id)
        changed = [k for k, v in _columns(person).items() if getattr(row, k) != v]
        alias_change = set(self.get(person_id).aliases) != set(person.aliases)
        if changed:
            for key in changed:
                setattr(row, key, _columns(person)[key])
            stamp_edit(row, self._ctx)
        if alias_change:
            self._replace_aliases(person_id, person.aliases)
            changed.append("aliases")
        if changed:
            self._session.flush()
            self.reindex(person_id=person_id)
        return changed

    def _replace_aliases(self, person_id: str, aliases: Iterable[Alias]) -> None:
        assert self._ctx is not None
        wanted = {(a.text, a.kind) for a in aliases}
        existing = self._session.scalars(select(PersonAlias).where(
            PersonAlias.person_id == person_id, PersonAlias.deleted.is_(False))).all()
        for row in existing:
            if (row.text, row.kind) not in wanted:
                row.deleted = True  # tombstone, so the removal syncs
                stamp_edit(row, self._ctx)
            wanted.discard((row.text, row.kind))
        for alias_text, kind in sorted(wanted):
            alias = PersonAlias(person_id=person_id, text=alias_text, kind=kind)
            stamp_new(alias, self._ctx)
            self._session.add(alias)

    def set_merged_into(self, person_id: str, survivor_id: str | None) -> None:
        assert self._ctx is not None
        row = self._row(person_id)
        row.merged_into = survivor_id
        stamp_edit(row, self._ctx)

    # ---- reading --------------------------------------------------------------------
    def _row(self, person_id: str) -> PersonRow:
        row = self._session.get(PersonRow, person_id)
        if row is None or row.deleted:
            raise KeyError(person_id)
        return row

    def exists(self, person_id: str) -> bool:
        row = self._session.get(PersonRow, person_id)
        return row is not None and not row.deleted

    def present(self, person_ids: Collection[str]) -> list[str]:
        """Those of these people this laptop holds (not deleted), in one query."""
        if not person_ids:
            return []
        return sorted(self._session.scalars(select(PersonRow.id).where(
            PersonRow.id.in_(sorted(set(person_ids))), PersonRow.deleted.is_(False))))

    def merged_into(self, person_id: str) -> str | None:
        return self._row(person_id).merged_into

    def get(self, person_id: str) -> Person:
        return self.get_many([person_id])[0]

    def get_many(self, person_ids: list[str]) -> list[Person]:
        if not person_ids:
            return []
        rows = {r.id: r for r in self._session.scalars(
            select(PersonRow).where(PersonRow.id.in_(person_ids)))}
        aliases = self._children(PersonAlias, person_ids)
        consents = self._children(Consent, person_ids)
        missing = [pid for pid in person_ids if pid not in rows]
        if missing:
            raise KeyError(missing[0])
        return [to_domain(rows[pid], aliases.get(pid, []), consents.get(pid, []))
                for pid in person_ids]

    def _children(self, model: type, person_ids: list[str]) -> dict[str, list]:
        grouped: dict[str, list] = {}
        rows = self._session.scalars(select(model).where(model.person_id.in_(person_ids)))
        for row in rows:
            grouped.setdefault(row.person_id, []).append(row)
        return grouped

    # ---- local indexes: full-text search and find-before-create ---------------------
    def reindex(self, *, person_id: str) -> None:
        self.reindex_many([person_id])

    def reindex_many(self, person_ids: list[str], *, new: Collection[str] = ()) -> None:
        """Rebuild the search and matching indexes of these people in a few statements
        (a first sync brings thousands at once). People in `new` were added in this
        transaction and have no index entries to remove, so no lookup is spent on them."""
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start:start + 500]
            known = [person_id for person_id in chunk if person_id not in new]
            if known:
                self.drop_indexes(known)
            rows = {r.id: r for r in self._session.scalars(
                select(PersonRow).where(PersonRow.id.in_(chunk), PersonRow.deleted.is_(False),
                                        PersonRow.merged_into.is_(None)))}
            people = [p for p in self.get_many([i for i in chunk if i in rows])]
            keys = [{"person_id": p.id, "key": k} for p in people for k in blocking_keys(p)]
            if keys:
                self._session.execute(BlockingKey.__table__.insert(), keys)
            if people:
                self._add_search_entries(people)

    def drop_indexes(self, person_ids: list[str]) -> None:
        """Remove these people's matching keys and search entries (reindex, eviction).

        Core statements on the tables: an ORM delete first evaluates its criteria against
        the objects already loaded in the session (synchronize_session), per statement."""
        keys, entries = BlockingKey.__table__, SearchEntry.__table__
        self._session.execute(keys.delete().where(keys.c.person_id.in_(person_ids)))
        # By rowid through the map: `WHERE person_id IN (...)` on the FTS table would scan
        # every entry, since person_id is UNINDEXED there.
        mapped = select(entries.c.fts_rowid).where(entries.c.person_id.in_(person_ids))
        self._session.execute(PeopleSearch.delete().where(PeopleSearch.c.rowid.in_(mapped)))
        self._session.execute(entries.delete().where(entries.c.person_id.in_(person_ids)))

    def _add_search_entries(self, people: list[Person]) -> None:
        """Write each entry at a rowid chosen here and recorded in the map, so it can be
        removed later by rowid (FTS5 cannot report the rowids of a multi-row insert)."""
        first = self._next_search_rowid()
        rows = [{**_search_row(p), "rowid": first + n} for n, p in enumerate(people)]
        self._session.execute(PeopleSearch.insert(), rows)
        self._session.execute(SearchEntry.__table__.insert(), [
            {"fts_rowid": row["rowid"], "person_id": row["person_id"]} for row in rows])

    def _next_search_rowid(self) -> int:
        # Above the FTS table's own highest rowid, not the map's: an entry written without
        # the map (the benchmark's bulk load) must not be collided with. FTS5 answers
        # max(rowid) from the end of its content table, not with a scan.
        top = self._session.scalar(text("SELECT max(rowid) FROM people_search"))
        return (top or 0) + 1

    def candidates(self, keys: Iterable[str], limit: int = 500) -> list[Person]:
        """People sharing a key, at most ``limit``. Those sharing an identifier or the date
        of birth come first: only they can be strong matches, and a common name's many
        namesakes must never crowd them out of the limit."""
        keys = sorted(set(keys))
        strong = [k for k in keys if k.startswith(_STRONG_KEY_PREFIXES)]
        ids = self._ids_with_keys(strong, limit)
        if len(ids) < limit:
            weak, seen = [k for k in keys if k not in strong], set(ids)
            ids += [i for i in self._ids_with_keys(weak, limit) if i not in seen]
        return self.get_many(ids[:limit])

    def _ids_with_keys(self, keys: list[str], limit: int) -> list[str]:
        if not keys:
            return []
        return list(self._session.scalars(
            select(BlockingKey.person_id).where(BlockingKey.key.in_(keys)).distinct()
            .limit(limit)))

    def search_ids(self, query: str, limit: int = 50, *,
                   born: Collection[date] = ()) -> list[str]:
        """Best first: names and identifiers by prefix, then names that sound alike.

        ``born`` holds the dates of birth the caller read from the typed text (any one will
        do); ``query`` is the rest. The sound-alike pass runs only when the first leaves
        room, so a common prefix costs one query."""
        strict = _fts_query(query, born)
        found = self._fts_ids(strict, limit)
        broad = _fts_query(query, born, by_sound=True)
        if len(found) < limit and broad != strict:
            known = set(found)
            found += [i for i in self._fts_ids(broad, limit) if i not in known]
        return found[:limit]

    def _fts_ids(self, match: str, limit: int) -> list[str]:
        if not match:
            return []
        return list(self._session.scalars(
            text("SELECT person_id FROM people_search WHERE people_search MATCH :q "
                 "ORDER BY rank LIMIT :limit"), {"q": match, "limit": limit}))


# The FTS5 table as SQLAlchemy Core sees it (created by migration 0003, sounds and born
# added by 0009); where each person's entry sits is kept in SearchEntry (migration 0006).
PeopleSearch = table("people_search", column("rowid"), column("person_id"), column("names"),
                     column("identifiers"), column("sounds"), column("born"))
_STRONG_KEY_PREFIXES = ("pnc:", "nhs:", "prison:", "dob:")  # see linkage.blocking_keys
_TYPED_COLUMNS = "{names identifiers born}"  # what a typed prefix may match: not sounds


def _search_row(person: Person) -> dict[str, str]:
    names = " ".join(n for n in (person.name.given, person.name.middle, person.name.family,
                                 *(a.text for a in person.aliases)) if n)
    return {"person_id": person.id, "names": names,
            "identifiers": " ".join(_identifier_tokens(person.identifiers)),
            "sounds": " ".join(sound_keys(names)).lower(),
            "born": f"{person.date_of_birth:%Y%m%d}" if person.date_of_birth else ""}


def _identifier_tokens(ids: Identifiers) -> list[str]:
    """Identifiers as the search tokenizer will see what a worker types."""
    tokens = [ids.prison_number, ids.nhs_number]
    if ids.pnc_id:
        year, serial = ids.pnc_id.split("/")
        tokens += [year + serial, serial, year[2:] + serial]
    return [t for t in tokens if t]


def _fts_query(typed: str, born: Collection[date] = (), *, by_sound: bool = False) -> str:
    """Words to prefix terms, all required: "smi jo" -> "smi"* AND "jo"*.

    Identifier punctuation and spaces are squeezed out first, so "2001/0000001Z",
    "943 476 5919" and "a1234bc" all find the record. ``by_sound`` lets a whole name word
    match by its Metaphone key too ("quartermane" finds QUARTERMAINE); a date of birth in
    ``born`` is one more required term.
    """
    squeezed = re.sub(r"[\s/\-.]", "", typed)
    if len(squeezed) >= 7 and any(ch.isdigit() for ch in squeezed):
        terms = [_prefix_term(squeezed)]  # an identifier never sounds like anything
    else:
        terms = [_word_term(w, by_sound) for w in re.findall(r"\w+", typed)]
    if born:
        terms.append("(" + " OR ".join(f'born : "{d:%Y%m%d}"' for d in sorted(born)) + ")")
    return " AND ".join(terms)


def _prefix_term(word: str) -> str:
    return f'{_TYPED_COLUMNS} : "{word.lower()}"*'


def _word_term(word: str, by_sound: bool) -> str:
    key = metaphone(word)
    # A key of one letter ("Lee" -> L) would match half the caseload: prefix only then.
    if not by_sound or len(word) < 3 or len(key) < 2:
        return _prefix_term(word)
    return f'({_prefix_term(word)} OR sounds : "{key.lower()}")'
