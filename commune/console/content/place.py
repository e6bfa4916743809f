"""Where the console keeps its own content files, under ``HUB/console/``:

::

    staged/    uploaded files waiting for staff to confirm them (``staging``)
    uploads/   resumable uploads in progress (``chunks``)
    drafts/    a content store of segments and clips saved but not yet published
"""

from __future__ import annotations

import functools
from pathlib import Path

from commune.console.content.chunks import ResumableUploads
from commune.console.content.feeds import FeedTokens
from commune.console.content.schedule_data import ScheduleSource, source_for
from commune.console.content.staging import StagedFiles
from commune.console.context import Console
from commune.console.database import Database
from commune.hubdata import DB_FILE
from village.store import ContentStore


def console_folder(console: Console) -> Path:
    return console.hub.root / "console"


def staged_files(console: Console) -> StagedFiles:
    return StagedFiles(console_folder(console) / "staged", lambda: console.now().timestamp())


def drafts(console: Console) -> ContentStore:
    return ContentStore(console_folder(console) / "drafts")


def resumable_uploads(console: Console) -> ResumableUploads:
    return ResumableUploads(
        console_folder(console) / "uploads", console.upload_cap, lambda: console.now().timestamp()
    )


@functools.lru_cache(maxsize=4)
def _feed_tokens(database: Path) -> FeedTokens:
    return FeedTokens(Database(database, durable=True))


def feed_tokens(console: Console) -> FeedTokens:
    return _feed_tokens(console.hub.root / DB_FILE)


def schedule_source(console: Console) -> ScheduleSource:
    return source_for(console.hub.root, console.hub.repository, lambda: console.now().timestamp())
