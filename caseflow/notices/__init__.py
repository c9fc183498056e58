"""Official documents (法律文书): catalogue, citations, drafting, issuing, delivery (送达) and verification.

A workflow action that declares ``notice=`` drafts its document through the case hook (``drafting``); officers
edit the free-text parts, preview the draft (watermarked 草稿, ``rendering``) and issue it (``issuing``); issuing
numbers, renders, stores and freezes it; delivery starts the party's periods (``deliveries``); a public page
verifies a PDF against its SHA-256 (``verification``). Who may read and handle documents is in caseflow/policy.py.

The life of a document
----------------------
- **Draft.** Drafted by the action (or by hand for the kinds the catalogue allows on a procedure) with the
  editable parts pre-filled from the action's fields and the case. Characters no installed font covers are
  reported at once (``missing_chars``) and shown as 〓 in previews, never as a box; issuing refuses them.
- **Sign-off (签发).** Kinds whose catalogue entry says ``approval`` need a supervisor. The action that drafted
  them went through the approvals inbox already (decide, reject, revoke, extend, …): the supervisor's approval
  covers the text drafted from the approved fields, so the officer may issue it as drafted. Editing the text
  afterwards voids that cover, and the officer's "issue" then asks a supervisor of the case's office to sign it
  off (status ``signoff``); the supervisor issues or returns it with a reason. A supervisor issues directly.
- **Issue.** One transaction takes the gapless number (``next_number("notice:<word>", office, year)``), a
  verification code, renders the final PDF once, stores it in the content-addressed storage with its SHA-256 and
  freezes the row (``Notice._frozen``). A correction is a new 更正通知书 that refers to the original.
- **Delivery.** Electronic service needs the addressee's recorded consent and takes place on issue: the document
  arrives in the party's portal account at that moment (民事诉讼法 art. 90); its first opening is recorded.
  Direct service counts from the signature, post from the date on the return receipt, 留置 from the day it was
  left, 公告 from publication + 30 days (art. 95, taking effect later through ``serve_due_publications``). The
  delivery date starts the party's period of the catalogue entry (answer_notice → ADJ_ANSWER) through
  ``caseflow.deadlines.lifecycle.start_party_deadline``.
"""


def register(app) -> None:
    """Draft the document an action declares (``notice=``) in the action's transaction; tell guards who has been
    served the hearing notice."""
    from caseflow.cases import hooks
    from caseflow.notices import deliveries, drafting

    registered = hooks.of(app).domain("notices")
    registered.on_action.append(drafting.on_action)
    registered.add_fact("hearing_notice_service", deliveries.hearing_notice_service)  # 举行口头审理's guard
    registered.add_fact("correction_notice_service", deliveries.correction_notice_service)  # 不予立案's guard
    registered.add_fact("decision_issued", lambda case: drafting.has_issued(case, "decision"))  # 更正, 变更's guard
    from caseflow.notices.catalogue import access_code_documents

    # The login and access pages say which documents carry a respondent's access code.
    app.jinja_env.globals["access_code_documents"] = access_code_documents
