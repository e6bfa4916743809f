"""Packaging for village: commune kiosk, loudspeaker controller and hub."""

from pathlib import Path

from setuptools import find_packages, setup

CONTROLLER = ["pygame==2.6.1", "gpiozero>=2.0,<3", "numpy>=1.24"]
KIOSK = ["kivy[base]==2.3.1", "ffpyplayer>=4.5,<5", "qrcode>=7.4"]
SYNC = ["paho-mqtt>=2.1,<3", "cryptography>=41"]
REPORT = ["python-docx>=1.1", "matplotlib>=3.7"]
CONSOLE = [
    "starlette>=0.40,<2",
    "uvicorn>=0.30",
    "jinja2>=3.1",
    "python-multipart>=0.0.9",
    "argon2-cffi>=23.1",
    "pyotp>=2.9",
    "qrcode>=7.4",
    "markupsafe>=2.1",
    "anyio>=4",
]
SITE = ["jinja2>=3.1", "markupsafe>=2.1", "qrcode>=7.4"]  # the public site and notice board
TEST = [
    "pytest>=7.4",
    "playwright==1.65.2",
    "httpx>=0.27",
    # the checks `make test` runs first, and the pre-commit hooks (.pre-commit-config.yaml)
    "ruff>=0.5",
    "mypy>=1.10",
    "types-python-dateutil",
    "types-openpyxl",
    "types-qrcode",
    "import-linter>=2.1",
    "pre-commit>=3.5",
]
BENCH = ["tantivy>=0.22"]  # bench/search_bench.py compares against it; never needed to run

setup(
    name="village",
    version="0.1.0",
    description="Commune office kiosk, loudspeaker broadcast controller and content hub",
    long_description=Path("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=find_packages(include=["village*", "controller*", "kiosk*", "commune*", "demo*"]),
    include_package_data=True,
    package_data={
        "kiosk": ["*.kv", "screens/*.kv", "data/*"],
        "village": ["defaults/*"],
        "commune": [
            "console/templates/*.html",
            "console/static/*",
            "site/templates/*.html",
            "site/templates/print/*.html",
            "site/static/*",
        ],
    },
    install_requires=[
        "tinydb>=4.8,<5",
        "python-dateutil>=2.8",
        "icalendar>=5.0",
        "numpy>=1.24",
        "openpyxl>=3.1",  # procedures from XLSX, on the Pi and on the hub
    ],
    extras_require={
        "controller": CONTROLLER,
        "kiosk": KIOSK,
        "sync": SYNC,
        "report": REPORT,
        "console": CONSOLE,
        "site": SITE,
        "all": CONTROLLER + KIOSK + SYNC + REPORT + CONSOLE + SITE,
        "test": TEST,
        "bench": BENCH,
    },
    entry_points={
        "console_scripts": ["village=village.cli:main"],
        # Each app adds its subcommands to ``village`` (in this order in ``village --help``)
        # and its sections to the configuration; the core imports no app.
        "village.commands": [
            "controller = controller.cli:register",
            "demo = demo.cli:register",
            "kiosk = kiosk.cli:register",
            "commune = commune.cli:register",
            "provision = commune.provision:register",
        ],
        "village.config": [
            "controller = controller.settings:register",
            "kiosk = kiosk.settings:register",
            "commune = commune.settings:register",
        ],
    },
)
