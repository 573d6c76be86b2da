"""Recent prompts, stored per project (QgsProject entries) so each study area keeps its own vocabulary."""

from __future__ import annotations

from qgis.core import QgsProject

from .i18n import tr

SCOPE = "mtrs"
KEY = "prompt_history"
LIMIT = 25


def load(project: QgsProject | None = None) -> list[str]:
    """Most recent first."""
    project = project or QgsProject.instance()
    values, _ok = project.readListEntry(SCOPE, KEY, [])
    return [v for v in values if v]


def remember(prompt: str, project: QgsProject | None = None) -> list[str]:
    """Put `prompt` on top (deduplicated) and store; returns the new history."""
    project = project or QgsProject.instance()
    prompt = prompt.strip()
    history = [p for p in load(project) if p != prompt]
    if prompt:
        history.insert(0, prompt)
    history = history[:LIMIT]
    project.writeEntry(SCOPE, KEY, history)
    return history


def examples() -> list[str]:
    """Example prompts that show the kind of sentence the model understands (change verbs, places)."""
    return [
        tr("buildings destroyed along the tornado track"),
        tr("new buildings"),
        tr("demolished buildings"),
        tr("roads built between the two dates"),
        tr("vegetation cleared for construction"),
        tr("the largest new warehouse"),
    ]
