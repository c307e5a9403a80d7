"""Devices report their wipe; usernames are one case.

Revision ID: 0014
Revises: 0013

- `devices.wiped_at`: when a revoked laptop reported that it destroyed its keys
  (POST /devices/me/wiped), so IT sees "revoked, wiped <time>" in list-devices.
- `enrolment_codes.cancelled_at`: IT can cancel a code that was never used (cancel-code).
- Usernames are kept in lower case and looked up in lower case: `ann` and `Ann` were two
  accounts, and a worker typing either signed in as whichever matched. Existing names
  are lowered here; two that differ only in case cannot both be kept, so the migration
  stops, names them and changes nothing: IT renames one (set a new name in the database
  or disable and recreate) and runs it again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _refuse_case_clashes() -> None:
    clashes = op.get_bind().execute(sa.text(
        "SELECT lower(username) FROM workers GROUP BY lower(username) HAVING count(*) > 1"
    )).scalars().all()
    if clashes:
        raise RuntimeError(
            "usernames that differ only in case cannot both be kept (they become one "
            f"lower-case name): {', '.join(sorted(clashes))}. Rename all but one of each, "
            "then migrate again; nothing was changed.")


def upgrade() -> None:
    _refuse_case_clashes()
    op.execute("UPDATE workers SET username = lower(username) WHERE username <> lower(username)")
    with op.batch_alter_table("devices") as batch:
        batch.add_column(sa.Column("wiped_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("enrolment_codes") as batch:
        batch.add_column(sa.Column("cancelled_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrolment_codes") as batch:
        batch.drop_column("cancelled_at")
    with op.batch_alter_table("devices") as batch:
        batch.drop_column("wiped_at")
