"""What the photo checks of one upload request cost: peak memory and time (issue 12, "Uploads bounded").

Each case runs in a fresh Python process (Django set up with the test settings, the uploads already
in memory), which resets its peak resident set (Linux's VmHWM, through /proc/self/clear_refs; so
Pillow's C allocations count) and then checks the request's photos the way the upload forms do:
`config.photos.photos_validate` (all the photos of the request at once), or, for code from before
it existed, `photo_validate` once per photo as the forms did. Reported: the growth of the peak
over the process's resident set just before, the time, and what came out (stored sizes or the
refusal's code).

    .venv/bin/python bench/upload_memory.py                       # this tree
    git worktree add --detach /tmp/before <commit>
    .venv/bin/python bench/upload_memory.py --source /tmp/before  # the same cases on older code

Renditions are not part of the request any more (the task queue's worker makes them, one at a
time, config/renditions.py); tests/reliability/test_upload_limits.py bounds their peak.
Writes bench/results/upload-memory-<time>.json and .md (and upload-memory-latest.*).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import subprocess
import tempfile
import zlib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = ROOT / ".venv" / "bin" / "python"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def zeros_png(side: int) -> bytes:
    """The issue's file: a PNG of side x side black RGB pixels (116 KB for 6300)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side * 3 + 1)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b"")


def jpeg(width: int, height: int, *, kind: str) -> bytes:
    """A JPEG of zeros, of gradients, or of gradients and noise (compresses like a phone photo)."""
    from PIL import Image

    if kind == "zeros":
        picture = Image.new("RGB", (width, height))
    else:
        gradient = Image.linear_gradient("L").resize((width, height))
        third = (Image.effect_noise((width, height), 40).convert("L") if kind == "photo"
                 else Image.new("L", (width, height), 120))
        picture = Image.merge("RGB", (gradient, third, gradient.transpose(Image.Transpose.ROTATE_180)))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def files(folder: Path) -> dict[str, Path]:
    made = {
        "zeros-6300.png": zeros_png(6300),
        "zeros-4000.png": zeros_png(4000),
        "zeros-6300.jpg": jpeg(6300, 6300, kind="zeros"),
        "phone-4032x3024.jpg": jpeg(4032, 3024, kind="photo"),
        "limit-7302x5476.jpg": jpeg(7302, 5476, kind="gradient"),
    }
    paths = {}
    for name, content in made.items():
        paths[name] = folder / name
        paths[name].write_bytes(content)
    return paths


# (case, file, photos in the request)
CASES = [
    ("the issue's 6300x6300 PNG of zeros", "zeros-6300.png", 1),
    ("eight of them in one product form", "zeros-6300.png", 8),
    ("a 4000x4000 PNG of zeros (16 MP)", "zeros-4000.png", 1),
    ("a 6300x6300 JPEG of zeros", "zeros-6300.jpg", 1),
    ("eight of them in one product form", "zeros-6300.jpg", 8),
    ("a 4032x3024 phone photo", "phone-4032x3024.jpg", 1),
    ("eight of them in one product form", "phone-4032x3024.jpg", 8),
    ("a 7302x5476 JPEG (the 40 MP limit)", "limit-7302x5476.jpg", 1),
]

CHILD = r"""
import json, sys, time
from pathlib import Path
import django
django.setup()
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from config import photos

def memory(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

path, count = Path(sys.argv[1]), int(sys.argv[2])
content = path.read_bytes()
uploads = [SimpleUploadedFile(f"{number}-{path.name}", content) for number in range(count)]
def check():
    if hasattr(photos, "photos_validate"):
        return photos.photos_validate(uploads=uploads)
    return [photos.photo_validate(upload=upload) for upload in uploads]  # the forms before it
try:
    Path("/proc/self/clear_refs").write_text("5")
    kernel = True
except OSError:
    kernel = False
before = memory("VmRSS")
started = time.perf_counter()
try:
    checked = check()
    outcome = "stored " + ", ".join(sorted({f"{photo.width}x{photo.height}" for photo in checked}))
except ValidationError as error:
    outcome = "refused: " + ", ".join(sorted({item.code for item in error.error_list}))
elapsed = time.perf_counter() - started
print(json.dumps({"growth": memory("VmHWM") - before if kernel else None, "seconds": elapsed,
                  "outcome": outcome}))
"""


def measure(source: Path, path: Path, count: int) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(source)}
    result = subprocess.run([str(PYTHON), "-c", CHILD, str(path), str(count)], cwd=source, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1] if result.stderr else "failed"}
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="the tree whose photo checks are measured")
    arguments = parser.parse_args()
    source = arguments.source.resolve()
    commit = subprocess.run(["git", "-C", str(source), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        paths = files(Path(folder))
        for case, name, count in CASES:
            measured = measure(source, paths[name], count)
            rows.append({"case": case, "file": name, "bytes": paths[name].stat().st_size, "photos": count,
                         **measured})
            growth = measured.get("growth")
            print(f"{case} ({name} x{count}): "
                  + (measured["error"] if "error" in measured else
                     f"+{growth / 2**20:.0f} MB, {measured['seconds']:.2f} s, {measured['outcome']}"), flush=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {"source": str(source), "commit": commit, "time": stamp, "rows": rows}
    lines = [f"# Upload memory ({commit}, {stamp})", "",
             "| case | file | photos | peak growth | time | outcome |", "|---|---|---|---|---|---|"]
    for row in rows:
        if "error" in row:
            lines.append(f"| {row['case']} | {row['file']} | {row['photos']} | error: {row['error']} | | |")
            continue
        lines.append(f"| {row['case']} | {row['file']} ({row['bytes'] / 1024:.0f} KB) | {row['photos']} "
                     f"| +{row['growth'] / 2**20:.0f} MB | {row['seconds']:.2f} s | {row['outcome']} |")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in (f"upload-memory-{stamp}", "upload-memory-latest"):
        (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2))
        (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
