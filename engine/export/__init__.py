"""Training data from GIS layers: chips, labels and referring expressions (`mtrs export-training`)."""

from engine.export.export import ExportOptions, ExportSummary, export_training

__all__ = ["ExportOptions", "ExportSummary", "export_training"]
