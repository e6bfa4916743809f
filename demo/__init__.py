"""``village demo``: the one package that composes the apps (core, controller, hub, kiosk)."""
