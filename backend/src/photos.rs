//! Photos of reports: checked by their bytes (not their names), decoded and re-encoded as JPEG — which leaves
//! every piece of metadata behind, EXIF and GPS included — turned upright, resized, with a thumbnail; kept
//! through `object_store` (a local folder by default, S3-compatible storage with the `s3` feature).
//!
//! A photo is stored before the transaction that records it: if that transaction never commits, the file has no
//! row, and [`sweep_orphans`] removes it once it is older than any submission can take.

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use shared::report::submission::{MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, PHOTO_TYPES};
use shared::{Field, Rule, ValidationError};

use crate::{Error, Result, State};

/// The longest side of a stored photo, in pixels.
pub const FULL_SIZE: u32 = 2048;
/// The longest side of a thumbnail.
pub const THUMB_SIZE: u32 = 320;
const JPEG_QUALITY: u8 = 85;
/// Folder of every photo in the store.
const PREFIX: &str = "photos";

/// Where photos are kept.
#[derive(Clone)]
pub struct PhotoStore {
    /// Opened at the first use for a local folder, so that commands which never touch photos (`segnala admin
    /// create` in any folder) do not leave an empty one behind; the server opens it at start
    /// ([`PhotoStore::ready`]), so that a folder it cannot create stops it there.
    store: Arc<std::sync::OnceLock<Arc<dyn ObjectStore>>>,
    /// For the logs: where that is.
    pub location: String,
}

impl std::fmt::Debug for PhotoStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PhotoStore({})", self.location)
    }
}

impl PhotoStore {
    /// `url`: a folder (`/var/lib/segnala/photos` or `file:///…`), or `s3://bucket/prefix` when built with `s3`
    /// (credentials and endpoint from the usual `AWS_*` variables).
    pub fn open(url: &str) -> Result<Self> {
        if let Some(rest) = url.strip_prefix("s3://") {
            return Self::open_s3(rest, url);
        }
        let dir = url.strip_prefix("file://").unwrap_or(url);
        Ok(Self {
            store: Arc::default(),
            location: dir.to_owned(),
        })
    }

    /// Opens the store now (a local folder is created): for the server's start.
    pub fn ready(&self) -> Result<()> {
        self.store().map(|_| ())
    }

    fn store(&self) -> Result<Arc<dyn ObjectStore>> {
        if let Some(s) = self.store.get() {
            return Ok(s.clone());
        }
        let dir = &self.location;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create the photo folder {dir}"))?;
        let local: Arc<dyn ObjectStore> = Arc::new(
            object_store::local::LocalFileSystem::new_with_prefix(dir)
                .with_context(|| format!("cannot open the photo folder {dir}"))?,
        );
        Ok(self.store.get_or_init(|| local).clone())
    }

    #[cfg(feature = "s3")]
    fn open_s3(rest: &str, url: &str) -> Result<Self> {
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let s3 = object_store::aws::AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .context("cannot configure S3 photo storage")?;
        let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
            Arc::new(s3)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(s3, prefix))
        };
        Ok(Self {
            store: Arc::new(std::sync::OnceLock::from(store)),
            location: url.to_owned(),
        })
    }

    #[cfg(not(feature = "s3"))]
    fn open_s3(_rest: &str, url: &str) -> Result<Self> {
        Err(Error::Internal(anyhow::anyhow!(
            "photo storage {url} needs the server built with the `s3` feature (docs/configuration.md)"
        )))
    }

    async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<()> {
        self.store()?
            .put(&ObjectPath::from(key), PutPayload::from(bytes))
            .await
            .map_err(|e| Error::Unavailable(anyhow::anyhow!("cannot store photo {key}: {e}")))?;
        Ok(())
    }

    /// The bytes of `key`, `None` if there is no such object.
    pub async fn get(&self, key: &str) -> Result<Option<bytes::Bytes>> {
        match self.store()?.get(&ObjectPath::from(key)).await {
            Ok(r) => Ok(Some(r.bytes().await.map_err(|e| Error::Unavailable(e.into()))?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(Error::Unavailable(e.into())),
        }
    }

    /// Removes `key` (nothing happens if it is not there).
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.store()?.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Error::Unavailable(e.into())),
        }
    }

    /// Every object under `prefix` with its last modification.
    async fn list(&self, prefix: &str) -> Result<Vec<(String, DateTime<Utc>)>> {
        let prefix = ObjectPath::from(prefix);
        let mut out = Vec::new();
        let store = self.store()?;
        let mut stream = store.list(Some(&prefix));
        while let Some(meta) = stream.next().await {
            let meta = meta.map_err(|e| Error::Unavailable(e.into()))?;
            out.push((meta.location.to_string(), meta.last_modified));
        }
        Ok(out)
    }

    /// How many objects the store holds (tests check that failures leave none behind).
    pub async fn count(&self) -> Result<usize> {
        Ok(self.list(PREFIX).await?.len())
    }
}

/// A photo as received.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The name the client gave (for logs only: the bytes decide the type).
    pub file_name: String,
    pub bytes: bytes::Bytes,
}

/// A photo ready to store.
#[derive(Debug)]
pub struct Processed {
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// A stored photo: its keys and size, for the report's row.
#[derive(Debug, Clone)]
pub struct Stored {
    pub key: String,
    pub thumb_key: String,
    pub width: u32,
    pub height: u32,
    pub bytes: usize,
}

fn invalid(rule: Rule) -> Error {
    Error::Invalid(ValidationError::new(Field::Photos, rule))
}

/// The type the bytes say, whatever the file is called.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

/// Checks, decodes and re-encodes one photo. CPU-bound: run it off the async runtime ([`process_all`]).
pub fn process(bytes: &[u8]) -> Result<Processed> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(invalid(Rule::FileTooLarge {
            max_mb: (MAX_PHOTO_BYTES / (1024 * 1024)) as u64,
        }));
    }
    let format = sniff(bytes).ok_or_else(|| {
        invalid(Rule::UnsupportedType {
            accepted: PHOTO_TYPES.into(),
        })
    })?;
    // A JPEG cut short still decodes (the decoder fills the missing rows with grey): one without its end
    // marker is refused instead. Cameras may append data after it, so look anywhere past the start.
    if format == ImageFormat::Jpeg && !bytes[2..].windows(2).any(|w| w == [0xFF, 0xD9]) {
        return Err(invalid(Rule::Unreadable));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The header is read before any pixel: a bomb is refused before it takes memory.
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PHOTO_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| invalid(Rule::Unreadable))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PHOTO_PIXELS {
        return Err(invalid(Rule::TooManyPixels {
            max_megapixels: MAX_PHOTO_PIXELS / 1_000_000,
        }));
    }
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| invalid(Rule::Unreadable))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let full = if img.width().max(img.height()) > FULL_SIZE {
        img.resize(FULL_SIZE, FULL_SIZE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let thumb = full.thumbnail(THUMB_SIZE, THUMB_SIZE);
    Ok(Processed {
        width: full.width(),
        height: full.height(),
        full: jpeg(&full)?,
        thumb: jpeg(&thumb)?,
    })
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)
        .encode_image(&rgb)
        .context("encoding a JPEG")?;
    Ok(out)
}

/// Processes `uploads` on the blocking pool, at most as many at once as the machine has cores (so a burst of
/// photos cannot starve the map). The first bad photo is the error, naming its position.
pub async fn process_all(state: &State, uploads: Vec<Upload>) -> Result<Vec<Processed>> {
    let mut out = Vec::with_capacity(uploads.len());
    for u in uploads {
        let _permit = state
            .photo_permits
            .acquire()
            .await
            .map_err(|e| Error::Internal(e.into()))?;
        let bytes = u.bytes.clone();
        let done = tokio::task::spawn_blocking(move || process(&bytes))
            .await
            .map_err(|e| Error::Internal(anyhow::anyhow!("photo processing panicked: {e}")))?;
        match done {
            Ok(p) => out.push(p),
            Err(e) => {
                tracing::info!(file = %u.file_name, error = %e, "photo refused");
                return Err(e);
            }
        }
    }
    Ok(out)
}

/// A new random key under today's folder: `photos/2026/11/26/<32 hex>`.
fn new_key() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("the operating system's random number generator works");
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{PREFIX}/{}/{hex}", Utc::now().format("%Y/%m/%d"))
}

/// Stores processed photos; on a failure, removes what it had stored and fails.
pub async fn store_all(store: &PhotoStore, photos: Vec<Processed>) -> Result<Vec<Stored>> {
    let mut stored: Vec<Stored> = Vec::with_capacity(photos.len());
    for p in photos {
        let key = new_key();
        let s = Stored {
            thumb_key: format!("{key}-thumb.jpg"),
            key: format!("{key}.jpg"),
            width: p.width,
            height: p.height,
            bytes: p.full.len(),
        };
        let put = async {
            store.put(&s.key, p.full).await?;
            store.put(&s.thumb_key, p.thumb).await
        }
        .await;
        if let Err(e) = put {
            let _ = store.delete(&s.key).await;
            remove(store, &stored).await;
            return Err(e);
        }
        stored.push(s);
    }
    Ok(stored)
}

/// Removes stored photos whose report was not recorded (best effort: the sweeper catches what this misses).
pub async fn remove(store: &PhotoStore, photos: &[Stored]) {
    for p in photos {
        for key in [&p.key, &p.thumb_key] {
            if let Err(e) = store.delete(key).await {
                tracing::warn!(key = %key, error = %e, "cannot remove a photo; the sweeper will");
            }
        }
    }
}

/// Removes files under `photos/` that no report refers to and that are older than `grace` (a submission in
/// flight may have stored its photos and not yet committed). `all_days`: look at every day's folder, not only
/// today's and yesterday's (where a crash leaves orphans; the full scan is for operators).
pub async fn sweep_orphans(state: &State, grace: Duration, all_days: bool) -> Result<usize> {
    let now = Utc::now();
    let prefixes: Vec<String> = if all_days {
        vec![PREFIX.to_owned()]
    } else {
        [now, now - chrono::Duration::days(1)]
            .iter()
            .map(|d| format!("{PREFIX}/{}", d.format("%Y/%m/%d")))
            .collect()
    };
    let cutoff = now - chrono::Duration::from_std(grace).unwrap_or(chrono::Duration::minutes(15));
    let mut removed = 0;
    for prefix in prefixes {
        let old: Vec<String> = state
            .photos
            .list(&prefix)
            .await?
            .into_iter()
            .filter(|(_, at)| *at < cutoff)
            .map(|(k, _)| k)
            .collect();
        for chunk in old.chunks(1000) {
            let orphans: Vec<String> = sqlx::query_scalar!(
                r#"
                select k as "k!" from unnest($1::text[]) k
                where not exists (select 1 from report_photo p where p.object_key = k or p.thumb_key = k)
                "#,
                chunk
            )
            .fetch_all(&state.pool)
            .await?;
            for k in orphans {
                state.photos.delete(&k).await?;
                removed += 1;
            }
        }
    }
    if removed > 0 {
        tracing::info!(removed, "orphan photos removed");
    }
    Ok(removed)
}

/// A PNG whose header announces `w` × `h` pixels, followed by an empty image data chunk: what a decompression
/// bomb looks like to the first reader (test support).
#[cfg(any(test, feature = "testing"))]
pub fn png_header(w: u32, h: u32) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &[0x78, 0x9c]);
    chunk(&mut out, b"IEND", &[]);
    out
}

/// A real `w` × `h` PNG with a gradient (test support: a photo to send).
#[cfg(any(test, feature = "testing"))]
pub fn gradient_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule_of(e: Error) -> Rule {
        match e {
            Error::Invalid(v) => {
                assert_eq!(v.field, Field::Photos);
                v.rule
            }
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(&gradient_png(2, 2)), Some(ImageFormat::Png));
        assert_eq!(sniff(b"\x7fELF\x02\x01\x01\0\0\0\0\0"), None);
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageFormat::WebP));
        let e = process(b"MZ\x90\0 this is a windows program").unwrap_err();
        assert!(matches!(rule_of(e), Rule::UnsupportedType { .. }));
    }

    #[test]
    fn large_photos_are_resized_with_a_thumbnail() {
        let p = process(&gradient_png(3000, 1500)).expect("ok");
        assert_eq!((p.width, p.height), (2048, 1024));
        assert_eq!(sniff(&p.full), Some(ImageFormat::Jpeg));
        let thumb = image::load_from_memory(&p.thumb).expect("thumb");
        assert_eq!(thumb.width(), THUMB_SIZE);
        let small = process(&gradient_png(640, 480)).expect("ok");
        assert_eq!((small.width, small.height), (640, 480), "never enlarged");
    }

    #[test]
    fn bombs_and_broken_files_are_refused() {
        // 20,000 × 20,000 pixels: the header says so, and that is where it stops.
        let bomb = png_header(20_000, 20_000);
        assert_eq!(
            rule_of(process(&bomb).unwrap_err()),
            Rule::TooManyPixels { max_megapixels: 40 }
        );
        let good = process(&gradient_png(64, 64)).expect("ok").full;
        let truncated = &good[..good.len() / 2];
        assert_eq!(rule_of(process(truncated).unwrap_err()), Rule::Unreadable);
        let cut_png = gradient_png(64, 64);
        assert_eq!(
            rule_of(process(&cut_png[..cut_png.len() - 20]).unwrap_err()),
            Rule::Unreadable
        );
        let huge = vec![0u8; MAX_PHOTO_BYTES + 1];
        assert_eq!(
            rule_of(process(&huge).unwrap_err()),
            Rule::FileTooLarge { max_mb: 10 }
        );
    }
}
