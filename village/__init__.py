"""village: core shared by the controller, the kiosk and the commune hub."""

__version__ = "0.1.0"
