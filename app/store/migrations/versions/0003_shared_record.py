"""The shared record: full identity, aliases, consent, the single assessment, contacts,
merges, and local indexes for search (FTS5) and find-before-create.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_PERSON_TEXT = ("middle_name", "gender", "nationality", "phone", "email", "contact_notes",
                "address_line1", "address_line2", "town", "postcode", "home_district",
                "sex", "ethnicity", "pnc_id", "prison_number", "nhs_number")


def _syncable() -> list[sa.Column]:
    return [
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("revision_id", sa.String(36), nullable=False),
        sa.Column("base_revision_id", sa.String(36)),
        sa.Column("created_hlc", sa.String(64), nullable=False),
        sa.Column("updated_hlc", sa.String(64), nullable=False, index=True),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("worker_id", sa.String(36), nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    ]


def _person_ref() -> sa.Column:
    return sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False,
                     index=True)


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        for name in _PERSON_TEXT:
            batch.add_column(sa.Column(name, sa.Text, nullable=False, server_default=""))
        for name in ("safe_to_leave_message", "out_of_area"):
            batch.add_column(sa.Column(name, sa.Boolean, nullable=False,
                                       server_default=sa.false()))
        batch.add_column(sa.Column("merged_into", sa.String(36)))
        for name in ("pnc_id", "prison_number", "nhs_number"):
            batch.create_index(f"ix_people_{name}", [name])
    op.create_table("person_aliases", *_syncable(), _person_ref(),
                    sa.Column("text", sa.String(200), nullable=False),
                    sa.Column("kind", sa.String(32), nullable=False))
    op.create_table("consents", *_syncable(), _person_ref(),
                    sa.Column("agency", sa.String(40), nullable=False),
                    sa.Column("given_on", sa.String(10), nullable=False),
                    sa.Column("recorded_by", sa.String(200), nullable=False),
                    sa.Column("withdrawn_on", sa.String(10)),
                    sa.Column("withdrawal_recorded_by", sa.String(200), nullable=False))
    op.create_table("assessment_values", *_syncable(), _person_ref(),
                    sa.Column("section", sa.String(40), nullable=False),
                    sa.Column("field", sa.String(60), nullable=False),
                    sa.Column("value_json", sa.Text, nullable=False),
                    sa.UniqueConstraint("person_id", "section", "field"))
    op.create_table("section_confirmations", *_syncable(), _person_ref(),
                    sa.Column("section", sa.String(40), nullable=False),
                    sa.Column("confirmed_by_name", sa.String(200), nullable=False),
                    sa.Column("confirmed_at", sa.String(40), nullable=False),
                    sa.UniqueConstraint("person_id", "section"))
    op.create_table("contacts", *_syncable(), _person_ref(),
                    sa.Column("setting", sa.String(20), nullable=False),
                    sa.Column("at_utc", sa.String(40), nullable=False),
                    sa.Column("worker_name", sa.String(200), nullable=False))
    op.create_table("person_merges", *_syncable(),
                    sa.Column("survivor_id", sa.String(36), sa.ForeignKey("people.id"),
                              nullable=False),
                    sa.Column("merged_id", sa.String(36), sa.ForeignKey("people.id"),
                              nullable=False, index=True),
                    sa.Column("reason", sa.Text, nullable=False),
                    sa.Column("merged_by_name", sa.String(200), nullable=False),
                    sa.Column("merged_at", sa.String(40), nullable=False),
                    sa.Column("undone_at", sa.String(40)))
    _history_and_local_indexes()


def _history_and_local_indexes() -> None:
    op.create_table("assessment_history",
                    sa.Column("id", sa.String(36), primary_key=True),
                    sa.Column("person_id", sa.String(36), nullable=False, index=True),
                    sa.Column("section", sa.String(40), nullable=False),
                    sa.Column("field", sa.String(60), nullable=False),
                    sa.Column("old_json", sa.Text, nullable=False),
                    sa.Column("new_json", sa.Text, nullable=False),
                    sa.Column("worker_id", sa.String(36), nullable=False),
                    sa.Column("worker_name", sa.String(200), nullable=False),
                    sa.Column("device_id", sa.String(36), nullable=False),
                    sa.Column("hlc", sa.String(64), nullable=False, index=True),
                    sa.Column("at_utc", sa.String(40), nullable=False))
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER assessment_history_no_{verb.lower()} BEFORE {verb} ON "
                   "assessment_history BEGIN SELECT RAISE(ABORT, 'field history is "
                   "append-only'); END")
    op.create_table("person_digest",
                    sa.Column("person_id", sa.String(36), primary_key=True),
                    sa.Column("last_contact_at", sa.String(40), index=True),
                    sa.Column("last_contact_setting", sa.String(20)),
                    sa.Column("risk_level", sa.String(20), nullable=False),
                    sa.Column("risk_headline", sa.String(300), nullable=False),
                    sa.Column("confirmations_json", sa.Text, nullable=False),
                    sa.Column("key_worker_id", sa.String(36), index=True),
                    sa.Column("touched_by_json", sa.Text, nullable=False))
    op.create_table("person_blocking_keys",
                    sa.Column("person_id", sa.String(36), primary_key=True),
                    sa.Column("key", sa.String(120), primary_key=True, index=True))
    # Full-text search over names, aliases and identifiers, inside the encrypted file.
    op.execute("CREATE VIRTUAL TABLE people_search USING fts5(person_id UNINDEXED, names, "
               "identifiers, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")
