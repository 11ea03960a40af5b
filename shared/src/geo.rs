//! Coordinates in WGS 84 (EPSG:4326) that reject impossible values.

use serde::{Deserialize, Serialize};

use crate::validation::{Field, Rule, ValidationError};

/// A point on Earth. Construct it with [`LatLng::new`], which rejects impossible coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLng {
    lat: f64,
    lng: f64,
}

fn check(field: Field, value: f64, limit: f64) -> Result<f64, ValidationError> {
    if !value.is_finite() {
        return Err(ValidationError::new(field, Rule::NotANumber));
    }
    if !(-limit..=limit).contains(&value) {
        return Err(ValidationError::new(
            field,
            Rule::OutOfRange {
                min: -limit,
                max: limit,
            },
        ));
    }
    Ok(value)
}

impl LatLng {
    /// Latitude in `[-90, 90]`, longitude in `[-180, 180]`, both finite.
    pub fn new(lat: f64, lng: f64) -> Result<Self, ValidationError> {
        Ok(Self {
            lat: check(Field::Latitude, lat, 90.0)?,
            lng: check(Field::Longitude, lng, 180.0)?,
        })
    }

    pub fn lat(self) -> f64 {
        self.lat
    }

    pub fn lng(self) -> f64 {
        self.lng
    }
}

/// A rectangle of the map: the area a viewport shows. Does not cross the antimeridian (no Italian town does).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    south_west: LatLng,
    north_east: LatLng,
}

impl BBox {
    /// Corners in the order `west, south, east, north` (the order of OGC and of Leaflet's `toBBoxString`).
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<Self, ValidationError> {
        let south_west = LatLng::new(south, west)?;
        let north_east = LatLng::new(north, east)?;
        if south > north || west > east {
            return Err(ValidationError::new(Field::Bbox, Rule::CornersOrder));
        }
        Ok(Self {
            south_west,
            north_east,
        })
    }

    /// Parses `"west,south,east,north"`, e.g. `"11.80,45.35,11.95,45.45"`.
    pub fn parse(s: &str) -> Result<Self, ValidationError> {
        let format = || {
            ValidationError::new(
                Field::Bbox,
                Rule::Format {
                    expected: "11.80,45.35,11.95,45.45".into(),
                },
            )
        };
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if s.trim().is_empty() {
            return Err(ValidationError::new(Field::Bbox, Rule::Required));
        }
        if parts.len() != 4 {
            return Err(format());
        }
        let mut n = [0.0_f64; 4];
        for (slot, part) in n.iter_mut().zip(&parts) {
            *slot = part.parse::<f64>().map_err(|_| format())?;
        }
        Self::new(n[0], n[1], n[2], n[3])
    }

    pub fn west(&self) -> f64 {
        self.south_west.lng()
    }
    pub fn south(&self) -> f64 {
        self.south_west.lat()
    }
    pub fn east(&self) -> f64 {
        self.north_east.lng()
    }
    pub fn north(&self) -> f64 {
        self.north_east.lat()
    }

    /// The centre of the rectangle.
    pub fn center(&self) -> LatLng {
        LatLng {
            lat: (self.south() + self.north()) / 2.0,
            lng: (self.west() + self.east()) / 2.0,
        }
    }

    /// Whether `p` lies inside (borders included).
    pub fn contains(&self, p: LatLng) -> bool {
        (self.south()..=self.north()).contains(&p.lat()) && (self.west()..=self.east()).contains(&p.lng())
    }

    /// Formats as `"west,south,east,north"`, the inverse of [`BBox::parse`]. Six decimals (~10 cm) are plenty.
    pub fn to_param(&self) -> String {
        format!(
            "{:.6},{:.6},{:.6},{:.6}",
            self.west(),
            self.south(),
            self.east(),
            self.north()
        )
    }
}

/// Whether `p` lies inside any of `rings` (closed or not, each a list of `(lat, lng)`), by the even–odd rule.
///
/// The browser uses it on the outline the map already has, to tell at once that a point is outside the
/// municipality; the server checks again in PostGIS, whose answer is the one that counts (it also knows holes).
/// Twenty lines instead of the `geo` crate: the public bundle pays for what it uses.
pub fn inside_rings(rings: &[Vec<(f64, f64)>], p: LatLng) -> bool {
    rings.iter().any(|ring| inside_ring(ring, p.lat(), p.lng()))
}

fn inside_ring(ring: &[(f64, f64)], lat: f64, lng: f64) -> bool {
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (yi, xi) = ring[i];
        let (yj, xj) = ring[j];
        if (yi > lat) != (yj > lat) && lng < (xj - xi) * (lat - yi) / (yj - yi) + xi {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_coordinates() {
        let p = LatLng::new(45.4064, 11.8768).expect("Padova");
        assert_eq!((p.lat(), p.lng()), (45.4064, 11.8768));
        assert!(LatLng::new(-90.0, 180.0).is_ok());
    }

    #[test]
    fn rejects_impossible_coordinates() {
        let e = LatLng::new(91.0, 11.0).unwrap_err();
        assert_eq!(e.field, Field::Latitude);
        assert_eq!(
            e.rule,
            Rule::OutOfRange {
                min: -90.0,
                max: 90.0
            }
        );
        assert_eq!(LatLng::new(45.0, -180.5).unwrap_err().field, Field::Longitude);
        assert_eq!(LatLng::new(f64::NAN, 11.0).unwrap_err().rule, Rule::NotANumber);
        assert_eq!(
            LatLng::new(45.0, f64::INFINITY).unwrap_err().rule,
            Rule::NotANumber
        );
    }

    #[test]
    fn parses_bbox_and_round_trips() {
        let b = BBox::parse("11.80, 45.35,11.95,45.45").expect("valid");
        assert_eq!(
            (b.west(), b.south(), b.east(), b.north()),
            (11.80, 45.35, 11.95, 45.45)
        );
        assert_eq!(BBox::parse(&b.to_param()).expect("round trip"), b);
        assert!(b.contains(LatLng::new(45.4064, 11.8768).expect("point")));
        assert!(!b.contains(LatLng::new(45.5, 11.8768).expect("point")));
    }

    #[test]
    fn rejects_malformed_bbox() {
        for bad in [
            "11.8,45.3,11.9",
            "a,b,c,d",
            "11.8,45.3,11.9,45.4,1",
            "11.8;45.3;11.9;45.4",
        ] {
            let e = BBox::parse(bad).unwrap_err();
            assert_eq!(e.field, Field::Bbox, "{bad}");
            assert!(matches!(e.rule, Rule::Format { .. }), "{bad}");
        }
        assert_eq!(BBox::parse("  ").unwrap_err().rule, Rule::Required);
        assert_eq!(
            BBox::parse("11.9,45.3,11.8,45.4").unwrap_err().rule,
            Rule::CornersOrder
        );
        assert_eq!(
            BBox::parse("11.8,45.5,11.9,45.4").unwrap_err().rule,
            Rule::CornersOrder
        );
        assert_eq!(
            BBox::parse("11.8,-95,11.9,45.4").unwrap_err().field,
            Field::Latitude
        );
        assert_eq!(
            BBox::parse("11.8,45,190,45.4").unwrap_err().field,
            Field::Longitude
        );
        assert_eq!(
            BBox::parse("NaN,45,11.9,45.4").unwrap_err().rule,
            Rule::NotANumber
        );
    }

    #[test]
    fn point_in_rings() {
        // A square with a notch: (lat, lng) pairs.
        let ring = vec![
            (45.0, 11.0),
            (45.0, 12.0),
            (46.0, 12.0),
            (46.0, 11.5),
            (45.5, 11.5),
            (45.5, 11.0),
        ];
        let at = |lat, lng| LatLng::new(lat, lng).expect("valid");
        assert!(inside_rings(std::slice::from_ref(&ring), at(45.2, 11.2)));
        assert!(inside_rings(std::slice::from_ref(&ring), at(45.8, 11.8)));
        assert!(
            !inside_rings(std::slice::from_ref(&ring), at(45.8, 11.2)),
            "in the notch"
        );
        assert!(!inside_rings(std::slice::from_ref(&ring), at(44.0, 11.2)));
        assert!(!inside_rings(&[], at(45.2, 11.2)));
        let far = vec![(10.0, 10.0), (10.0, 11.0), (11.0, 11.0)];
        assert!(inside_rings(&[far, ring], at(45.2, 11.2)), "any ring");
    }
}
