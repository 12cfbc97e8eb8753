def assert_keyring_matches_database() -> None:
    pass
