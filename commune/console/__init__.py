"""The staff web console, served by the hub process (``village hub``).

Server-rendered pages (Starlette + Jinja2), progressive enhancement with a vendored htmx,
sessions, roles and the audit log kept in the hub's SQLite store. Route handlers stay thin:
they read a form, call the hub's own functions (``commune.push``, ``commune.report``…) or
the console's services, record what was done in the audit log and render a template.
"""
