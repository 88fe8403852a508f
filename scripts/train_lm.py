#!/usr/bin/env python
"""Thin wrapper: prepare (if needed) + train (resumes automatically) + export.

    python scripts/train_lm.py configs/lm/newslm-5m.yaml [--export-only] [--no-export]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtqa.lm.export import export  # noqa: E402
from mtqa.lm.prepare import prepare  # noqa: E402
from mtqa.lm.train import train  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("config")
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--no-export", action="store_true")
    a = ap.parse_args()
    if not a.export_only:
        prepare(a.config, compare_vocab=[8192, 16384])
        train(a.config, resume=True)
    if not a.no_export:
        print(export(a.config))


if __name__ == "__main__":
    main()
