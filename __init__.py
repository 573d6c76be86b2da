"""QGIS plugin entry point of MTRS (language-guided change analysis).

Kept minimal: QGIS imports this module at start-up, so nothing heavy happens before classFactory().
"""


def classFactory(iface):
    """Create the plugin object (QGIS calls this; iface is None inside qgis_process)."""
    from .mtrs_qgis_plugin.plugin import MtrsPlugin

    return MtrsPlugin(iface)
