//! Resizing (fast_image_resize, Lanczos3) and encoding: lossy WebP through libwebp, and a
//! JPEG (or PNG, for images with transparency) fallback through the `image` crate's
//! encoders. None of these encoders is given any metadata to write.

use super::{JPEG_QUALITY, WEBP_QUALITY, WIDTHS};
use fast_image_resize::{images::Image, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, ExtendedColorType, ImageEncoder};

/// One size, encoded.
pub struct Encoded {
    pub width: u32,
    pub height: u32,
    pub webp: Vec<u8>,
    pub fallback: Vec<u8>,
}

/// The image's sizes, narrowest first, and whether the fallback is PNG.
pub struct EncodedSet {
    pub sizes: Vec<Encoded>,
    pub png: bool,
}

/// The widths to publish for an image `width` pixels wide: the standard widths below it
/// and the image itself up to the largest standard width. A width within 10% of the top
/// one is left out (it would look the same and cost a file).
pub fn widths_for(width: u32) -> Vec<u32> {
    let top = width.min(*WIDTHS.last().unwrap_or(&width));
    let mut out: Vec<u32> = WIDTHS
        .iter()
        .copied()
        .filter(|&w| (w as u64) * 10 < top as u64 * 9)
        .collect();
    out.push(top);
    out
}

fn height_for(width: u32, src_w: u32, src_h: u32) -> u32 {
    ((src_h as u64 * width as u64 + src_w as u64 / 2) / src_w as u64).max(1) as u32
}

/// Consumes the image: an 8-bit RGB(A) photo becomes the pixel buffer without a copy.
pub fn encode_all(img: DynamicImage) -> EncodedSet {
    let png = img.color().has_alpha();
    let (w, h) = (img.width(), img.height());
    let (pixels, pixel_type, bpp) = if png {
        (img.into_rgba8().into_raw(), PixelType::U8x4, 4)
    } else {
        (img.into_rgb8().into_raw(), PixelType::U8x3, 3)
    };
    let widths = widths_for(w);
    let mut resizer = Resizer::new();
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    // Largest first; each smaller size is made from the one above it (a 1600-wide image
    // holds all the detail a 960-wide one needs, and is far cheaper to read than 12 MP).
    let mut from = (pixels, w, h);
    let mut sizes = Vec::with_capacity(widths.len());
    for &width in widths.iter().rev() {
        let height = height_for(width, w, h);
        let buf = if width == from.1 && height == from.2 {
            std::mem::take(&mut from.0)
        } else {
            let src = Image::from_vec_u8(from.1, from.2, std::mem::take(&mut from.0), pixel_type)
                .expect("buffer size matches its dimensions");
            let mut dst = Image::new(width, height, pixel_type);
            resizer
                .resize(&src, &mut dst, &options)
                .expect("same pixel type on both sides");
            dst.into_vec()
        };
        debug_assert_eq!(buf.len(), (width * height * bpp) as usize);
        sizes.push(Encoded {
            width,
            height,
            webp: webp_of(&buf, width, height, png),
            fallback: fallback_of(&buf, width, height, png),
        });
        from = (buf, width, height);
    }
    sizes.reverse();
    EncodedSet { sizes, png }
}

fn webp_of(buf: &[u8], width: u32, height: u32, alpha: bool) -> Vec<u8> {
    let encoder = if alpha {
        webp::Encoder::from_rgba(buf, width, height)
    } else {
        webp::Encoder::from_rgb(buf, width, height)
    };
    encoder.encode(WEBP_QUALITY).to_vec()
}

fn fallback_of(buf: &[u8], width: u32, height: u32, png: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(buf.len() / 8);
    let written = if png {
        image::codecs::png::PngEncoder::new(&mut out).write_image(
            buf,
            width,
            height,
            ExtendedColorType::Rgba8,
        )
    } else {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).write_image(
            buf,
            width,
            height,
            ExtendedColorType::Rgb8,
        )
    };
    written.expect("an in-memory buffer of the stated size encodes");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_never_upscale() {
        assert_eq!(widths_for(4032), vec![480, 960, 1600]);
        assert_eq!(widths_for(320), vec![320]);
        assert_eq!(widths_for(1000), vec![480, 1000]);
        assert_eq!(widths_for(1600), vec![480, 960, 1600]);
    }
}
