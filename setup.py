"""Ship the top-level templates/ folder inside the wheel as hpdocs/_templates.

The templates live at the repository root so coordinators find them; a normal
(non-editable) install must carry them too, so build_py copies them in.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithTemplates(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "templates"
        target = Path(self.build_lib) / "hpdocs" / "_templates"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target)


setup(cmdclass={"build_py": BuildWithTemplates})
