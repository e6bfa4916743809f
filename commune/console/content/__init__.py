"""What the console's content pages do (procedures, segments and clips, the schedule),
kept out of the route handlers: staging uploaded files, previews, drafts, publishing and
its progress, resumable uploads, the calendar and its feed."""
