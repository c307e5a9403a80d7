"""A person's journey through custody, court, prison and the community.

`kinds` says what can happen and what each event records; `events` records and checks
them (append-only, a correction supersedes); `state` derives where the person is and what
comes next; `required_assessment` follows the Drugs Act's Required Assessment; `handover`
is a person passed on purpose between teams.
"""
