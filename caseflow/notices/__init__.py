"""Official documents (法律文书): catalogue, citations, drafting, issuing, delivery (送达) and verification.

DESIGN.md §5. A workflow action that declares ``notice=`` drafts its document through the case hook; officers
edit the free-text parts, preview the draft (watermarked 草稿) and issue it; issuing numbers, renders, stores
and freezes it; delivery starts the party's periods; a public page verifies a PDF against its SHA-256.
"""
