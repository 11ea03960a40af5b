#!/usr/bin/env python3
"""p50/p90/p99 of pgbench per-transaction logs (--log): the third column is the latency in microseconds."""
import sys

lat = []
for path in sys.argv[1:]:
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 3:
                lat.append(int(parts[2]))
lat.sort()
if not lat:
    sys.exit("no transactions logged")
pick = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] / 1000.0
print(f"   {len(lat)} transactions: p50 {pick(0.50):.2f} ms, p90 {pick(0.90):.2f} ms, p99 {pick(0.99):.2f} ms")
