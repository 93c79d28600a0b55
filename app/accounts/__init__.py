"""Accounts: login, users, roles and territorial scopes."""
