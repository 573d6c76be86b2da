"""QGIS-facing half of MTRS: dock, Processing provider, worker client.

This package imports only qgis and PyQt5. The engine (torch, timm, transformers) lives in its own environment
and is driven through `python -m engine.worker`, so that a heavy or broken engine can never take QGIS down
(docs/DEVELOPMENT.md, "Why two Python environments"). A test imports this package with an interpreter that has
no torch.
"""
