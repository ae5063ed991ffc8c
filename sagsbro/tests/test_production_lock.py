"""The lock files: every dependency pyproject.toml names is pinned to one version with its
hashes, in the set that installs it (requirements/base.txt for the product,
requirements/test.txt for the product with the `test` and `bench` extras), and each pin
satisfies pyproject's range. README, "Production", says how to regenerate them."""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(settings.BASE_DIR)
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def locked(name):
    """{package: (version, number of hashes)} of requirements/<name>.txt."""
    text = (ROOT / "requirements" / f"{name}.txt").read_text()
    versions: dict[str, str] = {}
    hashes: dict[str, int] = {}
    current = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            versions[current] = match.group(2).rstrip(" \\")
            hashes[current] = 0
        elif current and line.strip().startswith("--hash=sha256:"):
            hashes[current] += 1
        elif not line.startswith(" "):
            current = None
    return {name: (version, hashes[name]) for name, version in versions.items()}


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("base", ()), ("test", ("test", "bench"))],
)
def test_every_dependency_is_pinned_with_hashes(lock, extras):
    project = pyproject()
    wanted = [Requirement(r) for r in project["dependencies"]]
    for extra in extras:
        wanted += [Requirement(r) for r in project["optional-dependencies"][extra]]
    pins = locked(lock)
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}.txt"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{requirement.name}=={version} in requirements/{lock}.txt is outside "
            f"pyproject's {requirement.specifier}"
        )
    unhashed = [name for name, (_, hashes) in pins.items() if hashes == 0]
    assert not unhashed, f"pinned without a hash in requirements/{lock}.txt: {unhashed}"


def test_the_test_set_holds_the_product_set_at_the_same_versions():
    base, test = locked("base"), locked("test")
    for name, (version, _) in base.items():
        assert test.get(name, (None,))[0] == version, name


def test_setup_installs_from_the_lock_files_with_hashes():
    setup = (ROOT / "scripts" / "_setup.sh").read_text()
    assert '--require-hashes -r "$lock"' in setup
    assert 'lock="requirements/${set}.txt"' in setup
    assert "--no-deps -e ." in setup
