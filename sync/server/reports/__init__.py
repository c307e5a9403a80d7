"""Quarterly evaluation reports generated on the server (`python -m sync.server report`).

- cohort: the synced rows of a team or the whole service, read in bulk into the domain's
  CohortPerson values (app.domain.outcomes), as the laptop's dashboard reads its own.
- generate: the figures (app.domain.outcomes.report), the signed PDF
  (app.printing.quarterly_report_pdf), the CSV extracts, the audit event.
- keys: the pseudonym key; signing: the PDF signature under the organisation CA.

The only part of `sync` allowed to import `app.domain` and `app.printing` (pyproject's
import contract says why).
"""
