"""The presence verdict ("is the described change here at all?") in the plugin: the dock's calm note and
empty layer, the Processing log, the presence-threshold parameter reaching the engine, the layer metadata.

The checkpoint is the tiny preset with a presence head whose output weight is zeroed and whose bias is -20:
it answers "absent" (probability ~2e-9) for every tile, so these tests check the plugin's handling, not what
a trained head believes. A presence threshold of 0 turns the check off, which makes the same model "present".
"""

from __future__ import annotations

import json
import subprocess

import pytest
from qgis.core import Qgis, QgsApplication, QgsProcessingFeedback, QgsProject, QgsRasterLayer, QgsVectorLayer

from tests.plugin.conftest import ENGINE_PYTHON, REPO

pytestmark = [pytest.mark.qgis, pytest.mark.slow]

PROMPT = "new swimming pools"
ENGINE_SENTENCE = "no such change found"  # the engine's own warning, replaced by the plugin's note


@pytest.fixture(scope="module")
def absent_checkpoint(tmp_path_factory, worker_ready):
    """A tiny 64 px checkpoint whose presence head always says "absent" (saved by the engine venv)."""
    if not worker_ready:
        pytest.fail("engine/worker.py is missing: the plugin tests need the engine worker")
    out = tmp_path_factory.mktemp("presence") / "absent"
    code = (
        "import sys, torch\n"
        "from engine.model import ModelConfig, build_model\n"
        "torch.manual_seed(0)\n"
        "cfg = ModelConfig.from_preset('mtrefseg-r1-tiny', image_size=64, presence_head=True)\n"
        "model = build_model(cfg).eval()\n"
        "last = model.presence_head.mlp[-1]\n"
        "torch.nn.init.zeros_(last.weight)\n"
        "torch.nn.init.constant_(last.bias, -20.0)\n"
        "model.save_pretrained(sys.argv[1])\n"
    )
    subprocess.run([str(ENGINE_PYTHON), "-c", code, str(out)], cwd=REPO, check=True, timeout=600)
    return out


@pytest.fixture(scope="module")
def dock_plugin(mtrs_package, qgis_iface, qgis_processing, engine_service):
    from mtrs.mtrs_qgis_plugin import settings

    settings.reset()
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    instance.ensure_dock()
    yield instance
    if instance.dock is not None:
        instance.unload()
    settings.reset()
    # leave the project as found: a later module's first prompt group must get the first colour again
    project = QgsProject.instance()
    group = project.layerTreeRoot().findGroup("MTRS")
    if group is not None:
        project.removeMapLayers(group.findLayerIds())
        project.layerTreeRoot().removeChildNode(group)


@pytest.fixture(scope="module")
def pair_layers(joplin_pair, qgis_app):
    project = QgsProject.instance()
    pre = QgsRasterLayer(str(joplin_pair[0]), "Joplin before", "gdal")
    post = QgsRasterLayer(str(joplin_pair[1]), "Joplin after", "gdal")
    assert pre.isValid() and post.isValid()
    project.addMapLayers([pre, post])
    yield pre, post
    project.removeMapLayers([pre.id(), post.id()])


def run_dock(dock, wait_for, pair_layers, checkpoint, presence_threshold: float):
    dock.earlier.setLayer(pair_layers[0])
    dock.later.setLayer(pair_layers[1])
    dock.model_kind.setCurrentIndex(dock.model_kind.findData("folder"))
    dock.model_folder.setFilePath(str(checkpoint))
    dock.prompt_list.clear()
    dock.prompt.setEditText(PROMPT)
    dock.output.setFilePath("")
    dock.overlap.setValue(16)
    dock.min_area.setValue(0.0)
    dock.threshold.setValue(0.3)  # a random model's probabilities sit near 0.5: polygons exist ungated
    dock.presence_threshold.setValue(presence_threshold)
    dock.last_outcome = None
    task = dock.run()
    assert task is not None, dock.status_label.text()
    assert wait_for(lambda: dock.task is None and dock.last_outcome is not None, 300)
    outcome = dock.last_outcome
    assert outcome.error is None and not outcome.cancelled, outcome.error
    ((_job, result),) = outcome.results
    return result


def all_messages(bar) -> list[str]:
    levels = (Qgis.Info, Qgis.Success, Qgis.Warning, Qgis.Critical)
    return [m for level in levels for m in bar.get_messages(level)]


def test_dock_shows_a_calm_note_and_adds_the_empty_layer(
    dock_plugin, pair_layers, absent_checkpoint, wait_for, qgis_iface
):
    from mtrs.mtrs_qgis_plugin.result_layers import run_record

    dock = dock_plugin.dock
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    result = run_dock(dock, wait_for, pair_layers, absent_checkpoint, 0.5)
    assert result["presence"][PROMPT]["present"] is False and result["n_polygons"] == 0

    # one Info note in words, nothing alarming, and the engine's technical sentence is not repeated
    notes = [m for m in bar.get_messages(Qgis.Info) if f"No '{PROMPT}' found in this area" in m]
    assert len(notes) == 1 and "model confidence under 1 %" in notes[0] and "layer is empty" in notes[0]
    assert not bar.get_messages(Qgis.Warning) and not bar.get_messages(Qgis.Critical)
    assert any("0 polygons" in m for m in bar.get_messages(Qgis.Success))
    assert not any(ENGINE_SENTENCE in m for m in all_messages(bar))
    assert f"No '{PROMPT}' found" in dock.status_label.text()

    # the empty layer is on the map, valid, in the prompt's group, named so nobody looks for polygons
    (layer,) = dock.last_layers
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    assert layer.isValid() and layer.featureCount() == 0
    assert layer.name() == f"{PROMPT} (not found)"
    assert QgsProject.instance().layerTreeRoot().findLayer(layer.id()).parent().name() == PROMPT

    # metadata says it in words, once; the record keeps the verdict for scripts
    abstract = layer.metadata().abstract()
    assert abstract.count(f"No '{PROMPT}' found in this area") == 1 and ENGINE_SENTENCE not in abstract
    assert "Presence threshold 0.50" in abstract
    record = run_record(layer)
    assert record["presence"][PROMPT]["present"] is False
    assert record["request"]["presence_threshold"] == 0.5


def test_dock_presence_threshold_zero_turns_the_check_off(
    dock_plugin, pair_layers, absent_checkpoint, wait_for, qgis_iface
):
    dock = dock_plugin.dock
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    result = run_dock(dock, wait_for, pair_layers, absent_checkpoint, 0.0)
    assert result["run_record"]["request"]["presence_threshold"] == 0.0  # the dock's value reached the engine
    verdict = result["presence"][PROMPT]
    assert verdict["present"] is True and verdict["tiles_present"] == verdict["tiles"] == result["tiles"]
    assert result["n_polygons"] > 0
    assert not any("found in this area" in m for m in all_messages(bar))
    summary = [m for m in bar.get_messages(Qgis.Success) if f"'{PROMPT}'" in m]
    assert summary and f"found in {result['tiles']} of {result['tiles']} tiles" in summary[0]
    (layer,) = dock.last_layers
    assert layer.name().startswith(PROMPT) and "not found" not in layer.name()
    assert layer.featureCount() == result["n_polygons"]


class LogFeedback(QgsProcessingFeedback):
    """Keeps what an algorithm logs, by kind."""

    def __init__(self):
        super().__init__()
        self.info: list[str] = []
        self.warnings: list[str] = []

    def pushInfo(self, info):
        self.info.append(info)
        super().pushInfo(info)

    def pushWarning(self, warning):
        self.warnings.append(warning)
        super().pushWarning(warning)


def test_processing_logs_present_verdict(
    dock_plugin, joplin_pair, absent_checkpoint, tmp_path, qgis_processing
):
    """In this QGIS (the dock's warm worker): threshold 0 gives a "found" line in the log."""
    import processing

    assert QgsApplication.processingRegistry().providerById("mtrs") is not None
    feedback = LogFeedback()
    out = tmp_path / "present.gpkg"
    result = processing.run(
        "mtrs:referringchange",
        {
            "EARLIER": str(joplin_pair[0]),
            "LATER": str(joplin_pair[1]),
            "PROMPT": PROMPT,
            "MODEL": str(absent_checkpoint),
            "OVERLAP": 16,
            "THRESHOLD": 0.3,
            "MIN_AREA": 0.0,
            "PRESENCE_THRESHOLD": 0.0,
            "OUTPUT": str(out),
        },
        feedback=feedback,
    )
    record = json.loads(result["RUN_RECORD"])
    assert record["request"]["presence_threshold"] == 0.0
    tiles = record["presence"][PROMPT]["tiles"]
    assert any(f"'{PROMPT}': found in {tiles} of {tiles} tiles" in line for line in feedback.info)
    assert not feedback.warnings and result["N_POLYGONS"] > 0


def test_qgis_process_logs_absence_and_passes_the_threshold(
    qgis_process, joplin_pair, absent_checkpoint, tmp_path
):
    out = tmp_path / "absent.gpkg"
    proc = qgis_process(
        "run",
        "mtrs:referringchange",
        "--json",
        "--",
        f"EARLIER={joplin_pair[0]}",
        f"LATER={joplin_pair[1]}",
        f"MODEL={absent_checkpoint}",
        f"PROMPT={PROMPT}",
        "OVERLAP=16",
        "PRESENCE_THRESHOLD=0.3",
        f"OUTPUT={out}",
        timeout=400,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    payload = json.loads(proc.stdout[proc.stdout.index("{") :])
    results = payload["results"]
    record = json.loads(results["RUN_RECORD"])
    assert record["request"]["presence_threshold"] == 0.3  # not the default 0.5: the parameter got through
    assert record["presence"][PROMPT]["present"] is False and results["N_POLYGONS"] == 0
    log = payload["log"]  # the algorithm's log only (the run record repeats the engine's notes)
    note = f"No '{PROMPT}' found in this area (model confidence under 1 %); its layer is empty."
    assert log["warning"] == [note]
    assert not any(ENGINE_SENTENCE in line for line in log["info"] + log["warning"])
    layer = QgsVectorLayer(str(out), "out", "ogr")
    assert layer.isValid() and layer.featureCount() == 0
    del layer
