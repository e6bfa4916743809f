"""Size limits, in one place. The broker's ``message_size_limit`` is ``BROKER_PAYLOAD``.

Each kind of message has its own, smaller limit that the receiver enforces before parsing,
so an oversized message is refused (code ``oversized``) without being decoded.
"""

BROKER_PAYLOAD = 1024 * 1024  # the largest payload the broker accepts (1 MiB)
DEFAULT_BLOCK = 256 * 1024  # media block size the hub uses unless configured
MANIFEST_WARN = 512 * 1024  # devices accept this much unless configured otherwise
COMMAND = 16 * 1024
STATUS = 64 * 1024
HUB_STATUS = 4 * 1024
FETCH = 16 * 1024
ACK = 128 * 1024
REPLY = 8 * 1024
LOG_BATCH = 320 * 1024  # a batch holds at most 256 KiB of records, plus framing
