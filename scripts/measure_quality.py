#!/usr/bin/env python3
"""Measure JPEG and WebP quality settings for pufa's photo variants (size vs SSIM/PSNR).

    measure_quality.py [--photos DIR] [--bench N] [--jobs J] [--threshold T]

By default draws N phone-like 4032×3024 photos with make_photos.py --bench N (default 12)
in a temporary folder and adds the demo photos content/articles/*.jpg; --photos DIR uses
the *.jpg files of DIR instead. Each photo is turned upright (EXIF Orientation), resized
with Lanczos to 800 and 1200 pixels wide (the reference), then encoded
  JPEG  quality 60 65 70 75 78 80 85 90, progressive, optimised Huffman, 4:2:0
  WebP  quality 50 60 65 70 75 80 85, lossy, method 4
decoded, and compared with the reference: byte size, SSIM and PSNR, both on luma
Y = 0.299 R + 0.587 G + 0.114 B (BT.601, unrounded floats).

SSIM is Wang et al. 2004 with its standard parameters: 11×11 Gaussian window, σ = 1.5,
K1 = 0.01, K2 = 0.03, L = 255, mean of the SSIM map over the positions where the whole
window fits (no image downsampling first). PSNR = 10·log10(255² / MSE).

Prints, per format and width, the median over photos of KB, SSIM and PSNR for each
quality, then a recommendation: the lowest JPEG quality whose median SSIM reaches the
threshold (default 0.95) at every width, and the lowest WebP quality whose median SSIM is at
least that JPEG's at every width, with WebP's size saving against that JPEG.

Pillow's libjpeg-turbo and libwebp stand in for pufa's encoders: pufa's WebP is libwebp
too (WebPEncodeRGB, method 4), and its jpeg-encoder crate scales the standard IJG
quantisation tables, so the quality numbers mean the same. Runs on 2 processes by
default; the results are deterministic. Python 3.9+, Pillow and numpy.
"""

import argparse
import glob
import io
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import PIL
from PIL import Image, ImageOps, features

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_PHOTOS = os.path.join(HERE, "..", "content", "articles", "*.jpg")

WIDTHS = (800, 1200)
QUALITIES = {
    "jpeg": (60, 65, 70, 75, 78, 80, 85, 90),
    "webp": (50, 60, 65, 70, 75, 80, 85),
}
CURRENT = {"jpeg": 78, "webp": 75}


# ---------------------------------------------------------------------------------------
# Metrics


def luma(img):
    """BT.601 luma of an RGB image as a float64 array."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.float64)
    return rgb @ np.array([0.299, 0.587, 0.114])


def gaussian_kernel(size=11, sigma=1.5):
    x = np.arange(size) - (size - 1) / 2
    k = np.exp(-(x * x) / (2 * sigma * sigma))
    return k / k.sum()


def filter_valid(a, kernel):
    """Separable 2-D filter of `a` by `kernel`, keeping only the 'valid' positions."""
    n = len(kernel)
    h, w = a.shape
    rows = sum(kernel[i] * a[i : h - n + 1 + i, :] for i in range(n))
    return sum(kernel[i] * rows[:, i : w - n + 1 + i] for i in range(n))


def ssim(x, y, kernel=gaussian_kernel(), peak=255.0):
    """Mean SSIM (Wang et al. 2004) of two equally sized luma arrays."""
    c1, c2 = (0.01 * peak) ** 2, (0.03 * peak) ** 2
    mx, my = filter_valid(x, kernel), filter_valid(y, kernel)
    sxx = filter_valid(x * x, kernel) - mx * mx
    syy = filter_valid(y * y, kernel) - my * my
    sxy = filter_valid(x * y, kernel) - mx * my
    num = (2 * mx * my + c1) * (2 * sxy + c2)
    den = (mx * mx + my * my + c1) * (sxx + syy + c2)
    return float(np.mean(num / den))


def psnr(x, y, peak=255.0):
    mse = float(np.mean((x - y) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(peak * peak / mse)


# ---------------------------------------------------------------------------------------
# Encoding


def encode(img, fmt, quality):
    buf = io.BytesIO()
    if fmt == "jpeg":
        img.save(buf, "JPEG", quality=quality, optimize=True, progressive=True, subsampling=2)
    else:
        img.save(buf, "WEBP", quality=quality, method=4)
    return buf.getvalue()


def measure_photo(path):
    """[(fmt, width, quality, bytes, ssim, psnr)] for one photo; widths it lacks are skipped."""
    with Image.open(path) as src:
        photo = ImageOps.exif_transpose(src).convert("RGB")
    rows = []
    for width in WIDTHS:
        if photo.width < width:
            continue
        height = max(1, round(photo.height * width / photo.width))
        ref = photo if photo.width == width else photo.resize((width, height), Image.Resampling.LANCZOS)
        ref_y = luma(ref)
        for fmt, qualities in QUALITIES.items():
            for q in qualities:
                data = encode(ref, fmt, q)
                with Image.open(io.BytesIO(data)) as dec:
                    out_y = luma(dec)
                rows.append((fmt, width, q, len(data), ssim(ref_y, out_y), psnr(ref_y, out_y)))
    return rows


# ---------------------------------------------------------------------------------------
# Photos


def bench_photos(count, out_dir, jobs):
    script = os.path.join(HERE, "make_photos.py")
    cmd = [sys.executable, script, "--bench", str(count), "--out", out_dir, "--jobs", str(jobs)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return sorted(glob.glob(os.path.join(out_dir, "photo-*.jpg")))


# ---------------------------------------------------------------------------------------
# Report


def medians(results):
    """{(fmt, width, q): (kb, ssim, psnr, photos)} medians over photos."""
    groups = {}
    for rows in results:
        for fmt, width, q, size, s, p in rows:
            groups.setdefault((fmt, width, q), []).append((size / 1024, s, p))
    return {
        key: tuple(statistics.median(v[i] for v in vals) for i in range(3)) + (len(vals),)
        for key, vals in groups.items()
    }


def print_tables(med):
    for fmt in QUALITIES:
        for width in WIDTHS:
            if (fmt, width, QUALITIES[fmt][0]) not in med:
                continue
            n = med[(fmt, width, QUALITIES[fmt][0])][3]
            print("\n%s, %d px wide (median of %d photos)" % (fmt.upper(), width, n))
            print("  quality     KB    SSIM    PSNR dB")
            for q in QUALITIES[fmt]:
                kb, s, p, _ = med[(fmt, width, q)]
                mark = "  (current default)" if q == CURRENT[fmt] else ""
                print("  %7d %6.1f  %.4f  %6.2f%s" % (q, kb, s, p, mark))


def lowest(fmt, widths, med, target):
    """Lowest quality of `fmt` whose median SSIM reaches target[width] at every width."""
    for q in QUALITIES[fmt]:
        if all(med[(fmt, w, q)][1] >= target[w] for w in widths):
            return q
    return None


def recommend(med, threshold):
    widths = [w for w in WIDTHS if ("jpeg", w, QUALITIES["jpeg"][0]) in med]
    print("\nRecommendation (SSIM threshold %.3f, required at every width: %s)" % (threshold, ", ".join(map(str, widths))))
    jpeg_q = lowest("jpeg", widths, med, {w: threshold for w in widths})
    if jpeg_q is None:
        print("  no JPEG quality up to %d reaches median SSIM %.3f" % (QUALITIES["jpeg"][-1], threshold))
        return
    print("  jpeg_quality: %d  (lowest quality with median SSIM >= %.3f)" % (jpeg_q, threshold))
    if jpeg_q == QUALITIES["jpeg"][0]:
        print("  note: %d is the lowest JPEG quality tested, so a lower one may pass too" % jpeg_q)
    target = {w: med[("jpeg", w, jpeg_q)][1] for w in widths}
    webp_q = lowest("webp", widths, med, target)
    if webp_q is None:
        print("  no WebP quality up to %d matches JPEG %d's SSIM" % (QUALITIES["webp"][-1], jpeg_q))
        return
    print("  webp_quality: %d  (lowest quality with median SSIM >= JPEG %d's at each width)" % (webp_q, jpeg_q))
    for w in widths:
        jkb, js, jp, _ = med[("jpeg", w, jpeg_q)]
        wkb, ws, wp, _ = med[("webp", w, webp_q)]
        print(
            "  %4d px: JPEG %d %.1f KB SSIM %.4f PSNR %.2f | WebP %d %.1f KB SSIM %.4f PSNR %.2f | WebP saves %.0f %%"
            % (w, jpeg_q, jkb, js, jp, webp_q, wkb, ws, wp, 100 * (1 - wkb / jkb))
        )


def main():
    p = argparse.ArgumentParser(description="Measure size vs SSIM/PSNR of JPEG and WebP qualities for pufa's photo variants.")
    p.add_argument("--photos", metavar="DIR", help="use DIR/*.jpg instead of bench and demo photos")
    p.add_argument("--bench", type=int, default=12, metavar="N", help="bench photos to draw (default 12)")
    p.add_argument("--jobs", type=int, default=2, help="processes (default 2)")
    p.add_argument("--threshold", type=float, default=0.95, help="median SSIM the JPEG quality must reach (default 0.95)")
    args = p.parse_args()

    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pufa-quality-") as tmp:
        if args.photos:
            photos = sorted(glob.glob(os.path.join(args.photos, "*.jpg")))
        else:
            photos = bench_photos(args.bench, tmp, args.jobs) + sorted(glob.glob(DEMO_PHOTOS))
        if not photos:
            p.error("no photos found")
        with multiprocessing.Pool(args.jobs) as pool:
            results = pool.map(measure_photo, photos, chunksize=1)

    print("%d photos; Pillow %s, libjpeg-turbo %s, libwebp %s"
          % (len(photos), PIL.__version__, features.version("libjpeg_turbo"), features.version("webp")))
    print("Reference: Pillow Lanczos resize to each width; SSIM (Gaussian 11×11, σ 1.5) and PSNR on luma Y.")
    print("Pillow's libjpeg-turbo and libwebp stand in for pufa's jpeg-encoder and libwebp: libwebp is the")
    print("same library (pufa: WebPEncodeRGB, method 4), and jpeg-encoder scales the standard IJG tables,")
    print("so the quality scale is the same; sizes differ slightly (encoder details, no metadata here).")
    med = medians(results)
    print_tables(med)
    recommend(med, args.threshold)
    print("\n%.0f s, %d processes" % (time.monotonic() - start, args.jobs))


if __name__ == "__main__":
    main()
