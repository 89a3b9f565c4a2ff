"""Shared by the stencilgen checks: a template's stencils as cpjit-stencilgen describes them."""
import json
import os
import subprocess


def stencils_of(generator, include, template, target, work):
    """The stencils of `template` for `target` (the --json manifest's list), or None after
    printing why cpjit-stencilgen failed. `work` is a scratch directory."""
    manifest = os.path.join(work, "%s_%s.json" % (os.path.basename(template), target))
    cmd = [generator, "-q", "--force", "--target", target, "-I", include, "-I", os.path.dirname(os.path.abspath(template)),
           "--json", manifest, "-o", os.path.join(work, "out.h"), template]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        print(" ".join(cmd), "\n", r.stderr)
        return None
    with open(manifest) as f:
        return json.load(f)["stencils"]
