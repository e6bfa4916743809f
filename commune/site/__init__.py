"""The commune's public site and the office's notice board, built from the hub's content.

``village site build`` writes a static site (HTML and CSS) that works from a sub-folder of
any web server and from ``file://``; the hub rebuilds it when content changes and serves it
at ``/cong-khai/``. ``village site print`` makes the A4 sheets for the notice board.
See docs/site.md.
"""
