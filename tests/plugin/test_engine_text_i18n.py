"""The engine's English progress and error texts shown in the user's language (German here).

The table in i18n.py recognises the engine's recurring texts; anything else stays English. The slow tests
take the texts from a real engine run through the dock: progress of a run on the Joplin crops, the error
for a missing input file and the engine's refusal of a non-overlapping pair.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from affine import Affine
from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsSettings

from tests.conftest import write_geotiff
from tests.plugin.conftest import REPO

pytestmark = [pytest.mark.qgis]


@pytest.fixture()
def german(mtrs_package):
    """The plugin's German catalogue installed for one test (English again afterwards)."""
    from mtrs.mtrs_qgis_plugin import i18n

    assert i18n.install_translator(str(REPO), "de_DE")
    yield i18n
    i18n.remove_translator()


def test_known_engine_texts_are_translated_and_others_stay_english(german):
    text = german.engine_text
    assert text("tile 3/25") == "Kachel 3/25"
    assert text("polygonising 'new buildings'") == "Polygonisierung von „new buildings“"
    assert text("loading model") == "Modell wird geladen"
    missing = "input raster not found: /data/a b/pre.tif"
    assert text(missing) == "Eingaberaster nicht gefunden: /data/a b/pre.tif"
    assert (
        text("band 4 does not exist in pre.tif (it has 3 band(s))")
        == "Band 4 gibt es in pre.tif nicht (es hat 3 Band/Bänder)"
    )
    exists = ("output already exists: /o.gpkg", "choose another name or pass --overwrite")
    assert german.engine_error(*exists) == (
        "Ausgabe existiert bereits: /o.gpkg\nwählen Sie einen anderen Namen oder geben Sie --overwrite an"
    )
    # unknown texts, and near misses, are shown as the engine wrote them
    for english in ("RuntimeError: something odd", "tile 3 of 25", "", "input raster not found"):
        assert text(english) == english
    german.remove_translator()
    assert text("tile 3/25") == "tile 3/25"
    assert text("input raster not found: /x.tif") == "input raster not found: /x.tif"


def test_every_english_template_matches_its_own_pattern(mtrs_package):
    """Without a catalogue each template, filled with sample values, is recognised and comes back unchanged
    (a typo in a pattern or a template would break that)."""
    import re

    from mtrs.mtrs_qgis_plugin import i18n

    samples = {"bounds": "(1.0, 2.0, 3.0, 4.0)", "code": "-9", "python": "/usr/bin/python3"}
    for pattern, template in i18n._engine_patterns():
        names = re.findall(r"\{(\w+)\}", template)
        numeric = ("done", "total", "band", "count", "tile")
        values = {n: samples.get(n, "7" if n in numeric else "x y") for n in names}
        english = template.format(**values)
        assert re.fullmatch(pattern, english), (pattern, english)
        assert i18n.engine_text(english) == english


@pytest.mark.parametrize("locale", ["de", "zh_CN"])
def test_translations_keep_every_placeholder(mtrs_package, locale):
    import re

    from mtrs.mtrs_qgis_plugin import i18n

    english = [template for _, template in i18n._engine_patterns()]
    assert i18n.install_translator(str(REPO), locale)
    try:
        translated = [template for _, template in i18n._engine_patterns()]
    finally:
        i18n.remove_translator()
    for source, target in zip(english, translated, strict=True):
        assert target != source, (locale, source)
        placeholders = [sorted(re.findall(r"\{\w+\}", t)) for t in (source, target)]
        assert placeholders[0] == placeholders[1], (source, target)


# -- texts from a real engine run -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def german_dock(mtrs_package, qgis_iface, qgis_processing, engine_service):
    """The plugin loaded under the German QGIS locale, with its dock."""
    from mtrs.mtrs_qgis_plugin import settings

    qsettings = QgsSettings()
    previous = qsettings.value("locale/userLocale", "")
    qsettings.setValue("locale/userLocale", "de")
    settings.reset()
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    try:
        yield instance.ensure_dock()
    finally:
        instance.unload()
        settings.reset()
        qsettings.setValue("locale/userLocale", previous)


@pytest.fixture()
def joplin_layers(joplin_pair, qgis_app):
    pre = QgsRasterLayer(str(joplin_pair[0]), "Joplin vorher", "gdal")
    post = QgsRasterLayer(str(joplin_pair[1]), "Joplin nachher", "gdal")
    QgsProject.instance().addMapLayers([pre, post])
    yield pre, post
    QgsProject.instance().removeMapLayers([pre.id(), post.id()])


def prepare(dock, layers, checkpoint: Path) -> None:
    dock.earlier.setLayer(layers[0])
    dock.later.setLayer(layers[1])
    dock.model_kind.setCurrentIndex(dock.model_kind.findData("folder"))
    dock.model_folder.setFilePath(str(checkpoint))
    dock.prompt_list.clear()
    dock.prompt.setEditText("neue Gebäude")
    dock.output.setFilePath("")
    dock.overlap.setValue(16)
    dock.presence_threshold.setValue(0.0)


@pytest.mark.slow
def test_progress_and_errors_of_a_real_run_are_german(german_dock, joplin_layers, tiny_checkpoint, wait_for):
    from mtrs.mtrs_qgis_plugin.analysis_task import AnalysisTask

    dock = german_dock
    assert dock.run_button.text() == "Ausführen"
    prepare(dock, joplin_layers, tiny_checkpoint)
    dock.last_outcome = None
    task = dock.run()
    assert task is not None, dock.status_label.text()
    shown: list[str] = []
    task.message.connect(shown.append)
    assert wait_for(lambda: dock.task is None and dock.last_outcome is not None, 300)
    assert dock.last_outcome.error is None, dock.last_outcome.error
    assert any(m.startswith("Kachel ") for m in shown), shown
    assert "Polygonisierung von „neue Gebäude“" in shown, shown
    assert not any(m.startswith(("tile ", "polygonising")) for m in shown), shown

    # the same request with a missing earlier file: the engine's InputError, shown in German
    (job,) = dock.build_jobs()
    missing = str(Path(job.request["earlier"]).with_name("gibt_es_nicht.tif"))
    job.request["earlier"] = missing
    dock.last_outcome = None
    dock.task = AnalysisTask([job], dock._task_done)
    dock._run_started = time.monotonic()
    QgsApplication.taskManager().addTask(dock.task)
    assert wait_for(lambda: dock.task is None and dock.last_outcome is not None, 120)
    error = dock.last_outcome.error
    assert error is not None and error.code == "input_error" and error.message.startswith("input raster not")
    assert dock.status_label.text().startswith(f"Eingaberaster nicht gefunden: {missing}")


@pytest.mark.slow
def test_the_engine_refusing_a_pair_is_german(german_dock, tmp_path, wait_for):
    """check_alignment's InputError (message and hint) in the dock's pair note."""
    layers = []
    for name, x0 in (("west", 360000.0), ("ost", 370000.0)):
        data = np.random.default_rng(1).integers(0, 255, (3, 64, 64)).astype(np.uint8)
        path = write_geotiff(tmp_path / f"{name}.tif", data, transform=Affine(0.5, 0, x0, 0, -0.5, 4105000.0))
        layers.append(QgsRasterLayer(path, name, "gdal"))
    QgsProject.instance().addMapLayers(layers)
    try:
        dock = german_dock
        dock.earlier.setLayer(layers[0])
        dock.later.setLayer(layers[1])
        assert dock.pair_problem  # the dock's own preview already refuses it; ask the engine anyway
        dock.pair_problem = ""
        task = dock.request_worker_alignment()
        assert task is not None
        assert wait_for(lambda: dock.alignment_task is None and dock.pair_problem, 120)
        text = dock.alignment_label.text()
        assert "überlappen sich nicht" in text and "das frühere deckt (" in text, text
        assert "EPSG:32615" in text
        assert "do not overlap" not in text and "earlier covers" not in text
    finally:
        QgsProject.instance().removeMapLayers([lyr.id() for lyr in layers])
