"""The broadcast controller: scheduler, relay, player and control channel of the Pi."""
