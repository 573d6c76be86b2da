"""Translation of user-visible strings.

One free function `tr()` is used everywhere. pylupdate5 files free `tr("...")` calls under the context
"@default", so the runtime lookup uses the same context; the .ts files stay extractable with the stock tool
and no class-name bookkeeping is needed.
"""

from __future__ import annotations

import os

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "@default"
_installed: QTranslator | None = None


def tr(text: str) -> str:
    """Translate `text` with the plugin's catalogue (English when no catalogue matches)."""
    return QCoreApplication.translate(CONTEXT, text)


def user_locale() -> str:
    """The locale QGIS uses for its own UI: the user override if set, else the system locale."""
    value = QgsSettings().value("locale/userLocale", "") or ""
    if not value:
        value = QLocale.system().name()
    return str(value)


def catalogue_path(plugin_dir: str, locale: str) -> str | None:
    """The .qm for `locale`: exact name first (zh_CN), then the language alone (de_DE -> de)."""
    candidates = [locale, locale.split("_")[0]]
    for name in candidates:
        path = os.path.join(plugin_dir, "i18n", f"mtrs_{name}.qm")
        if os.path.isfile(path):
            return path
    return None


def install_translator(plugin_dir: str, locale: str | None = None) -> str | None:
    """Load and install the catalogue for the QGIS locale; returns the .qm path used, or None."""
    remove_translator()
    path = catalogue_path(plugin_dir, locale or user_locale())
    if path is None:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    global _installed
    _installed = translator
    return path


def remove_translator() -> None:
    """Uninstall the plugin's catalogue (plugin unload, or before switching locale)."""
    global _installed
    if _installed is not None:
        QCoreApplication.removeTranslator(_installed)
        _installed = None
