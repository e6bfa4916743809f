"""The wire protocol between the commune hub and its devices (MQTT 5, topics ``village/v1``).

Shared by both ends: topic names, message schemas and their strict parsing, Ed25519
signing of manifests and commands, the media block format, and the one module that talks
to paho (``village.wire.mqtt``). See ``docs/protocol.md``.
"""
