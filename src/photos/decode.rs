//! Decoding, bounded: the format is read from the bytes (not the file name), the header's
//! size is checked before any pixel is decoded, and the EXIF orientation is applied so a
//! portrait photo taken with the phone turned stands upright.

use super::{PhotoError, MAX_PIXELS};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The upright image decoded from `bytes`.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    let format = format_of(bytes)?;
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Damaged(
            "the JPEG data stops before its end marker".into(),
        ));
    }
    // The header alone first: a pixel bomb is refused before anything is allocated.
    let mut header = ImageReader::with_format(Cursor::new(bytes), format);
    header.no_limits();
    let (width, height) = header.into_dimensions().map_err(|e| damaged(e, (0, 0)))?;
    if width as u64 * height as u64 > MAX_PIXELS {
        return Err(PhotoError::TooLarge { width, height });
    }
    // The header is trusted for nothing: the limits also hold inside the decoder.
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    reader.limits(limits);
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| damaged(e, (width, height)))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| damaged(e, (width, height)))?;
    image.apply_orientation(orientation);
    Ok(image)
}

fn damaged(e: image::ImageError, (width, height): (u32, u32)) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooLarge { width, height },
        image::ImageError::Unsupported(u) => PhotoError::Damaged(u.to_string()),
        other => PhotoError::Damaged(other.to_string()),
    }
}

/// The file extension for bytes the photo pipeline can read (`jpg`, `png`, `webp`, `gif`,
/// `tif`, `bmp`: what an importer names an extracted image by), or why it cannot.
pub fn extension_of(bytes: &[u8]) -> Result<&'static str, PhotoError> {
    Ok(match format_of(bytes)? {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::WebP => "webp",
        ImageFormat::Gif => "gif",
        ImageFormat::Tiff => "tif",
        _ => "bmp",
    })
}

/// The format the bytes are in, or why they cannot be used.
fn format_of(bytes: &[u8]) -> Result<ImageFormat, PhotoError> {
    if let Some(name) = unsupported_format(bytes) {
        return Err(PhotoError::Unsupported(name));
    }
    match image::guess_format(bytes) {
        Ok(
            f @ (ImageFormat::Jpeg
            | ImageFormat::Png
            | ImageFormat::WebP
            | ImageFormat::Gif
            | ImageFormat::Tiff
            | ImageFormat::Bmp),
        ) => Ok(f),
        Ok(ImageFormat::Avif) => Err(PhotoError::Unsupported("AVIF")),
        Ok(_) => Err(PhotoError::Unsupported("rare")),
        Err(_) => Err(PhotoError::NotAnImage),
    }
}

/// Formats recognised only to name them in the error (HEIC from iPhones above all).
fn unsupported_format(bytes: &[u8]) -> Option<&'static str> {
    let brand = bytes.get(4..12)?;
    if &brand[..4] != b"ftyp" {
        return None;
    }
    match &brand[4..] {
        b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => Some("HEIC"),
        b"avif" | b"avis" => Some("AVIF"),
        _ => None,
    }
}

/// A JPEG ends with the EOI marker (FF D9), possibly followed by a little padding; a file
/// cut short in transfer does not, and decoders would otherwise fill the rest with grey.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(256)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heic_is_named() {
        let mut heic = vec![0, 0, 0, 24];
        heic.extend_from_slice(b"ftypheic");
        heic.extend_from_slice(&[0; 32]);
        assert_eq!(decode(&heic), Err(PhotoError::Unsupported("HEIC")));
    }

    #[test]
    fn text_is_not_an_image() {
        assert_eq!(decode("这不是照片".as_bytes()), Err(PhotoError::NotAnImage));
    }
}
