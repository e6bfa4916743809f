"""The sync agent: the device's one MQTT session with its commune hub (fetch, uplink, commands,
apply), depending on its host only through the protocol in controller.sync.host."""
