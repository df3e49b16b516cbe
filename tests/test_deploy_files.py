"""The image installs every package pyproject.toml names: each is copied before `pip install .`
(a package missing there fails the build, which no test of the code would notice)."""

import re
import tomllib

from .project import ROOT


def test_the_dockerfile_copies_every_package_before_installing_them():
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    before_install = dockerfile[: dockerfile.index("RUN pip install .")]
    copied = set(re.findall(r"^COPY (\w+) \1$", before_install, flags=re.M))
    assert sorted(set(packages) - copied) == []
