#!/usr/bin/env python3
"""Synthetic Segnala data at scale, for benchmarks (duplicate suggestions, submissions, the map).

A region of the Veneto around Padova (~100 km x 80 km) with ~40 real towns; reports cluster around each town (a
gaussian whose width and weight grow with the town's population), over several years, with timelines that follow
report_state_transition, Italian titles and descriptions from word lists, ~10 % private. Deterministic: the same
--seed, --reports and --now give the same rows. Python 3.11 standard library only.

Rows stream into two `psql` processes (report and report_update, COPY ... FREEZE, in parallel): nothing is held
in memory but a map of the latest report per (category, ~400 m cell), used to point duplicates at an earlier
report nearby.

    bench/load_synthetic.sh 1m                # the usual way: new database, indexes, constraints, ANALYZE
    python3 bench/synthetic.py --reports 20000 --out /tmp/syn   # files only (report.tsv, report_update.tsv, *.sql)
    python3 bench/synthetic.py --pgbench-vars # the \\set lines of bench/sql/duplicates.sql

Writing to a database (--db URL) expects what load_synthetic.sh prepares: the migrations applied, no foreign key
from report_update to report (the two COPYs run side by side; the loader adds the constraints back afterwards,
which checks every row), and empty report tables. Ids are written explicitly (report_id in time order) and the
identity sequences and receipt_counter rows are set at the end, so later inserts continue correctly.

Receipt codes are SEG-YYYY-NNNNNN, numbered per calendar year (UTC, as the app does) in time order, at most
RECEIPTS_PER_YEAR_MAX a year (headroom left under 999,999 for reports added later). The time span is
--years (default 3) or more: it grows until no calendar year holds more than that, so 10M reports take 14 years
(from 2012).
"""

from __future__ import annotations

import argparse
import bisect
import math
import os
import random
import struct
import subprocess
import sys
import time
from datetime import datetime, timezone

RECEIPTS_PER_YEAR_MAX = 900_000
DEFAULT_NOW = "2026-11-26T12:00:00+00:00"

# The region (lng, lat): ~101 km x 81 km at 45.4 N. The synthetic municipality is this rectangle.
REGION = (11.25, 45.05, 12.55, 45.78)
KM_PER_DEG_LAT = 111.2
KM_PER_DEG_LNG = 78.1

# (name, lat, lng, population): real towns of the provinces of Padova, Vicenza, Venezia, Treviso and Rovigo.
TOWNS = [
    ("Padova", 45.4064, 11.8768, 210_000),
    ("Venezia Mestre", 45.4903, 12.2425, 180_000),
    ("Vicenza", 45.5455, 11.5354, 110_000),
    ("Treviso", 45.6669, 12.2430, 85_000),
    ("Rovigo", 45.0703, 11.7900, 50_000),
    ("Chioggia", 45.2190, 12.2790, 49_000),
    ("Bassano del Grappa", 45.7660, 11.7340, 43_000),
    ("Schio", 45.7130, 11.3570, 39_000),
    ("Mira", 45.4360, 12.1330, 38_000),
    ("Castelfranco Veneto", 45.6717, 11.9269, 33_000),
    ("Spinea", 45.4920, 12.1550, 28_000),
    ("Mogliano Veneto", 45.5610, 12.2370, 28_000),
    ("Mirano", 45.4930, 12.1090, 27_000),
    ("Albignasego", 45.3490, 11.8530, 26_000),
    ("Arzignano", 45.5210, 11.3340, 26_000),
    ("Valdagno", 45.6500, 11.3000, 26_000),
    ("Thiene", 45.7080, 11.4770, 24_000),
    ("Selvazzano Dentro", 45.3850, 11.7830, 23_000),
    ("Vigonza", 45.4430, 11.9850, 23_000),
    ("Montecchio Maggiore", 45.5050, 11.4120, 23_000),
    ("Abano Terme", 45.3600, 11.7890, 20_000),
    ("Cittadella", 45.6480, 11.7836, 20_000),
    ("Piove di Sacco", 45.3007, 12.0350, 20_000),
    ("Adria", 45.0540, 12.0560, 19_000),
    ("Scorzè", 45.5720, 12.1090, 19_000),
    ("Monselice", 45.2430, 11.7500, 17_000),
    ("Preganziol", 45.6030, 12.2360, 17_000),
    ("Este", 45.2270, 11.6570, 16_000),
    ("Rubano", 45.4260, 11.7870, 16_000),
    ("Cadoneghe", 45.4410, 11.9250, 16_000),
    ("Noale", 45.5490, 12.0700, 16_000),
    ("Lonigo", 45.3880, 11.3870, 16_000),
    ("Dolo", 45.4250, 12.0750, 15_000),
    ("Cavarzere", 45.1370, 12.0820, 14_000),
    ("Dueville", 45.6360, 11.5480, 14_000),
    ("Vigodarzere", 45.4560, 11.8840, 13_000),
    ("Trebaseleghe", 45.5900, 12.0450, 13_000),
    ("Camposampiero", 45.5700, 11.9330, 12_000),
    ("Lendinara", 45.0850, 11.6000, 12_000),
    ("Conselve", 45.2300, 11.8720, 10_000),
    ("Montagnana", 45.2330, 11.4650, 9_000),
]
# Reports not near any town (countryside, main roads): spread uniformly over the region.
SCATTERED = 0.04


def town_sigma_km(pop: int) -> float:
    """Width (one standard deviation, km) of a town's cluster of reports."""
    return 0.5 + 2.6 * math.sqrt(pop / 210_000)


# Districts (area_id 2..9 in this order; the municipality is 1): rectangles (lng0, lat0, lng1, lat1), one with an
# exclave. They leave gaps, where reports have no district (area_id null), as past a real border.
DISTRICTS = [
    ("Padova e cintura", [(11.72, 45.33, 12.00, 45.50)]),
    ("Alta Padovana e Castellana", [(11.72, 45.50, 12.20, 45.76)]),
    ("Vicentino", [(11.28, 45.33, 11.72, 45.75)]),
    ("Colli Euganei e Bassa", [(11.40, 45.15, 11.80, 45.33)]),
    ("Riviera del Brenta", [(12.00, 45.33, 12.20, 45.50)]),
    ("Veneziano e Trevigiano", [(12.20, 45.33, 12.52, 45.75)]),
    ("Polesine", [(11.40, 45.05, 12.10, 45.15)]),
    ("Saccisica e Chioggia", [(11.80, 45.15, 12.10, 45.33), (12.20, 45.15, 12.35, 45.28)]),
]
MUNICIPALITY_NAME = "Area sintetica del Veneto centrale"

OFFICES = [
    ("Lavori pubblici", "lavori.pubblici@comune.example.it"),
    ("Ambiente e verde", "ambiente@comune.example.it"),
    ("Polizia locale", "polizia.locale@comune.example.it"),
    ("Mobilità e traffico", "mobilita@comune.example.it"),
    ("Servizi sociali", "servizi.sociali@comune.example.it"),
    ("URP – Relazioni con il pubblico", "urp@comune.example.it"),
]
STAFF = [
    ["ing. M. Rossi", "geom. L. Bianchi", "A. Ferraro", "geom. D. Zanon", "arch. S. Pavan"],
    ["dott.ssa G. Conte", "P. Marchetti", "F. Bortolato"],
    ["comm. R. Esposito", "ag. S. Romano", "ag. F. Colombo", "ag. M. Scarpa"],
    ["ing. E. Ricci", "C. Gallo", "T. Baldan"],
    ["dott.ssa A. Moretti", "V. Greco"],
    ["L. Fontana", "M. Caruso"],
]
CONTRACTORS = [
    ["Asfalti Veneti S.r.l.", "Edilstrade Padova S.p.A.", "Elettroservizi Euganei S.r.l."],
    ["Verde Brenta Soc. Coop.", "Ecoservizi Nord-Est S.r.l."],
    [],
    ["Segnaletica Stradale Veneta S.r.l."],
    [],
    [],
]

# (office index, name, sla_days, duplicate_radius_m, weight, titles with {} for the place, details for the
# description). Names and titles are the demo town's (backend/src/seed/town.rs), with more titles; category_id
# is the position + 1. Radius: 250 m (the default) for most, 30-100 m for problems with an exact spot.
CATEGORIES = [
    (0, "Buche stradali", 30, 50, 14.0,
     ["Buca profonda in {}", "Asfalto dissestato in {}", "Avvallamento della carreggiata in {}",
      "Tombino sprofondato in {}", "Buche sulla strada in {}", "Asfalto crepato e pieno di buche in {}"],
     ["La buca è larga circa mezzo metro e si riempie d'acqua quando piove.",
      "Le auto la scansano invadendo l'altra corsia.", "Ho visto un motorino perdere l'equilibrio."]),
    (0, "Marciapiedi", 45, 250, 7.0,
     ["Marciapiede rotto in {}", "Cordolo staccato in {}", "Radici che sollevano il marciapiede in {}",
      "Piastrelle del marciapiede saltate in {}"],
     ["Le piastrelle sono sollevate di alcuni centimetri.", "Con la carrozzina non si riesce a passare."]),
    (0, "Illuminazione pubblica", 15, 30, 10.0,
     ["Lampione spento in {}", "Lampione che lampeggia in {}", "Tratto di strada al buio in {}",
      "Lampioni spenti da giorni in {}", "Palo della luce inclinato in {}"],
     ["Di sera il tratto è completamente al buio.", "Il lampione si accende e si spegne di continuo."]),
    (0, "Edifici e arredo urbano", 60, 100, 3.0,
     ["Panchina rotta in {}", "Fontanella che perde acqua in {}", "Muro imbrattato in {}",
      "Fioriera danneggiata in {}", "Cestino divelto in {}"],
     ["Una delle assi è spezzata e sporge un chiodo.", "L'acqua scorre giorno e notte sul selciato."]),
    (1, "Verde pubblico e potature", 30, 250, 8.0,
     ["Erba alta nell'aiuola di {}", "Siepe che invade il marciapiede in {}", "Rami bassi sulla strada in {}",
      "Aiuola abbandonata in {}"],
     ["L'erba supera il mezzo metro e nasconde i rifiuti.", "I rami toccano i furgoni che passano."]),
    (1, "Parchi e aree gioco", 30, 250, 4.0,
     ["Altalena rotta nel giardino di {}", "Cancello del parco guasto in {}", "Area giochi da pulire in {}",
      "Scivolo danneggiato nel parco di {}"],
     ["I bambini giocano vicino a parti rotte e taglienti.", "Il cancello non si chiude più."]),
    (1, "Alberi pericolanti", 5, 100, 3.0,
     ["Albero inclinato in {}", "Ramo spezzato che pende in {}", "Pino con le radici scoperte in {}"],
     ["Dopo il temporale l'albero si è inclinato verso le case.", "Il ramo pende sopra la pista ciclabile."]),
    (1, "Rifiuti abbandonati", 7, 250, 11.0,
     ["Rifiuti abbandonati in {}", "Ingombranti lasciati sul marciapiede in {}",
      "Sacchi di immondizia accanto ai cassonetti in {}", "Discarica abusiva lungo il fosso in {}"],
     ["Ci sono materassi, mobili e sacchi neri.", "L'odore si sente fino alle finestre."]),
    (1, "Cassonetti e raccolta differenziata", 7, 250, 5.0,
     ["Cassonetto rotto in {}", "Cassonetti pieni da giorni in {}", "Campana del vetro danneggiata in {}",
      "Bidoni dell'umido non svuotati in {}"],
     ["Il coperchio è rotto e gli animali spargono i rifiuti.", "Il ritiro non passa da più di una settimana."]),
    (2, "Veicoli abbandonati", 30, 50, 3.0,
     ["Auto abbandonata da mesi in {}", "Bicicletta abbandonata legata al palo in {}",
      "Motorino senza targa abbandonato in {}"],
     ["Ha le gomme a terra e i vetri rotti.", "Occupa un posto auto da molti mesi."]),
    (2, "Sosta irregolare", 3, 50, 5.0,
     ["Auto in sosta sulle strisce in {}", "Sosta sul passo carrabile in {}",
      "Auto parcheggiate sulla pista ciclabile in {}", "Furgone in doppia fila ogni mattina in {}"],
     ["Succede ogni giorno negli stessi orari.", "I pedoni devono scendere in strada."]),
    (2, "Rumori molesti", 15, 250, 2.0,
     ["Musica alta di notte in {}", "Rumore di cantiere fuori orario in {}", "Schiamazzi notturni in {}"],
     ["Il rumore continua fino alle due di notte.", "Anche la domenica mattina si lavora con i martelli."]),
    (3, "Segnaletica stradale", 30, 250, 6.0,
     ["Cartello stradale piegato in {}", "Strisce pedonali sbiadite in {}",
      "Segnale di stop coperto dai rami in {}", "Cartello di divieto caduto in {}"],
     ["Le strisce non si vedono quasi più.", "Il cartello è girato verso il muro."]),
    (3, "Semafori", 5, 30, 3.0,
     ["Semaforo guasto all'incrocio di {}", "Semaforo pedonale sempre rosso in {}",
      "Semaforo lampeggiante da giorni in {}"],
     ["All'incrocio le auto passano senza regole.", "Il pulsante per i pedoni non funziona."]),
    (3, "Piste ciclabili", 45, 250, 4.0,
     ["Pista ciclabile interrotta in {}", "Buche sulla pista ciclabile di {}",
      "Pista ciclabile invasa dalle foglie in {}"],
     ["Chi va in bici deve spostarsi sulla carreggiata.", "Di notte le buche non si vedono."]),
    (4, "Barriere architettoniche", 60, 250, 3.0,
     ["Scivolo per carrozzine mancante in {}", "Marciapiede senza rampa in {}",
      "Ascensore del sottopasso guasto in {}"],
     ["Chi è in carrozzina non riesce a salire sul marciapiede.", "Le persone anziane fanno molta fatica."]),
    (4, "Persone in difficoltà", 7, 250, 1.0,
     ["Persona senza dimora al freddo in {}", "Anziano solo che chiede aiuto in {}"],
     ["Dorme all'aperto da alcune notti.", "Sembra non avere nessuno che lo aiuti."]),
    (5, "Suggerimenti e apprezzamenti", 30, 250, 4.0,
     ["Proposta di nuove rastrelliere in {}", "Grazie per il nuovo giardino in {}", "Più panchine in {}",
      "Complimenti per la pulizia di {}", "Proposta di una zona 30 in {}"],
     ["Sarebbe un bel miglioramento per tutto il quartiere.", "Il lavoro fatto è davvero apprezzato."]),
]
PRIVATE_CATEGORY = "Persone in difficoltà"  # always private; others 9 %: ~10 % overall

STREETS = [
    "via Roma", "via Garibaldi", "via Mazzini", "via Cavour", "via Dante", "via Verdi", "via Marconi",
    "via Matteotti", "via Gramsci", "via XX Settembre", "via IV Novembre", "via XXV Aprile", "via della Repubblica",
    "via Trieste", "via Trento", "via Venezia", "via Milano", "via Padova", "via Vicenza", "via Treviso",
    "via San Marco", "via San Giovanni", "via Sant'Antonio", "via Santa Maria", "via Don Bosco",
    "via Papa Giovanni XXIII", "via Leopardi", "via Manzoni", "via Foscolo", "via Petrarca", "via Ariosto",
    "via Carducci", "via Pascoli", "via Galilei", "via Volta", "via Colombo", "via Europa", "via dei Mille",
    "via della Libertà", "via del Lavoro", "via dell'Industria", "via dell'Artigianato", "via delle Rose",
    "via dei Tigli", "via dei Pioppi", "via dei Castagni", "via degli Alpini", "via Nazionale", "via Montegrappa",
    "via Piave", "via Brenta", "via Adige", "via Bacchiglione", "via Euganea", "via Chiesa", "via Stazione",
    "via delle Scuole", "via Municipio", "via Kennedy", "via Aldo Moro", "via Toniolo", "via Tiziano",
    "via Tintoretto", "via Canova", "via Palladio", "via Mantegna", "via Giotto", "via Rossini", "via Puccini",
    "via Vivaldi", "via Goldoni", "via Ruzante", "piazza Garibaldi", "piazza della Libertà", "piazza Mazzini",
    "piazza del Popolo", "piazza Castello", "piazza Duomo", "viale della Stazione", "viale delle Industrie",
    "corso del Popolo", "riviera Berica", "via Belzoni", "via Facciolati", "corso Milano", "via Altinate",
]
QUALIFIERS = [
    "davanti alla scuola elementare", "vicino alla fermata dell'autobus", "all'incrocio con il semaforo",
    "davanti alla farmacia", "vicino al supermercato", "accanto al parcheggio", "davanti alla chiesa",
    "vicino al parco giochi", "di fronte all'ufficio postale", "vicino alla stazione", "da giorni",
    "da settimane", "da mesi", "di nuovo", "davanti al civico 12", "all'altezza del civico 45",
]
OPENERS = [
    "Segnalo il problema, presente da alcuni giorni.", "Da circa una settimana la situazione è questa.",
    "Passando di qui stamattina ho notato il problema.",
    "Il problema si trova all'altezza del civico indicato sulla mappa.",
    "Mi permetto di segnalare questa situazione a nome di alcuni residenti della via.",
    "Avevo già segnalato a voce ai vigili, ma la situazione non è cambiata.",
    "Abito nella zona e la situazione va avanti da mesi.", "Vi scrivo per segnalare un problema nella mia via.",
]
DETAILS = [
    "È pericoloso soprattutto la sera per chi passa a piedi o in bici.",
    "Passo di qui ogni mattina con i bambini per andare a scuola.", "La situazione peggiora quando piove.",
    "Nella zona passano molti anziani e persone con il passeggino.",
    "Il punto è vicino a una fermata dell'autobus molto frequentata.",
    "Di sera la zona è poco illuminata e il problema non si vede.",
]
CLOSINGS = [
    "Chiedo un intervento appena possibile.", "Grazie per l'attenzione.",
    "Ringrazio in anticipo per la disponibilità e resto a disposizione per chiarimenti.",
    "Non è urgente, ma sarebbe utile sistemare prima della bella stagione.", "Allego la posizione esatta.",
    "Spero in un vostro intervento.",
]
REJECT_NOTES = [
    "La segnalazione non è di competenza del Comune: è stata inoltrata all'ente gestore.",
    "La segnalazione riguarda un'area privata: il Comune non può intervenire.",
    "Non è stato possibile individuare il problema nel luogo indicato.",
]
INTERNAL_NOTES = [
    "Nota interna: in attesa del preventivo della ditta.", "Nota interna: sopralluogo da programmare.",
    "Nota interna: materiale ordinato, consegna prevista entro due settimane.",
]

HOUR = 3600
DAY = 86400


def _check_text() -> None:
    """COPY text format: nothing here may need escaping."""
    texts = [t for c in CATEGORIES for t in c[5] + c[6]] + STREETS + QUALIFIERS + OPENERS + DETAILS + CLOSINGS
    texts += REJECT_NOTES + INTERNAL_NOTES + [s for o in STAFF for s in o] + [c for o in CONTRACTORS for c in o]
    texts += [o[0] for o in OFFICES]
    bad = [t for t in texts if any(ch in t for ch in "\t\n\r\\")]
    assert not bad, bad


def district_of(lng: float, lat: float) -> str:
    """area_id of the first district (lowest id) containing the point, as ST_Intersects ... order by area_id."""
    for i, (_, rects) in enumerate(DISTRICTS):
        for x0, y0, x1, y1 in rects:
            if x0 <= lng <= x1 and y0 <= lat <= y1:
                return str(i + 2)
    return "\\N"


def multipolygon_wkt(rects) -> str:
    polys = []
    for x0, y0, x1, y1 in rects:  # counter-clockwise
        polys.append(f"(({x0} {y0}, {x1} {y0}, {x1} {y1}, {x0} {y1}, {x0} {y0}))")
    return "MULTIPOLYGON(" + ", ".join(polys) + ")"


def sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def setup_sql() -> str:
    """Municipality, districts, offices, categories with fixed ids (1..n), and the identity sequences after them."""
    out = ["set client_min_messages = warning;", "begin;"]
    x0, y0, x1, y1 = REGION
    out.append(
        "insert into area (area_id, kind, parent_id, name, boundary) overriding system value values "
        f"(1, 'municipality', null, {sql_str(MUNICIPALITY_NAME)}, "
        f"ST_GeomFromText({sql_str(multipolygon_wkt([REGION]))}, 4326));")
    for i, (name, rects) in enumerate(DISTRICTS):
        for rx0, ry0, rx1, ry1 in rects:
            assert x0 <= rx0 < rx1 <= x1 and y0 <= ry0 < ry1 <= y1, name
        out.append(
            "insert into area (area_id, kind, parent_id, name, boundary) overriding system value values "
            f"({i + 2}, 'district', 1, {sql_str(name)}, ST_GeomFromText({sql_str(multipolygon_wkt(rects))}, 4326));")
    for i, (name, email) in enumerate(OFFICES):
        out.append(f"insert into office (office_id, name, email) overriding system value values "
                   f"({i + 1}, {sql_str(name)}, {sql_str(email)});")
    for i, c in enumerate(CATEGORIES):
        out.append("insert into category (category_id, office_id, name, sla_days, duplicate_radius_m) "
                   f"overriding system value values ({i + 1}, {c[0] + 1}, {sql_str(c[1])}, {c[2]}, {c[3]});")
    for table, col in [("area", "area_id"), ("office", "office_id"), ("category", "category_id")]:
        out.append(f"select setval(pg_get_serial_sequence('{table}', '{col}'), (select max({col}) from {table}));")
    out.append("commit;")
    return "\n".join(out) + "\n"


def finish_sql(last_per_year: dict[int, int], reports: int, updates: int) -> str:
    """Receipt counters at the last number of each year; identity sequences after the explicit ids."""
    out = ["begin;"]
    for year, n in sorted(last_per_year.items()):
        out.append(f"insert into receipt_counter (year, last_number) values ({year}, {n}) "
                   "on conflict (year) do update set last_number = excluded.last_number;")
    if reports:
        out.append(f"select setval(pg_get_serial_sequence('report', 'report_id'), {reports});")
    if updates:
        out.append(f"select setval(pg_get_serial_sequence('report_update', 'update_id'), {updates});")
    out.append("commit;")
    return "\n".join(out) + "\n"


REPORT_COLUMNS = ("report_id, receipt_code, kind, state, category_id, office_id, area_id, duplicate_of, location, "
                  "title, description, is_public, created_at, updated_at, confirmed_at")
UPDATE_COLUMNS = ("update_id, report_id, from_state, to_state, note, is_public, actor_kind, actor_name, office_id, "
                  "created_at")


# ---------------------------------------------------------------------------------------------------------------
# Time: how many reports each day, oldest first.

def day_counts(n: int, start_day: int, days: int) -> list[int]:
    """Reports per day: busier lately (+60 % over the span, as the service becomes known), quieter at weekends.
    Cumulative rounding, so the counts add up to exactly n."""
    weights = []
    for d in range(days):
        weekday = (start_day + d + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
        weights.append((1.0 + 0.6 * d / max(1, days - 1)) * (0.7 if weekday >= 5 else 1.0))
    total = sum(weights)
    counts, acc, prev = [], 0.0, 0
    for w in weights:
        acc += w
        cur = round(n * acc / total)
        counts.append(cur - prev)
        prev = cur
    return counts


def plan_days(n: int, now: int, years: int) -> tuple[int, list[int], int]:
    """(first day, reports per day, years): the span grows until no calendar year exceeds the receipt limit."""
    end_day = now // DAY  # the day of `now` is not included: reports up to yesterday evening
    while True:
        days = round(years * 365.25)
        start_day = end_day - days
        counts = day_counts(n, start_day, days)
        per_year: dict[int, int] = {}
        for d, c in enumerate(counts):
            y = time.gmtime((start_day + d) * DAY).tm_year
            per_year[y] = per_year.get(y, 0) + c
        if max(per_year.values()) <= RECEIPTS_PER_YEAR_MAX:
            return start_day, counts, years
        years += 1


# ---------------------------------------------------------------------------------------------------------------
# Timelines: a port of backend/src/seed.rs `timeline`, plus a backlog (some reports stall for months).

def make_timeline(rng: random.Random, cat, kind: str, created: int, has_original: bool,
                  now: int):
    """[(from, to, note, is_public, actor_kind, actor, office_id, at)], final state, duplicate?"""
    office = cat[0]
    office_name = OFFICES[office][0]
    staff_names = STAFF[office]
    rnd = rng.random
    sla_h = cat[2] * 24.0
    ups = [(None, "submitted", None, True, "citizen", "Cittadino", None, created)]
    state, at, reopened = "submitted", created, False

    def hours(lo: float, hi: float) -> int:
        return int((lo + (hi - lo) * rnd()) * HOUR)

    def stall() -> int:
        # 6 % of the office's steps wait long (a backlog): mean 200 days, so old open reports exist.
        return int(rng.expovariate(1 / 200) * DAY) if rnd() < 0.06 else 0

    while True:
        actor_kind = "staff"
        if state == "submitted" or state == "reopened":
            roll = rnd()
            if state == "submitted" and roll < 0.05:
                nxt, delay, note = "rejected", hours(4, 96), REJECT_NOTES[int(rnd() * len(REJECT_NOTES))]
            elif state == "submitted" and roll < 0.085 and has_original:
                nxt, delay = "duplicate", hours(2, 72)
                note = "Il problema è già stato segnalato: seguite la segnalazione originale."
            else:
                lo, hi = (48, 24 * 20) if state == "reopened" else (1, 24 * 6)
                nxt, delay, note = "in_charge", hours(lo, hi), f"Presa in carico dall'ufficio {office_name}."
        elif state == "in_charge":
            contractors = CONTRACTORS[office]
            if office == 5 or rnd() < 0.12:
                note = ("Grazie per il messaggio: lo abbiamo condiviso con il personale." if kind == "compliment"
                        else "Risposta inviata: la proposta sarà valutata nella prossima programmazione.")
                nxt, delay = "resolved", hours(24, sla_h)
            elif not contractors or rnd() < 0.3:
                nxt, delay, note = "in_progress", hours(12, sla_h * 0.4), "Intervento affidato alla squadra comunale."
            else:
                c = contractors[int(rnd() * len(contractors))]
                nxt, delay = "assigned", hours(12, sla_h * 0.3)
                note = f"Assegnata alla ditta esterna {c}" + ("" if c.endswith(".") else ".")
            delay += stall()
        elif state == "assigned":
            if rnd() < 0.03:  # the contractor hands it back
                nxt, delay, note = "in_charge", hours(24, 24 * 10), "La ditta ha restituito l'incarico all'ufficio."
            else:
                nxt, delay, note = "in_progress", hours(24, sla_h * 0.5), "Lavori avviati."
            delay += stall()
        elif state == "in_progress":
            late = 2.5 if rnd() < 0.25 else 0.8
            nxt, delay, note = "resolved", hours(24, sla_h * late), "Intervento completato."
        elif state == "resolved":
            recent = now - at < 10 * DAY
            if not reopened and rnd() < (0.25 if recent else 0.04):
                reopened = True
                nxt, delay, actor_kind = "reopened", hours(24, 24 * 10), "citizen"
                note = "Il problema si è ripresentato dopo l'intervento."
            else:
                nxt, delay, actor_kind = "closed", hours(24 * 14, 24 * 16), "system"
                note = "Chiusa automaticamente: nessuna riapertura entro 14 giorni."
        else:  # closed, rejected, duplicate
            break
        next_at = at + delay
        if next_at > now:
            break
        if actor_kind == "staff":
            actor, office_id = f"{staff_names[int(rnd() * len(staff_names))]}, {office_name}", office + 1
        elif actor_kind == "citizen":
            actor, office_id = "Cittadino", None
        else:
            actor, office_id = "Segnala", None
        ups.append((state, nxt, note, True, actor_kind, actor, office_id, next_at))
        at = next_at
        # Now and then a note without a state change; some are internal (not public).
        if (nxt == "in_progress" or nxt == "assigned") and rnd() < 0.15:
            note_at = next_at + hours(2, 48)
            if note_at < now:
                if rnd() < 0.3:
                    text, public = INTERNAL_NOTES[int(rnd() * len(INTERNAL_NOTES))], False
                else:
                    text, public = "Sopralluogo effettuato: l'intervento è programmato.", True
                ups.append((None, None, text, public, "staff",
                            f"{staff_names[int(rnd() * len(staff_names))]}, {office_name}", office + 1, note_at))
                at = note_at
        state = nxt
    return ups, state


# ---------------------------------------------------------------------------------------------------------------

class Sink:
    """Rows to a psql COPY (or a file), written in chunks."""

    def __init__(self, name: str, table: str, columns: str, db: str | None, out: str | None):
        self.name, self.buf, self.n = name, [], 0
        if db:
            self.proc = subprocess.Popen(
                ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db,
                 "-c", "set client_min_messages = warning",
                 "-c", "begin",
                 # FREEZE: rows are written frozen and all-visible (no hint-bit rewrite on first read, no vacuum
                 # needed); it requires the table to be emptied in the same transaction.
                 "-c", f"truncate {table}" + (" cascade" if table == "report" else ""),
                 "-c", f"\\copy {table} ({columns}) from pstdin with (freeze)",
                 "-c", "commit"],
                stdin=subprocess.PIPE, bufsize=1 << 20)
            self.file = self.proc.stdin
        else:
            self.proc = None
            self.file = open(os.path.join(out, f"{table}.tsv"), "wb")

    def add(self, line: str) -> None:
        self.buf.append(line)
        if len(self.buf) >= 4000:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.n += len(self.buf)
            try:
                self.file.write("".join(self.buf).encode())
            except BrokenPipeError:
                sys.exit(f"psql loading {self.name} stopped (see its error above)")
            self.buf = []

    def close(self) -> None:
        self.flush()
        try:
            self.file.close()
        except BrokenPipeError:
            pass
        if self.proc and self.proc.wait() != 0:
            sys.exit(f"psql loading {self.name} failed (exit {self.proc.returncode})")


def run_sql(db: str | None, out: str | None, name: str, sql: str) -> None:
    if db:
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", db], input=sql.encode(), check=True,
                       stdout=subprocess.DEVNULL)
    else:
        with open(os.path.join(out, name), "w") as f:
            f.write(sql)


def generate(args) -> None:
    _check_text()
    now = int(datetime.fromisoformat(args.now).astimezone(timezone.utc).timestamp())
    rng = random.Random(args.seed)
    rnd, gauss = rng.random, rng.gauss
    start_day, counts, years = plan_days(args.reports, now, args.years)
    if years != args.years:
        print(f"synthetic: {args.reports:,} reports need {years} years (at most {RECEIPTS_PER_YEAR_MAX:,} receipt "
              "numbers a calendar year)", file=sys.stderr)

    if args.db:
        # The two COPYs run side by side: report_update cannot reference report while both load.
        fk = subprocess.run(
            ["psql", "-X", "-qtA", "-d", args.db, "-c",
             "select count(*) from pg_constraint where conrelid = 'report_update'::regclass "
             "and confrelid = 'report'::regclass"], check=True, capture_output=True, text=True).stdout.strip()
        if fk != "0":
            sys.exit("synthetic: report_update still has its foreign key to report: load through "
                     "bench/load_synthetic.sh (it drops and re-adds the constraints)")
    else:
        os.makedirs(args.out, exist_ok=True)
    run_sql(args.db, args.out, "setup.sql", setup_sql())

    x0, y0, x1, y1 = REGION
    town_cum, acc = [], 0
    for t in TOWNS:
        acc += t[3]
        town_cum.append(acc)
    town_geo = [(t[2], t[1], town_sigma_km(t[3]) / KM_PER_DEG_LNG, town_sigma_km(t[3]) / KM_PER_DEG_LAT)
                for t in TOWNS]
    cat_cum, acc = [], 0.0
    for c in CATEGORIES:
        acc += c[4]
        cat_cum.append(acc)
    ncat = len(CATEGORIES)
    area, no_area = not args.no_area, "\\N"
    pack = struct.Struct("<BIIdd").pack  # EWKB point with SRID, little-endian
    day_str: dict[int, tuple[str, int]] = {}

    def ts(t: int) -> str:
        d, s = divmod(t, DAY)
        ds = day_str.get(d)
        if ds is None:
            g = time.gmtime(d * DAY)
            ds = day_str[d] = (f"{g.tm_year:04d}-{g.tm_mon:02d}-{g.tm_mday:02d}", g.tm_year)
        h, s = divmod(s, 3600)
        m, s = divmod(s, 60)
        return f"{ds[0]} {h:02d}:{m:02d}:{s:02d}+00"

    reports = Sink("report", "report", REPORT_COLUMNS, args.db, args.out)
    updates = Sink("report_update", "report_update", UPDATE_COLUMNS, args.db, args.out)
    # The latest non-duplicate report per (category, cell of 0.005 deg ~ 390 x 555 m): originals for duplicates.
    cells: dict[tuple[int, int, int], tuple[int, float, float, int, str]] = {}
    last_receipt: dict[int, int] = {}
    states: dict[str, int] = {}
    report_id = update_id = dup_count = 0
    t0 = time.monotonic()
    next_progress = 100_000
    for d, k in enumerate(counts):
        if not k:
            continue
        day0 = (start_day + d) * DAY
        # Citizens write between 7:00 and 23:00 Italian time (roughly 6:00 to 22:00 UTC).
        for created in sorted(day0 + 6 * HOUR + int(rnd() * 16 * HOUR) for _ in range(k)):
            report_id += 1
            ci = bisect.bisect_right(cat_cum, rnd() * cat_cum[-1])
            if ci >= ncat:
                ci = ncat - 1
            cat = CATEGORIES[ci]
            office = cat[0]
            if office == 5:
                kind = "suggestion" if rnd() < 0.6 else "compliment"
            else:
                r = rnd()
                kind = ("problem" if r < 0.80 else "complaint" if r < 0.92 else "suggestion" if r < 0.98
                        else "compliment")
            # Where: near a town (weighted by population) or anywhere in the region.
            while True:
                if rnd() < SCATTERED:
                    lng, lat = x0 + (x1 - x0) * rnd(), y0 + (y1 - y0) * rnd()
                else:
                    tl, tt, sx, sy = town_geo[bisect.bisect_right(town_cum, rnd() * town_cum[-1])]
                    lng, lat = tl + gauss(0.0, sx), tt + gauss(0.0, sy)
                if x0 < lng < x1 and y0 < lat < y1:
                    break
            cell = (ci, int(lng * 200), int(lat * 200))
            original = cells.get(cell)
            ups, state = make_timeline(rng, cat, kind, created, original is not None, now)
            dup_of = "\\N"
            if state == "duplicate":
                # Same problem, reported again a few metres away, in words close to the original's.
                oid, olng, olat, subj, place = original
                dup_of = str(oid)
                jitter = min(cat[3], 30) / 1000
                lng = olng + gauss(0.0, jitter / 2) / KM_PER_DEG_LNG
                lat = olat + gauss(0.0, jitter / 2) / KM_PER_DEG_LAT
                if rnd() < 0.5:
                    place = place.split(",")[0] + ", " + QUALIFIERS[int(rnd() * len(QUALIFIERS))]
                dup_count += 1
            else:
                subj = int(rnd() * len(cat[5]))
                street = STREETS[int(rnd() * len(STREETS))]
                r = rnd()
                if r < 0.25:
                    place = street + ", " + QUALIFIERS[int(rnd() * len(QUALIFIERS))]
                elif r < 0.35:
                    place = street + " angolo " + STREETS[int(rnd() * len(STREETS))]
                else:
                    place = street
            lng, lat = round(lng, 7), round(lat, 7)
            title = cat[5][subj].replace("{}", place)
            if len(title) > 120:
                title = title[:120].rstrip()
            if state != "duplicate":
                cells[cell] = (report_id, lng, lat, subj, place)
            parts = [OPENERS[int(rnd() * len(OPENERS))]]
            if rnd() < 0.7:
                parts.append(cat[6][int(rnd() * len(cat[6]))])
            if rnd() < 0.6:
                parts.append(DETAILS[int(rnd() * len(DETAILS))])
            if rnd() < 0.8:
                parts.append(CLOSINGS[int(rnd() * len(CLOSINGS))])
            description = " ".join(parts)
            public = "f" if cat[1] == PRIVATE_CATEGORY or rnd() < 0.09 else "t"
            created_s = ts(created)
            year = day_str[created // DAY][1]
            n = last_receipt.get(year, 0) + 1
            last_receipt[year] = n
            states[state] = states.get(state, 0) + 1
            reports.add(
                f"{report_id}\tSEG-{year:04d}-{n:06d}\t{kind}\t{state}\t{ci + 1}\t{office + 1}\t"
                f"{district_of(lng, lat) if area else no_area}\t{dup_of}\t"
                f"{pack(1, 0x20000001, 4326, lng, lat).hex()}\t{title}\t"
                f"{description}\t{public}\t{created_s}\t{ts(ups[-1][7])}\t{created_s}\n")
            for fr, to, note, upub, akind, actor, oid_, at in ups:
                update_id += 1
                updates.add(
                    f"{update_id}\t{report_id}\t{fr or chr(92) + 'N'}\t{to or chr(92) + 'N'}\t"
                    f"{note if note is not None else chr(92) + 'N'}\t{'t' if upub else 'f'}\t{akind}\t{actor}\t"
                    f"{oid_ if oid_ is not None else chr(92) + 'N'}\t{created_s if at == created else ts(at)}\n")
            if report_id >= next_progress and args.progress:
                el = time.monotonic() - t0
                print(f"synthetic: {report_id:,} reports, {update_id:,} updates, {el:.0f} s "
                      f"({(report_id + update_id) / el:,.0f} rows/s)", file=sys.stderr)
                next_progress += args.progress
    reports.close()
    updates.close()
    gen_s = time.monotonic() - t0
    run_sql(args.db, args.out, "finish.sql", finish_sql(last_receipt, report_id, update_id))
    print(f"synthetic: {report_id:,} reports and {update_id:,} timeline rows in {gen_s:.1f} s "
          f"({(report_id + update_id) / max(gen_s, 1e-9):,.0f} rows/s); {years} years from "
          f"{time.strftime('%Y-%m-%d', time.gmtime(start_day * DAY))}; {dup_count:,} duplicates; "
          f"{len(cells):,} cells remembered", file=sys.stderr)
    print("synthetic: states " + ", ".join(f"{s} {c:,}" for s, c in sorted(states.items(), key=lambda x: -x[1])),
          file=sys.stderr)
    print("synthetic: receipts per year " + ", ".join(f"{y} {n:,}" for y, n in sorted(last_receipt.items())),
          file=sys.stderr)
    # Machine-readable, for load_synthetic.sh.
    print(f"ROWS {report_id} {update_id} {gen_s:.3f}")


PGBENCH_STREETS = 24  # the first streets of STREETS, in the searched texts


def pgbench_vars() -> str:
    """The \\set lines of bench/sql/duplicates.sql: a point near a town (picked by population, as the reports
    are), a category, its radius and a text like a title of that category."""
    total = sum(t[3] for t in TOWNS)
    lat_cases, lng_cases, sig_cases, acc = [], [], [], 0
    for i, t in enumerate(TOWNS):
        acc += t[3]
        bound = round(acc / total * 10000)
        last = i == len(TOWNS) - 1
        cond = "else" if last else f"when :t <= {bound} then"
        lat_cases.append(f"{cond} {t[1]}")
        lng_cases.append(f"{cond} {t[2]}")
        sig_cases.append(f"{cond} {town_sigma_km(t[3]):.2f}")

    def case(lines: list[str]) -> str:
        out, line = [], "  case"
        for part in lines:
            if len(line) + len(part) + 1 > 110:
                out.append(line + " \\")
                line = "   "
            line += " " + part
        out.append(line + " end")
        return "\n".join(out)

    radius = [f"when :cat = {i + 1} then {c[3]}" for i, c in enumerate(CATEGORIES) if c[3] != 250] + ["else 250"]
    return "\n".join([
        "\\set t random(1, 10000)",
        "\\set gx random_gaussian(-3000, 3000, 3.0)",
        "\\set gy random_gaussian(-3000, 3000, 3.0)",
        "\\set sig \\", case(sig_cases),
        f"\\set lat :sig * :gy / 1000.0 / {KM_PER_DEG_LAT} + \\", case(lat_cases),
        f"\\set lng :sig * :gx / 1000.0 / {KM_PER_DEG_LNG} + \\", case(lng_cases),
        f"\\set cat random(1, {len(CATEGORIES)})",
        "\\set radius \\", case(radius),
        f"\\set street random(1, {PGBENCH_STREETS})",
    ]) + "\n"


def pgbench_text_sql(indent: int = 13) -> str:
    """The SQL expression of the searched text: the category's first title with a random street, lower-cased
    (lines broken between array items, never inside a literal)."""
    subjects = [sql_str(c[5][0].replace("{}", "").lower()) for c in CATEGORIES]
    streets = [sql_str(s.lower()) for s in STREETS[:PGBENCH_STREETS]]
    items = ["(array[" + subjects[0]] + subjects[1:-1] + [subjects[-1] + "])[:cat]", "|| (array[" + streets[0]]
    items += streets[1:-1] + [streets[-1] + "])[:street]"]
    lines, line = [], "("
    for i, item in enumerate(items):
        sep = "" if i == 0 else " " if item.startswith("||") or items[i - 1].endswith("]") else ", "
        if len(line) + len(sep) + len(item) > 104 - indent:
            lines.append(line + sep.rstrip())
            line, sep = "", ""
        line += sep + item
    lines.append(line + ")")
    return ("\n" + " " * indent).join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reports", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--now", default=DEFAULT_NOW, help="the data's today (ISO 8601; default %(default)s)")
    p.add_argument("--years", type=int, default=3, help="at least this many years (default 3)")
    p.add_argument("--db", help="a database URL: stream into it with psql (see the module doc)")
    p.add_argument("--out", help="a folder: write report.tsv, report_update.tsv, setup.sql, finish.sql there")
    p.add_argument("--no-area", action="store_true",
                   help="leave area_id null (for setting it afterwards with an UPDATE, to compare)")
    p.add_argument("--progress", type=int, default=0, help="print progress every N reports")
    p.add_argument("--pgbench-vars", action="store_true", help="print the \\set lines of duplicates.sql")
    p.add_argument("--pgbench-text", action="store_true", help="print the text expression of duplicates.sql")
    args = p.parse_args()
    if args.pgbench_vars:
        sys.stdout.write(pgbench_vars())
        return
    if args.pgbench_text:
        print(pgbench_text_sql())
        return
    if bool(args.db) == bool(args.out):
        p.error("give one of --db URL or --out DIR")
    if args.reports < 1:
        p.error("--reports must be positive")
    generate(args)


if __name__ == "__main__":
    main()
