"""``python -m bench`` lists the benchmarks."""

import pkgutil
from pathlib import Path

for module in sorted(pkgutil.iter_modules([str(Path(__file__).parent)])):
    if module.name.endswith("_bench"):
        print(f"python -m bench.{module.name} --help")
