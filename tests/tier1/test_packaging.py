"""Each addon builds as its own installable wheel; so does the metapackage."""

import ast
import email
import importlib.util
import pathlib
import re
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ADDONS = sorted(p.parent.name for p in ROOT.glob("*/__manifest__.py"))


def load_gen_setup():
    spec = importlib.util.spec_from_file_location(
        "gen_setup", ROOT / "tools/gen_setup.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheels")
    dirs = [str(ROOT / "setup" / name) for name in [*ADDONS, "_metapackage"]]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            *dirs,
        ],
        check=True,
        cwd=out,
    )
    return {path.name.split("-")[0]: path for path in out.glob("*.whl")}


def norm(requirement):
    """PEP 503 name normalization (setuptools writes odoo-addon-connector-x)."""
    name, _sep, rest = requirement.partition("==")
    return re.sub(r"[-_.]+", "-", name).lower() + _sep + rest


def metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(archive.read(name)), archive.namelist()


def test_setup_is_in_sync_with_the_manifests():
    gen = load_gen_setup()
    for rel, content in gen.expected().items():
        path = ROOT / "setup" / rel
        if isinstance(content, pathlib.Path):
            assert (
                path.is_symlink() and path.resolve() == (ROOT / path.name).resolve()
            ), rel
        else:
            assert path.read_text() == content, (
                f"setup/{rel} is stale: run tools/gen_setup.py"
            )


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_wheel(wheels, addon):
    manifest = ast.literal_eval((ROOT / addon / "__manifest__.py").read_text())
    meta, names = metadata(wheels[f"odoo_addon_{addon}"])
    assert norm(meta["Name"]) == norm(f"odoo-addon-{addon}")
    assert meta["Version"] == manifest["version"]
    requires = [norm(r) for r in meta.get_all("Requires-Dist")]
    assert "odoo==18.0.*" in requires
    for dep in ("queue_job", "connector"):
        if dep in manifest["depends"] or addon == "connector_marketing_base":
            assert norm(f"odoo-addon-{dep}==18.0.*") in requires
    for python_dep in manifest.get("external_dependencies", {}).get("python", []):
        assert python_dep in requires
    prefix = f"odoo/addons/{addon}/"
    assert prefix + "__manifest__.py" in names
    assert prefix + "security/ir.model.access.csv" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_metapackage_requires_every_addon(wheels):
    meta, names = metadata(wheels["odoo_addons_marketing_connectors"])
    assert sorted(norm(r) for r in meta.get_all("Requires-Dist")) == sorted(
        norm(f"odoo-addon-{addon}==18.0.*") for addon in ADDONS
    )
    assert not [n for n in names if n.startswith("odoo/")]
