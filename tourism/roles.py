"""The regency's two admin groups, named here once for code, the demo and tests.

"Editor" writes and submits pages, "Moderator" approves them (the workflow "Moderasi konten"
of tourism 0002/0006). Both are Indonesian words (KBBI) and English ones, so the superuser's
Users and Groups screens read right in either language; Wagtail prints group names as stored.
Migrations keep the names of their time (tourism 0009 renamed Wagtail's "Editors" and
"Moderators"); a future rename needs a migration of its own and a change here.
"""

EDITORS = "Editor"
MODERATORS = "Moderator"
