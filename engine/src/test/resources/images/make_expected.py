"""Generates the test images in this folder and expected.json, with Pillow as the oracle.

Run from this folder with Debian's python (Pillow 9.4, numpy):
    apt-get install -y python3-pil python3-numpy
    /usr/bin/python3 make_expected.py

Every input image is drawn from a formula (plus a seeded noise patch), so the script is
deterministic. Pillow writes the ordinary PNG and JPEG files; the PNG variants Pillow cannot
write (16-bit colour, low bit-depth gray, tRNS on gray/RGB) come from png_bytes() below.

The expected values are what Pillow computes:
  decoded   Image.open(f).convert('RGB'): size, sha256 and sum of the RGB bytes, first pixel;
            alpha_sum is the A band of convert('RGBA') (255*W*H for opaque images)
  resized   convert('RGB').resize((w, h), Image.BICUBIC): sha256, sum, first 8 red values
  pixels    for some sizes, the CLIP tensor in numpy float32: (u8 / 255 - mean) / std, CHW,
            sums taken in float64
For the JPEGs, Pillow's decoded pixels are also stored as a lossless PNG (<name>.pillow.png)
so that a test can measure how far another JPEG decoder is from libjpeg-turbo.
"""
import hashlib
import json
import struct
import zlib

import numpy as np
import PIL
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


# ---------------------------------------------------------------- pictures (uint8 HxWx3)

def picture(w, h, seed):
    """Gradients, hard-edged blocks (they make the bicubic kernel overshoot and clamp) and a
    small noise patch. Compresses well, so large sizes stay small on disk."""
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 255 // max(w - 1, 1)).astype(np.int32)
    g = (y * 255 // max(h - 1, 1)).astype(np.int32)
    b = np.where(((x // 11) + (y // 7)) % 2 == 0, 250, 5)
    b = np.where((x + 2 * y) % 37 < 4, 128, b)
    img = np.stack([r, g, b], axis=2).astype(np.uint8)
    rng = np.random.default_rng(seed)
    ph, pw = min(h, 24), min(w, 24)
    oy, ox = h // 3, w // 2
    img[oy:oy + ph, ox:ox + pw] = rng.integers(0, 256, (min(ph, h - oy), min(pw, w - ox), 3))
    return img


def smooth_picture(w, h):
    """A photo-like picture for the JPEGs: soft gradients and a few discs."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 100 * np.sin(x / 9.0) * np.cos(y / 13.0)
    g = 60 + 150 * x / w
    b = 200 - 150 * y / h
    for cx, cy, rad, col in ((w * 0.3, h * 0.4, h * 0.2, (250, 240, 10)),
                             (w * 0.7, h * 0.6, h * 0.25, (10, 30, 200))):
        m = (x - cx) ** 2 + (y - cy) ** 2 < rad ** 2
        r, g, b = np.where(m, col[0], r), np.where(m, col[1], g), np.where(m, col[2], b)
    return np.clip(np.stack([r, g, b], axis=2), 0, 255).round().astype(np.uint8)


# ---------------------------------------------------------------- a minimal PNG writer

def png_bytes(samples, color_type, bit_depth, trns=None):
    """samples: HxWxC unsigned ints already in range for bit_depth. Filter 0 on every row."""
    h, w, c = samples.shape
    rows = []
    for yy in range(h):
        line = samples[yy].reshape(-1).astype(np.uint32)
        if bit_depth == 16:
            data = line.astype('>u2').tobytes()
        elif bit_depth == 8:
            data = line.astype(np.uint8).tobytes()
        else:                                     # pack MSB first, rows padded to a byte
            per = 8 // bit_depth
            padded = np.zeros(-(-len(line) // per) * per, np.uint32)
            padded[:len(line)] = line
            grp = padded.reshape(-1, per)
            shifts = np.array([8 - bit_depth * (i + 1) for i in range(per)], np.uint32)
            data = (grp << shifts).sum(axis=1).astype(np.uint8).tobytes()
        rows.append(b"\x00" + data)

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth,
                                                             color_type, 0, 0, 0))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    out += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
    return out


# ---------------------------------------------------------------- the image set

def make_images():
    """name -> (writer, resize targets, targets that also get CLIP pixel checksums)."""
    made = {}

    def save_pil(name, im, targets, pixel_targets=(), **kw):
        im.save(name, **kw)
        made[name] = (targets, pixel_targets)

    def save_raw(name, data, targets, pixel_targets=()):
        with open(name, "wb") as f:
            f.write(data)
        made[name] = (targets, pixel_targets)

    sq = [(112, 112), (28, 28), (1120, 1120)]
    save_pil("rgb_517x263.png", Image.fromarray(picture(517, 263, 1)),
             sq + [(300, 100), (517, 100), (200, 263), (1, 1)], [28, 112])
    save_pil("rgb_3x500.png", Image.fromarray(picture(3, 500, 2)), sq + [(1, 7)], [28])
    save_pil("rgb_1x1.png", Image.fromarray(np.array([[[201, 17, 99]]], np.uint8)), sq, [28])
    save_pil("rgb_1400x1000.png", Image.fromarray(picture(1400, 1000, 3)),
             [(28, 28), (112, 112), (999, 1)], [28])

    rgba = np.concatenate([picture(64, 48, 4), np.full((48, 64, 1), 255, np.uint8)], axis=2)
    rgba[8:24, 8:40, 3] = 0          # fully transparent block over non-black colour
    rgba[30:46, 20:60, 3] = 100      # half transparent block
    save_pil("rgba_blocks_64x48.png", Image.fromarray(rgba, "RGBA"), [(28, 28), (112, 112)], [28])

    gray = picture(45, 33, 5)[:, :, 0] // 2 + picture(45, 33, 5)[:, :, 2] // 2
    save_pil("gray_45x33.png", Image.fromarray(gray, "L"), [(28, 28), (112, 112)], [28])

    la = np.stack([gray[:20, :30], ((np.arange(30) * 9) % 256).astype(np.uint8)[None, :]
                   .repeat(20, axis=0)], axis=2)
    save_pil("gray_alpha_30x20.png", Image.fromarray(la, "LA"), [(28, 28)])

    pal = Image.fromarray(picture(50, 40, 6)).quantize(colors=64, method=Image.MEDIANCUT,
                                                       dither=Image.NONE)
    save_pil("palette_50x40.png", pal, [(28, 28)], [28])

    pal4 = Image.fromarray(picture(37, 21, 7)).quantize(colors=12, method=Image.MEDIANCUT,
                                                         dither=Image.NONE)
    pal4.info["transparency"] = bytes([255, 0, 128] + [255] * 9)
    save_pil("palette4_trns_37x21.png", pal4, [(28, 28)], bits=4,
             transparency=pal4.info["transparency"])

    bilevel = Image.fromarray(picture(33, 17, 8)[:, :, 2] > 127)
    save_pil("bilevel_33x17.png", bilevel, [(28, 28)])

    g4 = (picture(19, 13, 9)[:, :, 0] >> 4)[:, :, None]
    save_raw("gray4_19x13.png", png_bytes(g4, 0, 4), [(28, 28)])
    g2 = (picture(21, 5, 10)[:, :, 1] >> 6)[:, :, None]
    save_raw("gray2_21x5.png", png_bytes(g2, 0, 2), [(28, 28)])

    # 16 bits: high byte v, and a varying low byte that >> 8 must throw away (rounding
    # v16 * 255 / 65535 instead would give v + 1 for many of these samples)
    v = picture(40, 24, 11).astype(np.uint32)
    p16 = (v << 8) | ((v * 7 + np.arange(40, dtype=np.uint32)[None, :, None] * 31 + 0x35) & 0xFF)
    save_raw("rgb16_40x24.png", png_bytes(p16, 2, 16), [(28, 28)], [28])
    a16 = ((np.arange(20 * 20).reshape(20, 20, 1) * 163) % 65536).astype(np.uint32)
    save_raw("rgba16_20x20.png", png_bytes(np.concatenate([p16[:20, :20], a16], axis=2), 6, 16),
             [(28, 28)])
    # Pillow 9.4 opens 16-bit gray as mode "I"; convert('RGB') then clips to 255, it does not
    # shift. Values below 256 survive, so the picture keeps some structure.
    g16 = (picture(20, 12, 12)[:, :, 0].astype(np.uint32) * 3)[:, :, None]
    save_raw("gray16_20x12.png", png_bytes(g16, 0, 16), [(28, 28)])

    gt = picture(20, 10, 13)[:, :, 1:2]
    save_raw("gray_trns_20x10.png", png_bytes(gt, 0, 8, trns=struct.pack(">H", int(gt[0, 0, 0]))),
             [(28, 28)])
    rt = picture(22, 14, 14)
    save_raw("rgb_trns_22x14.png",
             png_bytes(rt, 2, 8, trns=struct.pack(">HHH", *[int(v) for v in rt[0, 0]])),
             [(28, 28)])

    photo = Image.fromarray(smooth_picture(96, 64))
    save_pil("photo_420_q90.jpg", photo, [(28, 28)], quality=90)
    save_pil("photo_444_q95.jpg", photo, [(28, 28)], quality=95, subsampling=0)
    save_pil("photo_gray_q90.jpg", photo.convert("L"), [(28, 28)], quality=90)
    odd = Image.fromarray(smooth_picture(97, 65))     # odd size: chroma edge upsampling
    save_pil("photo_422_prog_97x65.jpg", odd, [(28, 28)], quality=80, subsampling=1,
             progressive=True)
    return made


# ---------------------------------------------------------------- expectations

def sha(a):
    return hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()


def clip_pixels(u8):
    x = u8.astype(np.float32) / np.float32(255)
    x = ((x - MEAN) / STD).transpose(2, 0, 1)
    return {"size": int(u8.shape[0]),
            "pixel_sum": float(x.astype(np.float64).sum()),
            "pixel_c0_first8": [float(v) for v in x[0].ravel()[:8]],
            "pixel_c1_sum": float(x[1].astype(np.float64).sum()),
            "pixel_c2_sum": float(x[2].astype(np.float64).sum())}


def expectations(name, targets, pixel_targets):
    im = Image.open(name)
    rgb_im = im.convert("RGB")
    rgb = np.asarray(rgb_im)
    alpha = np.asarray(im.convert("RGBA"))[:, :, 3]
    e = {"format": im.format, "pil_mode": im.mode, "width": im.width, "height": im.height,
         "rgb_sha256": sha(rgb), "rgb_sum": int(rgb.astype(np.int64).sum()),
         "first_pixel_rgb": [int(v) for v in rgb[0, 0]],
         "alpha_sum": int(alpha.astype(np.int64).sum()), "resized": [], "pixels": []}
    for w, h in targets:
        r = np.asarray(rgb_im.resize((w, h), Image.BICUBIC))
        e["resized"].append({"width": w, "height": h, "sha256": sha(r),
                             "sum": int(r.astype(np.int64).sum()),
                             "r_first8": [int(v) for v in r[:, :, 0].ravel()[:8]]})
    for s in pixel_targets:
        e["pixels"].append(clip_pixels(np.asarray(rgb_im.resize((s, s), Image.BICUBIC))))
    if im.format == "JPEG":
        ref = name.rsplit(".", 1)[0] + ".pillow.png"
        rgb_im.save(ref)
        e["pillow_decoded_png"] = ref
    return e


def main():
    made = make_images()
    out = {"generator": "make_expected.py", "pillow": PIL.__version__, "numpy": np.__version__,
           "images": {n: expectations(n, t, p) for n, (t, p) in made.items()}}
    with open("expected.json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
