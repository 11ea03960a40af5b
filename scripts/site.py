#!/usr/bin/env python3
"""Assembles the served site from the WASM bundles' stages, style/ and node_modules/leaflet.

Files get content-hashed names (cached for a year by the server) and pre-compressed .gz/.br twins; a
manifest.json tells the server which names to write into the page. Only changed files are rewritten.
Three bundles: `public` (the map and report pages), `reporting` (those and filing a report) and `full` (every
page); see app/src/lib.rs.
"""
import argparse
import gzip
import hashlib
import json
import pathlib
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parent.parent


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def write_if_changed(path: pathlib.Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def compress(path: pathlib.Path) -> None:
    gz = path.with_name(path.name + ".gz")
    br = path.with_name(path.name + ".br")
    if not gz.exists() or gz.stat().st_mtime < path.stat().st_mtime:
        gz.write_bytes(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))
    if not br.exists() or br.stat().st_mtime < path.stat().st_mtime:
        subprocess.run(["brotli", "-f", "-q", "11", "-o", str(br), str(path)], check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bundle", action="append", required=True, help="NAME=STAGE_DIR (public, reporting, full)")
    ap.add_argument("--site", required=True)
    a = ap.parse_args()
    bundles = dict(b.split("=", 1) for b in a.bundle)
    site = pathlib.Path(a.site)
    pkg = site / "pkg"
    pkg.mkdir(parents=True, exist_ok=True)

    manifest = {"hashed": True}
    keep = set()
    sources = {"css": (ROOT / "style" / "main.css", "segnala.{}.css")}
    for bundle, stage in bundles.items():
        stage = pathlib.Path(stage)
        suffix = "" if bundle == "public" else f"_{bundle}"
        stem = "segnala" if bundle == "public" else f"segnala-{bundle}"
        sources["js" + suffix] = (stage / "segnala.js", stem + ".{}.js")
        sources["wasm" + suffix] = (stage / "segnala_bg.wasm", stem + ".{}.wasm")
    for role, (src, pattern) in sources.items():
        data = src.read_bytes()
        name = pattern.format(digest(data))
        write_if_changed(pkg / name, data)
        compress(pkg / name)
        manifest[role] = name
        keep.update({name, name + ".gz", name + ".br"})

    # Leaflet: the version is in the folder name, so its files are as cacheable as hashed ones.
    lf = ROOT / "node_modules" / "leaflet"
    version = json.loads((lf / "package.json").read_text())["version"]
    ldir = f"leaflet-{version}"
    dest = pkg / ldir
    if not dest.exists():
        shutil.copytree(lf / "dist", dest, ignore=shutil.ignore_patterns("*.map", "leaflet-src*"))
        for f in ("leaflet.js", "leaflet.css"):
            compress(dest / f)
    manifest["leaflet_js"] = f"{ldir}/leaflet.js"
    manifest["leaflet_css"] = f"{ldir}/leaflet.css"
    keep.add(ldir)

    # Drop files of earlier builds.
    for f in pkg.iterdir():
        if f.name not in keep and f.name != "manifest.json":
            shutil.rmtree(f) if f.is_dir() else f.unlink()
    write_if_changed(pkg / "manifest.json", json.dumps(manifest, indent=2).encode())

    # Public files (favicon) at the site root.
    for f in (ROOT / "public").iterdir():
        if f.is_file():
            write_if_changed(site / f.name, f.read_bytes())

    for role in sources:
        p = pkg / manifest[role]
        sizes = [p.stat().st_size, (pkg / (manifest[role] + ".gz")).stat().st_size,
                 (pkg / (manifest[role] + ".br")).stat().st_size]
        print(f"    {manifest[role]:40} {sizes[0]:>9,} B raw {sizes[1]:>9,} B gzip {sizes[2]:>9,} B brotli")


if __name__ == "__main__":
    main()
