"""Illustrations for the demo content, drawn with Pillow.

No photograph can be downloaded where the demo is built, so every destination and
event gets a drawn scene chosen by theme: the floating market on the river, a
mosque or a domed tomb, the Riam Kanan reservoir and its pine island, forested
hills, the gem market, a Banjar house, a table of Banjar food, a festival night.
Each picture is flat-colour layers (sky gradient, sun glow, hills fading into
haze, silhouettes, water with reflections), a little grain and a vignette, and a
small "Ilustrasi" label so nobody takes it for a photograph.

Deterministic: a slug always gives the same picture, byte for byte (every random
choice comes from a generator seeded by the slug), so loading the demo again
finds the images unchanged and the importer writes nothing.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable, Iterable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

WIDTH, HEIGHT = 1600, 1000
SUPERSAMPLE = 2  # shapes are drawn at twice the size and scaled down: smooth edges
LABEL = "Ilustrasi · Illustration"

Colour = tuple[int, int, int]

# Sky palettes: (top, middle, horizon, sun) for a time of day.
SKIES: dict[str, tuple[Colour, Colour, Colour, Colour]] = {
    "dawn": ((34, 52, 104), (226, 136, 128), (255, 208, 152), (255, 236, 190)),
    "morning": ((58, 128, 196), (150, 196, 228), (238, 226, 196), (255, 248, 220)),
    "golden": ((52, 98, 156), (236, 170, 118), (255, 222, 160), (255, 244, 200)),
    "dusk": ((30, 26, 72), (168, 70, 112), (255, 158, 96), (255, 214, 150)),
    "night": ((10, 16, 42), (26, 40, 86), (72, 70, 120), (250, 240, 210)),
}
FABRIC = [(196, 38, 62), (232, 150, 36), (24, 120, 110), (58, 74, 160), (142, 44, 120), (240, 196, 60)]
FRUIT = [(240, 140, 40), (245, 200, 60), (96, 162, 64), (204, 56, 48), (120, 70, 40), (250, 226, 120)]


def mix(a: Colour, b: Colour, t: float) -> Colour:
    t = max(0.0, min(1.0, t))
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def shade(colour: Colour, factor: float) -> Colour:
    """Darker (factor < 1) or lighter (factor > 1, towards white)."""
    if factor <= 1:
        return mix((0, 0, 0), colour, factor)
    return mix(colour, (255, 255, 255), factor - 1)


class Shape:
    """Polygons, ellipses and lines drawn together as one anti-aliased layer.

    Only the shapes' bounding box is drawn at SUPERSAMPLE size, so a small boat
    costs little even on a large canvas.
    """

    def __init__(self, scene: Scene, fill, alpha: int = 255):
        self.scene, self.fill, self.alpha = scene, fill, alpha
        self.ops: list[tuple[str, list[tuple[float, float]], float]] = []

    def polygon(self, points: Iterable[tuple[float, float]]) -> Shape:
        self.ops.append(("polygon", list(points), 0))
        return self

    def ellipse(self, box: tuple[float, float, float, float]) -> Shape:
        x0, y0, x1, y1 = box
        self.ops.append(("ellipse", [(min(x0, x1), min(y0, y1)), (max(x0, x1), max(y0, y1))], 0))
        return self

    def circle(self, x: float, y: float, r: float) -> Shape:
        return self.ellipse((x - r, y - r, x + r, y + r))

    def rect(self, box: tuple[float, float, float, float]) -> Shape:
        x0, y0, x1, y1 = box
        return self.polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])

    def line(self, points: Iterable[tuple[float, float]], width: float) -> Shape:
        self.ops.append(("line", list(points), width))
        return self

    def draw(self) -> None:
        if not self.ops:
            return
        pad = max([op[2] for op in self.ops] + [1]) + 2
        xs = [x for _, points, _ in self.ops for x, _ in points]
        ys = [y for _, points, _ in self.ops for _, y in points]
        w, h = self.scene.size
        left, top = max(0, math.floor(min(xs) - pad)), max(0, math.floor(min(ys) - pad))
        right, bottom = min(w, math.ceil(max(xs) + pad)), min(h, math.ceil(max(ys) + pad))
        if right <= left or bottom <= top:
            return
        k = SUPERSAMPLE
        mask = Image.new("L", ((right - left) * k, (bottom - top) * k), 0)
        pen = ImageDraw.Draw(mask)
        for kind, points, width in self.ops:
            moved = [((x - left) * k, (y - top) * k) for x, y in points]
            if kind == "polygon" and len(moved) >= 3:
                pen.polygon(moved, fill=255)
            elif kind == "ellipse":
                pen.ellipse([moved[0], moved[1]], fill=255)
            elif kind == "line" and len(moved) >= 2:
                pen.line(moved, fill=255, width=max(1, round(width * k)), joint="curve")
        mask = mask.resize((right - left, bottom - top), Image.Resampling.BOX)
        if self.alpha < 255:
            mask = mask.point(lambda v: v * self.alpha // 255)
        box = (left, top, right, bottom)
        if isinstance(self.fill, Image.Image):
            self.scene.image.paste(self.fill.crop(box), box, mask)
        else:
            self.scene.image.paste(self.fill, box, mask)


class Scene:
    """A canvas with a seeded random generator and drawing helpers in pixels."""

    def __init__(self, seed: str, size: tuple[int, int]):
        self.size = size
        self.w, self.h = size
        self.s = self.w / WIDTH  # scale of details relative to the full-size picture
        self.rng = random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16], 16))
        self.image = Image.new("RGB", size)

    def shape(self, fill, alpha: int = 255) -> Shape:
        return Shape(self, fill, alpha)

    def X(self, fraction: float) -> float:  # noqa: N802 (reads like the maths)
        return fraction * self.w

    def Y(self, fraction: float) -> float:  # noqa: N802
        return fraction * self.h

    # --- backgrounds -------------------------------------------------------
    def gradient(self, stops: list[tuple[float, Colour]], box: tuple[int, int, int, int] | None = None) -> Image.Image:
        """A vertical gradient through (position 0..1, colour) stops."""
        left, top, right, bottom = box or (0, 0, self.w, self.h)
        height = max(1, bottom - top)
        strip = Image.new("RGB", (1, height))
        values = []
        for row in range(height):
            t = row / max(1, height - 1)
            for (p0, c0), (p1, c1) in zip(stops, stops[1:], strict=False):
                if p0 <= t <= p1:
                    values.append(mix(c0, c1, (t - p0) / max(1e-6, p1 - p0)))
                    break
            else:
                values.append(stops[-1][1] if t > stops[-1][0] else stops[0][1])
        strip.putdata(values)
        return strip.resize((max(1, right - left), height), Image.Resampling.NEAREST)

    def sky(self, palette: str, horizon: float) -> tuple[Colour, Colour, Colour, Colour]:
        top, middle, low, sun = SKIES[palette]
        gradient = self.gradient([(0.0, top), (horizon * 0.55, middle), (horizon, low), (1.0, low)])
        self.image.paste(gradient, (0, 0))
        return top, middle, low, sun

    def glow(self, x: float, y: float, radius: float, colour: Colour, strength: float = 0.8) -> None:
        """A soft halo, drawn small and blurred, then scaled up (cheap and smooth)."""
        small = 8
        w, h = max(1, self.w // small), max(1, self.h // small)
        mask = Image.new("L", (w, h), 0)
        pen = ImageDraw.Draw(mask)
        for step in range(12, 0, -1):
            r = radius / small * step / 12
            pen.ellipse((x / small - r, y / small - r, x / small + r, y / small + r),
                        fill=round(255 * strength * (1 - step / 13) ** 1.6))
        mask = mask.filter(ImageFilter.GaussianBlur(radius / small / 6 + 1)).resize(self.size, Image.Resampling.BILINEAR)
        self.image.paste(colour, (0, 0), mask)

    def lights(self, spots: list[tuple[float, float, float, Colour]], strength: float = 0.35) -> None:
        """Many soft out-of-focus lights (bokeh) at once: one blurred layer per colour."""
        small = 8
        w, h = max(1, self.w // small), max(1, self.h // small)
        by_colour: dict[Colour, list[tuple[float, float, float]]] = {}
        for x, y, r, colour in spots:
            by_colour.setdefault(colour, []).append((x, y, r))
        for colour, circles in by_colour.items():
            mask = Image.new("L", (w, h), 0)
            pen = ImageDraw.Draw(mask)
            for x, y, r in circles:
                r /= small
                pen.ellipse((x / small - r, y / small - r, x / small + r, y / small + r), fill=round(255 * strength))
            mask = mask.filter(ImageFilter.GaussianBlur(1.2)).resize(self.size, Image.Resampling.BILINEAR)
            self.image.paste(colour, (0, 0), mask)

    def sun(self, x: float, y: float, r: float, colour: Colour) -> None:
        self.glow(x, y, r * 7, colour, 0.55)
        self.shape(colour).circle(x, y, r).draw()

    def stars(self, count: int, until: float) -> None:
        dots = self.shape((250, 246, 226), 200)
        for _ in range(count):
            r = self.rng.uniform(0.6, 1.9) * self.s
            dots.circle(self.rng.uniform(0, self.w), self.rng.uniform(0, self.Y(until)) ** 1.0, r)
        dots.draw()

    def clouds(self, colour: Colour, count: int, top: float, bottom: float, alpha: int = 120) -> None:
        for _ in range(count):
            cx, cy = self.rng.uniform(-0.1, 1.1) * self.w, self.rng.uniform(top, bottom) * self.h
            length = self.rng.uniform(0.12, 0.3) * self.w
            cloud = self.shape(colour, alpha)
            for _ in range(7):
                dx = self.rng.uniform(-0.5, 0.5) * length
                r = self.rng.uniform(0.05, 0.12) * length
                cloud.ellipse((cx + dx - r * 2.2, cy - r * 0.7, cx + dx + r * 2.2, cy + r * 0.5))
            cloud.draw()

    # --- land --------------------------------------------------------------
    def ridge(self, base: float, amplitude: float, *, waves: int = 4, roughness: float = 0.0,
              peaks: bool = False) -> list[tuple[float, float]]:
        """A skyline of hills: summed sine waves with seeded phases, in pixels."""
        phases = [self.rng.uniform(0, math.tau) for _ in range(waves)]
        freqs = [self.rng.uniform(0.7, 1.3) * (k + 1) for k in range(waves)]
        step = max(2, round(6 * self.s))
        points = []
        for x in range(-step, self.w + 2 * step, step):
            t = x / self.w
            value = sum(math.sin(t * math.tau * f + p) / (k + 1) ** 1.2
                        for k, (f, p) in enumerate(zip(freqs, phases, strict=True)))
            value /= 1.6
            if peaks:
                value = 1 - abs(value) * 1.6
            value += self.rng.uniform(-roughness, roughness)
            points.append((x, self.Y(base) - value * self.Y(amplitude)))
        return points

    def hills(self, points: list[tuple[float, float]], fill, bottom: float | None = None, alpha: int = 255) -> None:
        floor = self.h if bottom is None else bottom
        self.shape(fill, alpha).polygon(points + [(self.w + 10, floor), (-10, floor)]).draw()

    def haze(self, top: float, bottom: float, colour: Colour, strength: int = 140) -> None:
        """Mist lying in a valley: transparent at the top, thick at the bottom."""
        top_px, bottom_px = round(self.Y(top)), round(self.Y(bottom))
        mask = self.gradient([(0, (0, 0, 0)), (1, (strength,) * 3)], (0, top_px, self.w, bottom_px)).convert("L")
        self.image.paste(colour, (0, top_px, self.w, bottom_px), mask)

    def canopy_along(self, points: list[tuple[float, float]], colour: Colour, size: float, density: float = 1.0,
                     light: Colour | None = None) -> None:
        """Rounded tree crowns standing on a ridge line."""
        trees = self.shape(colour)
        lit = self.shape(light, 90) if light else None
        x = -size
        while x < self.w + size:
            y = _y_at(points, x)
            r = size * self.rng.uniform(0.6, 1.2)
            trees.circle(x, y - r * 0.5, r)
            trees.circle(x + r * 0.6, y - r * 0.2, r * 0.8)
            if lit is not None:
                lit.circle(x - r * 0.25, y - r * 0.8, r * 0.45)
            x += size * self.rng.uniform(0.8, 1.6) / density
        trees.polygon(points + [(self.w + 10, self.h), (-10, self.h)])
        trees.draw()
        if lit is not None:
            lit.draw()

    def palm(self, x: float, ground: float, height: float, colour: Colour, lean: float = 0.0) -> None:
        """A coconut palm: a curved trunk and a fan of drooping fronds with leaflets."""
        tree = self.shape(colour)
        top = (x + lean * height, ground - height)
        trunk = [(x + lean * height * (t ** 1.6), ground - height * t) for t in (i / 10 for i in range(11))]
        tree.line(trunk, max(2.0, height * 0.035))
        fronds = 11
        for k in range(fronds):
            angle = math.pi * (0.02 + 0.96 * k / (fronds - 1)) + self.rng.uniform(-0.08, 0.08)
            across, up = math.cos(angle), math.sin(angle)
            length = height * self.rng.uniform(0.4, 0.52) * (0.75 if up > 0.9 else 1.0)

            def point(t: float, across=across, up=up, length=length) -> tuple[float, float]:
                # Out and up first, then bowing down under its own weight.
                return (top[0] + across * length * t,
                        top[1] - up * length * 0.7 * t + length * (1.05 - 0.6 * up) * t * t)

            spine = [point(i / 12) for i in range(13)]
            tree.line(spine, max(1.2, height * 0.011))
            for i in range(2, 13):
                t = i / 12
                (x0, y0), (x1, y1) = point(t - 1 / 12), point(t)
                dx, dy = x1 - x0, y1 - y0
                norm = math.hypot(dx, dy) or 1
                leaflet = length * 0.2 * math.sin(math.pi * min(1.0, t * 0.9 + 0.1))
                for side in (-1, 1):
                    nx, ny = -dy / norm * side, dx / norm * side
                    tree.line([(x1, y1), (x1 + nx * leaflet * 0.7 + dx / norm * leaflet * 0.35,
                                          y1 + ny * leaflet * 0.7 + leaflet * 0.8)], max(1.0, height * 0.006))
        for k in range(3):
            tree.circle(top[0] + (k - 1) * height * 0.022, top[1] + height * 0.025, height * 0.02)
        tree.draw()

    def pine(self, x: float, ground: float, height: float, colour: Colour) -> None:
        tree = self.shape(colour)
        tree.line([(x, ground), (x, ground - height)], max(1.5, height * 0.04))
        tiers = 5
        for i in range(tiers):
            t = i / tiers
            y = ground - height * (0.25 + 0.75 * t)
            half = height * 0.2 * (1 - t * 0.75)
            tree.polygon([(x - half, y), (x + half, y), (x, y - height * 0.28)])
        tree.draw()

    # --- water -------------------------------------------------------------
    def water(self, horizon: float, colour: Colour, deep: Colour, reflect: float = 0.55) -> None:
        """Mirror what stands above the horizon into rippled water below it."""
        top = round(self.Y(horizon))
        depth = self.h - top
        if depth <= 0:
            return
        above = self.image.crop((0, max(0, top - depth), self.w, top)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        above = above.resize((self.w, depth))
        rippled = above.copy()
        band = max(2, round(3 * self.s))
        for y in range(0, depth, band):
            shift = round(math.sin(y * 0.21 + self.rng.uniform(0, 0.6)) * (1 + y / depth * 9) * self.s)
            rippled.paste(above.crop((0, y, self.w, min(depth, y + band))), (shift, y))
        tint = self.gradient([(0, colour), (1, deep)], (0, top, self.w, self.h))
        self.image.paste(Image.blend(tint, rippled, reflect), (0, top))
        streaks = self.shape((255, 255, 255), 34)
        for _ in range(int(60 * max(0.3, self.s))):
            y = top + depth * self.rng.random() ** 1.6
            length = self.rng.uniform(0.02, 0.12) * self.w * (0.4 + (y - top) / depth)
            x = self.rng.uniform(-0.05, 1.0) * self.w
            streaks.line([(x, y), (x + length, y)], max(1.0, 1.6 * self.s))
        streaks.draw()

    # --- finishing ---------------------------------------------------------
    def finish(self, label: bool = True) -> Image.Image:
        # Vignette: darken the corners a little, like a lens would.
        radial = Image.radial_gradient("L").resize(self.size, Image.Resampling.BILINEAR)
        vignette = radial.point(lambda v: max(0, v - 110) * 80 // 145)
        self.image.paste((12, 10, 20), (0, 0), vignette)
        # Grain: a seeded noise tile, so the picture stays deterministic.
        tile_size = 128
        tile = Image.frombytes("L", (tile_size, tile_size), self.rng.randbytes(tile_size * tile_size))
        tile = tile.point(lambda v: 128 + v * 15 // 256 - 7)
        grain = Image.new("L", self.size)
        for gx in range(0, self.w, tile_size):
            for gy in range(0, self.h, tile_size):
                grain.paste(tile, (gx, gy))
        grain_rgb = Image.merge("RGB", (grain, grain, grain))
        self.image = ImageChops.add(self.image, grain_rgb, scale=1.0, offset=-128)
        if label:
            self._label()
        return self.image

    def _label(self) -> None:
        size = max(9, round(19 * self.s))
        font = ImageFont.load_default(size=size)
        pen = ImageDraw.Draw(self.image, "RGBA")
        left, top, right, bottom = pen.textbbox((0, 0), LABEL, font=font)
        pad_x, pad_y = size * 0.8, size * 0.45
        x = self.w - self.X(0.045) - (right - left) - 2 * pad_x
        y = self.h - self.Y(0.085) - (bottom - top) - 2 * pad_y
        pen.rounded_rectangle((x, y, x + right - left + 2 * pad_x, y + bottom - top + 2 * pad_y),
                              radius=size, fill=(12, 18, 30, 120))
        pen.text((x + pad_x - left, y + pad_y - top), LABEL, font=font, fill=(255, 255, 255, 230))


def _y_at(points: list[tuple[float, float]], x: float) -> float:
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x0 <= x <= x1:
            return y0 + (y1 - y0) * (x - x0) / max(1e-6, x1 - x0)
    return points[-1][1] if x > points[-1][0] else points[0][1]


# =============================================================================
# Scenes
# =============================================================================

def scene_river(sc: Scene, *, festive: bool = False) -> None:
    """The floating market at Lok Baintan: jukung boats laden with fruit at dawn."""
    palette = sc.rng.choice(["dawn", "golden"])
    horizon = 0.5
    top, middle, low, sun = sc.sky(palette, horizon)
    sc.clouds(mix(middle, (255, 255, 255), 0.35), 5, 0.08, 0.32, alpha=70)
    sc.sun(sc.X(sc.rng.uniform(0.25, 0.75)), sc.Y(horizon - 0.08), 34 * sc.s, sun)
    far = mix(low, (70, 90, 80), 0.45)
    bank = sc.ridge(horizon - 0.02, 0.012, waves=3)
    sc.canopy_along(bank, far, 20 * sc.s, density=1.3)
    for _ in range(7):
        sc.palm(sc.rng.uniform(0, sc.w), sc.Y(horizon - 0.01), sc.rng.uniform(90, 150) * sc.s,
                far, sc.rng.uniform(-0.2, 0.2))
    # Stilt houses on the bank.
    house_colour = mix(far, (40, 40, 50), 0.35)
    for _ in range(4):
        hx, hw = sc.rng.uniform(0.05, 0.9) * sc.w, sc.rng.uniform(50, 90) * sc.s
        base = sc.Y(horizon)
        house = sc.shape(house_colour)
        house.rect((hx, base - hw * 0.55, hx + hw, base - hw * 0.12))
        house.polygon([(hx - hw * 0.1, base - hw * 0.55), (hx + hw * 0.5, base - hw * 0.95),
                       (hx + hw * 1.1, base - hw * 0.55)])
        for leg in range(5):
            lx = hx + hw * leg / 4
            house.line([(lx, base - hw * 0.12), (lx, base + 2)], 2 * sc.s)
        house.draw()
        sc.shape(mix(sun, low, 0.3), 200).rect((hx + hw * 0.2, base - hw * 0.45, hx + hw * 0.35, base - hw * 0.3)).draw()
    sc.water(horizon, mix(low, (60, 100, 110), 0.55), (24, 50, 62), reflect=0.5)
    count = 13 if festive else 10
    lanes = list(range(count))
    sc.rng.shuffle(lanes)
    boats = sorted((sc.rng.uniform(horizon + 0.06, 0.95), lane) for lane in lanes)
    for y, lane in boats:
        x = (lane / count * 1.0 - 0.08 + sc.rng.uniform(-0.03, 0.03)) * sc.w
        jukung(sc, x, sc.Y(y), (y - horizon) / (1 - horizon), festive=festive)
    # Nipa palm leaves framing the corner, close to the viewer.
    leaves = sc.shape((18, 36, 30))
    for k in range(5):
        angle = math.radians(-8 - k * 12)
        length = sc.rng.uniform(0.16, 0.26) * sc.w
        base = (sc.w * 1.02, sc.h * 0.98)
        tip = (base[0] + math.cos(math.pi - angle) * length, base[1] + math.sin(angle) * length)
        mid = ((base[0] + tip[0]) / 2, (base[1] + tip[1]) / 2 - length * 0.08)
        width = length * 0.05
        leaves.polygon([base, (mid[0], mid[1] - width), tip, (mid[0], mid[1] + width)])
    leaves.draw()


def jukung(sc: Scene, x: float, y: float, nearness: float, festive: bool = False) -> None:
    """A jukung (dugout boat) with a trader in a tanggui hat and a load of produce."""
    size = (0.35 + nearness * 1.1) * sc.s
    length = 300 * size
    hull_colour = (54, 34, 26)
    # Reflection first, under the hull.
    sc.shape((12, 24, 30), 90).ellipse((x - 10 * size, y, x + length + 10 * size, y + 26 * size)).draw()
    hull = sc.shape(hull_colour)
    points = []
    for i in range(21):
        t = i / 20
        points.append((x + length * t, y - 16 * size * (abs(t - 0.5) * 2) ** 3))
    for i in range(20, -1, -1):
        t = i / 20
        points.append((x + length * t, y + 14 * size * math.sin(math.pi * t) ** 0.7))
    hull.polygon(points).draw()
    sc.shape((120, 78, 48)).line([(x + length * 0.05, y - 3 * size), (x + length * 0.95, y - 3 * size)], 3 * size).draw()
    if festive:
        # Decorated boats for the festival: bunting and a flag.
        flag = sc.shape(sc.rng.choice(FABRIC))
        mast_x = x + length * 0.8
        flag.line([(mast_x, y - 4 * size), (mast_x, y - 120 * size)], 3 * size)
        flag.polygon([(mast_x, y - 120 * size), (mast_x + 60 * size, y - 105 * size), (mast_x, y - 90 * size)])
        flag.draw()
        for i in range(8):
            bx = x + length * (0.12 + i * 0.09)
            sc.shape(FABRIC[i % len(FABRIC)]).polygon(
                [(bx, y - 8 * size), (bx + 18 * size, y - 8 * size), (bx + 9 * size, y + 6 * size)]).draw()
    # Produce: a heap of fruit at the bow.
    heap_x = x + length * 0.62
    fruit = sc.rng.sample(FRUIT, 3)
    for layer in range(3):
        for k in range(6 - layer * 2):
            colour = fruit[(k + layer) % 3]
            r = 9 * size
            sc.shape(colour).circle(heap_x + (k - (5 - layer * 2) / 2) * r * 1.7, y - 6 * size - layer * r * 1.4, r).draw()
    # The trader: body in bright cloth, face, and the wide tanggui hat.
    px = x + length * 0.28
    cloth = sc.rng.choice(FABRIC)
    sc.shape(cloth).polygon([(px - 22 * size, y - 4 * size), (px + 22 * size, y - 4 * size),
                              (px + 12 * size, y - 58 * size), (px - 12 * size, y - 58 * size)]).draw()
    sc.shape((120, 78, 52)).circle(px, y - 68 * size, 11 * size).draw()
    hat = sc.shape((226, 196, 128))
    hat.ellipse((px - 44 * size, y - 84 * size, px + 44 * size, y - 70 * size))
    hat.polygon([(px - 20 * size, y - 79 * size), (px + 20 * size, y - 79 * size), (px, y - 96 * size)])
    hat.draw()
    sc.shape((170, 140, 84)).ellipse((px - 44 * size, y - 77 * size, px + 44 * size, y - 72 * size)).draw()
    # Paddle, dipping into the water.
    sc.shape((90, 60, 40)).line([(px + 14 * size, y - 44 * size), (px - 40 * size, y + 30 * size)], 4 * size).draw()
    sc.shape((90, 60, 40)).ellipse((px - 52 * size, y + 18 * size, px - 30 * size, y + 44 * size)).draw()


def onion_dome(shape: Shape, cx: float, base: float, r: float, spire: bool = True) -> None:
    """An onion dome sitting on a short drum, with a finial."""
    points = []
    for i in range(41):
        t = i / 40  # 0 at the left foot, 1 at the right foot, around the top
        angle = math.pi * (1.15 - 1.3 * t)
        px = cx + r * math.cos(angle)
        py = base - r * 0.85 - r * math.sin(angle)
        # Pull the top into a point: the higher, the narrower.
        lift = max(0.0, math.sin(angle))
        px = cx + (px - cx) * (1 - 0.22 * lift ** 3)
        py -= r * 0.45 * lift ** 8
        points.append((px, py))
    shape.polygon([(cx - r * 0.78, base)] + points + [(cx + r * 0.78, base)])
    if spire:
        tip = base - r * 2.45
        shape.line([(cx, base - r * 2.0), (cx, tip)], max(1.5, r * 0.05))
        shape.circle(cx, base - r * 2.1, r * 0.07)


def crescent(sc: Scene, x: float, y: float, r: float, colour: Colour, background: Colour) -> None:
    sc.shape(colour).circle(x, y, r).draw()
    sc.shape(background).circle(x + r * 0.45, y - r * 0.15, r * 0.85).draw()


def scene_mosque(sc: Scene, *, tomb: bool = False, crowd: bool = False) -> None:
    """A grand mosque (or a domed tomb, a kubah) against an evening sky."""
    palette = "night" if crowd else sc.rng.choice(["dusk", "golden", "dusk"])
    ground = 0.78
    top, middle, low, sun = sc.sky(palette, ground)
    if palette == "night":
        sc.stars(140, 0.55)
        crescent(sc, sc.X(sc.rng.choice([0.16, 0.82])), sc.Y(sc.rng.uniform(0.1, 0.2)), 34 * sc.s, (250, 236, 190), top)
        sc.glow(sc.X(0.5), sc.Y(ground), 520 * sc.s, (255, 190, 110), 0.45)
    else:
        sc.clouds(mix(middle, (255, 230, 220), 0.3), 6, 0.1, 0.45, alpha=80)
        sc.sun(sc.X(sc.rng.choice([0.18, 0.82])), sc.Y(0.6), 40 * sc.s, sun)
    far = mix(low, (40, 50, 60), 0.55)
    sc.canopy_along(sc.ridge(ground - 0.06, 0.02), far, 26 * sc.s)
    body = mix((238, 226, 204), low, 0.25) if palette != "night" else (70, 72, 96)
    shadow = shade(body, 0.78)
    # Tombs vary their dome (gold, green or white) so the pilgrimage sites do not all look alike.
    dome_colour = (38, 128, 118) if not tomb else sc.rng.choice([(214, 180, 92), (58, 140, 96), (226, 226, 218)])
    dome_light = shade(dome_colour, 1.25)
    cx = sc.X(0.5)
    base = sc.Y(ground)
    width = sc.X(0.36 if not tomb else 0.26)
    walls_top = base - sc.Y(0.2 if not tomb else 0.17)
    # Minarets behind the hall.
    if not tomb:
        for side in (-1, 1):
            for offset in (0.24, 0.31):
                mx = cx + side * sc.X(offset)
                mh = sc.Y(0.5 if offset == 0.24 else 0.4)
                mw = 22 * sc.s
                tower = sc.shape(body)
                tower.rect((mx - mw, base - mh, mx + mw, base))
                tower.rect((mx - mw * 1.5, base - mh * 0.72, mx + mw * 1.5, base - mh * 0.69))
                tower.rect((mx - mw * 1.35, base - mh - 6 * sc.s, mx + mw * 1.35, base - mh))
                tower.draw()
                sc.shape(shadow).rect((mx + mw * 0.25, base - mh, mx + mw, base)).draw()
                dome = sc.shape(dome_colour)
                onion_dome(dome, mx, base - mh - 6 * sc.s, mw * 1.25)
                dome.draw()
                for k in range(3):
                    wy = base - mh * (0.35 + 0.2 * k)
                    sc.shape((255, 208, 120)).rect((mx - 4 * sc.s, wy, mx + 4 * sc.s, wy + 16 * sc.s)).draw()
    hall = sc.shape(body)
    hall.rect((cx - width / 2, walls_top, cx + width / 2, base))
    hall.rect((cx - width / 2 - 12 * sc.s, walls_top - 10 * sc.s, cx + width / 2 + 12 * sc.s, walls_top))
    hall.draw()
    sc.shape(shadow).rect((cx + width * 0.18, walls_top, cx + width / 2, base)).draw()
    # Arched windows and doors, lit from inside.
    arches = 7 if not tomb else 5
    for k in range(arches):
        ax = cx - width / 2 + width * (k + 0.5) / arches
        aw = width / arches * 0.32
        ah = (base - walls_top) * 0.5
        lit = sc.shape((255, 206, 118) if palette == "night" or sc.rng.random() < 0.7 else (96, 66, 58))
        lit.rect((ax - aw, base - ah, ax + aw, base - sc.Y(0.01)))
        lit.circle(ax, base - ah, aw)
        lit.draw()
    # Domes: two small, one large.
    small_r = width * 0.09
    for side in (-1, 1):
        dome = sc.shape(dome_colour)
        onion_dome(dome, cx + side * width * 0.33, walls_top - 10 * sc.s, small_r)
        dome.draw()
    drum = sc.shape(body)
    big_r = width * (0.2 if not tomb else 0.3)
    drum.rect((cx - big_r * 0.85, walls_top - big_r * 0.35, cx + big_r * 0.85, walls_top))
    drum.draw()
    dome = sc.shape(dome_colour)
    onion_dome(dome, cx, walls_top - big_r * 0.35, big_r)
    dome.draw()
    sc.shape(dome_light, 110).ellipse((cx - big_r * 0.7, walls_top - big_r * 2.0, cx - big_r * 0.1,
                                       walls_top - big_r * 0.7)).draw()
    if tomb:
        # The lattice fence and lanterns of a pilgrims' tomb.
        fence = sc.shape(shade(body, 0.6))
        fence.rect((sc.X(0.08), base - 26 * sc.s, sc.X(0.92), base - 20 * sc.s))
        for k in range(40):
            fx = sc.X(0.08) + (sc.X(0.84)) * k / 39
            fence.line([(fx, base - 30 * sc.s), (fx, base)], 3 * sc.s)
        fence.draw()
    # A plaza, and for the grand mosque a long pool that mirrors it.
    sc.shape(mix(low, (60, 56, 62), 0.7)).rect((0, base, sc.w, sc.h)).draw()
    sc.shape(mix(low, (255, 255, 255), 0.1), 70).rect((0, base, sc.w, base + 4 * sc.s)).draw()
    if tomb and not crowd:
        # A lawn and a paved path with lamps leading the pilgrims to the door.
        sc.shape(mix(low, (58, 96, 60), 0.65)).rect((0, base + 4 * sc.s, sc.w, sc.h)).draw()
        stone = mix(body, low, 0.35)
        door_half, foot_half = 40 * sc.s, 300 * sc.s
        sc.shape(stone).polygon([(cx - door_half, base), (cx + door_half, base),
                                 (cx + foot_half, sc.h), (cx - foot_half, sc.h)]).draw()
        joints = sc.shape(shade(stone, 0.8), 150)
        for k in range(1, 9):
            t = (k / 9) ** 1.7
            y = base + (sc.h - base) * t
            half = door_half + (foot_half - door_half) * t
            joints.line([(cx - half, y), (cx + half, y)], max(1.0, 2 * sc.s * (0.5 + t)))
        joints.draw()
        lamps = []
        for k in range(1, 5):
            t = (k / 5) ** 1.4
            y = base + (sc.h - base) * t
            half = door_half + (foot_half - door_half) * t + 40 * sc.s * (0.5 + t)
            post = (30 + 90 * t) * sc.s
            for side in (-1, 1):
                lx = cx + side * half
                sc.shape((40, 36, 40)).line([(lx, y), (lx, y - post)], max(1.5, 5 * sc.s * (0.4 + t))).draw()
                sc.shape((255, 226, 150)).circle(lx, y - post, (5 + 8 * t) * sc.s).draw()
                lamps.append((lx, y - post, (30 + 50 * t) * sc.s, (255, 214, 140)))
        sc.lights(lamps, 0.45)
    if not tomb:
        pool_top = ground + 0.03
        sc.water(pool_top, mix(low, (50, 90, 110), 0.5), (20, 40, 56), reflect=0.7)
        sc.shape(mix(low, (230, 220, 200), 0.5)).rect((0, sc.Y(pool_top) - 5 * sc.s, sc.w, sc.Y(pool_top))).draw()
    for side_x in (sc.X(0.06), sc.X(0.94)):
        sc.palm(side_x, base + 6 * sc.s, sc.Y(0.42), (24, 34, 36), sc.rng.uniform(-0.15, 0.15))
    if crowd:
        # Pilgrims in white, and strings of lights, for the haul.
        people = sc.shape((236, 232, 222))
        caps = sc.shape((250, 250, 246))
        for _ in range(int(420 * max(0.2, sc.s))):
            px = sc.rng.uniform(0, sc.w)
            py = base + sc.rng.random() ** 0.8 * (sc.h - base)
            r = (4 + 10 * (py - base) / (sc.h - base)) * sc.s
            people.ellipse((px - r, py - r * 1.6, px + r, py + r * 2))
            caps.circle(px, py - r * 2.1, r * 0.7)
        people.draw()
        caps.draw()
        for k in range(3):
            lights = sc.shape((255, 214, 130))
            y0 = sc.Y(0.25 + k * 0.08)
            for i in range(40):
                t = i / 39
                lights.circle(sc.X(t), y0 + math.sin(t * math.pi) * sc.Y(0.06), 3.2 * sc.s)
            lights.draw()


def scene_reservoir(sc: Scene, *, pines: bool = True, viewpoint: bool = False) -> None:
    """Riam Kanan: folded hills, a wide lake, islands of pine, a klotok boat."""
    palette = sc.rng.choice(["morning", "golden"] if not viewpoint else ["dawn", "golden"])
    horizon = 0.5 if not viewpoint else 0.44
    top, middle, low, sun = sc.sky(palette, horizon)
    sc.clouds((255, 255, 255), 7, 0.06, 0.3, alpha=110)
    sc.sun(sc.X(sc.rng.uniform(0.6, 0.85)), sc.Y(horizon - 0.2), 30 * sc.s, sun)
    layers = 4
    for k in range(layers):
        t = k / (layers - 1)
        colour = mix(mix(low, middle, 0.3), (38, 84, 70), 0.3 + t * 0.5)
        sc.hills(sc.ridge(horizon - 0.11 + t * 0.09, 0.1 - t * 0.04, waves=4, peaks=k < 2), colour)
        sc.haze(horizon - 0.1 + t * 0.09, horizon + 0.01, low, 90)
    sc.water(horizon, mix(middle, (60, 120, 130), 0.5), (20, 60, 70), reflect=0.6)
    islands = 3 if not viewpoint else 7
    for k in range(islands):
        iy = sc.Y(horizon + 0.03 + (0.05 if viewpoint else 0.1) * sc.rng.random() + k * 0.015)
        ix = sc.rng.uniform(0.05, 0.85) * sc.w
        iw = sc.rng.uniform(90, 260) * sc.s * (0.7 if viewpoint else 1.2)
        land = sc.shape((52, 96, 62))
        land.ellipse((ix, iy - iw * 0.1, ix + iw, iy + iw * 0.06))
        land.draw()
        sc.shape((14, 40, 44), 90).ellipse((ix, iy + iw * 0.03, ix + iw, iy + iw * 0.12)).draw()
        if pines:
            for _ in range(int(iw / (14 * sc.s)) + 2):
                sc.pine(ix + sc.rng.uniform(0.1, 0.9) * iw, iy - iw * 0.02, sc.rng.uniform(0.35, 0.6) * iw,
                        (26, 66, 50))
    if not viewpoint:
        klotok(sc, sc.X(sc.rng.uniform(0.15, 0.55)), sc.Y(0.8), 1.0)
        klotok(sc, sc.X(sc.rng.uniform(0.6, 0.8)), sc.Y(0.64), 0.45)
    else:
        # The grassy hilltop of Matang Kaladan with a walker looking out.
        near = sc.ridge(0.86, 0.07, waves=2)
        sc.hills(near, (44, 78, 46))
        grass = sc.shape((84, 130, 66), 160)
        for _ in range(int(240 * max(0.3, sc.s))):
            gx = sc.rng.uniform(0, sc.w)
            gy = _y_at(near, gx) + sc.rng.uniform(2, 60) * sc.s
            grass.line([(gx, gy), (gx + sc.rng.uniform(-6, 6) * sc.s, gy - sc.rng.uniform(10, 24) * sc.s)], 2 * sc.s)
        grass.draw()
        wx = sc.X(0.7)
        wy = _y_at(near, wx)
        walker = sc.shape((24, 30, 34))
        walker.rect((wx - 9 * sc.s, wy - 70 * sc.s, wx + 9 * sc.s, wy - 30 * sc.s))
        walker.circle(wx, wy - 82 * sc.s, 11 * sc.s)
        walker.line([(wx - 5 * sc.s, wy - 32 * sc.s), (wx - 9 * sc.s, wy)], 6 * sc.s)
        walker.line([(wx + 5 * sc.s, wy - 32 * sc.s), (wx + 11 * sc.s, wy)], 6 * sc.s)
        walker.rect((wx - 16 * sc.s, wy - 68 * sc.s, wx - 6 * sc.s, wy - 40 * sc.s))
        walker.draw()


def klotok(sc: Scene, x: float, y: float, size: float) -> None:
    """A klotok: the roofed wooden motor boat of the rivers and the reservoir."""
    size *= sc.s
    length = 260 * size
    sc.shape((10, 30, 36), 80).ellipse((x - 10 * size, y, x + length + 10 * size, y + 24 * size)).draw()
    hull = sc.shape((124, 40, 36))
    hull.polygon([(x, y - 22 * size), (x + length, y - 30 * size), (x + length * 0.92, y + 8 * size),
                  (x + length * 0.06, y + 6 * size)])
    hull.draw()
    sc.shape((236, 220, 180)).rect((x + length * 0.02, y - 24 * size, x + length * 0.98, y - 19 * size)).draw()
    cabin = sc.shape((232, 214, 176))
    cabin.rect((x + length * 0.22, y - 70 * size, x + length * 0.74, y - 24 * size))
    cabin.draw()
    roof = sc.shape((46, 96, 140))
    roof.polygon([(x + length * 0.16, y - 70 * size), (x + length * 0.8, y - 70 * size),
                  (x + length * 0.74, y - 84 * size), (x + length * 0.22, y - 84 * size)])
    roof.draw()
    for k in range(4):
        wx = x + length * (0.27 + k * 0.12)
        sc.shape((60, 70, 80)).rect((wx, y - 62 * size, wx + length * 0.08, y - 44 * size)).draw()
    wake = sc.shape((255, 255, 255), 110)
    wake.line([(x - 60 * size, y + 4 * size), (x, y + 2 * size)], 3 * size)
    wake.line([(x - 110 * size, y + 12 * size), (x - 10 * size, y + 8 * size)], 2 * size)
    wake.draw()


def scene_forest(sc: Scene, *, ruins: bool = False, park: bool = False) -> None:
    """Forested hills in morning mist (Tahura, Pengaron, Kiram)."""
    palette = sc.rng.choice(["morning", "golden", "dawn"])
    top, middle, low, sun = sc.sky(palette, 0.5)
    sc.clouds(mix(middle, (255, 255, 255), 0.45), 5, 0.06, 0.3, alpha=90)
    sun_x, sun_y = sc.X(sc.rng.uniform(0.25, 0.75)), sc.Y(0.3)
    sc.sun(sun_x, sun_y, 30 * sc.s, sun)
    bases = [0.44, 0.52, 0.61, 0.73, 0.9]
    last = len(bases) - (2 if park or ruins else 1)
    for k, base in enumerate(bases[: last + 1]):
        t = k / (len(bases) - 1)
        colour = mix(mix(low, middle, 0.4), (26, 66, 44), 0.15 + t * 0.75)
        line = sc.ridge(base, 0.1 - t * 0.06, waves=4, peaks=k < 2)
        if k >= 2:
            sc.canopy_along(line, colour, (12 + 10 * k) * sc.s, light=shade(colour, 1.18))
        else:
            sc.hills(line, colour)
        if k < last:
            sc.haze(base - 0.06, bases[k + 1] + 0.02, low, 120 - k * 18)
        if k == 1:
            # Sun rays slanting through the mist, behind the nearer trees.
            rays = sc.shape(sun, 34)
            for ray in range(6):
                angle = math.radians(55 + ray * 13 + sc.rng.uniform(-3, 3))
                far_x, far_y = sun_x + math.cos(angle) * sc.w, sun_y + math.sin(angle) * sc.w
                rays.polygon([(sun_x, sun_y), (far_x - 30 * sc.s, far_y), (far_x + 30 * sc.s, far_y)])
            rays.draw()
    birds = sc.shape((40, 40, 50))
    for _ in range(7):
        bx, by, bs = sc.rng.uniform(0.1, 0.9) * sc.w, sc.rng.uniform(0.1, 0.3) * sc.h, sc.rng.uniform(6, 12) * sc.s
        birds.line([(bx - bs, by - bs * 0.4), (bx, by), (bx + bs, by - bs * 0.4)], 2 * sc.s)
    birds.draw()
    if ruins:
        # The brick ruins of the Oranje Nassau fort, half swallowed by the forest.
        wall_colour = (150, 98, 74)
        base = sc.Y(0.86)
        outline = [(0.14, 0.0), (0.14, 0.17), (0.2, 0.2), (0.25, 0.15), (0.31, 0.22), (0.37, 0.21),
                   (0.42, 0.13), (0.55, 0.15), (0.6, 0.1), (0.68, 0.12), (0.72, 0.0)]
        wall = [(sc.X(x), base - sc.Y(y)) for x, y in outline]
        # Brick courses drawn on a texture, then cut out by the wall's outline.
        texture = Image.new("RGB", sc.size, wall_colour)
        pen = ImageDraw.Draw(texture)
        course = max(3, round(sc.Y(0.0135)))
        mortar = shade(wall_colour, 0.72)
        for row, y in enumerate(range(round(base), round(base - sc.Y(0.24)), -course)):
            pen.line([(0, y), (sc.w, y)], fill=mortar, width=max(1, round(1.4 * sc.s)))
            for x in range(round((row % 2) * course * 1.2), sc.w, round(course * 2.4)):
                pen.line([(x, y), (x, y - course)], fill=mortar, width=max(1, round(1.2 * sc.s)))
        sc.shape(texture).polygon(wall).draw()
        sc.shape(shade(wall_colour, 0.6), 110).polygon(wall[:4] + [(sc.X(0.25), base)]).draw()
        sc.shape((34, 22, 20)).polygon(
            [(sc.X(0.44), base), (sc.X(0.44), base - sc.Y(0.07)), (sc.X(0.47), base - sc.Y(0.1)),
             (sc.X(0.5), base - sc.Y(0.07)), (sc.X(0.5), base)]).draw()
        moss = sc.shape((70, 120, 62), 220)
        for _ in range(36):
            x = sc.rng.uniform(0.14, 0.72)
            top_y = _y_at([(sc.X(a), base - sc.Y(b)) for a, b in outline], sc.X(x))
            moss.circle(sc.X(x), top_y + sc.rng.uniform(0, 0.03) * sc.h, sc.rng.uniform(8, 20) * sc.s)
        moss.draw()
        sc.canopy_along(sc.ridge(0.93, 0.02), (24, 50, 32), 30 * sc.s, light=(40, 76, 46))
    elif park:
        # Rolling lawns with a winding path and a gazebo.
        lawn = sc.ridge(0.78, 0.04, waves=2)
        sc.hills(lawn, (98, 152, 72))
        sc.haze(0.74, 0.85, (255, 255, 255), 40)
        path = sc.shape((226, 206, 166))
        path.line([(sc.X(0.5) + math.sin(t * 5) * sc.X(0.08) * (1 - t) ** 0.5,
                    sc.h + 20 * sc.s - t * (sc.h + 20 * sc.s - _y_at(lawn, sc.X(0.5))))
                   for t in (i / 30 for i in range(31))], 30 * sc.s)
        path.draw()
        gx = sc.X(0.74)
        gy = _y_at(lawn, gx) + 60 * sc.s
        gazebo = sc.shape((120, 66, 44))
        gazebo.polygon([(gx - 90 * sc.s, gy - 100 * sc.s), (gx + 90 * sc.s, gy - 100 * sc.s), (gx, gy - 170 * sc.s)])
        for post in (-70, -24, 24, 70):
            gazebo.line([(gx + post * sc.s, gy - 100 * sc.s), (gx + post * sc.s, gy)], 7 * sc.s)
        gazebo.rect((gx - 84 * sc.s, gy - 8 * sc.s, gx + 84 * sc.s, gy + 6 * sc.s))
        gazebo.draw()
        flowers = sc.shape((236, 96, 116))
        yellow = sc.shape((248, 208, 80))
        for k in range(120):
            fx = sc.rng.uniform(0, sc.w)
            fy = _y_at(lawn, fx) + sc.rng.random() ** 0.7 * (sc.h - _y_at(lawn, fx))
            (flowers if k % 3 else yellow).circle(fx, fy, (3 + 5 * fy / sc.h) * sc.s)
        flowers.draw()
        yellow.draw()
    # Tall trees framing the picture, close to the viewer.
    for side in (-1, 1):
        tx = sc.X(0.04) if side < 0 else sc.X(0.96)
        trunk = sc.shape((22, 30, 26))
        trunk.polygon([(tx - 16 * sc.s, sc.h), (tx + 16 * sc.s, sc.h), (tx + 7 * sc.s, sc.Y(0.08)), (tx - 7 * sc.s, sc.Y(0.08))])
        trunk.line([(tx, sc.Y(0.35)), (tx - side * 110 * sc.s, sc.Y(0.22))], 8 * sc.s)
        trunk.draw()
        crown = sc.shape((20, 40, 30))
        for _ in range(14):
            crown.circle(tx + sc.rng.uniform(-180, 120) * sc.s * -side, sc.rng.uniform(-0.05, 0.2) * sc.h,
                         sc.rng.uniform(50, 110) * sc.s)
        crown.draw()
    ferns = sc.shape((18, 38, 26))
    for _ in range(int(26 * max(0.4, sc.s))):
        fx = sc.rng.choice([sc.rng.uniform(0, 0.25), sc.rng.uniform(0.75, 1.0)]) * sc.w
        length = sc.rng.uniform(80, 170) * sc.s
        angle = sc.rng.uniform(0.3, 1.3) * (1 if fx < sc.w / 2 else -1)
        tip = (fx + math.sin(angle) * length, sc.h - math.cos(abs(angle)) * length)
        ferns.polygon([(fx - 8 * sc.s, sc.h + 4), (tip[0], tip[1]), (fx + 8 * sc.s, sc.h + 4)])
    ferns.draw()


def scene_market(sc: Scene) -> None:
    """The gem market of Martapura: lit shopfronts behind a tray of glittering stones."""
    sc.image.paste(sc.gradient([(0, (40, 14, 26)), (0.5, (92, 34, 38)), (1, (36, 16, 20))]), (0, 0))
    warm = [(255, 196, 110), (255, 150, 90), (250, 226, 170), (140, 200, 255)]
    sc.lights([(sc.rng.uniform(0, sc.w), sc.rng.uniform(0, 0.5) * sc.h, sc.rng.uniform(20, 70) * sc.s,
                sc.rng.choice(warm)) for _ in range(60)], 0.3)
    stripes = [(200, 40, 52), (246, 232, 214), (30, 120, 110), (240, 180, 50)]
    shop_top, shop_bottom = sc.Y(0.3), sc.Y(0.6)
    for k in range(4):
        left, width = sc.X(k * 0.25), sc.X(0.25)
        # The lit inside of the shop, its glass cases and the shopkeeper.
        sc.image.paste(sc.gradient([(0, (255, 226, 170)), (1, (196, 128, 80))],
                                   (round(left), round(shop_top), round(left + width), round(shop_bottom))),
                       (round(left), round(shop_top)))
        shelves = sc.shape((120, 70, 50))
        for row in range(3):
            y = shop_top + (shop_bottom - shop_top) * (0.2 + row * 0.16)
            shelves.rect((left + width * 0.06, y, left + width * 0.94, y + 4 * sc.s))
        shelves.draw()
        goods = sc.shape((250, 244, 230))
        for row in range(3):
            y = shop_top + (shop_bottom - shop_top) * (0.2 + row * 0.16)
            for i in range(9):
                goods.circle(left + width * (0.1 + i * 0.1), y - 6 * sc.s, 4 * sc.s)
        goods.draw()
        person = sc.shape((64, 36, 40))
        px = left + width * sc.rng.uniform(0.3, 0.7)
        head_y = shop_bottom - (shop_bottom - shop_top) * 0.5
        person.circle(px, head_y, 15 * sc.s)
        person.line([(px, head_y + 14 * sc.s), (px, head_y + 24 * sc.s)], 10 * sc.s)
        person.polygon([(px - 40 * sc.s, shop_bottom), (px - 36 * sc.s, head_y + 36 * sc.s), (px - 22 * sc.s, head_y + 24 * sc.s),
                        (px + 22 * sc.s, head_y + 24 * sc.s), (px + 36 * sc.s, head_y + 36 * sc.s), (px + 40 * sc.s, shop_bottom)])
        person.circle(px - 24 * sc.s, head_y + 36 * sc.s, 14 * sc.s)
        person.circle(px + 24 * sc.s, head_y + 36 * sc.s, 14 * sc.s)
        person.draw()
        sc.shape((60, 20, 26)).rect((left - 3 * sc.s, shop_top, left + 8 * sc.s, shop_bottom)).draw()
        case = sc.shape((210, 236, 255), 90)
        case.rect((left + width * 0.05, shop_bottom - (shop_bottom - shop_top) * 0.25, left + width * 0.95, shop_bottom))
        case.draw()
        sc.shape((255, 255, 255), 160).rect((left + width * 0.05, shop_bottom - (shop_bottom - shop_top) * 0.25,
                                             left + width * 0.95, shop_bottom - (shop_bottom - shop_top) * 0.23)).draw()
        # Striped awning with a scalloped edge.
        awning = sc.rng.sample(stripes, 2)
        for i in range(8):
            x0, x1 = left + width * i / 8, left + width * (i + 1) / 8
            sc.shape(awning[i % 2]).polygon([(x0, sc.Y(0.1)), (x1, sc.Y(0.1)), (x1 + 4 * sc.s, sc.Y(0.28)),
                                             (x0 - 4 * sc.s, sc.Y(0.28))]).draw()
        scallop = sc.shape(awning[0])
        for i in range(8):
            scallop.circle(left + width * (i + 0.5) / 8, sc.Y(0.28), width / 16)
        scallop.draw()
        sc.shape((0, 0, 0), 70).rect((left, sc.Y(0.28) + width / 16, left + width, sc.Y(0.28) + width / 16 + 10 * sc.s)).draw()
    # The counter: a wooden edge and a velvet tray of stones on little cushions.
    sc.shape((82, 44, 30)).rect((0, sc.Y(0.6), sc.w, sc.Y(0.64))).draw()
    sc.shape((130, 76, 46)).rect((0, sc.Y(0.6), sc.w, sc.Y(0.607))).draw()
    tray_top = round(sc.Y(0.64))
    sc.image.paste(sc.gradient([(0, (30, 34, 84)), (1, (12, 12, 40))], (0, tray_top, sc.w, sc.h)), (0, tray_top))
    gem_colours = [(236, 244, 255), (190, 220, 255), (150, 90, 200), (220, 40, 80), (40, 170, 120), (255, 200, 70)]
    rows = [(0.7, 11, 16), (0.79, 9, 24), (0.91, 7, 34)]
    for y, count, r in rows:
        for i in range(count):
            x = sc.w * (i + 0.5) / count + sc.rng.uniform(-6, 6) * sc.s
            cushion = sc.shape((236, 232, 240))
            cushion.ellipse((x - r * 1.5 * sc.s, sc.Y(y) + r * 0.3 * sc.s, x + r * 1.5 * sc.s, sc.Y(y) + r * 1.4 * sc.s))
            cushion.draw()
            gem(sc, x, sc.Y(y), r * sc.s, sc.rng.choice(gem_colours))
    sc.lights([(sc.rng.uniform(0, sc.w), sc.rng.uniform(0.66, 1.0) * sc.h, sc.rng.uniform(10, 30) * sc.s,
                (200, 220, 255)) for _ in range(20)], 0.35)
    for _ in range(22):
        sparkle(sc, sc.rng.uniform(0, sc.w), sc.rng.uniform(0.64, 1.0) * sc.h, sc.rng.uniform(8, 22) * sc.s)


def gem(sc: Scene, x: float, y: float, r: float, colour: Colour) -> None:
    """A brilliant-cut stone: crown, table and pavilion in three shades."""
    sc.shape((0, 0, 0), 90).ellipse((x - r, y + r * 0.7, x + r * 1.1, y + r * 1.0)).draw()
    sc.shape(shade(colour, 0.7)).polygon([(x - r, y - r * 0.15), (x + r, y - r * 0.15), (x, y + r)]).draw()
    sc.shape(shade(colour, 0.85)).polygon([(x, y - r * 0.15), (x + r, y - r * 0.15), (x, y + r)]).draw()
    sc.shape(colour).polygon([(x - r, y - r * 0.15), (x - r * 0.55, y - r * 0.6), (x + r * 0.55, y - r * 0.6),
                              (x + r, y - r * 0.15)]).draw()
    sc.shape(shade(colour, 1.4)).polygon([(x - r * 0.35, y - r * 0.6), (x + r * 0.35, y - r * 0.6),
                                          (x + r * 0.2, y - r * 0.3), (x - r * 0.2, y - r * 0.3)]).draw()
    facets = sc.shape(shade(colour, 0.55), 150)
    facets.line([(x - r * 0.5, y - r * 0.15), (x, y + r)], max(1, r * 0.04))
    facets.line([(x + r * 0.5, y - r * 0.15), (x, y + r)], max(1, r * 0.04))
    facets.draw()


def sparkle(sc: Scene, x: float, y: float, r: float) -> None:
    star = sc.shape((255, 255, 255), 220)
    star.polygon([(x, y - r), (x + r * 0.15, y - r * 0.15), (x + r, y), (x + r * 0.15, y + r * 0.15),
                  (x, y + r), (x - r * 0.15, y + r * 0.15), (x - r, y), (x - r * 0.15, y - r * 0.15)])
    star.draw()


def scene_house(sc: Scene) -> None:
    """A Banjar Bubungan Tinggi house on stilts above the swamp."""
    palette = sc.rng.choice(["golden", "dawn"])
    horizon = 0.7
    top, middle, low, sun = sc.sky(palette, horizon)
    sc.clouds(mix(middle, (255, 255, 255), 0.4), 6, 0.08, 0.35, alpha=90)
    sc.sun(sc.X(0.82), sc.Y(0.38), 32 * sc.s, sun)
    far = mix(low, (56, 80, 66), 0.5)
    sc.canopy_along(sc.ridge(horizon - 0.03, 0.015), far, 22 * sc.s)
    for _ in range(5):
        sc.palm(sc.rng.uniform(0, sc.w), sc.Y(horizon), sc.rng.uniform(140, 220) * sc.s, shade(far, 0.8),
                sc.rng.uniform(-0.2, 0.2))
    cx, floor = sc.X(0.45), sc.Y(horizon - 0.02)
    wood, dark_wood, roof = (150, 86, 50), (96, 52, 32), (70, 46, 40)
    # Stilts.
    stilts = sc.shape(dark_wood)
    for k in range(13):
        sx = cx - sc.X(0.27) + sc.X(0.54) * k / 12
        stilts.line([(sx, floor), (sx, floor + sc.Y(0.05))], 6 * sc.s)
    stilts.draw()
    body = sc.shape(wood)
    body.rect((cx - sc.X(0.27), floor - sc.Y(0.13), cx + sc.X(0.27), floor))  # the anjung wings
    body.rect((cx - sc.X(0.12), floor - sc.Y(0.17), cx + sc.X(0.12), floor))  # the central hall
    body.draw()
    sc.shape(shade(wood, 0.8)).rect((cx + sc.X(0.04), floor - sc.Y(0.17), cx + sc.X(0.12), floor)).draw()
    boards = sc.shape(dark_wood, 110)
    for k in range(16):
        y = floor - sc.Y(0.17) * k / 16
        boards.line([(cx - sc.X(0.27), y), (cx + sc.X(0.27), y)], 1.5 * sc.s)
    boards.draw()
    roofs = sc.shape(roof)
    # The very steep central roof that gives the house its name, and the wings' lower roofs.
    roofs.polygon([(cx - sc.X(0.14), floor - sc.Y(0.17)), (cx, floor - sc.Y(0.56)), (cx + sc.X(0.14), floor - sc.Y(0.17))])
    roofs.polygon([(cx - sc.X(0.29), floor - sc.Y(0.13)), (cx - sc.X(0.2), floor - sc.Y(0.27)),
                   (cx - sc.X(0.12), floor - sc.Y(0.27)), (cx - sc.X(0.11), floor - sc.Y(0.13))])
    roofs.polygon([(cx + sc.X(0.29), floor - sc.Y(0.13)), (cx + sc.X(0.2), floor - sc.Y(0.27)),
                   (cx + sc.X(0.12), floor - sc.Y(0.27)), (cx + sc.X(0.11), floor - sc.Y(0.13))])
    roofs.polygon([(cx - sc.X(0.1), floor - sc.Y(0.17)), (cx + sc.X(0.1), floor - sc.Y(0.17)),
                   (cx + sc.X(0.14), floor - sc.Y(0.1)), (cx - sc.X(0.14), floor - sc.Y(0.1))])
    roofs.draw()
    sc.shape(shade(roof, 1.3), 120).polygon([(cx - sc.X(0.14), floor - sc.Y(0.17)), (cx, floor - sc.Y(0.56)),
                                              (cx - sc.X(0.02), floor - sc.Y(0.17))]).draw()
    # Carved ridge ornament at the top (the layang-layang finial).
    sc.shape(roof).line([(cx - 14 * sc.s, floor - sc.Y(0.58)), (cx, floor - sc.Y(0.55)),
                         (cx + 14 * sc.s, floor - sc.Y(0.58))], 4 * sc.s).draw()
    for k in range(6):
        wx = cx - sc.X(0.25) + sc.X(0.5) * k / 5
        if abs(wx - cx) < sc.X(0.03):
            continue
        sc.shape((255, 212, 140) if palette == "dawn" else (60, 34, 26)).rect(
            (wx - 10 * sc.s, floor - sc.Y(0.09), wx + 10 * sc.s, floor - sc.Y(0.03))).draw()
    sc.shape((60, 34, 26)).rect((cx - 18 * sc.s, floor - sc.Y(0.1), cx + 18 * sc.s, floor)).draw()
    # Steps down to a footbridge (titian) over the swamp.
    steps = sc.shape(dark_wood)
    for k in range(5):
        steps.rect((cx - 30 * sc.s, floor + k * 8 * sc.s, cx + 30 * sc.s, floor + k * 8 * sc.s + 4 * sc.s))
    steps.rect((cx - 24 * sc.s, floor + sc.Y(0.05), cx + 24 * sc.s, sc.h))
    steps.draw()
    sc.water(horizon + 0.03, mix(low, (70, 100, 80), 0.5), (26, 50, 40), reflect=0.55)
    reeds = sc.shape((40, 70, 44))
    for _ in range(int(160 * max(0.3, sc.s))):
        rx = sc.rng.uniform(0, sc.w)
        ry = sc.rng.uniform(0.85, 1.02) * sc.h
        if abs(rx - cx) < 40 * sc.s:
            continue
        reeds.line([(rx, ry), (rx + sc.rng.uniform(-14, 14) * sc.s, ry - sc.rng.uniform(30, 90) * sc.s)], 3 * sc.s)
    reeds.draw()


def scene_food(sc: Scene) -> None:
    """Banjar food seen from above: soto banjar, ketupat and wadai cakes."""
    # Wooden table.
    sc.image.paste(sc.gradient([(0, (120, 74, 46)), (1, (90, 52, 32))]), (0, 0))
    grain = sc.shape((70, 40, 24), 70)
    for _ in range(int(90 * max(0.3, sc.s))):
        y = sc.rng.uniform(0, sc.h)
        grain.line([(0, y), (sc.w * 0.3, y + sc.rng.uniform(-8, 8)), (sc.w, y + sc.rng.uniform(-12, 12))],
                   sc.rng.uniform(1, 3) * sc.s)
    grain.draw()
    # A sasirangan runner across the table.
    runner_top, runner_bottom = sc.Y(0.3), sc.Y(0.7)
    sc.shape((34, 96, 120)).rect((0, runner_top, sc.w, runner_bottom)).draw()
    sasirangan_band(sc, runner_top + 14 * sc.s, 40 * sc.s, [(240, 190, 60), (200, 40, 60)])
    sasirangan_band(sc, runner_bottom - 54 * sc.s, 40 * sc.s, [(240, 190, 60), (200, 40, 60)])

    def shadow(x: float, y: float, r: float) -> None:
        sc.shape((20, 10, 6), 80).circle(x + r * 0.08, y + r * 0.1, r * 1.02).draw()

    # Soto banjar: broth, egg, chicken, noodles, spring onion.
    bx, by, br = sc.X(0.36), sc.Y(0.5), sc.Y(0.26)
    shadow(bx, by, br)
    sc.shape((240, 238, 230)).circle(bx, by, br).draw()
    sc.shape((44, 110, 140)).circle(bx, by, br * 0.96).draw()
    sc.shape((240, 238, 230)).circle(bx, by, br * 0.9).draw()
    sc.shape((222, 168, 72)).circle(bx, by, br * 0.78).draw()
    noodles = sc.shape((248, 236, 200))
    for _ in range(14):
        angle = sc.rng.uniform(0, math.tau)
        pts = [(bx + math.cos(angle + t * 0.9) * br * (0.2 + 0.4 * t), by + math.sin(angle + t * 0.9) * br * (0.2 + 0.4 * t))
               for t in (i / 8 for i in range(9))]
        noodles.line(pts, 5 * sc.s)
    noodles.draw()
    chicken = sc.shape((236, 206, 150))
    for _ in range(12):
        cx, cy = bx + sc.rng.uniform(-0.4, 0.4) * br, by + sc.rng.uniform(-0.4, 0.4) * br
        chicken.polygon([(cx, cy), (cx + 26 * sc.s, cy + 6 * sc.s), (cx + 20 * sc.s, cy + 16 * sc.s), (cx - 4 * sc.s, cy + 10 * sc.s)])
    chicken.draw()
    for ex, ey in ((bx - br * 0.3, by - br * 0.25), (bx + br * 0.28, by + br * 0.2)):
        sc.shape((252, 250, 244)).ellipse((ex - br * 0.17, ey - br * 0.13, ex + br * 0.17, ey + br * 0.13)).draw()
        sc.shape((246, 182, 40)).circle(ex, ey, br * 0.08).draw()
    greens = sc.shape((70, 150, 60))
    for _ in range(40):
        gx, gy = bx + sc.rng.uniform(-0.6, 0.6) * br, by + sc.rng.uniform(-0.6, 0.6) * br
        if math.hypot(gx - bx, gy - by) < br * 0.72:
            greens.circle(gx, gy, 5 * sc.s)
    greens.draw()
    # Ketupat on a plate.
    kx, ky, kr = sc.X(0.7), sc.Y(0.28), sc.Y(0.17)
    shadow(kx, ky, kr)
    sc.shape((246, 244, 236)).circle(kx, ky, kr).draw()
    for dx, dy in ((-0.35, -0.1), (0.3, 0.15), (0.0, 0.35)):
        x, y, s = kx + dx * kr, ky + dy * kr, kr * 0.36
        sc.shape((110, 160, 60)).polygon([(x, y - s), (x + s, y), (x, y + s), (x - s, y)]).draw()
        weave = sc.shape((70, 120, 40))
        for k in range(1, 4):
            t = k / 4
            weave.line([(x - s + s * t, y - s * t), (x + s * t, y + s - s * t)], 2 * sc.s)
            weave.line([(x + s - s * t, y - s * t), (x - s * t, y + s - s * t)], 2 * sc.s)
        weave.draw()
    # Wadai: bingka flowers and layered amparan tatak.
    wx, wy, wr = sc.X(0.72), sc.Y(0.74), sc.Y(0.2)
    shadow(wx, wy, wr)
    sc.shape((246, 244, 236)).circle(wx, wy, wr).draw()
    for k in range(3):
        angle = math.tau * k / 3 + 0.4
        fx, fy, fr = wx + math.cos(angle) * wr * 0.48, wy + math.sin(angle) * wr * 0.48, wr * 0.3
        cake = sc.shape((214, 136, 58))
        for petal in range(6):
            pa = math.tau * petal / 6
            cake.circle(fx + math.cos(pa) * fr * 0.55, fy + math.sin(pa) * fr * 0.55, fr * 0.5)
        cake.circle(fx, fy, fr * 0.7)
        cake.draw()
        sc.shape((168, 94, 34)).circle(fx, fy, fr * 0.3).draw()
    lx, ly, ls = sc.X(0.1), sc.Y(0.2), sc.Y(0.12)
    for k, colour in enumerate([(120, 176, 80), (248, 244, 226), (120, 176, 80), (248, 244, 226)]):
        sc.shape(colour).rect((lx, ly + k * ls * 0.25, lx + ls * 1.4, ly + (k + 1) * ls * 0.25)).draw()
    sc.shape((250, 196, 70)).rect((sc.X(0.06), sc.Y(0.72), sc.X(0.18), sc.Y(0.86))).draw()
    sc.shape((200, 60, 50)).rect((sc.X(0.06), sc.Y(0.76), sc.X(0.18), sc.Y(0.78))).draw()
    sc.shape((200, 60, 50)).rect((sc.X(0.06), sc.Y(0.81), sc.X(0.18), sc.Y(0.83))).draw()
    # A spoon beside the bowl.
    spoon = sc.shape((200, 204, 210))
    spoon.line([(bx + br * 1.15, by - br * 0.7), (bx + br * 1.3, by + br * 0.6)], 10 * sc.s)
    spoon.ellipse((bx + br * 1.02, by - br * 1.0, bx + br * 1.3, by - br * 0.55))
    spoon.draw()


def sasirangan_band(sc: Scene, top: float, height: float, colours: list[Colour]) -> None:
    """A band of sasirangan-like motif: gigi haruan (fish teeth) zigzag and dots."""
    teeth = sc.shape(colours[0])
    step = height * 0.9
    x = -step
    while x < sc.w + step:
        teeth.polygon([(x, top + height), (x + step / 2, top), (x + step, top + height)])
        x += step
    teeth.draw()
    dots = sc.shape(colours[1 % len(colours)])
    x = -step / 2
    while x < sc.w + step:
        dots.circle(x, top + height * 0.7, height * 0.12)
        x += step
    dots.draw()


def scene_festival(sc: Scene, *, drums: bool = False) -> None:
    """A festival night: fireworks over Martapura, bunting, a sasirangan border."""
    sc.sky("night", 0.75)
    sc.stars(90, 0.6)
    for _ in range(5):
        fx, fy = sc.rng.uniform(0.1, 0.9) * sc.w, sc.rng.uniform(0.12, 0.4) * sc.h
        colour = sc.rng.choice([(255, 196, 80), (255, 110, 120), (130, 220, 255), (190, 255, 150), (255, 255, 255)])
        sc.glow(fx, fy, 150 * sc.s, colour, 0.35)
        burst = sc.shape(colour, 220)
        rays = sc.rng.randint(18, 28)
        reach = sc.rng.uniform(70, 140) * sc.s
        for k in range(rays):
            angle = math.tau * k / rays
            burst.line([(fx + math.cos(angle) * reach * 0.25, fy + math.sin(angle) * reach * 0.25),
                        (fx + math.cos(angle) * reach, fy + math.sin(angle) * reach + reach * 0.12)], 3 * sc.s)
            burst.circle(fx + math.cos(angle) * reach * 1.08, fy + math.sin(angle) * reach * 1.08 + reach * 0.15, 4 * sc.s)
        burst.draw()
    # Town skyline with the domes of Martapura.
    skyline = sc.shape((20, 22, 40))
    x = -20.0
    while x < sc.w:
        width = sc.rng.uniform(40, 110) * sc.s
        height = sc.rng.uniform(0.06, 0.16) * sc.h
        skyline.rect((x, sc.Y(0.75) - height, x + width, sc.Y(0.8)))
        x += width
    onion_dome(skyline, sc.X(0.5), sc.Y(0.62), 70 * sc.s)
    skyline.rect((sc.X(0.5) - 90 * sc.s, sc.Y(0.62), sc.X(0.5) + 90 * sc.s, sc.Y(0.8)))
    for mx in (sc.X(0.4), sc.X(0.6)):
        skyline.rect((mx - 12 * sc.s, sc.Y(0.42), mx + 12 * sc.s, sc.Y(0.8)))
        onion_dome(skyline, mx, sc.Y(0.42), 16 * sc.s)
    skyline.draw()
    windows = sc.shape((255, 206, 120), 200)
    for _ in range(int(120 * max(0.3, sc.s))):
        wx, wy = sc.rng.uniform(0, sc.w), sc.rng.uniform(0.66, 0.78) * sc.h
        windows.rect((wx, wy, wx + 6 * sc.s, wy + 8 * sc.s))
    windows.draw()
    sc.shape((36, 22, 40)).rect((0, sc.Y(0.8), sc.w, sc.h)).draw()
    # Bunting across the top.
    for row in range(2):
        y0 = sc.Y(0.05 + row * 0.07)
        for k in range(24):
            t0, t1 = k / 24, (k + 0.8) / 24
            sag0 = math.sin(t0 * math.pi) * sc.Y(0.06)
            sag1 = math.sin(t1 * math.pi) * sc.Y(0.06)
            colour = FABRIC[(k + row) % len(FABRIC)]
            sc.shape(colour).polygon([(sc.X(t0), y0 + sag0), (sc.X(t1), y0 + sag1),
                                      (sc.X((t0 + t1) / 2), y0 + (sag0 + sag1) / 2 + sc.Y(0.05))]).draw()
    if drums:
        # The big dauh (bedug) drums of the Ramadan drum festival.
        for k, dx in enumerate((0.2, 0.5, 0.8)):
            x, y, r = sc.X(dx), sc.Y(0.84), (90 if k == 1 else 70) * sc.s
            drum = sc.shape((150, 70, 40))
            drum.ellipse((x - r * 1.6, y - r, x + r * 1.6, y + r))
            drum.draw()
            sc.shape((236, 214, 170)).ellipse((x - r * 1.6, y - r, x - r * 0.9, y + r)).draw()
            bands = sc.shape((240, 190, 60))
            for t in (-0.9, 0.0, 0.9):
                bands.line([(x + r * t, y - r * 0.98), (x + r * t, y + r * 0.98)], 5 * sc.s)
            bands.draw()
            sc.shape((70, 40, 30)).rect((x - r * 1.3, y + r * 0.9, x + r * 1.3, y + r * 1.25)).draw()
    sasirangan_band(sc, sc.Y(0.9), sc.Y(0.06), [(240, 190, 60), (200, 40, 60)])


SCENES: dict[str, Callable[..., None]] = {
    "river": scene_river,
    "river-festival": lambda sc: scene_river(sc, festive=True),
    "mosque": scene_mosque,
    "tomb": lambda sc: scene_mosque(sc, tomb=True),
    "haul": lambda sc: scene_mosque(sc, tomb=True, crowd=True),
    "reservoir": scene_reservoir,
    "viewpoint": lambda sc: scene_reservoir(sc, viewpoint=True),
    "forest": scene_forest,
    "ruins": lambda sc: scene_forest(sc, ruins=True),
    "park": lambda sc: scene_forest(sc, park=True),
    "market": scene_market,
    "house": scene_house,
    "food": scene_food,
    "festival": scene_festival,
    "drums": lambda sc: scene_festival(sc, drums=True),
}


def illustration(theme: str, *, seed: str, size: tuple[int, int] = (WIDTH, HEIGHT)) -> Image.Image:
    """Draw the scene for a theme; the same theme, seed and size give the same picture."""
    if theme not in SCENES:
        raise ValueError(f"unknown illustration theme {theme!r} (known: {', '.join(sorted(SCENES))})")
    scene = Scene(f"{theme}:{seed}", size)
    SCENES[theme](scene)
    return scene.finish()


def illustration_write(*, theme: str, seed: str, path: Path, size: tuple[int, int] = (WIDTH, HEIGHT)) -> Path:
    """Write an illustration as a JPEG file (always the same bytes for the same arguments)."""
    picture = illustration(theme, seed=seed, size=size)
    path.parent.mkdir(parents=True, exist_ok=True)
    # No EXIF, fixed quality and no optimisation passes that could vary: same bytes every time.
    picture.save(path, "JPEG", quality=86, subsampling="4:2:0", progressive=False)
    return path
