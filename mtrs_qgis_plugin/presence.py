"""The model's verdict whether a described change exists in the analysed area at all, in words.

Models with a presence head answer "is there any such change here?" besides drawing the mask. An empty
layer alone reads as "something went wrong"; an absent prompt deserves a calm sentence that says the
analysis ran and found nothing of that kind. The engine already adds its own technical sentence to the
result's warnings; the plugin shows its friendlier one instead, so `other_warnings` drops the engine's.

Results are the engine's JSON: `result["presence"]` is None (no presence head, all-changes mode) or
{prompt: {"probability", "present", "tiles_present", "tiles"}}.
"""

from __future__ import annotations

from typing import Any

from ..engine.contract import DEFAULTS
from . import ui_helpers
from .i18n import tr

#: Default presence threshold: the engine's own default (below it a prompt counts as absent from a tile).
DEFAULT_THRESHOLD = DEFAULTS["presence_threshold"]


def verdicts(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per prompt, the presence verdict of a result (or run record); {} when the model gave none."""
    presence = result.get("presence")
    if not isinstance(presence, dict):
        return {}
    return {str(k): v for k, v in presence.items() if isinstance(v, dict) and "present" in v}


def absent_prompts(result: dict[str, Any]) -> list[str]:
    """The prompts whose change the model found nowhere in the analysed area."""
    return [label for label, v in verdicts(result).items() if not v.get("present")]


def confidence(probability: float) -> str:
    """A presence probability as a percentage for people ("3 %", "under 1 %", "over 99 %")."""
    pct = 100.0 * float(probability)
    if pct < 1.0:
        return tr("under 1 %")
    if pct > 99.0:
        return tr("over 99 %")
    return f"{ui_helpers.number(pct, 0)} %"


def absence_note(label: str, verdict: dict[str, Any]) -> str:
    """The calm sentence for an absent prompt: the analysis ran; there is just none of that change here."""
    return tr("No '{label}' found in this area (model confidence {confidence}); its layer is empty.").format(
        label=label, confidence=confidence(verdict.get("probability", 0.0))
    )


def found_text(verdict: dict[str, Any]) -> str:
    """Where a present prompt was found: "found in 3 of 4 tiles (model confidence 91 %)"."""
    return tr("found in {k} of {n} tiles (model confidence {confidence})").format(
        k=ui_helpers.count(int(verdict.get("tiles_present") or 0)),
        n=ui_helpers.count(int(verdict.get("tiles") or 0)),
        confidence=confidence(verdict.get("probability", 0.0)),
    )


def verdict_line(label: str, verdict: dict[str, Any]) -> str:
    """One line per prompt for logs and layer metadata, present or not."""
    if verdict.get("present"):
        return tr("'{label}': {found}.").format(label=label, found=found_text(verdict))
    return absence_note(label, verdict)


def is_engine_absence_note(text: str, labels: list[str]) -> bool:
    """True for the engine's own sentence about an absent prompt (replaced by `absence_note`)."""
    return any(text.startswith(f"'{label}': no such change found") for label in labels)


def other_warnings(result: dict[str, Any]) -> list[str]:
    """The result's warnings except the engine's absence sentences, so no sentence is shown twice."""
    labels = absent_prompts(result)
    return [str(w) for w in result.get("warnings") or [] if not is_engine_absence_note(str(w), labels)]
