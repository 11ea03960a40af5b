#!/usr/bin/env python3
"""The tiles a 1280 x 800 map shows at a centre and zoom, as the browser asks for them (app's cluster_map,
shared::map::Tile::covering): one `/api/v1/map/z/x/y` path per line, or (--sql) the rows of bench_tile for
pgbench (i, level, clo, chi, lo, hi, merge: the stored cell range of the clusters, the world range of the pins,
the shift from stored cells to cluster cells).

    python3 bench/map_tiles.py 45.4064 11.8768 16            # paths
    python3 bench/map_tiles.py 45.4064 11.8768 16 --sql      # insert into bench_tile ...
"""
import math
import sys

BITS = 26


def world(lat, lng):
    x = math.floor((lng + 180.0) / 360.0 * 2**BITS)
    lat = max(min(lat, 85.0511287798), -85.0511287798)
    r = math.radians(lat)
    y = math.floor((1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0 * 2**BITS)
    return x, y


def morton(x, y):
    q = 0
    for b in range(BITS):
        q |= ((x >> b) & 1) << (2 * b) | ((y >> b) & 1) << (2 * b + 1)
    return q


def main():
    lat, lng, z = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    sql = "--sql" in sys.argv
    wx, wy = world(lat, lng)
    unit = 2.0 ** (BITS - 8 - z)  # world units per pixel (a fraction past zoom 18)
    size = 2 ** (BITS - z)  # world units per tile
    x0, x1 = math.floor((wx - 640 * unit) / size), math.floor((wx + 640 * unit) / size)
    y0, y1 = math.floor((wy - 400 * unit) / size), math.floor((wy + 400 * unit) / size)
    i = 0
    for y in range(y0, y1 + 1):
        for x in range(x0, x1 + 1):
            i += 1
            m = morton(x, y)
            if not sql:
                print(f"/api/v1/map/{z}/{x}/{y}")
                continue
            # As shared::map::Tile::cluster_cells: the cluster level, the stored level it is read from.
            level = min(z + 2, 16)
            stored = next(l for l in (8, 10, 12, 14, 16) if l >= level)
            if stored >= z:
                clo, chi = m << 2 * (stored - z), (m + 1) << 2 * (stored - z)
            else:
                clo, chi = m >> 2 * (z - stored), (m >> 2 * (z - stored)) + 1
            lo, hi = m << 2 * (BITS - z), (m + 1) << 2 * (BITS - z)
            print(f"insert into bench_tile values ({i}, {stored}, {clo}, {chi}, {lo}, {hi}, {2 * (stored - level)});")


main()
