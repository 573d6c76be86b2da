"""Processing algorithms of the MTRS provider (one module per algorithm, shared parameters in base.py)."""
