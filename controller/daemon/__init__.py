"""The controller daemon: its composition root (``assembly``), main loop, control commands,
the sync agent's host, the runtime state file and the clean-up of a killed run's leftovers."""

from controller.daemon.assembly import Controller, run_controller

__all__ = ["Controller", "run_controller"]
