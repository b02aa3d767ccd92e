"""The welcome app's handlers."""
