"""The user's own (fine-tuned) models, remembered by name across QGIS sessions.

Why a registry: after "Fine-tune MTRS model" an analyst should pick *their* model by the name they gave it,
in the dock and in the Processing algorithms, without hunting for a folder. Entries live in QgsSettings (one
JSON list under `mtrs/user_models`), so every QGIS window and qgis_process of the profile sees the same list.
A folder can vanish (moved, deleted, on an unplugged drive): entries are never dropped silently;
`is_available` tells the dock to show them as missing, and `remove` lets the user forget them.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QObject, pyqtSignal

KEY = "mtrs/user_models"


class _Notifier(QObject):
    """Emits `changed` after every change of the list (from any thread; Qt queues it to the GUI thread)."""

    changed = pyqtSignal()


_notifier: _Notifier | None = None


def notifier() -> _Notifier:
    """The process-wide notifier the dock listens to, living in the application's (GUI) thread."""
    global _notifier
    if _notifier is None:
        _notifier = _Notifier()
        app = QCoreApplication.instance()
        if app is not None:
            _notifier.moveToThread(app.thread())
    return _notifier


@dataclass
class UserModel:
    """One remembered model folder and what is known about how it was made."""

    name: str
    path: str
    created: str = ""  # local time, ISO 8601
    base: str = ""  # the model it was fine-tuned from
    stage: int = 2
    validation: dict = field(default_factory=dict)  # the engine's validation figures

    def is_available(self) -> bool:
        """True while the folder still holds a model (the engine needs config.json in it)."""
        return os.path.isfile(os.path.join(self.path, "config.json"))


def load() -> list[UserModel]:
    """All remembered models, in registration order; malformed entries are skipped, never fatal."""
    raw = QgsSettings().value(KEY, "") or ""
    try:
        items = json.loads(str(raw)) if raw else []
    except ValueError:
        return []
    out = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not item.get("name") or not item.get("path"):
            continue
        known = {k: item[k] for k in UserModel.__dataclass_fields__ if k in item}
        try:
            out.append(UserModel(**known))
        except TypeError:
            continue
    return out


def _save(models: list[UserModel]) -> None:
    settings = QgsSettings()
    settings.setValue(KEY, json.dumps([asdict(m) for m in models], ensure_ascii=False))
    settings.sync()  # qgis_process exits right after an algorithm: write now, not at destruction
    notifier().changed.emit()


def find(name: str) -> UserModel | None:
    """The model registered under `name` (exact match), or None."""
    for model in load():
        if model.name == name:
            return model
    return None


def unique_name(name: str, path: str, models: list[UserModel]) -> str:
    """`name`, or `name (2)`, `name (3)` … when another folder already uses it."""
    taken = {m.name for m in models if os.path.normpath(m.path) != os.path.normpath(path)}
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{name} ({n})"
    return candidate


def register(
    name: str, path: str, base: str = "", stage: int = 2, validation: dict | None = None
) -> UserModel:
    """Remember the model folder `path` under `name` (made unique); a folder registered again is updated."""
    path = os.path.abspath(path)
    name = (name or "").strip() or os.path.basename(os.path.normpath(path))
    models = [m for m in load() if os.path.normpath(m.path) != os.path.normpath(path)]
    model = UserModel(
        name=unique_name(name, path, models),
        path=path,
        created=time.strftime("%Y-%m-%dT%H:%M:%S"),
        base=base,
        stage=int(stage),
        validation=dict(validation or {}),
    )
    models.append(model)
    _save(models)
    return model


def remove(name: str) -> bool:
    """Forget the entry `name` (the folder itself is left alone). True when something was removed."""
    models = load()
    kept = [m for m in models if m.name != name]
    if len(kept) == len(models):
        return False
    _save(kept)
    return True


def reset() -> None:
    """Forget every entry (tests, and a clean profile)."""
    settings = QgsSettings()
    settings.remove(KEY)
    settings.sync()
    notifier().changed.emit()
