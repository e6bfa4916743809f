"""The periodic outreach report: broadcasts, conferences, kiosk use and device presence.

``model.build_report`` computes every figure from the hub repository into plain dataclasses;
``document`` words them in Vietnamese as a list of blocks; the writers (DOCX, PDF, CSV,
HTML) only lay out what they are given. ``command`` holds the staff commands.
"""
