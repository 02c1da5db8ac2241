"""Accounts: sign up, sign in, sign out (Django auth). Signing in keeps what the anonymous session
owned."""
