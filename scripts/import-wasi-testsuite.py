#!/usr/bin/env python3
"""Imports the official wasi-testsuite's prebuilt preview-1 tests into tests/data/wasi-testsuite.

Usage: scripts/import-wasi-testsuite.py TESTSUITE_CHECKOUT

TESTSUITE_CHECKOUT is a work tree of https://github.com/WebAssembly/wasi-testsuite at the
branch `prod/testsuite-base` (the prebuilt binaries). Copied for each of rust, c and
assemblyscript: `tests/<lang>/testsuite/wasm32-wasip1/` (the .wasm files, their .json specs,
manifest.json and the *.dir trees the specs preopen). The .wasm files lose their `.debug_*`
custom sections (DWARF: 95 of the 101 MB; the name section stays), nothing else.
"""
import pathlib
import shutil
import sys

LANGS = ["rust", "c", "assemblyscript"]


def leb(b, i):
    r = s = 0
    while True:
        x = b[i]
        i += 1
        r |= (x & 0x7F) << s
        s += 7
        if x < 0x80:
            return r, i


def strip_dwarf(b):
    assert b[:4] == b"\0asm", "not a wasm binary"
    out = bytearray(b[:8])
    i = 8
    while i < len(b):
        sid = b[i]
        n, j = leb(b, i + 1)
        keep = True
        if sid == 0:
            ln, k = leb(b, j)
            keep = not b[k:k + ln].startswith(b".debug")
        if keep:
            out += b[i:j + n]
        i = j + n
    return bytes(out)


def main():
    src = pathlib.Path(sys.argv[1])
    dst = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "wasi-testsuite"
    for lang in LANGS:
        s = src / "tests" / lang / "testsuite" / "wasm32-wasip1"
        d = dst / lang
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
        for f in sorted(s.iterdir()):
            if f.suffix == ".wasm":
                (d / f.name).write_bytes(strip_dwarf(f.read_bytes()))
            elif f.suffix == ".json":
                shutil.copy(f, d / f.name)
            elif f.is_dir():
                shutil.copytree(f, d / f.name, symlinks=True)
    shutil.copy(src / "LICENSE", dst / "LICENSE")


main()
