"""The caseload's digest keeps each person's journey, compact, to show where they are.

Filled for everyone at the next rebuild of the digests (a sync touching them, or a local
write); until then a person shows no setting, as before.

People are indexed by family and given name together: the caseload lists those never
contacted in name order, and with the family name alone SQLite sorted each family's
thousands of rows (and read each one's digest) before it could stop at the first 200.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person_digest") as batch:
        batch.add_column(sa.Column("journey_json", sa.Text, nullable=False,
                                   server_default="[]"))
    op.drop_index("ix_people_family_name", "people")
    op.create_index("ix_people_family_given", "people", ["family_name", "given_name"])


def downgrade() -> None:
    op.drop_index("ix_people_family_given", "people")
    op.create_index("ix_people_family_name", "people", ["family_name"])
    with op.batch_alter_table("person_digest") as batch:
        batch.drop_column("journey_json")
