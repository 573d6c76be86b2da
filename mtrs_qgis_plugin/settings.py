"""Persistent plugin options through QgsSettings, in one place.

Keeping every key here (and typed) means the dock, the Processing algorithms and the engine manager agree on
names and defaults, and a reset is one call.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from qgis.core import QgsSettings

from ..engine.contract import REQUEST

PREFIX = "mtrs/"


@dataclass
class Options:
    """Everything the dock restores between sessions. Per-project data (prompt history) is elsewhere.

    Deliberately absent: the output file (a path remembered across sessions would be overwritten by the
    next day's run) and run timings (a figure measured on another day, model or device misleads)."""

    interpreter: str = ""  # empty: auto-detect (plugin .venv, then the managed venv)
    model_kind: str = "bundled"  # bundled | user | folder | hub
    model_user: str = ""  # name of the chosen user model (user_models) when model_kind is "user"
    model_folder: str = ""
    model_hub_id: str = ""
    # analysis options: the starting values of engine.contract (min_area 10 m² drops single-pixel specks)
    device: str = REQUEST["device"].interface_default
    tile: int = REQUEST["tile"].interface_default  # 0: the model's own size
    overlap: int = REQUEST["overlap"].interface_default
    threshold: float = REQUEST["threshold"].interface_default
    presence_threshold: float = REQUEST["presence_threshold"].interface_default
    min_area: float = REQUEST["min_area"].interface_default
    simplify: float = REQUEST["simplify"].interface_default
    load_probabilities: bool = False
    save_next_to_project: bool = False  # unnamed outputs beside the saved project instead of temp files
    extent_mode: str = "overlap"  # overlap | canvas | drawn | polygons
    advanced_collapsed: bool = True


def _coerce(value: object, default: object) -> object:
    """QgsSettings returns strings for numbers on some back-ends; convert back to the default's type."""
    if value is None:
        return default
    try:
        if isinstance(default, bool):
            return value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        return default


def load() -> Options:
    """Read the stored options; missing or malformed keys fall back to the defaults."""
    settings = QgsSettings()
    defaults = Options()
    values = {}
    for f in fields(Options):
        default = getattr(defaults, f.name)
        values[f.name] = _coerce(settings.value(PREFIX + f.name, default), default)
    return Options(**values)


def save(options: Options) -> None:
    """Store all options."""
    settings = QgsSettings()
    for key, value in asdict(options).items():
        settings.setValue(PREFIX + key, value)


def reset() -> None:
    """Forget every stored option (used by tests and by 'reset' in the engine panel)."""
    settings = QgsSettings()
    for f in fields(Options):
        settings.remove(PREFIX + f.name)
