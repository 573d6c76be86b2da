"""MTRS headless engine: MTRefSeg-R1 model, training, evaluation and the geospatial analysis pipeline.

This package must never import qgis or PyQt: it runs in its own environment, outside QGIS's process,
so that a crash or a heavy dependency of the engine can never take QGIS down.
"""

__version__ = "0.1.0"
