"""Accounts: users, organisations, memberships with roles, two-factor authentication, API tokens."""
