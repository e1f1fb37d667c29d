"""The form's live counter (static/segments.js) counts SMS parts exactly as coop.messaging.texts does."""
import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import coop
from coop.messaging.texts import segments

SCRIPT = Path(coop.__file__).parent / "static" / "segments.js"
RUNNER = """
const fs = require("fs");
let src = fs.readFileSync(process.argv[1], "utf8")
  .replace("(function () {", "module.exports = (function () {").replace(/\\}\\)\\(\\);\\s*$/, "return count; })();");
const m = {exports: null};
(new Function("module", "document", src))(m, {querySelectorAll: () => []});
const inputs = JSON.parse(fs.readFileSync(0, "utf8"));
console.log(JSON.stringify(inputs.map(t => { const c = m.exports(t); return [c.enc, c.units, c.parts, c.left]; })));
"""


@pytest.mark.skipif(not shutil.which("node"), reason="needs node")
def test_the_browser_counts_like_the_server():
    rng = random.Random(21)
    samples = ["", "a" * 160, "a" * 161, "€" * 80, "a" * 152 + "€" + "a" * 152, "á" * 71, "🙂" * 35, "🙂" * 36]
    samples += ["".join(rng.choice("aZ0 €^{}áñ🙂\n") for _ in range(rng.randint(0, 400))) for _ in range(200)]
    answer = subprocess.run(["node", "-e", RUNNER, str(SCRIPT)], input=json.dumps(samples), capture_output=True,
                            text=True, check=True, timeout=60).stdout
    expected = [[s.encoding, s.units, s.parts, s.left] for s in map(segments, samples)]
    assert json.loads(answer) == expected
