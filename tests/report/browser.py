"""Headless Chromium as the report's reader: load the page at a window width and measure it.

``probe(page, width)`` copies the page with a small script appended that, once everything has
loaded, writes a JSON summary into the DOM (read back with ``--dump-dom``): per claim section the
images (decoded, natural size), the page's scroll width against the viewport, any forbidden
Python-repr text in what the reader sees, and the sections still shown once the "holds" filter
box is unticked. Console errors come from Chromium's log on stderr.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FORBIDDEN = ("np.float64(", "array(", "{'")

PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe id="page" src="PAGE" style="width:WIDTHpx;height:900px;border:0"></iframe>
<script>
document.getElementById('page').addEventListener('load', () => {
  const win = document.getElementById('page').contentWindow, doc = win.document;
  const sections = [...doc.querySelectorAll('section.claim')].map(s => ({
    id: s.id,
    images: [...s.querySelectorAll('img')].map(i => ({ok: i.complete && i.naturalWidth > 0,
      w: i.naturalWidth, h: i.naturalHeight, shown: Math.round(i.getBoundingClientRect().width)}))}));
  const text = doc.body.innerText;
  const forbidden = FORBIDDEN.filter(f => text.includes(f));
  const out = {sections, forbidden, innerWidth: win.innerWidth,
    scrollWidth: doc.documentElement.scrollWidth, bodyScrollWidth: doc.body.scrollWidth};
  const holds = doc.getElementById('fs-holds');
  if (holds) { holds.click();
    out.shown_without_holds = [...doc.querySelectorAll('section.claim')].filter(s => s.offsetParent !== null)
      .map(s => s.id);
    holds.click(); }
  const pre = document.createElement('pre'); pre.id = 'probe-result'; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script></body></html>"""


def probe(page: Path, width: int, workdir: Path) -> dict[str, Any]:
    """Load ``page`` in a ``width``-px frame of headless Chromium; return the measurements and console errors.

    The page is framed (not the window resized) because headless Chromium's window has a minimum
    width of 500 px; the frame is a real viewport of exactly ``width`` px.
    """
    outer = workdir / f"probe-{width}.html"
    outer.write_text(PROBE.replace("FORBIDDEN", json.dumps(list(FORBIDDEN))).replace("PAGE", page.resolve().as_uri())
                     .replace("WIDTH", str(width)), encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
           "--allow-file-access-from-files", f"--user-data-dir={workdir / f'profile-{width}'}",
           "--enable-logging=stderr", "--v=0", f"--window-size={max(width, 500) + 40},1000",
           "--virtual-time-budget=10000", "--dump-dom", outer.as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="probe-result">([^<]*)</pre>', done.stdout)
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")) if found else {}
    result["returncode"] = done.returncode
    result["console_errors"] = [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    result["loaded"] = bool(found)
    return result
