"""Foundation: the plugin loads in a real QGIS, registers its provider and cleans up on unload."""

from __future__ import annotations

import subprocess
import textwrap

from qgis.core import QgsApplication

REPO_MARKERS = ("metadata.txt", "__init__.py", "mtrs_qgis_plugin")


def test_plugin_loads_and_registers_provider(plugin, qgis_iface):
    registry = QgsApplication.processingRegistry()
    provider = registry.providerById("mtrs")
    assert provider is not None
    assert provider.name() == "MTRS"
    ids = sorted(alg.id() for alg in provider.algorithms())
    assert ids == [
        "mtrs:allchanges",
        "mtrs:assess",
        "mtrs:batch",
        "mtrs:exporttraining",
        "mtrs:finetune",
        "mtrs:referringchange",
    ]
    assert plugin.action is not None and not plugin.action.icon().isNull()
    # the dock is created on demand and shown
    plugin.action.setChecked(True)
    assert plugin.dock is not None and not plugin.dock.isHidden()
    assert plugin.dock.run_button.text()


def test_unload_removes_everything(mtrs_package, qgis_iface, qgis_processing):
    instance = mtrs_package.classFactory(qgis_iface)
    instance.initGui()
    assert QgsApplication.processingRegistry().providerById("mtrs") is not None
    instance.unload()
    assert QgsApplication.processingRegistry().providerById("mtrs") is None
    # a second load (plugin reload) works
    again = mtrs_package.classFactory(qgis_iface)
    again.initGui()
    assert QgsApplication.processingRegistry().providerById("mtrs") is not None
    again.unload()


def test_algorithms_have_help_and_parameters(plugin):
    alg = QgsApplication.processingRegistry().algorithmById("mtrs:referringchange")
    names = {p.name() for p in alg.parameterDefinitions()}
    assert {
        "EARLIER",
        "LATER",
        "BANDS_EARLIER",
        "BANDS_LATER",
        "PROMPT",
        "PROMPT_TABLE",
        "PROMPT_FIELD",
        "MODEL",
        "EXTENT",
        "TILE",
        "OVERLAP",
        "THRESHOLD",
        "MIN_AREA",
        "OUTPUT",
        "PROBABILITIES",
    } <= names
    assert "prompt" in alg.shortHelpString().lower()
    all_changes = QgsApplication.processingRegistry().algorithmById("mtrs:allchanges")
    assert "PROMPT" not in {p.name() for p in all_changes.parameterDefinitions()}
    assert all_changes.shortHelpString()
    for alg_id, required in (
        (
            "mtrs:exporttraining",
            {"EARLIER", "LATER", "LABELS", "LABELS_RASTER", "CLASS_FIELD", "CHIP", "OUTPUT"},
        ),
        (
            "mtrs:finetune",
            {"DATA", "FROM", "STAGE", "MINUTES", "EPOCHS", "MAX_STEPS", "MODEL_NAME", "OUTPUT"},
        ),
        (
            "mtrs:assess",
            {"PREDICTED", "PREDICTED_RASTER", "REFERENCE", "REFERENCE_RASTER", "OUTPUT", "ERRORS"},
        ),
        ("mtrs:batch", {"MANIFEST", "OUTPUT_DIR", "MERGED", "SUMMARY", "WORKERS", "RAY", "FORCE"}),
    ):
        adapt = QgsApplication.processingRegistry().algorithmById(alg_id)
        assert required <= {p.name() for p in adapt.parameterDefinitions()}, alg_id
        assert adapt.group() and len(adapt.shortHelpString()) > 200, alg_id
        for param in adapt.parameterDefinitions():  # fields are bound to the label layer they come from
            if param.type() == "field":
                assert param.parentLayerParameterName() in {"LABELS", "REFERENCE"}, (alg_id, param.name())


def test_plugin_package_imports_without_torch(plugin_path):
    """QGIS's own Python has no torch: import every plugin module with /usr/bin/python3 and torch blocked."""
    code = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('torch', 'timm', 'transformers', 'rasterio', 'shapely', 'engine'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        sys.path.insert(0, {str(plugin_path)!r})
        import mtrs, mtrs.mtrs_qgis_plugin as pkg
        names = [m.name for m in pkgutil.walk_packages(pkg.__path__, 'mtrs.mtrs_qgis_plugin.')]
        for name in names:
            importlib.import_module(name)
        assert 'torch' not in sys.modules
        print(len(names), 'modules')
        """
    )
    proc = subprocess.run(
        ["/usr/bin/python3", "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.split()[0]) >= 10


def test_qgis_process_lists_plugin_and_provider(qgis_process):
    plugins = qgis_process("plugins")
    assert plugins.returncode == 0
    assert "* mtrs" in plugins.stdout  # enabled by the fixture
    listing = qgis_process("list")
    assert listing.returncode == 0
    assert "mtrs:referringchange" in listing.stdout and "mtrs:allchanges" in listing.stdout
    help_ = qgis_process("help", "mtrs:referringchange")
    assert help_.returncode == 0 and "PROMPT" in help_.stdout


def test_metadata_matches_engine_version():
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    meta = (repo / "metadata.txt").read_text(encoding="utf-8")
    fields = dict(
        line.split("=", 1) for line in meta.splitlines() if "=" in line and not line.startswith(" ")
    )
    engine_init = (repo / "engine" / "__init__.py").read_text(encoding="utf-8")
    assert f'__version__ = "{fields["version"].strip()}"' in engine_init
    assert fields["qgisMinimumVersion"].strip() == "3.22"
    assert fields["hasProcessingProvider"].strip() == "yes"
    assert (repo / fields["icon"].strip()).is_file()
    for marker in REPO_MARKERS:
        assert (repo / marker).exists()
