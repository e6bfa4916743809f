"""The broadcast's audio: the player interface and its pygame implementation, the decoder,
sample arithmetic and the stream that joins segments."""
