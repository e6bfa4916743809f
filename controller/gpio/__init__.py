"""The controller's GPIO: the amplifier relay and its guard (the pin's one owner), the status
LED and the manual button."""
