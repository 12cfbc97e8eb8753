"""Start-up checks (registered from CoreConfig.ready)."""
