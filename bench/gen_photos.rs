//! Makes photo-like JPEG/PNG files for the example site, the tests and the benchmark:
//! a scene (sky, ground, buildings, people) with sensor-like noise, optionally with an
//! EXIF block holding an orientation and a GPS position (as a phone writes them).
//!
//! cargo run --release --example gen_photos -- OUT.jpg WIDTH HEIGHT SEED [--orientation N] [--gps] [--quality Q] [--png]

use image::codecs::jpeg::JpegEncoder;
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn unit(&mut self) -> f32 {
        (self.next() % 10_000) as f32 / 10_000.0
    }
    fn range(&mut self, a: u32, b: u32) -> u32 {
        a + (self.next() % (b - a).max(1) as u64) as u32
    }
}

pub fn scene(w: u32, h: u32, seed: u64) -> RgbImage {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let horizon = h * r.range(35, 55) / 100;
    let warm = r.unit();
    let mut img = RgbImage::from_fn(w, h, |_, y| {
        if y < horizon {
            let t = y as f32 / horizon as f32;
            Rgb([
                (120.0 + 90.0 * t + 30.0 * warm) as u8,
                (170.0 + 60.0 * t) as u8,
                (230.0 - 20.0 * t) as u8,
            ])
        } else {
            let t = (y - horizon) as f32 / (h - horizon).max(1) as f32;
            Rgb([
                (150.0 - 40.0 * t + 40.0 * warm) as u8,
                (140.0 - 30.0 * t) as u8,
                (110.0 - 30.0 * t) as u8,
            ])
        }
    });
    // Buildings along the horizon.
    let mut x = 0;
    while x < w {
        let bw = r.range(w / 14, w / 5);
        let bh = r.range(h / 8, h * 2 / 5);
        let c = [
            r.range(150, 235) as u8,
            r.range(140, 220) as u8,
            r.range(120, 210) as u8,
        ];
        for yy in horizon.saturating_sub(bh)..horizon {
            for xx in x..(x + bw).min(w) {
                let window = (xx - x) % (bw / 5).max(4) < (bw / 10).max(2)
                    && (yy % (bh / 6).max(6)) < (bh / 12).max(3);
                let px = if window { [70, 90, 110] } else { c };
                img.put_pixel(xx, yy, Rgb(px));
            }
        }
        x += bw + r.range(0, w / 30);
    }
    // People: a body and a head each, in clothes of strong colours.
    for _ in 0..r.range(3, 9) {
        let px = r.range(w / 10, w * 9 / 10);
        let scale = r.range(h / 6, h / 3);
        let base = horizon + r.range(h / 10, (h - horizon).max(h / 10 + 1));
        let cloth = [
            r.range(20, 230) as u8,
            r.range(20, 200) as u8,
            r.range(20, 200) as u8,
        ];
        let body_w = scale / 4;
        for yy in base.saturating_sub(scale)..base.min(h) {
            for xx in px.saturating_sub(body_w / 2)..(px + body_w / 2).min(w) {
                img.put_pixel(xx, yy, Rgb(cloth));
            }
        }
        let head = scale / 9;
        let cy = base.saturating_sub(scale + head) as i64;
        for yy in (cy - head as i64).max(0)..(cy + head as i64).min(h as i64) {
            for xx in (px as i64 - head as i64).max(0)..(px as i64 + head as i64).min(w as i64) {
                if (xx - px as i64).pow(2) + (yy - cy).pow(2) < (head as i64).pow(2) {
                    img.put_pixel(xx as u32, yy as u32, Rgb([224, 182, 150]));
                }
            }
        }
    }
    // Sensor noise.
    for p in img.pixels_mut() {
        let n = (r.next() % 17) as i16 - 8;
        for c in p.0.iter_mut() {
            *c = (*c as i16 + n).clamp(0, 255) as u8;
        }
    }
    img
}

/// An EXIF APP1 segment with an orientation and, when asked, a GPS position.
pub fn exif_segment(orientation: u16, gps: bool) -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend_from_slice(&8u32.to_le_bytes());
    let entries: u16 = if gps { 2 } else { 1 };
    t.extend_from_slice(&entries.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, ty: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&ty.to_le_bytes());
        t.extend_from_slice(&count.to_le_bytes());
        t.extend_from_slice(&value.to_le_bytes());
    };
    entry(&mut t, 0x0112, 3, 1, orientation as u32);
    let gps_ifd = 8 + 2 + 12 * entries as u32 + 4;
    if gps {
        entry(&mut t, 0x8825, 4, 1, gps_ifd);
    }
    t.extend_from_slice(&0u32.to_le_bytes());
    if gps {
        let data = gps_ifd + 2 + 12 * 4 + 4;
        t.extend_from_slice(&4u16.to_le_bytes());
        entry(&mut t, 0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
        entry(&mut t, 0x0002, 5, 3, data);
        entry(&mut t, 0x0003, 2, 2, u32::from_le_bytes(*b"E\0\0\0"));
        entry(&mut t, 0x0004, 5, 3, data + 24);
        t.extend_from_slice(&0u32.to_le_bytes());
        for (num, den) in [
            (29, 1),
            (33, 1),
            (1234, 100),
            (103, 1),
            (45, 1),
            (5678, 100),
        ] {
            t.extend_from_slice(&(num as u32).to_le_bytes());
            t.extend_from_slice(&(den as u32).to_le_bytes());
        }
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&((t.len() + 8) as u16).to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&t);
    seg
}

/// A JPEG of `img`, with the EXIF segment right after SOI when given.
pub fn jpeg(img: &RgbImage, quality: u8, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            ExtendedColorType::Rgb8,
        )
        .expect("encodes");
    if let Some(seg) = exif {
        out.splice(2..2, seg);
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 4 {
        eprintln!("usage: gen_photos OUT WIDTH HEIGHT SEED [--orientation N] [--gps] [--quality Q] [--png]");
        std::process::exit(2);
    }
    let num = |i: usize| args[i].parse::<u64>().expect("a number");
    let (w, h, seed) = (num(1) as u32, num(2) as u32, num(3));
    let flag = |name: &str| args.iter().position(|a| a == name);
    let orientation = flag("--orientation").map(|i| num(i + 1) as u16);
    let quality = flag("--quality").map_or(85, |i| num(i + 1) as u8);
    let gps = flag("--gps").is_some();
    let img = scene(w, h, seed);
    if flag("--png").is_some() {
        img.save(&args[0]).expect("writes");
        return;
    }
    let exif = (orientation.is_some() || gps).then(|| exif_segment(orientation.unwrap_or(1), gps));
    std::fs::write(&args[0], jpeg(&img, quality, exif)).expect("writes");
}
