"""The commune hub: content library, signing key, device registry and logs, its MQTT daemon
(``village hub``), the staff commands (``village push``, ``devices``, ``logs``, ``send``) and
the broker configuration (``village broker``)."""
