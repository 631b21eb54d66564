"""The training channel's registers, declared in ../register_tables.py."""
