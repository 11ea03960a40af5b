//! The public map at scale: tile addresses, the filters of a view, and the compact encoding of a tile's
//! answer (clusters or pins), shared by the server that writes it and the browser that reads it.
//!
//! Positions travel as integer Web Mercator world coordinates at level 26 (`2^26` per axis, ~0.6 m at the
//! equator), the same integers the database stores (`report.mx`, `report.my`, migration 0014): a report belongs
//! to exactly one cell at every level, so cluster counts add up and no pin appears in two tiles.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::geo::BBox;
use crate::report::{ReceiptCode, ReportKind, ReportState, StateCounts};
use crate::validation::{Field, Rule, ValidationError};

/// Bits per axis of the world coordinates.
pub const WORLD_BITS: u32 = 26;
/// The deepest zoom a tile may be asked for (Leaflet's usual maximum is 19).
pub const MAX_ZOOM: u8 = 20;
/// Up to this zoom a dense tile is answered with clusters (cells of zoom + 2: 4 × 4 per tile, 64 px apart);
/// from the next, with single reports.
pub const CLUSTER_MAX_ZOOM: u8 = 15;
/// The cell levels the database keeps counts for (migration 0014): every other level, from a region's size down
/// to ~600 m. Each costs every write one more row per table.
pub const STORED_LEVELS: [u8; 5] = [8, 10, 12, 14, 16];
/// The levels of the counts split by every filter (`map_cell_detail`): fewer, as each costs every write a row of
/// the wider table; filtered views sum 4 or 16 of their cells into one.
pub const DETAIL_LEVELS: [u8; 3] = [8, 12, 16];
/// The finest cluster level (cells of ~600 m; a zoom-15 tile shows 2 × 2 of them).
pub const MAX_LEVEL: u8 = 16;
/// A tile with at most this many matching reports shows them as pins at any zoom (no point in clustering a
/// village's dozen reports).
pub const SPARSE_PINS: u32 = 24;
/// The hard cap of pins in one answer. Past it the answer says so (the list view shows them all).
pub const PIN_CAP: usize = 1500;
/// A view asks for at most this many tiles.
pub const MAX_TILES_PER_VIEW: usize = 64;

/// World x of a longitude (as SQL's `map_wx`).
pub fn world_x(lng: f64) -> u32 {
    let v = ((lng + 180.0) / 360.0 * (1u64 << WORLD_BITS) as f64).floor();
    v.clamp(0.0, ((1u64 << WORLD_BITS) - 1) as f64) as u32
}

/// World y of a latitude (as SQL's `map_wy`; north is 0).
pub fn world_y(lat: f64) -> u32 {
    let lat = lat.clamp(-85.051_128_779_8, 85.051_128_779_8).to_radians();
    let v = ((1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * (1u64 << WORLD_BITS) as f64).floor();
    v.clamp(0.0, ((1u64 << WORLD_BITS) - 1) as f64) as u32
}

/// Longitude of a (fractional) world x.
pub fn lng_of(wx: f64) -> f64 {
    wx / (1u64 << WORLD_BITS) as f64 * 360.0 - 180.0
}

/// Latitude of a (fractional) world y.
pub fn lat_of(wy: f64) -> f64 {
    (PI * (1.0 - 2.0 * wy / (1u64 << WORLD_BITS) as f64))
        .sinh()
        .atan()
        .to_degrees()
}

/// Interleaves the bits of x (even positions) and y (odd ones): the Morton code, as SQL's `map_morton`.
pub fn morton(x: u32, y: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = u64::from(v);
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        (v | (v << 1)) & 0x5555_5555_5555_5555
    }
    spread(x) | (spread(y) << 1)
}

/// A map tile: the square `x, y` of the `2^z × 2^z` grid of zoom `z` (the slippy-map convention: `y` grows
/// southwards).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tile {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl Tile {
    pub fn new(z: i64, x: i64, y: i64) -> Result<Self, ValidationError> {
        if !(0..=i64::from(MAX_ZOOM)).contains(&z) {
            return Err(ValidationError::new(
                Field::Zoom,
                Rule::OutOfRange {
                    min: 0.0,
                    max: f64::from(MAX_ZOOM),
                },
            ));
        }
        let side = 1i64 << z;
        if !(0..side).contains(&x) || !(0..side).contains(&y) {
            return Err(ValidationError::new(
                Field::Tile,
                Rule::OutOfRange {
                    min: 0.0,
                    max: (side - 1) as f64,
                },
            ));
        }
        Ok(Self {
            z: z as u8,
            x: x as u32,
            y: y as u32,
        })
    }

    /// Parses the three parts of `z/x/y` as they come in a path.
    pub fn parse(z: &str, x: &str, y: &str) -> Result<Self, ValidationError> {
        let z = z
            .parse::<i64>()
            .map_err(|_| ValidationError::new(Field::Zoom, Rule::NotANumber))?;
        let number = |s: &str| {
            s.parse::<i64>()
                .map_err(|_| ValidationError::new(Field::Tile, Rule::NotANumber))
        };
        Self::new(z, number(x)?, number(y)?)
    }

    /// The tile's key among the tiles of its zoom (its cell key at level `z`).
    pub fn morton(self) -> u64 {
        morton(self.x, self.y)
    }

    /// The world coordinates of the tile's north-west corner, and its side, in world units.
    pub fn origin(self) -> (u32, u32, u32) {
        let shift = WORLD_BITS - u32::from(self.z);
        (self.x << shift, self.y << shift, 1 << shift)
    }

    /// The half-open range of level-26 Morton codes of the points inside the tile.
    pub fn world_range(self) -> (u64, u64) {
        let shift = 2 * (WORLD_BITS - u32::from(self.z));
        (self.morton() << shift, (self.morton() + 1) << shift)
    }

    /// The tile's clusters: the level of their cells (`z + 2`, at most [`MAX_LEVEL`]), the stored level they
    /// are read from (the same or the next finer one), and the half-open range of the tile's keys at that stored
    /// level. Cells of the cluster level are the stored keys shifted right by `2 × (stored − level)`.
    pub fn cluster_cells(self) -> (u8, u8, u64, u64) {
        self.cells_in(&STORED_LEVELS)
    }

    /// As [`Tile::cluster_cells`], read from one of `levels` (ascending, ending at [`MAX_LEVEL`]).
    pub fn cells_in(self, levels: &[u8]) -> (u8, u8, u64, u64) {
        let level = (self.z + 2).min(MAX_LEVEL);
        let stored = levels.iter().copied().find(|l| *l >= level).unwrap_or(MAX_LEVEL);
        if stored >= self.z {
            let shift = 2 * u32::from(stored - self.z);
            (
                level,
                stored,
                self.morton() << shift,
                (self.morton() + 1) << shift,
            )
        } else {
            let shift = 2 * u32::from(self.z - stored);
            (
                level,
                stored,
                self.morton() >> shift,
                (self.morton() >> shift) + 1,
            )
        }
    }

    /// Whether the tile overlaps the cell of level 16 with key `q16` (what a write notification names).
    pub fn touches_cell16(self, q16: u64) -> bool {
        if self.z <= 16 {
            q16 >> (2 * (16 - u32::from(self.z))) == self.morton()
        } else {
            self.morton() >> (2 * (u32::from(self.z) - 16)) == q16
        }
    }

    /// The tile's corners as a rectangle of longitudes and latitudes.
    pub fn bbox(self) -> BBox {
        let (x0, y0, side) = self.origin();
        let (x1, y1) = (f64::from(x0) + f64::from(side), f64::from(y0) + f64::from(side));
        BBox::new(
            lng_of(f64::from(x0)),
            lat_of(y1),
            lng_of(x1),
            lat_of(f64::from(y0)),
        )
        .unwrap_or_else(|_| unreachable_bbox())
    }

    /// The tiles of zoom `z` covering `view`, at most [`MAX_TILES_PER_VIEW`] (`None` past it: zoom in).
    pub fn covering(view: &BBox, z: u8) -> Option<Vec<Tile>> {
        let shift = WORLD_BITS - u32::from(z.min(MAX_ZOOM));
        let (x0, x1) = (world_x(view.west()) >> shift, world_x(view.east()) >> shift);
        let (y0, y1) = (world_y(view.north()) >> shift, world_y(view.south()) >> shift);
        let count = (u64::from(x1 - x0) + 1) * (u64::from(y1 - y0) + 1);
        if count > MAX_TILES_PER_VIEW as u64 {
            return None;
        }
        let mut out = Vec::with_capacity(count as usize);
        for y in y0..=y1 {
            for x in x0..=x1 {
                out.push(Tile { z, x, y });
            }
        }
        Some(out)
    }
}

fn unreachable_bbox() -> BBox {
    // Every tile's corners are valid coordinates; this is only the type system's due.
    BBox::new(-180.0, -85.0, 180.0, 85.0).unwrap_or_else(|_| panic!("constant rectangle"))
}

/// Which states a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateFilter {
    #[default]
    All,
    /// Still to be done by the office.
    Open,
    /// What the administration fixed: resolved and closed.
    Resolved,
}

impl StateFilter {
    pub const ALL: [StateFilter; 3] = [Self::All, Self::Open, Self::Resolved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::All => "tutte",
            Self::Open => "aperte",
            Self::Resolved => "risolte",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s).or(match s {
            "all" => Some(Self::All),
            "open" => Some(Self::Open),
            "resolved" => Some(Self::Resolved),
            _ => None,
        })
    }

    pub fn admits(self, state: ReportState) -> bool {
        match self {
            Self::All => true,
            Self::Open => state.is_open(),
            Self::Resolved => state.is_resolved(),
        }
    }

    /// The states shown, in [`ReportState::ALL`] order.
    pub fn states(self) -> Vec<ReportState> {
        ReportState::ALL.into_iter().filter(|s| self.admits(*s)).collect()
    }
}

/// A calendar month (UTC), the unit of the period filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Month {
    pub year: u16,
    pub month: u8,
}

impl Month {
    /// The month a day is in.
    pub fn of_date(d: chrono::NaiveDate) -> Self {
        use chrono::Datelike;
        Month {
            year: u16::try_from(d.year()).unwrap_or(2000),
            month: u8::try_from(d.month()).unwrap_or(1),
        }
    }

    /// `YYYY-MM`, years 2000–2099.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let err = || {
            ValidationError::new(
                Field::DateRange,
                Rule::Format {
                    expected: "2026-03".into(),
                },
            )
        };
        let (y, m) = s.trim().split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(err());
        }
        let year: u16 = y.parse().map_err(|_| err())?;
        let month: u8 = m.parse().map_err(|_| err())?;
        if !(2000..=2099).contains(&year) || !(1..=12).contains(&month) {
            return Err(err());
        }
        Ok(Self { year, month })
    }

    /// Months since January 2000 (SQL's `map_month`).
    pub fn index(self) -> i16 {
        (i16::try_from(self.year).unwrap_or(2000) - 2000) * 12 + i16::from(self.month) - 1
    }

    /// The first instant of the month, `YYYY-MM-01T00:00:00Z`.
    pub fn start_rfc3339(self) -> String {
        format!("{:04}-{:02}-01T00:00:00Z", self.year, self.month)
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The longest text search accepted.
pub const SEARCH_MAX_CHARS: usize = 100;

/// The filters of a map or list view. In URLs (Italian names, as the pages): `tipo`, `categoria`, `ufficio`,
/// `stato` (`tutte`, `aperte`, `risolte`), `dal`, `al` (`YYYY-MM`, both included), `quartiere`, `q`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct MapFilter {
    pub kind: Option<ReportKind>,
    pub category: Option<i32>,
    pub office: Option<i32>,
    pub state: StateFilter,
    pub from: Option<Month>,
    pub to: Option<Month>,
    pub district: Option<i32>,
    /// Words to find in titles and descriptions, or (part of) a receipt code.
    pub text: Option<String>,
}

/// The parameter names of [`MapFilter`], in their canonical order.
pub const FILTER_PARAMS: [&str; 8] = [
    "tipo",
    "categoria",
    "ufficio",
    "stato",
    "dal",
    "al",
    "quartiere",
    "q",
];

impl MapFilter {
    /// Reads the filters from query pairs. Other names are left to the caller (map position, page, language);
    /// a filter given twice, an unknown value or a malformed one is an error naming it. Empty values mean
    /// "no filter" (what an HTML form sends for an untouched select).
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ValidationError> {
        let mut f = Self::default();
        let mut seen = [false; FILTER_PARAMS.len()];
        let id = |field: Field, v: &str| {
            v.parse::<i32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))
        };
        for (name, value) in pairs {
            let Some(i) = FILTER_PARAMS.iter().position(|p| *p == name) else {
                continue;
            };
            let field = match i {
                0 => Field::Kind,
                1 => Field::Category,
                2 => Field::Office,
                3 => Field::State,
                4 | 5 => Field::DateRange,
                6 => Field::District,
                _ => Field::Search,
            };
            if std::mem::replace(&mut seen[i], true) {
                return Err(ValidationError::new(field, Rule::Repeated));
            }
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match i {
                0 => {
                    f.kind = Some(
                        ReportKind::ALL
                            .into_iter()
                            .find(|k| k.as_str() == value)
                            .ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))?,
                    )
                }
                1 => f.category = Some(id(field, value)?),
                2 => f.office = Some(id(field, value)?),
                3 => {
                    f.state = StateFilter::parse(value)
                        .ok_or_else(|| ValidationError::new(field, Rule::UnknownValue))?
                }
                4 => f.from = Some(Month::parse(value)?),
                5 => f.to = Some(Month::parse(value)?),
                6 => f.district = Some(id(field, value)?),
                _ => {
                    if value.chars().count() > SEARCH_MAX_CHARS {
                        return Err(ValidationError::new(
                            field,
                            Rule::TooLong {
                                max: SEARCH_MAX_CHARS,
                            },
                        ));
                    }
                    let words = value.split_whitespace().collect::<Vec<_>>().join(" ");
                    f.text = Some(crate::validation::search_text(&words));
                }
            }
        }
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a > b
        {
            return Err(ValidationError::new(Field::DateRange, Rule::Inverted));
        }
        Ok(f)
    }

    /// Reads the filters from a query string (`a=1&b=2`, percent-encoded).
    pub fn from_query(query: &str) -> Result<Self, ValidationError> {
        let pairs = parse_query(query);
        Self::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The filters as query pairs in canonical order, only those set: the same filters give the same string
    /// (cache keys, shared links).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(k) = self.kind {
            out.push(("tipo", k.as_str().to_owned()));
        }
        if let Some(c) = self.category {
            out.push(("categoria", c.to_string()));
        }
        if let Some(o) = self.office {
            out.push(("ufficio", o.to_string()));
        }
        if self.state != StateFilter::All {
            out.push(("stato", self.state.as_str().to_owned()));
        }
        if let Some(m) = self.from {
            out.push(("dal", m.to_string()));
        }
        if let Some(m) = self.to {
            out.push(("al", m.to_string()));
        }
        if let Some(d) = self.district {
            out.push(("quartiere", d.to_string()));
        }
        if let Some(t) = &self.text {
            out.push(("q", t.clone()));
        }
        out
    }

    /// [`MapFilter::pairs`] as a query string (without `?`), percent-encoded.
    pub fn to_query(&self) -> String {
        encode_pairs(self.pairs().iter().map(|(k, v)| (*k, v.as_str())))
    }

    /// The query string (with `?`, or empty) of the feeds narrowed like this view: its district and category.
    pub fn feed_query(&self) -> String {
        let d = self.district.map(|d| d.to_string());
        let c = self.category.map(|c| c.to_string());
        let q = encode_pairs(
            [("quartiere", d.as_deref()), ("categoria", c.as_deref())]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v))),
        );
        if q.is_empty() { q } else { format!("?{q}") }
    }

    /// Whether only the state is filtered: the per-state counts answer it.
    pub fn is_plain(&self) -> bool {
        Self {
            state: StateFilter::All,
            ..self.clone()
        } == Self::default()
    }
}

/// Splits a query string into decoded pairs (`+` is a space).
pub fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes pairs into a query string (unreserved characters kept).
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    fn enc(s: &str, out: &mut String) {
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else if b == b' ' {
                out.push('+');
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        enc(k, &mut out);
        out.push('=');
        enc(v, &mut out);
    }
    out
}

/// The values the filters offer (by id and name), for the filter form.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FilterChoices {
    pub categories: Vec<(i32, String)>,
    pub offices: Vec<(i32, String)>,
    pub districts: Vec<(i32, String)>,
}

/// A page of reports for the list view (newest first), with the cursor of the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportList {
    pub items: Vec<crate::report::MapPin>,
    /// Where the next page starts (`dopo=` in the address), when there is one.
    pub next: Option<String>,
    /// When the server answered: ages are counted from here.
    pub now: chrono::DateTime<chrono::Utc>,
}

/// A group of reports drawn as one circle, at the mean position of its reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    pub lat: f64,
    pub lng: f64,
    pub count: u32,
    /// How many in each state.
    pub by_state: StateCounts,
}

/// One report on the map. Its title and the rest come from the report's own address when a popup opens.
#[derive(Debug, Clone, PartialEq)]
pub struct TilePin {
    pub code: String,
    pub lat: f64,
    pub lng: f64,
    pub state: ReportState,
}

/// A tile's answer, decoded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TileData {
    /// The matching reports in the tile.
    pub total: u32,
    pub clusters: Vec<Cluster>,
    pub pins: Vec<TilePin>,
    /// More pins than [`PIN_CAP`]: only the first were sent.
    pub truncated: bool,
}

/// A cluster to encode, in world coordinates: the sums of its reports' positions and the counts by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CellCount {
    pub sum_x: i64,
    pub sum_y: i64,
    pub by_state: StateCounts,
}

impl CellCount {
    pub fn count(&self) -> u32 {
        self.by_state.total()
    }
}

/// A pin to encode: receipt code as a number (`year × 10^6 + number`), world position, state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinRow {
    pub code: i64,
    pub wx: u32,
    pub wy: u32,
    pub state: ReportState,
}

/// Bits dropped from tile-relative positions: 4,096 steps across a tile is finer than a screen pixel.
fn rel_shift(z: u8) -> u32 {
    (WORLD_BITS - u32::from(z)).saturating_sub(12)
}

/// The wire format of a tile, JSON with flat arrays of integers (no GeoJSON: ~20 bytes a pin, ~8 gzipped):
///
/// `{"n":total,"t":truncated,"c":[x,y,s0..s8, …],"p":[code,x,y,state, …]}`
///
/// - positions are relative to the tile's north-west corner, in 1/4,096 of its side (finer, to the world
///   grid, from zoom 15);
/// - `c` holds 11 numbers per cluster: its mean position and its count in each of the 9 states;
/// - `p` holds 4 numbers per pin, sorted by receipt code; the code is `year × 10^6 + number`, written as the
///   difference from the previous pin's (the first as is); the state is its index in [`ReportState::ALL`].
pub fn encode_tile(
    tile: Tile,
    total: u32,
    clusters: &[CellCount],
    pins: &[PinRow],
    truncated: bool,
) -> String {
    use std::fmt::Write;
    let (ox, oy, _) = tile.origin();
    let shift = rel_shift(tile.z);
    let mut s = String::with_capacity(32 + clusters.len() * 40 + pins.len() * 22);
    let _ = write!(s, "{{\"n\":{total},\"t\":{},\"c\":[", u8::from(truncated));
    let mut first = true;
    for c in clusters {
        let n = i64::from(c.count().max(1));
        let rx = ((c.sum_x / n) - i64::from(ox)).max(0) >> shift;
        let ry = ((c.sum_y / n) - i64::from(oy)).max(0) >> shift;
        if !std::mem::take(&mut first) {
            s.push(',');
        }
        let _ = write!(s, "{rx},{ry}");
        for (_, k) in c.by_state.iter() {
            let _ = write!(s, ",{k}");
        }
    }
    s.push_str("],\"p\":[");
    let mut prev = 0i64;
    for (i, p) in pins.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let rx = (p.wx.saturating_sub(ox)) >> shift;
        let ry = (p.wy.saturating_sub(oy)) >> shift;
        let _ = write!(s, "{},{rx},{ry},{}", p.code - prev, p.state.index());
        prev = p.code;
    }
    s.push_str("]}");
    s
}

#[derive(Deserialize)]
struct Wire {
    n: u32,
    t: u8,
    c: Vec<u64>,
    p: Vec<i64>,
}

/// Reads what [`encode_tile`] wrote for `tile`.
pub fn decode_tile(tile: Tile, text: &str) -> Result<TileData, String> {
    let w: Wire = serde_json::from_str(text).map_err(|e| e.to_string())?;
    if !w.c.len().is_multiple_of(11) || !w.p.len().is_multiple_of(4) {
        return Err("malformed tile".into());
    }
    let (ox, oy, _) = tile.origin();
    let shift = rel_shift(tile.z);
    let half = f64::from((1u32 << shift) / 2);
    let place = |rx: i64, ry: i64| {
        let wx = f64::from(ox) + (rx << shift) as f64 + half;
        let wy = f64::from(oy) + (ry << shift) as f64 + half;
        (lat_of(wy), lng_of(wx))
    };
    // A cluster: its position, then its count in each state.
    let clusters =
        w.c.chunks(2 + ReportState::COUNT)
            .map(|c| {
                let (lat, lng) = place(c[0] as i64, c[1] as i64);
                let mut by_state = StateCounts::default();
                for (s, v) in ReportState::ALL.into_iter().zip(&c[2..]) {
                    by_state.add(s, u32::try_from(*v).unwrap_or(u32::MAX));
                }
                Cluster {
                    lat,
                    lng,
                    count: by_state.total(),
                    by_state,
                }
            })
            .collect();
    let mut code = 0i64;
    let mut pins = Vec::with_capacity(w.p.len() / 4);
    for p in w.p.chunks(4) {
        code += p[0];
        let (lat, lng) = place(p[1], p[2]);
        let state = *ReportState::ALL
            .get(usize::try_from(p[3]).map_err(|_| "bad state")?)
            .ok_or("bad state")?;
        let rc = ReceiptCode::new((code / 1_000_000) as u16, (code % 1_000_000) as u32)
            .map_err(|_| "bad receipt code")?;
        pins.push(TilePin {
            code: rc.to_string(),
            lat,
            lng,
            state,
        });
    }
    Ok(TileData {
        total: w.n,
        clusters,
        pins,
        truncated: w.t != 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_coordinates_round_trip_within_a_metre() {
        for (lat, lng) in [(45.4064, 11.8768), (-33.9, 151.2), (0.0, 0.0), (60.0, -120.5)] {
            let (wx, wy) = (world_x(lng), world_y(lat));
            let (lat2, lng2) = (lat_of(f64::from(wy) + 0.5), lng_of(f64::from(wx) + 0.5));
            assert!(
                (lat - lat2).abs() < 1e-5 && (lng - lng2).abs() < 1e-5,
                "{lat},{lng} -> {lat2},{lng2}"
            );
        }
        assert_eq!(world_x(-180.0), 0);
        assert_eq!(world_x(180.0), (1 << 26) - 1);
        assert_eq!(world_y(90.0), 0);
    }

    #[test]
    fn morton_interleaves() {
        assert_eq!(morton(3, 5), 39);
        assert_eq!(morton(0, 0), 0);
        assert_eq!(morton((1 << 26) - 1, (1 << 26) - 1), (1 << 52) - 1);
    }

    #[test]
    fn tiles_validate_and_nest() {
        assert_eq!(Tile::new(21, 0, 0).unwrap_err().field, Field::Zoom);
        assert_eq!(Tile::new(-1, 0, 0).unwrap_err().field, Field::Zoom);
        assert_eq!(Tile::new(3, 8, 0).unwrap_err().field, Field::Tile);
        assert_eq!(Tile::parse("x", "1", "1").unwrap_err().rule, Rule::NotANumber);
        assert_eq!(Tile::parse("3", "1", "1e3").unwrap_err().field, Field::Tile);
        let padova = (world_x(11.8768), world_y(45.4064));
        let t = Tile {
            z: 12,
            x: padova.0 >> 14,
            y: padova.1 >> 14,
        };
        let mq = morton(padova.0, padova.1);
        let (lo, hi) = t.world_range();
        assert!((lo..hi).contains(&mq));
        let (level, stored, clo, chi) = t.cluster_cells();
        assert_eq!((level, stored, chi - clo), (14, 14, 16));
        assert!((clo..chi).contains(&(mq >> (52 - 28))));
        // Odd levels are read from the next finer stored one; small zooms from level 8.
        let odd = Tile {
            z: 11,
            x: t.x >> 1,
            y: t.y >> 1,
        };
        assert_eq!(odd.cluster_cells().0..=odd.cluster_cells().1, 13..=14);
        let (_, _, lo, hi) = odd.cluster_cells();
        assert_eq!(hi - lo, 64);
        let world = Tile { z: 0, x: 0, y: 0 };
        assert_eq!(world.cluster_cells(), (2, 8, 0, 1 << 16));
        let z15 = Tile {
            z: 15,
            x: t.x << 3,
            y: t.y << 3,
        };
        assert_eq!(z15.cluster_cells().0, 16);
        assert_eq!(z15.cluster_cells().3 - z15.cluster_cells().2, 4);
        assert!(t.touches_cell16(mq >> 20));
        let deep = Tile {
            z: 18,
            x: padova.0 >> 8,
            y: padova.1 >> 8,
        };
        assert!(deep.touches_cell16(mq >> 20));
        assert_eq!(deep.cluster_cells().1, MAX_LEVEL);
        assert_eq!(deep.cluster_cells().3 - deep.cluster_cells().2, 1);
        let b = t.bbox();
        assert!(b.west() < 11.8768 && 11.8768 < b.east() && b.south() < 45.4064 && 45.4064 < b.north());
    }

    #[test]
    fn a_view_is_covered_by_few_tiles() {
        let view = BBox::new(11.78, 45.35, 11.97, 45.46).unwrap();
        let tiles = Tile::covering(&view, 13).unwrap();
        assert!((4..=20).contains(&tiles.len()), "{}", tiles.len());
        assert!(Tile::covering(&BBox::new(-180.0, -85.0, 180.0, 85.0).unwrap(), 10).is_none());
        assert_eq!(
            Tile::covering(&BBox::new(-180.0, -85.0, 180.0, 85.0).unwrap(), 0)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn filters_parse_strictly_and_print_canonically() {
        let f =
            MapFilter::from_query("q=buca+via%20Roma&stato=aperte&tipo=problem&dal=2026-01&al=2026-03&z=14")
                .unwrap();
        assert_eq!(f.state, StateFilter::Open);
        assert_eq!(f.text.as_deref(), Some("buca via Roma"));
        assert_eq!(
            f.to_query(),
            "tipo=problem&stato=aperte&dal=2026-01&al=2026-03&q=buca+via+Roma"
        );
        assert_eq!(MapFilter::from_query(&f.to_query()).unwrap(), f);
        assert!(!f.is_plain());
        assert_eq!(f.feed_query(), "");
        assert_eq!(
            MapFilter::from_query("quartiere=3&stato=aperte&categoria=7")
                .unwrap()
                .feed_query(),
            "?quartiere=3&categoria=7"
        );
        assert!(MapFilter::from_query("stato=risolte&lat=45").unwrap().is_plain());
        assert_eq!(
            MapFilter::from_query("stato=aperte&stato=aperte")
                .unwrap_err()
                .rule,
            Rule::Repeated
        );
        assert_eq!(
            MapFilter::from_query("tipo=bomb").unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!(
            MapFilter::from_query("categoria=-1").unwrap_err().field,
            Field::Category
        );
        assert_eq!(
            MapFilter::from_query("categoria=1;drop").unwrap_err().rule,
            Rule::UnknownValue
        );
        assert_eq!(
            MapFilter::from_query("dal=2026-05&al=2026-01").unwrap_err().rule,
            Rule::Inverted
        );
        assert_eq!(
            MapFilter::from_query("dal=2026-13").unwrap_err().field,
            Field::DateRange
        );
        assert!(MapFilter::from_query(&format!("q={}", "a".repeat(101))).is_err());
        assert_eq!(
            MapFilter::from_query("categoria=&stato=").unwrap(),
            MapFilter::default()
        );
        assert_eq!(Month::parse("2000-01").unwrap().index(), 0);
        assert_eq!(Month::parse("2026-11").unwrap().index(), 26 * 12 + 10);
    }

    #[test]
    fn tiles_encode_compactly_and_decode() {
        let t = Tile {
            z: 16,
            x: world_x(11.8768) >> 10,
            y: world_y(45.4064) >> 10,
        };
        let (ox, oy, side) = t.origin();
        let pins: Vec<PinRow> = (0..300)
            .map(|i| PinRow {
                code: 2_026_000_001 + i64::from(i) * 37,
                wx: ox + (i * 7919) % side,
                wy: oy + (i * 104_729) % side,
                state: ReportState::ALL[i as usize % ReportState::COUNT],
            })
            .collect();
        let text = encode_tile(t, 300, &[], &pins, false);
        assert!(text.len() / 300 <= 40, "{} bytes a pin", text.len() / 300);
        let d = decode_tile(t, &text).unwrap();
        assert_eq!(d.pins.len(), 300);
        assert_eq!(d.pins[1].code, "SEG-2026-000038");
        assert_eq!(d.pins[5].state, ReportState::ALL[5]);
        let (lat, lng) = (lat_of(f64::from(pins[7].wy)), lng_of(f64::from(pins[7].wx)));
        assert!((d.pins[7].lat - lat).abs() < 1e-5 && (d.pins[7].lng - lng).abs() < 1e-5);
        let c = CellCount {
            sum_x: i64::from(ox + 100) * 3,
            sum_y: i64::from(oy + 200) * 3,
            by_state: StateCounts([1, 2, 0, 0, 0, 0, 0, 0, 0]),
        };
        let d = decode_tile(t, &encode_tile(t, 3, &[c], &[], false)).unwrap();
        assert_eq!(d.clusters[0].count, 3);
        assert!(decode_tile(t, "{\"n\":1,\"t\":0,\"c\":[1],\"p\":[]}").is_err());
    }
}
