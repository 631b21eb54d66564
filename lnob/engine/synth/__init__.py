"""A realistic synthetic rural county, any size, reproducible from a seed.

Pure Python (numpy and polars, no Django): `generate()` returns one polars DataFrame per database
table, with the database's column names and ids from 1; `lnob.registry.bulk` loads it.
The figures it is calibrated to, and their sources, are in docs/synthetic-county.md.
"""

from __future__ import annotations

from .county import TABLES, SynthCounty, generate

__all__ = ["TABLES", "SynthCounty", "generate"]
