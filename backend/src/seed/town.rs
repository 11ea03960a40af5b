//! The demo municipality's fixed data: Padova's six real districts (quartieri) drawn as hand-made polygons on
//! real coordinates, its offices and categories, and the words reports are made of.

use std::f64::consts::PI;

/// Padova's historic centre (Piazza dei Signori), the centre of the drawing.
pub const CENTER: (f64, f64) = (45.4077, 11.8734);
pub const NAME: &str = "Padova";

const KM_PER_DEG_LAT: f64 = 111.2;
/// At 45.4° N.
const KM_PER_DEG_LNG: f64 = 78.1;

/// Angle step of every ring, in degrees; districts start and end on multiples of it so they tile the boundary.
const STEP_DEG: usize = 5;

/// Distance from the centre to the municipal border at compass bearing `deg` (0 = north, clockwise), in km.
/// Padova's territory (93 km²) is wider east–west than north–south, with a lobe to the south-east.
pub fn border_km(deg: f64) -> f64 {
    let t = deg.to_radians();
    4.9 + 0.9 * (2.0 * t).sin().powi(2) - 0.5 * t.cos()
        + 0.6 * (t - 2.4).cos().max(0.0)
        + 0.25 * (5.0 * t).sin()
}

/// Radius of the Centro district (the walled city), in km.
pub fn centro_km(deg: f64) -> f64 {
    let t = deg.to_radians();
    1.25 + 0.15 * (3.0 * t + 0.5).sin()
}

/// A point at `km` from the centre at bearing `deg`, as (lng, lat).
pub fn offset(deg: f64, km: f64) -> (f64, f64) {
    let t = deg.to_radians();
    (
        CENTER.1 + km * t.sin() / KM_PER_DEG_LNG,
        CENTER.0 + km * t.cos() / KM_PER_DEG_LAT,
    )
}

fn wkt_ring(points: &[(f64, f64)]) -> String {
    let mut ring: Vec<String> = points.iter().map(|(x, y)| format!("{x:.6} {y:.6}")).collect();
    ring.push(ring[0].clone());
    format!("MULTIPOLYGON((({})))", ring.join(", "))
}

/// Counter-clockwise ring at the given radius function, sampled every STEP_DEG.
fn ring(radius: impl Fn(f64) -> f64) -> Vec<(f64, f64)> {
    (0..360 / STEP_DEG)
        .rev()
        .map(|i| {
            let d = (i * STEP_DEG) as f64;
            offset(d, radius(d))
        })
        .collect()
}

/// The municipal boundary as WKT.
pub fn boundary_wkt() -> String {
    wkt_ring(&ring(border_km))
}

/// The districts: (name, WKT). Centro is the inner ring; the others are sectors between it and the border.
pub fn districts() -> Vec<(&'static str, String)> {
    // Sectors by compass bearing, in degrees (multiples of STEP_DEG), covering the full circle.
    const SECTORS: [(&str, usize, usize); 5] = [
        ("Quartiere 2 Nord", 320, 420),
        ("Quartiere 3 Est", 60, 130),
        ("Quartiere 4 Sud-Est", 130, 200),
        ("Quartiere 5 Sud-Ovest", 200, 260),
        ("Quartiere 6 Ovest", 260, 320),
    ];
    let mut out = vec![("Quartiere 1 Centro", wkt_ring(&ring(centro_km)))];
    for (name, from, to) in SECTORS {
        let degs: Vec<f64> = (from..=to).step_by(STEP_DEG).map(|d| (d % 360) as f64).collect();
        // Outer arc clockwise, inner arc back: a counter-clockwise ring in lng/lat.
        let mut pts: Vec<(f64, f64)> = degs.iter().map(|&d| offset(d, border_km(d))).collect();
        pts.extend(degs.iter().rev().map(|&d| offset(d, centro_km(d))));
        pts.reverse();
        out.push((name, wkt_ring(&pts)));
    }
    out
}

/// A point at bearing `deg` and fraction `f` (0 = centre, 1 = border) of the way out.
pub fn point_at(deg: f64, f: f64) -> (f64, f64) {
    offset(deg, border_km(deg) * f)
}

/// Area of the drawn municipality in km², for the docs and a test (Padova: 92.9 km²).
pub fn area_km2() -> f64 {
    let n = 3600;
    let dt = 2.0 * PI / n as f64;
    (0..n)
        .map(|i| {
            let r = border_km(i as f64 * 360.0 / n as f64);
            0.5 * r * r * dt
        })
        .sum()
}

/// Offices: (name, email).
pub const OFFICES: [(&str, &str); 6] = [
    ("Lavori pubblici", "lavori.pubblici@comune.example.it"),
    ("Ambiente e verde", "ambiente@comune.example.it"),
    ("Polizia locale", "polizia.locale@comune.example.it"),
    ("Mobilità e traffico", "mobilita@comune.example.it"),
    ("Servizi sociali", "servizi.sociali@comune.example.it"),
    ("URP – Relazioni con il pubblico", "urp@comune.example.it"),
];

/// A category: office index, name, SLA in days, duplicate radius in metres, relative frequency, and report
/// titles (with `{}` for a street).
pub struct CategorySpec {
    pub office: usize,
    pub name: &'static str,
    pub sla_days: i32,
    pub duplicate_radius_m: i32,
    pub weight: f64,
    pub titles: &'static [&'static str],
}

pub const CATEGORIES: [CategorySpec; 18] = [
    CategorySpec {
        office: 0,
        name: "Buche stradali",
        sla_days: 30,
        duplicate_radius_m: 30,
        weight: 14.0,
        titles: &[
            "Buca profonda in {}",
            "Asfalto dissestato in {}",
            "Avvallamento della carreggiata in {}",
            "Tombino sprofondato in {}",
        ],
    },
    CategorySpec {
        office: 0,
        name: "Marciapiedi",
        sla_days: 45,
        duplicate_radius_m: 30,
        weight: 7.0,
        titles: &[
            "Marciapiede rotto in {}",
            "Cordolo staccato in {}",
            "Radici che sollevano il marciapiede in {}",
        ],
    },
    CategorySpec {
        office: 0,
        name: "Illuminazione pubblica",
        sla_days: 15,
        duplicate_radius_m: 20,
        weight: 10.0,
        titles: &[
            "Lampione spento in {}",
            "Lampione che lampeggia in {}",
            "Tratto di strada al buio in {}",
        ],
    },
    CategorySpec {
        office: 0,
        name: "Edifici e arredo urbano",
        sla_days: 60,
        duplicate_radius_m: 50,
        weight: 3.0,
        titles: &[
            "Panchina rotta in {}",
            "Fontanella che perde acqua in {}",
            "Muro imbrattato in {}",
        ],
    },
    CategorySpec {
        office: 1,
        name: "Verde pubblico e potature",
        sla_days: 30,
        duplicate_radius_m: 50,
        weight: 8.0,
        titles: &[
            "Erba alta nell'aiuola di {}",
            "Siepe che invade il marciapiede in {}",
            "Rami bassi sulla strada in {}",
        ],
    },
    CategorySpec {
        office: 1,
        name: "Parchi e aree gioco",
        sla_days: 30,
        duplicate_radius_m: 50,
        weight: 4.0,
        titles: &[
            "Altalena rotta nel giardino di {}",
            "Cancello del parco guasto in {}",
            "Area giochi da pulire in {}",
        ],
    },
    CategorySpec {
        office: 1,
        name: "Alberi pericolanti",
        sla_days: 5,
        duplicate_radius_m: 30,
        weight: 3.0,
        titles: &["Albero inclinato in {}", "Ramo spezzato che pende in {}"],
    },
    CategorySpec {
        office: 1,
        name: "Rifiuti abbandonati",
        sla_days: 7,
        duplicate_radius_m: 40,
        weight: 11.0,
        titles: &[
            "Rifiuti abbandonati in {}",
            "Ingombranti lasciati sul marciapiede in {}",
            "Sacchi di immondizia accanto ai cassonetti in {}",
        ],
    },
    CategorySpec {
        office: 1,
        name: "Cassonetti e raccolta differenziata",
        sla_days: 7,
        duplicate_radius_m: 30,
        weight: 5.0,
        titles: &[
            "Cassonetto rotto in {}",
            "Cassonetti pieni da giorni in {}",
            "Campana del vetro danneggiata in {}",
        ],
    },
    CategorySpec {
        office: 2,
        name: "Veicoli abbandonati",
        sla_days: 30,
        duplicate_radius_m: 20,
        weight: 3.0,
        titles: &[
            "Auto abbandonata da mesi in {}",
            "Bicicletta abbandonata legata al palo in {}",
        ],
    },
    CategorySpec {
        office: 2,
        name: "Sosta irregolare",
        sla_days: 3,
        duplicate_radius_m: 30,
        weight: 5.0,
        titles: &[
            "Auto in sosta sulle strisce in {}",
            "Sosta sul passo carrabile in {}",
            "Auto parcheggiate sulla pista ciclabile in {}",
        ],
    },
    CategorySpec {
        office: 2,
        name: "Rumori molesti",
        sla_days: 15,
        duplicate_radius_m: 150,
        weight: 2.0,
        titles: &[
            "Musica alta di notte in {}",
            "Rumore di cantiere fuori orario in {}",
        ],
    },
    CategorySpec {
        office: 3,
        name: "Segnaletica stradale",
        sla_days: 30,
        duplicate_radius_m: 30,
        weight: 6.0,
        titles: &[
            "Cartello stradale piegato in {}",
            "Strisce pedonali sbiadite in {}",
            "Segnale di stop coperto dai rami in {}",
        ],
    },
    CategorySpec {
        office: 3,
        name: "Semafori",
        sla_days: 5,
        duplicate_radius_m: 20,
        weight: 3.0,
        titles: &[
            "Semaforo guasto all'incrocio di {}",
            "Semaforo pedonale sempre rosso in {}",
        ],
    },
    CategorySpec {
        office: 3,
        name: "Piste ciclabili",
        sla_days: 45,
        duplicate_radius_m: 50,
        weight: 4.0,
        titles: &[
            "Pista ciclabile interrotta in {}",
            "Buche sulla pista ciclabile di {}",
        ],
    },
    CategorySpec {
        office: 4,
        name: "Barriere architettoniche",
        sla_days: 60,
        duplicate_radius_m: 40,
        weight: 3.0,
        titles: &[
            "Scivolo per carrozzine mancante in {}",
            "Marciapiede senza rampa in {}",
        ],
    },
    CategorySpec {
        office: 4,
        name: "Persone in difficoltà",
        sla_days: 7,
        duplicate_radius_m: 100,
        weight: 1.0,
        titles: &[
            "Persona senza dimora al freddo in {}",
            "Anziano solo che chiede aiuto in {}",
        ],
    },
    CategorySpec {
        office: 5,
        name: "Suggerimenti e apprezzamenti",
        sla_days: 30,
        duplicate_radius_m: 0,
        weight: 4.0,
        titles: &[
            "Proposta di nuove rastrelliere in {}",
            "Grazie per il nuovo giardino in {}",
            "Più panchine in {}",
            "Complimenti per la pulizia di {}",
        ],
    },
];

/// Real streets and squares of Padova.
pub const STREETS: [&str; 40] = [
    "via Roma",
    "via San Francesco",
    "corso Milano",
    "via Belzoni",
    "via Tiziano Aspetti",
    "via Facciolati",
    "corso Stati Uniti",
    "via Chiesanuova",
    "via Bembo",
    "via Guizza",
    "via Venezia",
    "via Forcellini",
    "via Manzoni",
    "piazza delle Erbe",
    "Prato della Valle",
    "via del Santo",
    "riviera Tito Livio",
    "via Cavazzana",
    "via Sorio",
    "via Piovese",
    "via Plebiscito",
    "via Tommaseo",
    "via Gattamelata",
    "via Jacopo Avanzo",
    "corso Australia",
    "via Vicenza",
    "via Montà",
    "via Po",
    "via Bezzecca",
    "via Ariosto",
    "piazzale Stazione",
    "via Dante",
    "via Altinate",
    "via Savonarola",
    "via Palestro",
    "via Goito",
    "via Cernaia",
    "via Armistizio",
    "via Sacro Cuore",
    "via Bernina",
];

pub const DESCRIPTIONS: [&str; 8] = [
    "Segnalo il problema, presente da alcuni giorni. È pericoloso soprattutto la sera per chi passa a piedi o in bici.",
    "Il problema si trova all'altezza del civico indicato sulla mappa. Grazie per l'attenzione.",
    "Passo di qui ogni mattina con i bambini per andare a scuola: chiedo un intervento appena possibile.",
    "Avevo già segnalato a voce ai vigili, ma la situazione non è cambiata.",
    "La situazione peggiora quando piove. Allego la posizione esatta.",
    "Mi permetto di segnalare questa situazione a nome di alcuni residenti della via.",
    "Non è urgente, ma sarebbe utile sistemare prima della bella stagione.",
    "Ringrazio in anticipo per la disponibilità e resto a disposizione per chiarimenti.",
];

/// Staff who sign timeline entries, per office.
pub const STAFF: [&[&str]; 6] = [
    &["ing. M. Rossi", "geom. L. Bianchi", "A. Ferraro"],
    &["dott.ssa G. Conte", "P. Marchetti"],
    &["comm. R. Esposito", "ag. S. Romano", "ag. F. Colombo"],
    &["ing. E. Ricci", "C. Gallo"],
    &["dott.ssa A. Moretti", "V. Greco"],
    &["L. Fontana", "M. Caruso"],
];

/// External contractors work is assigned to, per office (empty: the office's own team).
pub const CONTRACTORS: [&[&str]; 6] = [
    &[
        "Asfalti Veneti S.r.l.",
        "Edilstrade Padova S.p.A.",
        "Elettroservizi Euganei S.r.l.",
    ],
    &["Verde Brenta Soc. Coop.", "Ecoservizi Nord-Est S.r.l."],
    &[],
    &["Segnaletica Stradale Veneta S.r.l."],
    &[],
    &[],
];

/// Streets and places of the demo gazetteer: (kind, name, WKT). A few follow their real course through the
/// centre; the other streets of [`STREETS`] are short lines drawn where the demo's reports use them.
pub fn gazetteer() -> Vec<(&'static str, &'static str, String)> {
    type Entry = (&'static str, &'static str, &'static [(f64, f64)]);
    const REAL: [Entry; 11] = [
        (
            "street",
            "via Roma",
            &[(45.4063, 11.8766), (45.4043, 11.8764), (45.4023, 11.8760)],
        ),
        (
            "street",
            "via del Santo",
            &[(45.4041, 11.8790), (45.4028, 11.8797), (45.4016, 11.8803)],
        ),
        (
            "street",
            "via Altinate",
            &[(45.4081, 11.8785), (45.4086, 11.8817), (45.4090, 11.8850)],
        ),
        (
            "street",
            "corso Milano",
            &[(45.4098, 11.8700), (45.4102, 11.8670), (45.4105, 11.8640)],
        ),
        (
            "street",
            "riviera Tito Livio",
            &[(45.4055, 11.8790), (45.4042, 11.8791), (45.4030, 11.8790)],
        ),
        ("place", "Prato della Valle", &[(45.3985, 11.8765)]),
        ("place", "piazza delle Erbe", &[(45.4074, 11.8762)]),
        ("place", "piazzale Stazione", &[(45.4177, 11.8804)]),
        ("place", "Basilica di Sant'Antonio", &[(45.4014, 11.8809)]),
        ("place", "Cappella degli Scrovegni", &[(45.4115, 11.8797)]),
        ("place", "Specola", &[(45.4030, 11.8680)]),
    ];
    let wkt = |pts: &[(f64, f64)]| {
        if pts.len() == 1 {
            format!("POINT({:.6} {:.6})", pts[0].1, pts[0].0)
        } else {
            let coords: Vec<String> = pts
                .iter()
                .map(|(lat, lng)| format!("{lng:.6} {lat:.6}"))
                .collect();
            format!("LINESTRING({})", coords.join(", "))
        }
    };
    let mut out: Vec<(&str, &str, String)> = REAL.iter().map(|(k, n, p)| (*k, *n, wkt(p))).collect();
    for (i, name) in STREETS.iter().enumerate() {
        if out.iter().any(|(_, n, _)| n == name) {
            continue;
        }
        let deg = (i as f64 * 137.5) % 360.0;
        let f = 0.15 + 0.7 * ((i as f64 * 0.618) % 1.0);
        let (lng, lat) = point_at(deg, f);
        let bearing = ((i * 53) % 180) as f64;
        let (dx, dy) = (
            0.6 * bearing.to_radians().sin() / KM_PER_DEG_LNG,
            0.6 * bearing.to_radians().cos() / KM_PER_DEG_LAT,
        );
        let kind = if name.starts_with("piazza") || name.starts_with("Prato") {
            "place"
        } else {
            "street"
        };
        let pts = if kind == "place" {
            vec![(lat, lng)]
        } else {
            vec![(lat, lng), (lat + dy, lng + dx)]
        };
        out.push((kind, name, wkt(&pts)));
    }
    out
}
