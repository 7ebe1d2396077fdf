"""Each addon builds as its own installable wheel; so does the metapackage.

The wheels are built from setup/ exactly as a release would build them, then
read back: name, version, dependencies and files must match the manifests.
"""

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
SERIES = "18.0"


def manifest_of(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text())


#: every root folder with an installable manifest: what must be packaged
ADDONS = sorted(
    p.parent.name
    for p in ROOT.glob("*/__manifest__.py")
    if manifest_of(p.parent).get("installable", True)
)


def load_gen_setup():
    spec = importlib.util.spec_from_file_location(
        "gen_setup", ROOT / "tools/gen_setup.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def norm(requirement):
    """PEP 503 name normalization of the name part of a requirement."""
    name, sep, rest = requirement.partition("==")
    return re.sub(r"[-_.]+", "-", name).lower() + sep + rest


def addon_requirement(addon):
    return norm(f"odoo-addon-{addon}=={SERIES}.*")


def is_core(addon):
    from manifestoo_core.core_addons import is_core_addon
    from manifestoo_core.odoo_series import OdooSeries

    return is_core_addon(addon, OdooSeries(SERIES))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """Every wheel, built from a copy of setup/ (setuptools leaves build/ and
    *.egg-info behind, and a stale one would hide a file missing from a new
    build) with the addon symlinks pointing back at this repository."""
    work = tmp_path_factory.mktemp("setup")
    out = tmp_path_factory.mktemp("wheels")
    dirs = []
    for name in [*ADDONS, "_metapackage"]:
        copy = work / name
        copy.mkdir()
        (copy / "pyproject.toml").write_bytes(
            (ROOT / "setup" / name / "pyproject.toml").read_bytes()
        )
        if name in ADDONS:
            (copy / "odoo" / "addons").mkdir(parents=True)
            (copy / "odoo" / "addons" / name).symlink_to(ROOT / name)
        dirs.append(str(copy))
    # no isolation: setuptools and wheel come from the test environment, so the
    # test needs no network
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
    return {path.name: path for path in out.glob("*.whl")}


def the_wheel(wheels, distribution):
    """The one wheel of ``distribution``, checking its file name."""
    prefix = re.sub(r"[-.]+", "_", distribution) + "-"
    found = [name for name in wheels if name.startswith(prefix)]
    assert len(found) == 1, f"no single wheel for {distribution} in {sorted(wheels)}"
    assert found[0].endswith("-py3-none-any.whl"), found[0]
    return wheels[found[0]]


def metadata(wheel):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.message_from_bytes(archive.read(name)), archive.namelist()


def addon_files(addon):
    """Files of the addon the wheel must hold: those git tracks (a release
    ships those), else what is on disk minus caches and hidden folders."""
    base = ROOT / addon
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", addon],
            cwd=ROOT,
            capture_output=True,
            check=True,
            text=True,
        ).stdout.split("\0")
        paths = [ROOT / rel for rel in listed if rel]
    except (OSError, subprocess.CalledProcessError):
        paths = [
            path
            for path in base.rglob("*")
            if not any(
                part.startswith(".") or part == "__pycache__"
                for part in path.relative_to(base).parts
            )
        ]
    return {
        f"odoo/addons/{addon}/{path.relative_to(base).as_posix()}"
        for path in paths
        if path.is_file() and path.suffix != ".pyc"
    }


def test_there_is_something_to_package():
    assert "connector_marketing_base" in ADDONS


@pytest.mark.parametrize("addon", ADDONS)
def test_every_addon_has_a_setup_dir(addon):
    setup = ROOT / "setup" / addon
    assert (setup / "pyproject.toml").is_file(), (
        f"setup/{addon} missing: run `make gen-setup`"
    )
    link = setup / "odoo" / "addons" / addon
    assert link.is_symlink(), f"setup/{addon}/odoo/addons/{addon} is not a symlink"
    assert link.resolve() == (ROOT / addon).resolve()


def test_test_addons_are_not_packaged():
    for test_addon in (ROOT / "tests" / "addons").glob("*/__manifest__.py"):
        assert not (ROOT / "setup" / test_addon.parent.name).exists()


def test_setup_is_in_sync_with_the_manifests():
    gen = load_gen_setup()
    for rel, content in gen.expected().items():
        path = ROOT / "setup" / rel
        if isinstance(content, pathlib.Path):
            assert path.is_symlink() and path.resolve() == (ROOT / path.name).resolve()
        else:
            assert path.is_file() and path.read_text() == content, (
                f"setup/{rel} is stale: run `make gen-setup`"
            )
    assert not gen.stale_dirs(gen.expected()), "setup/ has folders of no addon"


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_wheel(wheels, addon):
    manifest = manifest_of(ROOT / addon)
    meta, names = metadata(the_wheel(wheels, f"odoo-addon-{addon}"))

    assert norm(meta["Name"]) == norm(f"odoo-addon-{addon}")
    assert meta["Version"] == manifest["version"]
    assert meta["License"] == manifest["license"]
    # name and email together land in Author-email: "Name" <email>
    assert manifest["author"] in (meta["Author"] or meta["Author-email"] or "")

    requires = {norm(r) for r in meta.get_all("Requires-Dist")}
    assert f"odoo=={SERIES}.*" in requires
    for dep in manifest["depends"]:
        if is_core(dep):
            assert not any(r.startswith(norm(f"odoo-addon-{dep}==")) for r in requires)
        else:
            assert addon_requirement(dep) in requires, dep
    for python_dep in manifest.get("external_dependencies", {}).get("python", []):
        assert norm(python_dep) in requires
    if addon == "connector_marketing_base":
        assert addon_requirement("queue_job") in requires
        assert addon_requirement("connector") in requires

    in_wheel = {n for n in names if n.startswith(f"odoo/addons/{addon}/")}
    assert f"odoo/addons/{addon}/__manifest__.py" in in_wheel
    missing = addon_files(addon) - in_wheel
    assert not missing, f"files left out of the wheel: {sorted(missing)[:10]}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert not [
        n for n in names if not n.startswith(("odoo/addons/", "odoo_addon_"))
    ], "files outside odoo/addons/<addon>/ and the dist-info"


def test_metapackage_requires_every_addon(wheels):
    meta, names = metadata(the_wheel(wheels, "odoo-addons-marketing-connectors"))
    assert sorted(norm(r) for r in meta.get_all("Requires-Dist")) == sorted(
        addon_requirement(addon) for addon in ADDONS
    )
    assert not [n for n in names if n.startswith("odoo/")]
