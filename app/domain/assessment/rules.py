"""Rules between fields of one section (the NDTMS "no second drug" codes, ages, counts).

Each rule takes the section's values, the person's age (if known) and today (if
known) and yields ``(field_id, message)`` for anything inconsistent. Rules only
look at fields that hold values of the right type; ``check_field`` reports the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date

from app.domain.assessment.fields import Value
from app.domain.assessment.sections import NO_SECOND_DRUG, NO_THIRD_DRUG

Problems = Iterator[tuple[str, str]]
Rule = Callable[[Mapping[str, Value], int | None, date | None], Problems]
_NONE_CODES = {NO_SECOND_DRUG, NO_THIRD_DRUG}


def _drug_slots(values: Mapping[str, Value], age: int | None, today: date | None) -> Problems:
    drugs = {slot: values.get(f"drug{slot}") for slot in (1, 2, 3)}
    if drugs[1] in _NONE_CODES:
        yield "drug1", "The main substance cannot be 'no drug'. Choose the main problem substance."
    if drugs[2] == NO_THIRD_DRUG:
        yield "drug2", "Use 'No second drug' (9996) here; 9997 is for the third drug."
    if drugs[3] == NO_SECOND_DRUG:
        yield "drug3", "Use 'No third drug' (9997) here; 9996 is for the second drug."
    if drugs[2] == NO_SECOND_DRUG and drugs[3] not in (None, NO_THIRD_DRUG):
        yield "drug3", "With no second drug there is no third: choose 'No third drug'."
    real = [d for d in drugs.values() if d and d not in _NONE_CODES]
    if len(real) != len(set(real)):
        yield "drug2", "The same substance is listed twice. Record each substance once."
    for slot, drug in drugs.items():
        if drug in _NONE_CODES:
            for detail in ("route", "frequency", "age_first_used"):
                if values.get(f"drug{slot}_{detail}") is not None:
                    yield (f"drug{slot}_{detail}",
                           "No substance is recorded in this slot, so leave this blank.")
        yield from _not_older_than(values, f"drug{slot}_age_first_used", age)


def _not_older_than(values: Mapping[str, Value], field_id: str, age: int | None) -> Problems:
    first = values.get(field_id)
    if age is not None and isinstance(first, int) and first > age:
        yield field_id, f"{first} is older than the person is now ({age}). Check the age."


def _alcohol(values: Mapping[str, Value], age: int | None, today: date | None) -> Problems:
    days, units = values.get("alcohol_drinking_days"), values.get("alcohol_units_per_day")
    if days == 0 and isinstance(units, int) and units > 0:
        yield ("alcohol_units_per_day",
               "No drinking days are recorded, so units per drinking day should be blank or 0.")
    per_day = values.get("tobacco_per_day")
    if values.get("tobacco_use") == "N" and isinstance(per_day, int) and per_day > 0:
        yield "tobacco_per_day", "Tobacco use is 'No'; clear the number a day or change the answer."


def _injecting(values: Mapping[str, Value], age: int | None, today: date | None) -> Problems:
    status = values.get("injecting_status")
    if status == "N":
        for field_id in ("ever_shared_equipment", "shared_last_28_days"):
            if values.get(field_id) == "Y":
                yield field_id, "They have never injected, so sharing cannot be 'Yes'. Check both."
        if values.get("age_first_injected") is not None:
            yield "age_first_injected", "They have never injected: leave the age blank."
    if status == "P" and values.get("shared_last_28_days") == "Y":
        yield ("shared_last_28_days",
               "Sharing in the past 28 days means they are currently injecting: "
               "change the status to 'Currently injecting'.")
    yield from _not_older_than(values, "age_first_injected", age)


def _children(values: Mapping[str, Value], age: int | None, today: date | None) -> Problems:
    own, living = values.get("children_under_18"), values.get("children_living_with_client")
    if isinstance(own, int) and isinstance(living, int) and 98 not in (own, living) and (
        living > own
    ):
        yield ("children_living_with_client",
               f"{living} children living with them but {own} children of their own: "
               "count other children in the household in the notes, or check the numbers.")


def _pregnancy(values: Mapping[str, Value], age: int | None, today: date | None) -> Problems:
    if values.get("due_date") and values.get("pregnant") not in ("Y", None):
        yield "due_date", "A due date is only recorded for someone who is pregnant."


CROSS_FIELD_RULES: dict[str, tuple[Rule, ...]] = {
    "substances": (_drug_slots, _alcohol),
    "injecting": (_injecting,),
    "children": (_children,),
    "pregnancy": (_pregnancy,),
}
