"""The about app: its routes name handler classes directly instead of dotted strings."""
