//! Glyph advance widths of the standard PDF Type1 fonts Helvetica and Helvetica-Bold, for text set in them with
//! `/Encoding /WinAnsiEncoding` (no embedded font).
//!
//! Source: the Adobe Core14 font metrics, `Helvetica.afm` (FontName Helvetica, Version 002.000, UniqueID 43054,
//! Creation Date Thu May 1 12:38:23 1997) and `Helvetica-Bold.afm` (Version 002.000, UniqueID 43052,
//! Thu May 1 12:43:52 1997), "Copyright (c) 1985, 1987, 1989, 1990, 1997 Adobe Systems Incorporated", as shipped in
//! the `data/` folder of the crates.io package pdf-canvas 0.7.0 (sha256 of the files: Helvetica.afm
//! da33f1870474c8e68bfe3e2353ff107ab6c6eea1f9836ce2aaf1e1a07b17982f, Helvetica-Bold.afm
//! b880d96baf56d0cc059f258f60b4d764ef49b555ab9db294b959c0016dee41f2). Each entry is the `WX` of the glyph that
//! WinAnsiEncoding (ISO 32000-1:2008, Annex D.2) names at that code; e.g. 39 is `quotesingle` and 96 `grave` (not
//! StandardEncoding's quoteright/quoteleft), 128 `Euro`, 160 `space`, 173 `hyphen`.
//!
//! Codes 0..=31, 127, 129, 141, 143, 144 and 157 are undefined in WinAnsiEncoding and hold 0 here. (PDF 1.3+ readers
//! show a bullet for undefined codes above 40 octal; a writer should never emit them.) Text must be converted to
//! WinAnsi (Windows-1252) bytes before `Tj`; a character outside it cannot be shown with these fonts.
//! Width of a string at size `s` pt: sum(widths) * s / 1000 (no kerning applied).

/// Helvetica: advance widths in 1/1000 em, indexed by WinAnsiEncoding code (0 = code undefined in WinAnsiEncoding).
pub const HELVETICA: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x00..=0x0F
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x10..=0x1F
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20..=0x2F
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30..=0x3F
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40..=0x4F
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50..=0x5F
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60..=0x6F
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, // 0x70..=0x7F
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80..=0x8F
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, // 0x90..=0x9F
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0..=0xAF
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0..=0xBF
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0..=0xCF
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0..=0xDF
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0..=0xEF
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0..=0xFF
];

/// Helvetica-Bold: advance widths in 1/1000 em, indexed by WinAnsiEncoding code (0 = code undefined in WinAnsiEncoding).
pub const HELVETICA_BOLD: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x00..=0x0F
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x10..=0x1F
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20..=0x2F
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30..=0x3F
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40..=0x4F
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50..=0x5F
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60..=0x6F
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, // 0x70..=0x7F
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80..=0x8F
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, // 0x90..=0x9F
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0..=0xAF
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0..=0xBF
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0..=0xCF
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0..=0xDF
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0..=0xEF
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0..=0xFF
];
