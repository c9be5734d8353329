"""The TIFF we make from a PDF is one spandsp sends: the library the switch links (libspandsp 3) faxes it
from one machine to another over audio, set up as mod_spandsp sets up txfax and rxfax
(tests/fixtures/fax/fax_loop.c), and every page arrives at fine resolution. Skipped where
spandsp's headers or a C compiler are missing."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from pbx import fax
from tests.fax.test_send import pdf

LOOP = Path(__file__).parents[1] / "fixtures" / "fax" / "fax_loop.c"
pytestmark = pytest.mark.skipif(not (shutil.which("cc") and Path("/usr/local/include/spandsp.h").exists()),
                                reason="needs cc and spandsp in /usr/local (the switch's build)")


def test_spandsp_sends_every_page_of_our_tiff(tmp_path):
    program = tmp_path / "fax_loop"
    subprocess.run(["cc", "-o", str(program), str(LOOP), "-I/usr/local/include", "-L/usr/local/lib", "-lspandsp",
                    "-ltiff"], check=True)
    tiff, pages = fax.pdf_to_tiff(pdf(2))
    (tmp_path / "out.tif").write_bytes(tiff)
    done = subprocess.run([str(program), str(tmp_path / "out.tif"), str(tmp_path / "in.tif")], capture_output=True,
                          text=True, timeout=300, env={**os.environ, "LD_LIBRARY_PATH": "/usr/local/lib"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("sender: 0 OK; receiver: 0 OK")
    with Image.open(tmp_path / "in.tif") as received:
        assert received.n_frames == pages == 2
        assert (received.size[0], received.info["dpi"]) == (1728, (204.0, 196.0))
