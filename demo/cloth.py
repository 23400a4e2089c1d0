"""Pictures of sasirangan cloth for the demo, made with Pillow.

Sasirangan is a resist dye: the motif is sewn into the cloth with running
stitches, the thread is pulled tight, and the cloth goes into the dye. Where the
gathered cloth was pressed together the dye cannot reach, so each motif line
comes out pale, with soft, uneven edges where the dye crept in, and a row of
dark dots down its middle where the needle went through. The dye itself is
never flat: several colours are often dipped one after another and blend.

So each picture is made the way the cloth is:
1. a dye bath: a smooth blend of the product's colours, mottled;
2. a resist mask: the motif's lines and shapes, blurred and roughened so the
   edges bleed unevenly;
3. the pale resist colour showing through the mask;
4. the needle holes along each stitched line;
5. a woven texture and soft folds over everything;
then presented like a shop photo: a shirt or a folded stack on a wooden table,
a hanging scarf, a bag, or the cloth close up.

Deterministic: every random choice comes from a generator seeded by the text
given, and no Pillow call that uses its own randomness is made, so the same
product always gives the same bytes and re-loading the demo changes nothing.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

Colour = tuple[int, int, int]
Polyline = list[tuple[float, float]]

# Dyed tones for the Indonesian colour words of the catalogue (deep, as dye on cotton comes out).
DYE_COLOURS: dict[str, Colour] = {
    "merah": (176, 28, 44), "merah-muda": (214, 86, 132), "marun": (112, 22, 40), "jingga": (222, 104, 28),
    "kuning": (232, 178, 30), "emas": (200, 150, 40), "hijau": (30, 128, 70), "tosca": (18, 140, 138),
    "biru": (28, 70, 160), "nila": (38, 40, 110), "ungu": (104, 44, 130), "coklat": (116, 66, 34),
    "krem": (222, 204, 160), "putih": (236, 232, 222), "abu-abu": (120, 122, 124), "hitam": (34, 30, 34),
}
# Plant dyes come out softer and earthier: mengkudu root, ulin wood, turmeric, indigo.
NATURAL_SHIFT: Colour = (132, 104, 72)
LIGHT_WORDS = {"putih", "krem"}
RESIST_COLOURS: list[Colour] = [(246, 238, 220), (250, 244, 228), (240, 226, 196)]


def _rng(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest()[:16], 16))


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    t = max(0.0, min(1.0, t))
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _noise(rng: random.Random, size: tuple[int, int], grain: int) -> Image.Image:
    """Smooth seeded noise: random values on a coarse grid, enlarged with bicubic smoothing."""
    width, height = size
    cells = (max(2, width // grain + 2), max(2, height // grain + 2))
    small = Image.frombytes("L", cells, rng.randbytes(cells[0] * cells[1]))
    return small.resize(size, Image.Resampling.BICUBIC)


def _fine_noise(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


# --- Motifs: each draws its resist shapes in white and returns the stitched lines ---------------

MotifDrawer = Callable[[ImageDraw.ImageDraw, int, random.Random], list[Polyline]]


def _zigzag(x0, x1, y, amplitude, step) -> Polyline:
    points, x, up = [], x0, True
    while x <= x1 + step:
        points.append((x, y - amplitude if up else y + amplitude))
        x += step
        up = not up
    return points


def _stroke(draw, line: Polyline, width: int) -> None:
    draw.line(line, fill=255, width=width, joint="curve")


def _leaf(cx, cy, length, width, angle) -> Polyline:
    """A pointed leaf outline (two arcs), as points around it."""
    points = []
    for i in range(25):
        t = i / 24
        points.append((t * length - length / 2, math.sin(t * math.pi) * width / 2))
    for i in range(24, -1, -1):
        t = i / 24
        points.append((t * length - length / 2, -math.sin(t * math.pi) * width / 2))
    cos, sin = math.cos(angle), math.sin(angle)
    return [(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in points]


def gigi_haruan(draw, size, rng):
    """Snakehead fish teeth: rows of sharp zigzags, doubled."""
    lines, row = [], size / rng.choice([6, 7, 8])
    amplitude, step = row * 0.28, row * 0.42
    y = row / 2
    while y < size + row:
        for offset in (-row * 0.12, row * 0.12):
            line = _zigzag(-step, size + step, y + offset, amplitude, step)
            _stroke(draw, line, max(4, size // 110))
            lines.append(line)
        y += row
    return lines


def kulat_karikit(draw, size, rng):
    """Little mushrooms: caps and stems in offset rows."""
    lines, cell = [], size / rng.choice([6, 7])
    for row in range(-1, int(size / cell) + 2):
        for column in range(-1, int(size / cell) + 2):
            cx = column * cell + (cell / 2 if row % 2 else 0)
            cy = row * cell
            cap = [(cx + math.cos(math.pi + k * math.pi / 12) * cell * 0.32,
                    cy + math.sin(math.pi + k * math.pi / 12) * cell * 0.26) for k in range(13)]
            cap.append(cap[0])
            stem = [(cx - cell * 0.06, cy), (cx - cell * 0.05, cy + cell * 0.28),
                    (cx + cell * 0.05, cy + cell * 0.28), (cx + cell * 0.06, cy)]
            for line in (cap, stem):
                _stroke(draw, line, max(3, size // 140))
                lines.append(line)
            draw.ellipse((cx - 3, cy - cell * 0.16, cx + 3, cy - cell * 0.16 + 6), fill=255)
    return lines


def kambang_kacang(draw, size, rng):
    """Peanut flowers: a diamond lattice with four-petalled flowers where the lines cross."""
    lines, cell = [], size / rng.choice([4, 5])
    for k in range(-6, 14):
        a = [(k * cell - size, -size * 0.1), (k * cell + size * 0.1, size * 1.1)]
        b = [(k * cell + size * 0.1, -size * 0.1), (k * cell - size, size * 1.1)]
        for line in (a, b):
            _stroke(draw, line, max(3, size // 160))
            lines.append(line)
    for row in range(-1, int(size / cell) + 2):
        for column in range(-1, int(size / cell) + 2):
            cx, cy = column * cell + (cell / 2 if row % 2 else 0), row * cell * 0.5 + cell * 0.25
            for angle in (0, math.pi / 2, math.pi, 3 * math.pi / 2):
                petal = _leaf(cx + math.cos(angle) * cell * 0.14, cy + math.sin(angle) * cell * 0.14,
                              cell * 0.26, cell * 0.15, angle)
                draw.polygon(petal, outline=255, width=max(3, size // 170))
                lines.append(petal)
    return lines


def hiris_pudak(draw, size, rng):
    """Sliced pandan leaves: long pointed leaves laid diagonally in rows."""
    lines, gap = [], size / rng.choice([5, 6])
    angle = rng.choice([-0.7, 0.7])
    for row in range(-2, int(size / gap) + 3):
        for column in range(-2, 6):
            cx = column * gap * 1.7 + (gap * 0.85 if row % 2 else 0)
            cy = row * gap * 0.8
            leaf = _leaf(cx, cy, gap * 1.5, gap * 0.34, angle)
            draw.polygon(leaf, outline=255, width=max(4, size // 130))
            rib = [leaf[0], leaf[24]]
            _stroke(draw, rib, max(2, size // 260))
            lines.extend([leaf, rib])
    return lines


def bayam_raja(draw, size, rng):
    """King spinach: big veined leaves in columns between zigzag borders."""
    lines, column = [], size / 3
    for k in range(4):
        x = k * column
        border = [(x + (12 if i % 2 else -12), i * size / 24) for i in range(25)]
        _stroke(draw, border, max(4, size // 120))
        lines.append(border)
    for k in range(3):
        for j in range(-1, 4):
            cx, cy = k * column + column / 2, j * size / 3 + (size / 6 if k % 2 else 0)
            leaf = _leaf(cx, cy, size / 3.4, column * 0.55, math.pi / 2)
            draw.polygon(leaf, outline=255, width=max(4, size // 120))
            rib = [(cx, cy - size / 6.8), (cx, cy + size / 6.8)]
            _stroke(draw, rib, max(3, size // 200))
            lines.extend([leaf, rib])
            for v in range(-2, 3):
                vein = [(cx, cy + v * size / 40), (cx + column * 0.2, cy + v * size / 40 - size / 35)]
                vein2 = [(cx, cy + v * size / 40), (cx - column * 0.2, cy + v * size / 40 - size / 35)]
                for line in (vein, vein2):
                    _stroke(draw, line, max(2, size // 300))
    return lines


def _wave(y, amplitude, wavelength, phase, size) -> Polyline:
    return [(x, y + amplitude * math.sin((x / wavelength) * 2 * math.pi + phase))
            for x in range(-20, size + 21, 8)]


def naga_balimbur(draw, size, rng):
    """Dragon bathing: broad serpent curves with scales along them."""
    lines, gap = [], size / rng.choice([3, 4])
    y = gap / 2
    while y < size + gap:
        phase = rng.uniform(0, math.pi)
        for offset in (-gap * 0.16, gap * 0.16):
            line = _wave(y + offset, gap * 0.3, size * 0.6, phase, size)
            _stroke(draw, line, max(4, size // 110))
            lines.append(line)
        for x in range(0, size, max(20, size // 28)):
            cy = y + gap * 0.3 * math.sin((x / (size * 0.6)) * 2 * math.pi + phase)
            draw.arc((x - 10, cy - 10, x + 10, cy + 10), 20, 160, fill=255, width=3)
        y += gap
    return lines


def ombak_sinapur_karang(draw, size, rng):
    """Waves breaking on the reef: rows of scalloped arcs."""
    lines, radius = [], size / rng.choice([12, 14])
    row = 0
    y = 0.0
    while y < size + radius * 2:
        shift = radius if row % 2 else 0
        x = -radius * 2 + shift
        while x < size + radius * 2:
            for scale in (1.0, 0.62):
                r = radius * scale
                arc = [(x + math.cos(math.pi + k * math.pi / 14) * r, y + math.sin(math.pi + k * math.pi / 14) * r)
                       for k in range(15)]
                _stroke(draw, arc, max(3, size // 150))
                lines.append(arc)
            x += radius * 2
        y += radius * 1.1
        row += 1
    return lines


def daun_jaruju(draw, size, rng):
    """Jeruju leaves: a spiny leaf, its edge a zigzag, in alternating directions."""
    lines, gap = [], size / rng.choice([3, 4])
    for row in range(-1, int(size / gap) + 2):
        for column in range(-1, int(size / gap) + 2):
            cx, cy = column * gap + (gap / 2 if row % 2 else 0), row * gap
            angle = 0.5 if (row + column) % 2 else -0.5
            outline = _leaf(cx, cy, gap * 0.95, gap * 0.42, angle)
            spiky = []
            for i, (x, y) in enumerate(outline):
                push = 1.12 if i % 3 == 0 else 1.0
                spiky.append((cx + (x - cx) * push, cy + (y - cy) * push))
            draw.polygon(spiky, outline=255, width=max(3, size // 150))
            lines.append(spiky)
    return lines


def kambang_sakaki(draw, size, rng):
    """A spray of flowers: five-petalled blooms scattered over the cloth."""
    lines, cell = [], size / rng.choice([4, 5])
    for row in range(-1, int(size / cell) + 2):
        for column in range(-1, int(size / cell) + 2):
            cx = column * cell + (cell / 2 if row % 2 else 0) + rng.uniform(-cell * 0.1, cell * 0.1)
            cy = row * cell + rng.uniform(-cell * 0.1, cell * 0.1)
            turn = rng.uniform(0, math.pi)
            for petal in range(5):
                angle = turn + petal * 2 * math.pi / 5
                shape = _leaf(cx + math.cos(angle) * cell * 0.17, cy + math.sin(angle) * cell * 0.17,
                              cell * 0.32, cell * 0.2, angle)
                draw.polygon(shape, outline=255, width=max(3, size // 160))
                lines.append(shape)
            draw.ellipse((cx - cell * 0.05, cy - cell * 0.05, cx + cell * 0.05, cy + cell * 0.05), fill=255)
    return lines


def turun_dayang(draw, size, rng):
    """Turun dayang: chevrons stepping down the cloth in vertical bands."""
    lines, band = [], size / rng.choice([5, 6])
    for k in range(int(size / band) + 1):
        x = k * band + band / 2
        edge = [(x - band / 2, 0), (x - band / 2, size)]
        _stroke(draw, edge, max(4, size // 120))
        lines.append(edge)
        y = -band
        while y < size + band:
            chevron = [(x - band * 0.38, y), (x, y + band * 0.4), (x + band * 0.38, y)]
            _stroke(draw, chevron, max(4, size // 120))
            lines.append(chevron)
            y += band * 0.55
    return lines


def iris_gagatas(draw, size, rng):
    """Sliced gagatas: diagonal bands of slanted cuts."""
    lines, gap = [], size / rng.choice([9, 11])
    for k in range(-12, 24):
        line = [(k * gap, 0), (k * gap - size * 0.6, size)]
        _stroke(draw, line, max(5, size // 100))
        lines.append(line)
    for k in range(0, 6):
        y = k * size / 5
        band = [(0, y), (size, y + size * 0.08)]
        _stroke(draw, band, max(12, size // 40))
        lines.append(band)
    return lines


def ramak_sahang(draw, size, rng):
    """Crushed pepper: small dots and crosses scattered thickly."""
    lines = []
    for _ in range(int(size * size / 2600)):
        x, y, r = rng.uniform(0, size), rng.uniform(0, size), rng.uniform(size / 260, size / 110)
        if rng.random() < 0.7:
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
        else:
            for line in ([(x - r * 1.6, y), (x + r * 1.6, y)], [(x, y - r * 1.6), (x, y + r * 1.6)]):
                _stroke(draw, line, max(2, int(r * 0.8)))
                lines.append(line)
    return lines


def kangkung_kaombakan(draw, size, rng):
    """Water spinach in the waves: wavy stems with arrow-shaped leaves."""
    lines, gap = [], size / rng.choice([4, 5])
    y = gap / 2
    while y < size + gap:
        phase = rng.uniform(0, math.pi)
        stem = _wave(y, gap * 0.18, size * 0.35, phase, size)
        _stroke(draw, stem, max(4, size // 120))
        lines.append(stem)
        for x in range(0, size, int(gap * 0.7)):
            cy = y + gap * 0.18 * math.sin((x / (size * 0.35)) * 2 * math.pi + phase)
            leaf = _leaf(x + gap * 0.12, cy - gap * 0.16, gap * 0.4, gap * 0.16, -0.9)
            draw.polygon(leaf, outline=255, width=max(3, size // 170))
            lines.append(leaf)
        y += gap
    return lines


MOTIFS: dict[str, MotifDrawer] = {
    "gigi-haruan": gigi_haruan,
    "kulat-karikit": kulat_karikit,
    "kambang-kacang": kambang_kacang,
    "hiris-pudak": hiris_pudak,
    "bayam-raja": bayam_raja,
    "naga-balimbur": naga_balimbur,
    "ombak-sinapur-karang": ombak_sinapur_karang,
    "daun-jaruju": daun_jaruju,
    "kambang-sakaki": kambang_sakaki,
    "turun-dayang": turun_dayang,
    "iris-gagatas": iris_gagatas,
    "ramak-sahang": ramak_sahang,
    "kangkung-kaombakan": kangkung_kaombakan,
}


# --- Dyeing ------------------------------------------------------------------------------

def _dye_bath(rng: random.Random, size: int, colours: list[Colour]) -> Image.Image:
    """The dyed ground: the colours blended along a slanted axis, mottled where the dye pooled."""
    # The first colour is the cloth's main one: it takes both ends of the blend.
    if len(colours) == 1:
        colours = [colours[0], _mix(colours[0], (255, 255, 255), 0.25), _mix(colours[0], (20, 16, 24), 0.35)]
    elif len(colours) == 2:
        colours = [colours[0], colours[1], _mix(colours[0], (20, 16, 24), 0.3)]
    # Rotate a larger ramp and cut the middle out, so no corner is left unfilled.
    big = int(size * 1.5)
    ramp = Image.linear_gradient("L").resize((big, big)).rotate(
        rng.choice([0, 30, 45, 90, 135]), resample=Image.Resampling.BICUBIC)
    margin = (big - size) // 2
    ramp = ramp.crop((margin, margin, margin + size, margin + size))
    # Bend the bands so they look dipped, not drawn with a ruler.
    ramp = ImageChops.add(ImageChops.multiply(ramp, Image.new("L", ramp.size, 200)),
                          _noise(rng, (size, size), size // 4).point(lambda v: v // 4))
    ground = ImageOps.colorize(ramp, black=colours[0], mid=colours[1], white=colours[2])
    mottle = _noise(rng, (size, size), size // 14).point(lambda v: 96 + v // 4)
    return ImageChops.multiply(ground, Image.merge("RGB", [mottle] * 3)).point(lambda v: min(255, int(v * 1.9)))


def _resist_mask(rng: random.Random, size: int, motif: str) -> tuple[Image.Image, list[Polyline]]:
    mask = Image.new("L", (size, size), 0)
    lines = MOTIFS.get(motif, gigi_haruan)(ImageDraw.Draw(mask), size, rng)
    # Dye creeps unevenly into the gathered cloth: blur, then let noise eat into the edges.
    soft = mask.filter(ImageFilter.GaussianBlur(size / 320))
    ragged = ImageChops.multiply(soft, _noise(rng, (size, size), max(6, size // 90)).point(lambda v: 150 + v // 2.4))
    bleed = mask.filter(ImageFilter.GaussianBlur(size / 90)).point(lambda v: int(v * 0.55))
    return ImageChops.lighter(ragged.point(lambda v: min(255, int(v * 1.35))), bleed), lines


def _needle_holes(rng: random.Random, size: int, lines: list[Polyline]) -> Image.Image:
    """Dark dots down each stitched line, where the needle let the dye through."""
    holes = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(holes)
    spacing = max(6.0, size / 95)
    dash = max(1.5, size / 520)
    for line in lines:
        carry = rng.uniform(0, spacing)
        for (x0, y0), (x1, y1) in zip(line, line[1:], strict=False):
            length = math.hypot(x1 - x0, y1 - y0)
            position = carry
            while position < length:
                t = position / length
                x, y = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
                draw.ellipse((x - dash, y - dash, x + dash, y + dash), fill=200)
                position += spacing
            carry = position - length
    return holes.filter(ImageFilter.GaussianBlur(0.8))


def _weave(rng: random.Random, size: int) -> Image.Image:
    """Cotton: fine threads both ways plus grain, as a brightness map around 255."""
    threads = Image.new("L", (size, size), 235)
    draw = ImageDraw.Draw(threads)
    for position in range(0, size, 3):
        draw.line([(0, position), (size, position)], fill=222 + rng.randint(0, 18))
        draw.line([(position, 0), (position, size)], fill=226 + rng.randint(0, 18))
    grain = _fine_noise(rng, (size, size)).point(lambda v: 235 + v // 13)
    return ImageChops.multiply(threads, grain).point(lambda v: min(255, int(v * 1.12)))


def cloth(*, seed: str, motif: str, colours: list[str], natural: bool = False, size: int = 900) -> Image.Image:
    """A square of dyed sasirangan cloth, seen flat."""
    rng = _rng(seed)
    # White and cream are the undyed cloth: in "biru putih" the motif is white on a blue ground.
    light = [word for word in colours if word in LIGHT_WORDS]
    dyed = [word for word in colours if word not in LIGHT_WORDS] or ["merah"]
    dyes = [DYE_COLOURS.get(word, DYE_COLOURS["merah"]) for word in dyed]
    if natural:
        dyes = [_mix(colour, NATURAL_SHIFT, 0.35) for colour in dyes]
    ground = _dye_bath(rng, size, dyes)
    resist_colour = DYE_COLOURS[light[0]] if light else rng.choice(RESIST_COLOURS)
    if not light and rng.random() < 0.3 and len(dyes) > 1:
        # Some cloth is dipped twice: the motif keeps the first, lighter bath.
        resist_colour = _mix(dyes[-1], (255, 255, 255), 0.55)
    if natural:
        resist_colour = _mix(resist_colour, (214, 190, 150), 0.4)
    mask, lines = _resist_mask(rng, size, motif)
    picture = Image.composite(Image.new("RGB", (size, size), resist_colour), ground, mask)
    holes = _needle_holes(rng, size, lines)
    picture = Image.composite(Image.new("RGB", (size, size), _mix(dyes[0], (0, 0, 0), 0.35)), picture, holes)
    weave = _weave(rng, size)
    picture = ImageChops.multiply(picture, Image.merge("RGB", [weave] * 3))
    folds = _noise(rng, (size, size), size // 3).point(lambda v: 205 + v // 5)
    return ImageChops.multiply(picture, Image.merge("RGB", [folds] * 3)).point(lambda v: min(255, int(v * 1.18)))


# --- Shop photos -------------------------------------------------------------------------------

def _table(rng: random.Random, size: int) -> Image.Image:
    """A wooden table top (ulin, the Borneo ironwood): planks with long grain."""
    dark, light = (92, 58, 34), (150, 100, 60)
    streaks = Image.frombytes("L", (6, size // 4), rng.randbytes(6 * (size // 4))).resize(
        (size, size), Image.Resampling.BICUBIC)
    fine = Image.frombytes("L", (24, size // 2), rng.randbytes(24 * (size // 2))).resize(
        (size, size), Image.Resampling.BICUBIC)
    grain = ImageChops.add(streaks.point(lambda v: v // 2), fine.point(lambda v: v // 3))
    wood = ImageOps.colorize(grain, black=dark, white=light)
    draw = ImageDraw.Draw(wood)
    plank = size // 4
    for y in range(plank, size, plank):
        draw.line([(0, y), (size, y)], fill=(52, 32, 20), width=max(2, size // 300))
    light_fall = Image.linear_gradient("L").resize((size, size)).point(lambda v: 255 - v // 4)
    return ImageChops.multiply(wood, Image.merge("RGB", [light_fall] * 3))


def _shadow(mask: Image.Image, offset: tuple[int, int], blur: float, strength: int = 120) -> Image.Image:
    shadow = Image.new("L", mask.size, 0)
    shadow.paste(mask.point(lambda v: strength if v else 0), offset)
    return shadow.filter(ImageFilter.GaussianBlur(blur))


def _place(canvas: Image.Image, fabric: Image.Image, mask: Image.Image, *, shading: Image.Image | None = None):
    if shading is not None:
        fabric = ImageChops.multiply(fabric, Image.merge("RGB", [shading] * 3))
    canvas.paste(Image.new("RGB", canvas.size, (30, 22, 14)), (0, 0), _shadow(mask, (14, 18), canvas.width / 60))
    canvas.paste(fabric, (0, 0), mask.filter(ImageFilter.GaussianBlur(1)))


def _shirt_mask(size: int) -> Image.Image:
    mask = Image.new("L", (size, size), 0)
    s = size / 100
    outline = [(30, 14), (42, 10), (50, 16), (58, 10), (70, 14), (92, 30), (84, 44), (74, 38), (74, 90),
               (26, 90), (26, 38), (16, 44), (8, 30)]
    ImageDraw.Draw(mask).polygon([(x * s, y * s) for x, y in outline], fill=255)
    return mask


def shirt_photo(fabric: Image.Image, rng: random.Random) -> Image.Image:
    size = fabric.width
    canvas = _table(rng, size)
    mask = _shirt_mask(size)
    shading = Image.linear_gradient("L").resize((size, size)).rotate(90).point(lambda v: 200 + v // 5)
    _place(canvas, fabric, mask, shading=shading)
    draw = ImageDraw.Draw(canvas)
    s = size / 100
    draw.line([(50 * s, 16 * s), (50 * s, 90 * s)], fill=(40, 30, 26), width=max(2, size // 300))
    for y in range(24, 88, 9):
        draw.ellipse((48.8 * s, y * s, 51.2 * s, y * s + 2.4 * s), fill=(236, 228, 210))
    draw.line([(42 * s, 10 * s), (50 * s, 22 * s), (58 * s, 10 * s)], fill=(40, 30, 26), width=max(3, size // 220))
    return canvas


def folded_photo(fabric: Image.Image, rng: random.Random) -> Image.Image:
    size = fabric.width
    canvas = _table(rng, size)
    for layer, (top, inset) in enumerate(((58, 14), (40, 17), (22, 20))):
        mask = Image.new("L", (size, size), 0)
        box = (inset * size / 100, top * size / 100, (100 - inset) * size / 100, (top + 22) * size / 100)
        ImageDraw.Draw(mask).rounded_rectangle(box, radius=size // 60, fill=255)
        piece = fabric.rotate(layer * 7, resample=Image.Resampling.BICUBIC)
        fold = Image.new("L", (size, size), 255)
        ImageDraw.Draw(fold).rectangle((box[0], box[3] - size * 0.03, box[2], box[3]), fill=170)
        _place(canvas, piece, mask, shading=fold.filter(ImageFilter.GaussianBlur(size / 200)))
    return canvas


def scarf_photo(fabric: Image.Image, rng: random.Random) -> Image.Image:
    size = fabric.width
    canvas = Image.new("RGB", (size, size), (236, 230, 218))
    wall = _noise(rng, (size, size), size // 6).point(lambda v: 225 + v // 9)
    canvas = ImageChops.multiply(canvas, Image.merge("RGB", [wall] * 3))
    ImageDraw.Draw(canvas).rectangle((size * 0.1, size * 0.07, size * 0.9, size * 0.1), fill=(110, 74, 40))
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).polygon([(size * 0.3, size * 0.09), (size * 0.7, size * 0.09), (size * 0.66, size * 0.9),
                                  (size * 0.34, size * 0.9)], fill=255)
    folds = Image.new("L", (size, 1))
    folds.putdata([int(215 + 40 * math.sin(x / size * math.pi * 9)) for x in range(size)])
    _place(canvas, fabric, mask, shading=folds.resize((size, size)))
    draw = ImageDraw.Draw(canvas)
    for x in range(int(size * 0.345), int(size * 0.655), max(4, size // 120)):
        draw.line([(x, size * 0.9), (x + 2, size * 0.95)], fill=_mix(fabric.getpixel((x, size // 2)), (0, 0, 0), 0.2),
                  width=2)
    return canvas


def bag_photo(fabric: Image.Image, rng: random.Random) -> Image.Image:
    size = fabric.width
    canvas = _table(rng, size)
    mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(mask).rounded_rectangle((size * 0.2, size * 0.35, size * 0.8, size * 0.85), radius=size // 25,
                                           fill=255)
    _place(canvas, fabric, mask)
    ImageDraw.Draw(canvas).arc((size * 0.32, size * 0.14, size * 0.68, size * 0.56), 180, 360, fill=(74, 48, 28),
                               width=max(6, size // 60))
    return canvas


PRESENTATIONS = {
    "kemeja": shirt_photo, "blus": shirt_photo, "gamis": shirt_photo,
    "selendang": scarf_photo, "kerudung": scarf_photo,
    "tas": bag_photo, "dompet": bag_photo,
}


def product_photos(*, slug: str, motif: str, colours: list[str], natural: bool, kind: str, count: int,
                   size: int = 900) -> list[Image.Image]:
    """A product's photos: how it is sold first, then the cloth close up."""
    rng = _rng(f"{slug}:presentation")
    fabric = cloth(seed=slug, motif=motif, colours=colours, natural=natural, size=size)
    present = PRESENTATIONS.get(kind, folded_photo)
    photos = [present(fabric, rng), fabric]
    if count > 2:
        detail = fabric.crop((size // 4, size // 4, size * 3 // 4, size * 3 // 4)).resize(
            (size, size), Image.Resampling.BICUBIC)
        photos.append(detail.filter(ImageFilter.UnsharpMask(2, 60, 2)))
    return photos[:count]


def save_jpeg(picture: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, "JPEG", quality=84, optimize=True)
