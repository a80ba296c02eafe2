"""What every injury test shares: a shared storage of the test's own, where an upload waits
between its check and its import, so that a test sees what is kept and nothing outlives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from injuries.services.files import UPLOAD_DIR


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path) -> Path:
    root = tmp_path / "private"
    settings.PRIVATE_MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": None},
        },
    }
    return root


@pytest.fixture
def kept_uploads(private_storage):
    """The files kept in the storage's import folder, as storage names."""

    def kept() -> list[str]:
        folder = private_storage / UPLOAD_DIR
        files = sorted(folder.iterdir()) if folder.exists() else []
        return [f"{UPLOAD_DIR}/{path.name}" for path in files]

    return kept
