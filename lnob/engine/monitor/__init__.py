"""The monitoring engine: household features as of a date, and rules over them (no Django)."""
