"""Core: field encryption and its keyring, the audit log, permissions, security middleware."""
