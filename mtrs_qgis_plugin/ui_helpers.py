"""Small pieces of Qt behaviour the dock needs: locale-aware numbers and a wheel guard.

Numbers go through QLocale so a German analyst reads "21.927 m²", not "21,927 m²" (which means 21.9 there).
The wheel guard stops a scroll through the dock from silently changing a combo box or spin box value.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QEvent, QLocale, QObject, Qt
from qgis.PyQt.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget


def number(value: float, decimals: int = 0) -> str:
    """`value` with the locale's group and decimal separators."""
    return QLocale().toString(float(value), "f", decimals)


def count(value: int) -> str:
    """An integer count with the locale's group separator."""
    return QLocale().toString(int(value))


def area(m2: float) -> str:
    """An area for people: m² below 0.1 km², km² above."""
    if m2 >= 1e5:
        km2 = m2 / 1e6
        return f"{number(km2, 3 if km2 < 10 else 1)} km²"
    return f"{number(m2, 1 if 0 < m2 < 10 else 0)} m²"


def duration(seconds: float) -> str:
    """m:ss (h:mm:ss above an hour)."""
    s = max(0, round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class WheelGuard(QObject):
    """Event filter: a wheel over an unfocused combo/spin box scrolls `scroll_target` instead."""

    def __init__(self, scroll_target: QWidget | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.scroll_target = scroll_target

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            if self.scroll_target is not None:
                QApplication.sendEvent(self.scroll_target, event)
            event.ignore()
            return True
        return False

    def guard(self, root: QWidget) -> None:
        """Install on every combo box and spin box below `root`; they take focus only by click or Tab."""
        for widget in root.findChildren(QComboBox) + root.findChildren(QAbstractSpinBox):
            widget.setFocusPolicy(Qt.StrongFocus)
            widget.installEventFilter(self)
