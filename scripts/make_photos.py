#!/usr/bin/env python3
"""Generate phone-like JPEG photos (and one PNG emblem) for image tests and benchmarks.

    make_photos.py --bench N --out DIR [--seed S] [--jobs J] [--size WxH] [--quality Q]
    make_photos.py --demo --out DIR

Nothing is downloaded: every picture is drawn (sky, ground, buildings, notice boards, trees,
people-like shapes, a red banner with Chinese text when the WenQuanYi font is installed),
then given sensor-like grain so that JPEG compresses it about as well as a real photo.

--bench N   DIR/photo-001.jpg … photo-NNN.jpg, 4032×3024 (a 12-megapixel phone), quality
            93, each about 3.2 MB; EXIF Orientation 1. Photo i is drawn from seed S + i, so
            every photo differs and the same arguments always give the same bytes. Drawn at
            half size, scaled up, grain added at full size; runs on all cores (about 0.5 s a
            photo on one core).
--demo      the demo site's photos, small enough to commit (≤ 150 KB each):
              tiaojie-xianchang.jpg        1600×1200  a mediation session indoors
              peixun-huichang.jpg          1600×1200  a training session: hall, seats, screen
              guangchang-xuanchuanlan.jpg  shown 1200×1600 (portrait): law-culture square,
                                           stored as 1600×1200 pixels turned 90° to the left
                                           with EXIF Orientation 6, the way a phone stores
                                           a photo taken upright; shown upright, its top-left
                                           10 % × 10 % (120×160 px) is pure red #FF0000 and
                                           its other corners are not red
              hui-biao.png                 400×400 RGBA emblem on a transparent background,
                                           a few flat colours, with tEXt chunks
Every JPEG carries EXIF (written through Pillow's Image.Exif): Make, Model
"pufa-demo-camera", Software, DateTime, ImageDescription, Orientation, and in the Exif IFD
DateTimeOriginal, DateTimeDigitized, OffsetTime and OffsetTimeOriginal, and a GPS IFD (latitude N, longitude
E as degree/minute/second rationals, altitude, datum) near 38.5° N 106.2° E, different per
photo. (No UserComment: Pillow writes bytes as type BYTE, where EXIF wants UNDEFINED.)

Output is deterministic for the same arguments, Pillow build and font file: randomness comes
only from Python's seeded `random` (numpy is not used, so having it or not changes nothing).
Python 3.9+ and Pillow (pip install pillow).
"""

import argparse
import io
import math
import os
import random
import sys
import time

try:
    from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, TiffImagePlugin
    from PIL.PngImagePlugin import PngInfo
except ImportError:
    sys.exit(
        "make_photos.py: Pillow is not installed for %s; install it with:\n"
        "    pip install pillow\n"
        "(or the python3-pil package of your distribution)" % sys.executable
    )

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
MAKE = "pufa"
MODEL = "pufa-demo-camera"
SOFTWARE = "pufa scripts/make_photos.py"
BASE_LAT, BASE_LON = 38.5, 106.2

BENCH_SIZE = (4032, 3024)
BENCH_QUALITY = 93
BENCH_GRAIN = 6  # ± luminance grain at full size; with the scene: 2.5–4 MB at quality 93
DEMO_LIMIT = 150 * 1024

BANNERS = [
    "弘扬宪法精神 建设法治乡村",
    "学习民法典 守护美好生活",
    "尊法学法守法用法",
    "法治宣传教育进万家",
    "人民调解为人民",
    "12·4 国家宪法日",
]


# ---------------------------------------------------------------------------------------
# Small helpers


_fonts = {}


def font(size):
    """The CJK font at `size` px, or None when it is not installed (then no text is drawn)."""
    size = max(8, int(size))
    if size not in _fonts:
        try:
            _fonts[size] = ImageFont.truetype(FONT_PATH, size)
        except OSError:
            _fonts[size] = None
    return _fonts[size]


def jitter(rng, rgb, amount):
    return tuple(max(0, min(255, c + rng.randint(-amount, amount))) for c in rgb)


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def vgradient(draw, box, top, bottom):
    """Fill `box` with a vertical gradient, one line per row."""
    x0, y0, x1, y1 = box
    n = max(1, y1 - y0)
    for i in range(n):
        draw.line([(x0, y0 + i), (x1 - 1, y0 + i)], fill=mix(top, bottom, i / n))


def text_center(draw, box, text, size, fill):
    f = font(size)
    if f is None:
        return
    x0, y0, x1, y1 = box
    l, t, r, b = draw.textbbox((0, 0), text, font=f)
    draw.text(((x0 + x1 - (r - l)) / 2 - l, (y0 + y1 - (b - t)) / 2 - t), text, font=f, fill=fill)


def fit_text(draw, box, text, fill, max_size=None):
    """Centre `text` in `box` at the largest size that fits (if the font is installed)."""
    if font(12) is None:
        return
    x0, y0, x1, y1 = box
    size = int(max_size or (y1 - y0) * 0.7)
    while size > 8:
        l, t, r, b = draw.textbbox((0, 0), text, font=font(size))
        if r - l <= (x1 - x0) * 0.92 and b - t <= (y1 - y0) * 0.8:
            break
        size = int(size * 0.9)
    text_center(draw, box, text, size, fill)


def blur_layer(size, draw_fn, radius, shrink=4):
    """An RGBA layer drawn small, blurred and scaled up: soft clouds, shadows and light."""
    w, h = size
    small = Image.new("RGBA", (max(1, w // shrink), max(1, h // shrink)), (0, 0, 0, 0))
    draw_fn(ImageDraw.Draw(small), 1 / shrink)
    small = small.filter(ImageFilter.GaussianBlur(radius / shrink))
    return small.resize(size, Image.Resampling.BILINEAR)


# ---------------------------------------------------------------------------------------
# Scene parts (all coordinates in the drawing's pixels; `s` is its scale against 1000 px
# of height, so shapes keep their proportions at any size)


def sky(img, draw, rng, horizon):
    w, h = img.size
    kind = rng.choice(["clear", "clear", "hazy", "overcast", "evening"])
    top, low = {
        "clear": ((52, 110, 190), (170, 205, 235)),
        "hazy": ((120, 155, 195), (210, 215, 215)),
        "overcast": ((150, 158, 168), (205, 208, 210)),
        "evening": ((70, 90, 160), (245, 180, 120)),
    }[kind]
    vgradient(draw, (0, 0, w, horizon), jitter(rng, top, 12), jitter(rng, low, 10))
    clouds = [
        (rng.uniform(-0.1, 1.0) * w, rng.uniform(0.03, 0.7) * horizon, rng.uniform(0.08, 0.3) * w)
        for _ in range(rng.randint(2, 7))
    ]

    def paint(d, k):
        for cx, cy, cw in clouds:
            for _ in range(6):
                ox, oy = rng.uniform(-0.5, 0.5) * cw, rng.uniform(-0.12, 0.12) * cw
                rx, ry = cw * rng.uniform(0.25, 0.5), cw * rng.uniform(0.08, 0.18)
                d.ellipse(
                    [(cx + ox - rx) * k, (cy + oy - ry) * k, (cx + ox + rx) * k, (cy + oy + ry) * k],
                    fill=(255, 255, 255, rng.randint(90, 180)),
                )

    img.alpha_composite(blur_layer(img.size, paint, w * 0.012))  # img is RGBA
    return kind


def ground(draw, rng, box, kind, s):
    x0, y0, x1, y1 = box
    w = x1 - x0
    if kind == "paving":
        base = jitter(rng, (176, 168, 156), 15)
        vgradient(draw, box, mix(base, (150, 150, 150), 0.3), base)
        # Tiles in perspective: lines converging on a vanishing point above the horizon.
        vx = x0 + w * rng.uniform(0.3, 0.7)
        line = mix(base, (90, 85, 80), 0.5)
        for i in range(-30, 31):
            draw.line([(vx + i * w * 0.004, y0), (vx + i * w * 0.09, y1)], fill=line, width=max(1, int(2 * s)))
        yy, step = y0 + 4 * s, 6 * s
        while yy < y1:
            draw.line([(x0, yy), (x1, yy)], fill=line, width=max(1, int(1.5 * s)))
            step *= 1.18
            yy += step
    else:  # grass
        base = jitter(rng, (92, 132, 60), 15)
        vgradient(draw, box, mix(base, (140, 150, 110), 0.4), base)
        for _ in range(int(2500 * s)):
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            d = (y - y0) / max(1, y1 - y0)
            r = (0.6 + 3 * d) * s
            draw.ellipse([x - r, y - r * 2.5, x + r, y], fill=jitter(rng, base, 35))


def building(draw, rng, x, base_y, bw, bh, s):
    wall = rng.choice([(222, 214, 198), (200, 190, 175), (235, 232, 225), (188, 120, 96), (170, 175, 185)])
    wall = jitter(rng, wall, 10)
    draw.rectangle([x, base_y - bh, x + bw, base_y], fill=wall)
    draw.rectangle([x + bw * 0.8, base_y - bh, x + bw, base_y], fill=mix(wall, (0, 0, 0), 0.12))
    roof = rng.choice([(120, 60, 50), (90, 95, 105), (60, 90, 140), (150, 150, 150)])
    if rng.random() < 0.5:
        draw.polygon([(x - bw * 0.04, base_y - bh), (x + bw / 2, base_y - bh - bh * 0.22), (x + bw * 1.04, base_y - bh)], fill=roof)
    else:
        draw.rectangle([x - bw * 0.02, base_y - bh - 6 * s, x + bw * 1.02, base_y - bh], fill=roof)
    floors = max(1, int(bh / (38 * s)))
    cols = max(2, int(bw / (34 * s)))
    glass = rng.choice([(90, 120, 150), (70, 90, 110), (120, 150, 170)])
    for f in range(floors):
        for c in range(cols):
            wx = x + bw * (c + 0.25) / cols
            wy = base_y - bh + bh * (f + 0.25) / floors
            draw.rectangle([wx, wy, wx + bw * 0.5 / cols, wy + bh * 0.45 / floors], fill=jitter(rng, glass, 20), outline=mix(wall, (255, 255, 255), 0.5))
    return wall


def banner(draw, rng, box, text, s):
    x0, y0, x1, y1 = box
    red = jitter(rng, (200, 22, 30), 12)
    draw.rectangle(box, fill=red)
    draw.rectangle([x0, y1 - (y1 - y0) * 0.12, x1, y1], fill=mix(red, (0, 0, 0), 0.25))
    fit_text(draw, box, text, rng.choice([(255, 236, 120), (255, 255, 255)]))


def board(draw, rng, x, base_y, bw, bh, s, title=None):
    """A notice board (宣传栏) on two legs: a frame, a title strip and pasted-up pages."""
    frame = rng.choice([(30, 80, 150), (160, 30, 35), (60, 60, 60), (120, 90, 60)])
    leg = mix(frame, (0, 0, 0), 0.3)
    top = base_y - bh * 1.45
    draw.rectangle([x + bw * 0.08, top + bh, x + bw * 0.13, base_y], fill=leg)
    draw.rectangle([x + bw * 0.87, top + bh, x + bw * 0.92, base_y], fill=leg)
    draw.rectangle([x, top, x + bw, top + bh], fill=frame)
    pad = bw * 0.03
    strip = bh * 0.18
    draw.rectangle([x + pad, top + pad, x + bw - pad, top + strip], fill=mix(frame, (255, 255, 255), 0.15))
    if title:
        fit_text(draw, (x + pad, top + pad, x + bw - pad, top + strip), title, (255, 255, 255))
    inner = (x + pad, top + strip + pad, x + bw - pad, top + bh - pad)
    draw.rectangle(inner, fill=(238, 236, 228))
    n = rng.randint(2, 5)
    pw = (inner[2] - inner[0]) / n
    for i in range(n):
        px0 = inner[0] + pw * i + pw * 0.06
        px1 = inner[0] + pw * (i + 1) - pw * 0.06
        py0, py1 = inner[1] + (inner[3] - inner[1]) * 0.06, inner[3] - (inner[3] - inner[1]) * 0.06
        draw.rectangle([px0, py0, px1, py1], fill=jitter(rng, (250, 248, 240), 6))
        # A picture block and lines of "text".
        draw.rectangle([px0 + pw * 0.08, py0 + pw * 0.08, px1 - pw * 0.08, py0 + (py1 - py0) * 0.35], fill=jitter(rng, rng.choice([(200, 60, 60), (60, 120, 180), (80, 150, 90), (230, 180, 60)]), 30))
        yy = py0 + (py1 - py0) * 0.42
        while yy < py1 - pw * 0.08:
            draw.line([(px0 + pw * 0.08, yy), (px1 - pw * rng.uniform(0.08, 0.4), yy)], fill=(90, 90, 95), width=max(1, int(1.4 * s)))
            yy += max(2, 5 * s)


def tree(draw, rng, x, base_y, size):
    trunk = jitter(rng, (95, 70, 50), 12)
    draw.rectangle([x - size * 0.06, base_y - size * 0.9, x + size * 0.06, base_y], fill=trunk)
    leaf = jitter(rng, rng.choice([(60, 110, 50), (80, 130, 60), (50, 95, 60)]), 12)
    cx, cy = x, base_y - size * 1.1
    for _ in range(int(60 + size * 0.5)):
        a = rng.uniform(0, 2 * math.pi)
        d = rng.uniform(0, size * 0.55)
        px, py = cx + math.cos(a) * d, cy + math.sin(a) * d * 0.8
        r = rng.uniform(0.05, 0.14) * size
        draw.ellipse([px - r, py - r, px + r, py + r], fill=jitter(rng, leaf, 28))


def person(draw, rng, x, foot_y, height, sitting=False, back=False):
    """A person-like shape: head, body and legs; `height` is standing height in px."""
    skin = jitter(rng, (224, 180, 150), 18)
    hair = jitter(rng, (30, 25, 22), 10)
    coat = jitter(rng, rng.choice([(40, 60, 110), (150, 30, 40), (60, 60, 60), (230, 230, 225), (90, 110, 70), (200, 150, 60)]), 20)
    trousers = jitter(rng, rng.choice([(35, 40, 55), (60, 60, 65), (90, 80, 70)]), 10)
    h = height
    head_r = h * 0.065
    hip_y = foot_y - (h * 0.25 if sitting else h * 0.47)
    shoulder_y = hip_y - h * 0.33
    half = h * 0.11
    if not sitting:
        draw.rectangle([x - half * 0.85, hip_y, x - half * 0.1, foot_y], fill=trousers)
        draw.rectangle([x + half * 0.1, hip_y, x + half * 0.85, foot_y], fill=trousers)
    draw.rounded_rectangle([x - half, shoulder_y, x + half, hip_y + h * 0.04], radius=half * 0.45, fill=coat)
    hy = shoulder_y - head_r * 1.05
    draw.ellipse([x - head_r, hy - head_r, x + head_r, hy + head_r], fill=hair if back else skin)
    if not back:
        draw.chord([x - head_r, hy - head_r * 1.05, x + head_r, hy + head_r * 0.3], 180, 360, fill=hair)


def clutter(draw, rng, box, n, s):
    """Small scattered things (leaves, litter, pebbles): detail the eye reads as texture."""
    x0, y0, x1, y1 = box
    for _ in range(n):
        x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
        r = rng.uniform(0.5, 2.5) * s
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(rng.randint(60, 200),) * 3)


# ---------------------------------------------------------------------------------------
# Scenes


def scene_street(rng, size):
    """An outdoor scene: village square or street with buildings, boards, a banner, people."""
    w, h = size
    s = h / 1000
    img = Image.new("RGBA", size)
    draw = ImageDraw.Draw(img)
    horizon = int(h * rng.uniform(0.42, 0.6))
    sky(img, draw, rng, horizon)
    draw = ImageDraw.Draw(img)
    # Distant hills or tree line.
    hill = jitter(rng, (110, 125, 110), 15)
    pts = [(0, horizon)]
    for i in range(13):
        pts.append((w * i / 12, horizon - h * rng.uniform(0.02, 0.09)))
    pts.append((w, horizon))
    draw.polygon(pts, fill=hill)
    ground(draw, rng, (0, horizon, w, h), rng.choice(["paving", "paving", "grass"]), s)
    # Buildings along the horizon.
    x = -rng.uniform(0, 0.1) * w
    walls = []
    while x < w:
        bw = w * rng.uniform(0.12, 0.3)
        bh = h * rng.uniform(0.15, 0.35)
        walls.append((x, bw, bh, building(draw, rng, x, horizon + 2 * s, bw, bh, s)))
        x += bw + w * rng.uniform(0.0, 0.08)
    # A red banner across one building.
    bx, bw, bh, _ = rng.choice(walls)
    banner(draw, rng, (bx + bw * 0.05, horizon - bh * 0.95, bx + bw * 0.95, horizon - bh * 0.82), rng.choice(BANNERS), s)
    # Trees and notice boards on the ground, back to front.
    things = []
    for _ in range(rng.randint(2, 6)):
        things.append(("tree", rng.uniform(0, w), rng.uniform(horizon + 10 * s, horizon + (h - horizon) * 0.4)))
    for _ in range(rng.randint(1, 4)):
        things.append(("board", rng.uniform(-0.05, 0.8) * w, rng.uniform(horizon + 20 * s, horizon + (h - horizon) * 0.55)))
    for _ in range(rng.randint(3, 12)):
        things.append(("person", rng.uniform(0, w), rng.uniform(horizon + 15 * s, h * 1.02)))
    clutter(draw, rng, (0, horizon, w, h), int(300 * s), s)
    for kind, px, py in sorted(things, key=lambda t: t[2]):
        depth = (py - horizon) / max(1, h - horizon)  # 0 at the horizon, 1 at the bottom
        k = 0.25 + depth * 1.6
        if kind == "tree":
            tree(draw, rng, px, py, 260 * s * k)
        elif kind == "board":
            board(draw, rng, px, py, 420 * s * k, 150 * s * k, s * k, rng.choice(["法治宣传栏", "民法典宣传", "宪法学习园地", None]))
        else:
            person(draw, rng, px, py, 300 * s * k, back=rng.random() < 0.3)
    return img.convert("RGB")


def scene_mediation(rng, size):
    """A mediation session: wall with a red banner, window, a table with people around it."""
    w, h = size
    s = h / 1000
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    floor_y = int(h * 0.62)
    vgradient(draw, (0, 0, w, floor_y), (232, 226, 212), (214, 206, 190))
    vgradient(draw, (0, floor_y, w, h), (150, 110, 80), (120, 85, 60))
    for i in range(14):  # floor boards
        draw.line([(w / 2 + (i - 7) * w * 0.02, floor_y), (w / 2 + (i - 7) * w * 0.16, h)], fill=(110, 78, 55), width=max(1, int(2 * s)))
    draw.rectangle([0, floor_y - 30 * s, w, floor_y], fill=(190, 180, 165))  # skirting
    # Window with daylight on the right.
    wx0, wy0, wx1, wy1 = w * 0.74, h * 0.1, w * 0.95, h * 0.5
    draw.rectangle([wx0, wy0, wx1, wy1], fill=(245, 245, 240))
    vgradient(draw, (int(wx0 + 10 * s), int(wy0 + 10 * s), int(wx1 - 10 * s), int(wy1 - 10 * s)), (170, 205, 235), (225, 235, 240))
    draw.line([((wx0 + wx1) / 2, wy0), ((wx0 + wx1) / 2, wy1)], fill=(245, 245, 240), width=int(8 * s))
    # Banner and a framed notice on the wall.
    banner(draw, rng, (w * 0.12, h * 0.08, w * 0.66, h * 0.18), "人民调解委员会 调解室", s)
    draw.rectangle([w * 0.04, h * 0.24, w * 0.2, h * 0.5], fill=(120, 90, 60))
    draw.rectangle([w * 0.05, h * 0.255, w * 0.19, h * 0.485], fill=(250, 248, 240))
    fit_text(draw, (w * 0.05, h * 0.26, w * 0.19, h * 0.31), "调解须知", (150, 20, 20))
    for i in range(9):
        y = h * (0.33 + i * 0.017)
        draw.line([(w * 0.065, y), (w * rng.uniform(0.14, 0.175), y)], fill=(110, 110, 110), width=max(1, int(2 * s)))
    # People behind and beside the table, then the table in front of them.
    ty0, ty1 = h * 0.55, h * 0.63
    for px in (0.26, 0.38, 0.5, 0.62, 0.74):
        person(draw, rng, w * px + rng.uniform(-15, 15) * s, ty1 + 40 * s, 560 * s, sitting=True)
    draw.polygon([(w * 0.16, ty0), (w * 0.84, ty0), (w * 0.92, ty1), (w * 0.08, ty1)], fill=(248, 248, 250))
    draw.rectangle([w * 0.08, ty1, w * 0.92, h * 0.8], fill=(236, 236, 240))
    draw.rectangle([w * 0.08, h * 0.8, w * 0.92, h * 0.815], fill=(200, 200, 205))
    for px in (0.3, 0.44, 0.56, 0.7):  # papers, cups, a nameplate
        cx = w * px
        draw.polygon([(cx - 40 * s, ty0 + 15 * s), (cx + 30 * s, ty0 + 12 * s), (cx + 40 * s, ty0 + 45 * s), (cx - 35 * s, ty0 + 48 * s)], fill=(255, 255, 255), outline=(210, 210, 210))
        draw.rectangle([cx + 50 * s, ty0 + 5 * s, cx + 68 * s, ty0 + 35 * s], fill=(240, 240, 235), outline=(150, 150, 150))
    draw.rectangle([w * 0.45, ty0 - 10 * s, w * 0.55, ty0 + 25 * s], fill=(180, 30, 35))
    fit_text(draw, (w * 0.45, ty0 - 10 * s, w * 0.55, ty0 + 25 * s), "调解员", (255, 230, 120))
    # Two parties seen from the side at the table's ends.
    person(draw, rng, w * 0.06, h * 0.93, 620 * s, sitting=True)
    person(draw, rng, w * 0.94, h * 0.93, 620 * s, sitting=True)
    light = blur_layer(size, lambda d, k: d.polygon([(wx0 * k, wy0 * k), (wx1 * k, wy0 * k), (w * 0.7 * k, h * k), (w * 0.3 * k, h * k)], fill=(255, 250, 235, 40)), w * 0.05)
    return Image.alpha_composite(img.convert("RGBA"), light).convert("RGB")


def scene_training(rng, size):
    """A training session: hall, a screen with a slide, rows of seats with people from behind."""
    w, h = size
    s = h / 1000
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    vgradient(draw, (0, 0, w, int(h * 0.12)), (200, 200, 195), (225, 222, 215))  # ceiling
    vgradient(draw, (0, int(h * 0.12), w, int(h * 0.5)), (225, 220, 208), (205, 198, 185))  # wall
    vgradient(draw, (0, int(h * 0.5), w, h), (120, 80, 70), (150, 50, 50))  # carpet
    for i in range(6):  # ceiling lights
        x = w * (0.1 + i * 0.16)
        draw.ellipse([x - 30 * s, h * 0.04, x + 30 * s, h * 0.07], fill=(255, 255, 240))
    # Stage, screen and slide.
    draw.rectangle([w * 0.15, h * 0.44, w * 0.85, h * 0.52], fill=(120, 70, 45))
    draw.rectangle([w * 0.28, h * 0.14, w * 0.72, h * 0.42], fill=(30, 30, 35))
    draw.rectangle([w * 0.29, h * 0.155, w * 0.71, h * 0.405], fill=(245, 246, 250))
    draw.rectangle([w * 0.29, h * 0.155, w * 0.71, h * 0.21], fill=(170, 25, 30))
    fit_text(draw, (w * 0.29, h * 0.155, w * 0.71, h * 0.21), "法治专题培训", (255, 255, 255))
    fit_text(draw, (w * 0.31, h * 0.23, w * 0.69, h * 0.3), "学习贯彻《民法典》", (40, 40, 40))
    for i in range(5):
        y = h * (0.32 + i * 0.017)
        draw.line([(w * 0.34, y), (w * rng.uniform(0.5, 0.66), y)], fill=(90, 90, 100), width=max(1, int(3 * s)))
    banner(draw, rng, (w * 0.2, h * 0.005, w * 0.8, h * 0.1), "全镇干部法治培训会", s)
    person(draw, rng, w * 0.8, h * 0.5, 330 * s)  # the speaker
    draw.rectangle([w * 0.74, h * 0.37, w * 0.82, h * 0.5], fill=(110, 65, 40))  # lectern
    # Rows of seats, back (small) to front (large), most with someone sitting.
    rows = 7
    for r in range(rows):
        t = r / (rows - 1)
        y = h * (0.56 + 0.44 * t ** 1.3)
        k = 0.45 + 1.2 * t
        n = int(16 - 7 * t)
        seat = jitter(rng, (60, 70, 110), 8)
        for c in range(n):
            x = w * (c + 0.5) / n + rng.uniform(-8, 8) * s
            sw, sh = 55 * s * k, 90 * s * k
            if rng.random() < 0.8:
                person(draw, rng, x, y, 420 * s * k, sitting=True, back=True)
            draw.rounded_rectangle([x - sw / 2, y - sh * 0.55, x + sw / 2, y + sh * 0.45], radius=sw * 0.2, fill=seat)
    return img


def scene_square_portrait(rng, size):
    """The law-culture square, portrait: sky, boards, trees, paving, people."""
    w, h = size
    s = w / 1000
    img = Image.new("RGBA", size)
    draw = ImageDraw.Draw(img)
    horizon = int(h * 0.45)
    vgradient(draw, (0, 0, w, horizon), (60, 120, 200), (175, 210, 235))
    draw = ImageDraw.Draw(img)
    ground(draw, rng, (0, horizon, w, h), "paving", s)
    for i in range(3):
        tree(draw, rng, w * (0.15 + i * 0.35), horizon + 20 * s, 380 * s)
    board(draw, rng, w * 0.05, horizon + 260 * s, w * 0.9, 300 * s, s * 1.5, "法治文化广场 宪法宣传栏")
    for _ in range(6):
        person(draw, rng, rng.uniform(0.1, 0.9) * w, rng.uniform(horizon + 320 * s, h * 0.98), 520 * s)
    return img.convert("RGB")


# ---------------------------------------------------------------------------------------
# Grain, EXIF, saving


def add_grain(img, rng, amount):
    """Add ±amount of per-pixel luminance grain, uniform, from the seeded generator."""
    if amount <= 0:
        return img
    w, h = img.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    noise = noise.point([128 + round((v - 127.5) / 127.5 * amount) for v in range(256)])
    return ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), 1.0, -128)


def dms(value):
    """Degrees as EXIF degree, minute, second rationals (seconds to 1/100)."""
    d = int(value)
    m_full = (value - d) * 60
    m = int(m_full)
    cs = round((m_full - m) * 60 * 100)
    if cs >= 6000:
        m, cs = m + 1, cs - 6000
    R = TiffImagePlugin.IFDRational
    return (R(d, 1), R(m, 1), R(cs, 100))


def make_exif(when, lat, lon, alt, orientation, description):
    """EXIF: camera, times, description, orientation and a GPS position. `when` is
    "YYYY:MM:DD HH:MM:SS" (local time, UTC+8)."""
    R = TiffImagePlugin.IFDRational
    exif = Image.Exif()
    exif[0x010E] = description  # ImageDescription (ASCII)
    exif[0x010F] = MAKE  # Make
    exif[0x0110] = MODEL  # Model
    exif[0x0112] = orientation  # Orientation
    exif[0x0131] = SOFTWARE  # Software
    exif[0x0132] = when  # DateTime
    sub = exif.get_ifd(0x8769)  # Exif IFD
    sub[0x9003] = when  # DateTimeOriginal
    sub[0x9004] = when  # DateTimeDigitized
    sub[0x9010] = "+08:00"  # OffsetTime
    sub[0x9011] = "+08:00"  # OffsetTimeOriginal
    gps = exif.get_ifd(0x8825)  # GPS IFD
    gps[0x00] = b"\x02\x02\x00\x00"  # GPSVersionID 2.2.0.0
    gps[0x01] = "N"  # GPSLatitudeRef
    gps[0x02] = dms(lat)  # GPSLatitude
    gps[0x03] = "E"  # GPSLongitudeRef
    gps[0x04] = dms(lon)  # GPSLongitude
    gps[0x05] = b"\x00"  # GPSAltitudeRef: above sea level
    gps[0x06] = R(round(alt * 10), 10)  # GPSAltitude, metres
    gps[0x12] = "WGS-84"  # GPSMapDatum
    return exif


def position(rng):
    return (
        BASE_LAT + rng.uniform(-0.06, 0.06),
        BASE_LON + rng.uniform(-0.06, 0.06),
        rng.uniform(1100, 1180),
    )


def jpeg_bytes(img, quality, exif):
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality, exif=exif.tobytes(), subsampling="4:2:0")
    return out.getvalue()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# ---------------------------------------------------------------------------------------
# --bench


def bench_photo(job):
    """Draw, grain and save photo `index`; returns (name, bytes)."""
    index, seed, out_dir, size, quality, grain = job
    rng = random.Random(seed * 100003 + index)
    w, h = size
    small = scene_street(rng, (w // 2, h // 2))
    img = small.resize(size, Image.Resampling.BICUBIC)
    img = add_grain(img, rng, grain)
    day, minute = 1 + index % 30, (index * 37) % (10 * 60)
    when = "2026:11:%02d %02d:%02d:%02d" % (day, 8 + minute // 60, minute % 60, index % 60)
    lat, lon, alt = position(rng)
    exif = make_exif(when, lat, lon, alt, 1, "pufa benchmark photo %d (seed %d)" % (index, seed))
    name = "photo-%03d.jpg" % index
    data = jpeg_bytes(img, quality, exif)
    write(os.path.join(out_dir, name), data)
    return name, len(data)


def run_bench(args):
    import multiprocessing

    os.makedirs(args.out, exist_ok=True)
    w, h = args.size
    jobs = [(i, args.seed, args.out, (w, h), args.quality, args.grain) for i in range(1, args.bench + 1)]
    start = time.monotonic()
    procs = args.jobs or os.cpu_count() or 1
    if procs > 1 and len(jobs) > 1:
        with multiprocessing.Pool(procs) as pool:
            results = pool.map(bench_photo, jobs, chunksize=1)
    else:
        results = [bench_photo(j) for j in jobs]
    took = time.monotonic() - start
    sizes = sorted(n for _, n in results)
    total = sum(sizes)
    print(
        "%d photos %d×%d, quality %d, in %s: %.1f MB in all; each %.2f–%.2f MB, median %.2f MB; %.1f s (%d processes)"
        % (len(sizes), w, h, args.quality, args.out, total / 1e6, sizes[0] / 1e6, sizes[-1] / 1e6, sizes[len(sizes) // 2] / 1e6, took, procs)
    )
    outside = [name for name, n in results if not 2_000_000 <= n <= 5_000_000]
    if outside and (w, h) == BENCH_SIZE:
        print("warning: %d photos outside 2–5 MB: %s" % (len(outside), ", ".join(outside[:5])), file=sys.stderr)


# ---------------------------------------------------------------------------------------
# --demo


def fit_jpeg(img, exif, limit=DEMO_LIMIT):
    """The best quality from 82 down that keeps the file within `limit` bytes."""
    for q in range(82, 39, -2):
        data = jpeg_bytes(img, q, exif)
        if len(data) <= limit:
            return data, q
    raise SystemExit("make_photos.py: cannot fit the photo into %d bytes" % limit)


def emblem():
    """A 400×400 emblem: red ring, gold star, scales of justice; transparent outside."""
    n = 400
    img = Image.new("RGBA", (n, n), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    red, gold, white, blue = (200, 16, 46, 255), (255, 204, 0, 255), (255, 255, 255, 255), (24, 70, 150, 255)
    d.ellipse([8, 8, n - 8, n - 8], fill=red)
    d.ellipse([40, 40, n - 40, n - 40], fill=gold)
    d.ellipse([52, 52, n - 52, n - 52], fill=blue)
    cx, cy, r = n / 2, 118, 46  # star
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.4
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    d.polygon(pts, fill=gold)
    # Scales: post, beam, two pans on strings, base.
    d.rectangle([cx - 6, 170, cx + 6, 300], fill=white)
    d.rectangle([cx - 100, 176, cx + 100, 186], fill=white)
    for px in (cx - 90, cx + 90):
        d.line([(px, 186), (px - 28, 250)], fill=white, width=3)
        d.line([(px, 186), (px + 28, 250)], fill=white, width=3)
        d.chord([px - 42, 222, px + 42, 278], 0, 180, fill=white)
    d.rectangle([cx - 60, 300, cx + 60, 316], fill=white)
    d.ellipse([n / 2 - 16, n - 62, n / 2 + 16, n - 30], fill=red)  # a stud at the bottom
    # Cut a transparent hole in the middle of the stud: real alpha, not only the background.
    d.ellipse([n / 2 - 6, n - 52, n / 2 + 6, n - 40], fill=(0, 0, 0, 0))
    return img


def run_demo(args):
    os.makedirs(args.out, exist_ok=True)
    made = []

    def save(name, data, note):
        write(os.path.join(args.out, name), data)
        made.append((name, len(data), note))

    rng = random.Random(20261201)
    img = add_grain(scene_mediation(rng, (1600, 1200)), rng, 2)
    lat, lon, alt = position(rng)
    exif = make_exif("2026:11:18 09:42:10", lat, lon, alt, 1, "Mediation session at the village mediation room")
    data, q = fit_jpeg(img, exif)
    save("tiaojie-xianchang.jpg", data, "1600×1200, quality %d, Orientation 1" % q)

    rng = random.Random(20261202)
    img = add_grain(scene_training(rng, (1600, 1200)), rng, 2)
    lat, lon, alt = position(rng)
    exif = make_exif("2026:11:20 14:05:33", lat, lon, alt, 1, "Law training session in the town hall")
    data, q = fit_jpeg(img, exif)
    save("peixun-huichang.jpg", data, "1600×1200, quality %d, Orientation 1" % q)

    # Upright: 1200 wide, 1600 high; a pure red block in its top-left 10 % × 10 %.
    rng = random.Random(20261203)
    upright = add_grain(scene_square_portrait(rng, (1200, 1600)), rng, 2)
    uw, uh = upright.size
    ImageDraw.Draw(upright).rectangle([0, 0, uw // 10 - 1, uh // 10 - 1], fill=(255, 0, 0))
    # Stored as a phone stores a photo taken upright: pixels turned 90° counter-clockwise,
    # Orientation 6 ("turn 90° clockwise to show").
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    lat, lon, alt = position(rng)
    exif = make_exif("2026:11:22 16:30:05", lat, lon, alt, 6, "Notice boards on the law-culture square")
    data, q = fit_jpeg(stored, exif)
    save(
        "guangchang-xuanchuanlan.jpg",
        data,
        "stored %d×%d, quality %d, Orientation 6; shown upright %d×%d" % (stored.size + (q, uw, uh)),
    )

    info = PngInfo()
    info.add_text("Title", "pufa demo emblem")
    info.add_text("Author", "pufa scripts/make_photos.py")
    info.add_text("Comment", "Flat colours on a transparent background")
    out = io.BytesIO()
    emblem().save(out, "PNG", pnginfo=info, optimize=True)
    save("hui-biao.png", out.getvalue(), "400×400 RGBA, tEXt Title/Author/Comment")

    for name, n, note in made:
        print("%-28s %7d bytes  %s" % (name, n, note))
    print(
        "guangchang-xuanchuanlan.jpg shown with its orientation applied: %d×%d (portrait), "
        "top-left %d×%d px pure red #FF0000 (other corners not red); without it: %d×%d, "
        "and the red block is at the bottom-left"
        % (uw, uh, uw // 10, uh // 10, uh, uw)
    )
    if font(12) is None:
        print("note: %s not found: the photos carry no Chinese text" % FONT_PATH, file=sys.stderr)


# ---------------------------------------------------------------------------------------


def parse_size(text):
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError("write the size as WIDTHxHEIGHT, e.g. 4032x3024")
    if w < 64 or h < 64:
        raise argparse.ArgumentTypeError("the size must be at least 64x64")
    return (w, h)


def main():
    p = argparse.ArgumentParser(description="Generate phone-like JPEG photos for pufa's image tests and benchmarks.")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--bench", type=int, metavar="N", help="N photos photo-001.jpg … at 4032×3024, 2–5 MB each")
    what.add_argument("--demo", action="store_true", help="the demo site's photos and emblem (≤ 150 KB each)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--seed", type=int, default=1, help="--bench: seed (default 1)")
    p.add_argument("--jobs", type=int, default=0, help="--bench: processes (default: one per core)")
    p.add_argument("--size", type=parse_size, default=BENCH_SIZE, help="--bench: WxH (default 4032x3024)")
    p.add_argument("--quality", type=int, default=BENCH_QUALITY, help="--bench: JPEG quality (default %d)" % BENCH_QUALITY)
    p.add_argument("--grain", type=int, default=BENCH_GRAIN, help="--bench: ± grain (default %d)" % BENCH_GRAIN)
    args = p.parse_args()
    if args.demo:
        run_demo(args)
    else:
        if args.bench < 1:
            p.error("--bench needs at least 1 photo")
        run_bench(args)


if __name__ == "__main__":
    main()
