"""What the archive announces, for whoever needs to follow it.

Writers that bypass the models' signals (the importer's COPY and bulk statements, the admin's bulk
actions) send `archive_changed_in_bulk`; an import run that created or updated stories sends
`stories_imported` when it ends. They need not know who listens: the page cache makes its pages
stale and search relearns its spelling vocabulary (receivers connected in `articles.signals`).
"""

from django.dispatch import Signal

archive_changed_in_bulk = Signal()  # sender: the writer's module name
stories_imported = Signal()  # sender: the command; kwargs: created, updated
