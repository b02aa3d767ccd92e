"""The accounts app: sign up, log in and out (a session on Redis), and API tokens."""
