"""Render the app's SVG icon to PNG and to a Windows .ico with Qt, offline.

Qt's own .ico writer stores a single size, so the .ico is assembled here: since
Windows Vista an .ico may hold PNG-compressed images, one per size.
"""

from __future__ import annotations

import struct
from pathlib import Path

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZE = 256


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    # A build machine may have no display: render through the offscreen platform.
    _app = QGuiApplication.instance() or QGuiApplication(["icons", "-platform", "offscreen"])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise RuntimeError(f"Qt could not render {svg} to PNG")
    return bytes(buffer.data().data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICONDIR header, one 16-byte entry per size, then the PNG images themselves."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, images = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        images += png
        offset += len(png)
    return header + entries + images


def make_icons(svg: Path, out_dir: Path) -> list[Path]:
    """insideout.svg, insideout.png (256 px) and insideout.ico in out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    pngs = {size: render_png(svg, size) for size in ICO_SIZES}
    written = [out_dir / "insideout.svg", out_dir / "insideout.png", out_dir / "insideout.ico"]
    written[0].write_bytes(svg.read_bytes())
    written[1].write_bytes(pngs[PNG_SIZE])
    written[2].write_bytes(ico_bytes(pngs))
    return written
