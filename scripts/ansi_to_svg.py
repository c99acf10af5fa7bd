#!/usr/bin/env python3
"""Render a `tmux capture-pane -e -p` capture as an SVG terminal window.

Usage:
    ansi_to_svg.py --cols 120 --rows 40 --title "ontop demo" < capture > out.svg
    ansi_to_svg.py --cols 120 --rows 40 --plain out.txt < capture > out.svg

Python 3 standard library only. It understands the SGR sequences tmux emits
(reset, bold, dim, italic, underline, reverse, hidden, strike, fg/bg 30-37,
90-97, 40-47, 100-107, 39/49, 38;5;N, 48;5;N, 38;2;R;G;B, 48;2;R;G;B and the
colon forms) and skips every other escape sequence. The output is a fixed
cell grid: background rectangles for cells with a background colour (or
reverse video), and one <text> per run of same-styled cells (cut at blanks)
placed at the exact x of its first cell, with textLength pinning it to its
cells, so columns line up whatever monospace font the viewer substitutes.

East Asian wide characters take two cells (tmux captures them once);
combining marks join the previous cell; everything else takes one cell.
"""

import argparse
import sys
import unicodedata

# A dark theme with a conventional 16-colour palette (VS Code's terminal colours).
DEFAULT_FG = "#d4d4d4"
DEFAULT_BG = "#1e1e1e"
PALETTE16 = [
    "#000000", "#cd3131", "#0dbc79", "#e5e510", "#2472c8", "#bc3fbc", "#11a8cd", "#e5e5e5",
    "#666666", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#ffffff",
]
TITLE_BAR_BG = "#323233"
TITLE_FG = "#a0a0a0"
WINDOW_BORDER = "#3c3c3c"

FONT_FAMILY = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"
# Advance width of DejaVu Sans Mono (and Menlo) in em: 1233/2048.
ADVANCE_EM = 0.6021


def palette256(n):
    """Hex colour of xterm colour index n (0-255)."""
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        r, g, b = steps[n // 36], steps[(n // 6) % 6], steps[n % 6]
        return "#%02x%02x%02x" % (r, g, b)
    level = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (level, level, level)


def blend(fg, bg, amount):
    """fg moved `amount` (0..1) of the way towards bg."""
    f = [int(fg[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(bg[i:i + 2], 16) for i in (1, 3, 5)]
    return "#%02x%02x%02x" % tuple(round(x + (y - x) * amount) for x, y in zip(f, b))


class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None  # None (default) or a "#rrggbb"
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = False
        self.reverse = self.hidden = self.strike = False

    def key(self):
        return (self.fg, self.bg, self.bold, self.dim, self.italic, self.underline,
                self.reverse, self.hidden, self.strike)


def _int(s, default=0):
    try:
        return int(s) if s != "" else default
    except ValueError:
        return default


def _extended_colour(values):
    """Colour from the parameters after 38/48: [5, N] or [2, R, G, B]; also returns how many were used."""
    if not values:
        return None, 0
    mode = _int(values[0], -1)
    if mode == 5 and len(values) >= 2:
        return palette256(max(0, min(255, _int(values[1])))), 2
    if mode == 2 and len(values) >= 4:
        rgb = [max(0, min(255, _int(v))) for v in values[1:4]]
        return "#%02x%02x%02x" % tuple(rgb), 4
    return None, len(values)


def apply_sgr(style, params):
    """Apply one SGR parameter string (what sits between ESC[ and m) to style."""
    tokens = params.split(";") if params else ["0"]
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if ":" in tok:
            # Colon sub-parameters: 38:5:N, 38:2::R:G:B (or 38:2:R:G:B), 4:N underline styles.
            sub = tok.split(":")
            code = _int(sub[0])
            rest = sub[1:]
            if code in (38, 48, 58):
                if rest and _int(rest[0], -1) == 2 and len(rest) >= 5:
                    rest = [rest[0]] + rest[-3:]  # drop the colour-space id
                colour, _ = _extended_colour(rest)
                if code == 38:
                    style.fg = colour
                elif code == 48:
                    style.bg = colour
            elif code == 4:
                style.underline = _int(rest[0] if rest else "1") != 0
            continue
        code = _int(tok)
        if code in (38, 48, 58):
            colour, used = _extended_colour(tokens[i:])
            i += used
            if code == 38:
                style.fg = colour
            elif code == 48:
                style.bg = colour
        elif code == 0:
            style.reset()
        elif code == 1:
            style.bold = True
        elif code == 2:
            style.dim = True
        elif code == 3:
            style.italic = True
        elif code in (4, 21):
            style.underline = True
        elif code == 7:
            style.reverse = True
        elif code == 8:
            style.hidden = True
        elif code == 9:
            style.strike = True
        elif code == 22:
            style.bold = style.dim = False
        elif code == 23:
            style.italic = False
        elif code == 24:
            style.underline = False
        elif code == 27:
            style.reverse = False
        elif code == 28:
            style.hidden = False
        elif code == 29:
            style.strike = False
        elif 30 <= code <= 37:
            style.fg = PALETTE16[code - 30]
        elif code == 39:
            style.fg = None
        elif 40 <= code <= 47:
            style.bg = PALETTE16[code - 40]
        elif code == 49:
            style.bg = None
        elif 90 <= code <= 97:
            style.fg = PALETTE16[code - 90 + 8]
        elif 100 <= code <= 107:
            style.bg = PALETTE16[code - 100 + 8]
        # Anything else (blink, fonts, overline, ...) is ignored.


def char_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def parse(text, cols, rows):
    """Grid of rows x cols cells; a cell is [text, style key] or None for the tail of a wide character."""
    blank_key = Style().key()
    grid = [[[" ", blank_key] for _ in range(cols)] for _ in range(rows)]
    style = Style()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline ending the last row
    for row, line in enumerate(lines[:rows]):
        col = 0
        last = None  # the last cell written, for combining marks
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if ch == "\x1b":
                nxt = line[i + 1] if i + 1 < n else ""
                if nxt == "[":
                    j = i + 2
                    while j < n and not ("\x40" <= line[j] <= "\x7e"):
                        j += 1
                    if j < n and line[j] == "m":
                        apply_sgr(style, line[i + 2:j])
                    i = j + 1
                elif nxt in ("]", "P", "_", "^"):
                    # OSC / DCS / APC / PM: up to BEL or ST.
                    j = i + 2
                    while j < n and line[j] != "\x07" and not (line[j] == "\x1b" and line[j + 1:j + 2] == "\\"):
                        j += 1
                    i = j + (2 if j < n and line[j] == "\x1b" else 1)
                else:
                    i += 2
                continue
            i += 1
            if ch == "\t":
                col = min(cols, (col // 8 + 1) * 8)
                continue
            if ch < " " or ch == "\x7f":
                continue
            width = char_width(ch)
            if width == 0:
                if last is not None:
                    last[0] += ch
                continue
            if col + width > cols:
                continue  # no wrapping: what does not fit is dropped
            cell = [ch, style.key()]
            grid[row][col] = cell
            if width == 2:
                grid[row][col + 1] = None
            last = cell
            col += width
    return grid


def resolve(key):
    """(text colour, background colour or None, bold, italic, underline, strike) for a style key."""
    fg, bg, bold, dim, italic, underline, reverse, hidden, strike = key
    fg = fg or DEFAULT_FG
    if reverse:
        fg, bg = (bg or DEFAULT_BG), fg
    shown_bg = bg or DEFAULT_BG
    if dim:
        fg = blend(fg, shown_bg, 0.45)
    if hidden:
        fg = shown_bg
    return fg, bg, bold, italic, underline, strike


def esc(s):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # Characters XML 1.0 forbids (the parser already dropped C0 controls).
    return "".join(c for c in s if not (0xD800 <= ord(c) <= 0xDFFF or c in "\ufffe\uffff"))


def fmt(x):
    return ("%.2f" % x).rstrip("0").rstrip(".")


def render(grid, cols, rows, title, font_size):
    cw = font_size * ADVANCE_EM
    lh = round(font_size * 1.25)
    baseline = round(font_size * 0.95)  # from the top of a row
    pad_x, pad_y, bar_h = 14, 12, 30
    term_w, term_h = cols * cw, rows * lh
    width = round(term_w + 2 * pad_x)
    height = round(bar_h + term_h + 2 * pad_y)
    ox, oy = pad_x, bar_h + pad_y

    out = []
    out.append('<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
               'role="img" aria-label="%s">' % (width, height, width, height, esc(title)))
    out.append("<title>%s</title>" % esc(title))
    out.append("<style>\n"
               "text { font-family: %s; font-size: %spx; }\n"
               ".t { white-space: pre; }\n"
               ".b { font-weight: bold; }\n"
               ".i { font-style: italic; }\n"
               ".u { text-decoration: underline; }\n"
               ".s { text-decoration: line-through; }\n"
               ".us { text-decoration: underline line-through; }\n"
               ".title { font-family: -apple-system, 'Segoe UI', 'DejaVu Sans', Helvetica, Arial, sans-serif; "
               "font-size: 13px; }\n"
               "</style>" % (FONT_FAMILY, fmt(font_size)))
    # The window: body, title bar, traffic lights, title.
    out.append('<rect x="0.5" y="0.5" width="%d" height="%d" rx="8" ry="8" fill="%s" stroke="%s"/>'
               % (width - 1, height - 1, DEFAULT_BG, WINDOW_BORDER))
    out.append('<path d="M0.5 %d V8.5 A8 8 0 0 1 8.5 0.5 H%s A8 8 0 0 1 %s 8.5 V%d Z" fill="%s"/>'
               % (bar_h, fmt(width - 8.5), fmt(width - 0.5), bar_h, TITLE_BAR_BG))
    for k, colour in enumerate(("#ff5f57", "#febc2e", "#28c840")):
        out.append('<circle cx="%d" cy="%d" r="6" fill="%s"/>' % (20 + 20 * k, bar_h // 2, colour))
    out.append('<text class="title" x="%s" y="%d" text-anchor="middle" fill="%s">%s</text>'
               % (fmt(width / 2), bar_h // 2 + 5, TITLE_FG, esc(title)))

    # Backgrounds: one rect per horizontal run of the same non-default background.
    out.append('<g shape-rendering="crispEdges">')
    for r, row in enumerate(grid):
        c = 0
        while c < cols:
            cell = row[c]
            bg = resolve(cell[1])[1] if cell is not None else None
            if bg is None:
                c += 1
                continue
            start = c
            c += 1
            while c < cols and (row[c] is None or resolve(row[c][1])[1] == bg):
                c += 1
            out.append('<rect x="%s" y="%d" width="%s" height="%d" fill="%s"/>'
                       % (fmt(ox + start * cw), oy + r * lh, fmt((c - start) * cw), lh, bg))
    out.append("</g>")

    # Text: one <text> per run of same-styled cells. A run is further cut at blanks, so
    # every word starts at the exact x of its cell even where a renderer ignores
    # textLength (librsvg does); textLength then pins each piece to its cells.
    out.append('<g class="t" xml:space="preserve">')
    for r, row in enumerate(grid):
        y = oy + r * lh + baseline
        cells = []  # (column, text, width, look) of every cell that starts a character
        for c, cell in enumerate(row):
            if cell is None:
                continue
            width = 2 if c + 1 < cols and row[c + 1] is None else 1
            fg, _, bold, italic, underline, strike = resolve(cell[1])
            cells.append((c, cell[0], width, (fg, bold, italic, underline, strike)))
        i = 0
        while i < len(cells):
            look = cells[i][3]
            j = i
            while j < len(cells) and cells[j][3] == look:
                j += 1
            run, i = cells[i:j], j
            fg, bold, italic, underline, strike = look
            if underline or strike:
                pieces = [run]  # the decoration spans the blanks too
            else:
                pieces, word = [], []
                for cell in run:
                    if cell[1] == " ":
                        if word:
                            pieces.append(word)
                        word = []
                    else:
                        word.append(cell)
                if word:
                    pieces.append(word)
            classes = []
            if bold:
                classes.append("b")
            if italic:
                classes.append("i")
            if underline and strike:
                classes.append("us")
            elif underline:
                classes.append("u")
            elif strike:
                classes.append("s")
            cls = ' class="%s"' % " ".join(classes) if classes else ""
            for piece in pieces:
                first, last = piece[0], piece[-1]
                span = last[0] + last[2] - first[0]
                out.append('<text x="%s" y="%d" textLength="%s" lengthAdjust="spacing" fill="%s"%s>%s</text>'
                           % (fmt(ox + first[0] * cw), y, fmt(span * cw), fg, cls,
                              esc("".join(cell[1] for cell in piece))))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def plain(grid):
    lines = []
    for row in grid:
        lines.append("".join(cell[0] for cell in row if cell is not None).rstrip())
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description="Render a tmux `capture-pane -e -p` capture as an SVG terminal window.")
    ap.add_argument("--cols", type=int, required=True, help="terminal width in cells")
    ap.add_argument("--rows", type=int, required=True, help="terminal height in cells")
    ap.add_argument("--title", default="", help="window title")
    ap.add_argument("--font-size", type=float, default=14.0, help="font size in px (default 14)")
    ap.add_argument("--plain", metavar="FILE", help="also write the captured text without escapes to FILE")
    ap.add_argument("input", nargs="?", help="capture file (default: standard input)")
    args = ap.parse_args()
    if args.cols < 1 or args.rows < 1:
        ap.error("--cols and --rows must be positive")

    if args.input:
        with open(args.input, encoding="utf-8", errors="replace") as f:
            text = f.read()
    else:
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")

    grid = parse(text, args.cols, args.rows)
    svg = render(grid, args.cols, args.rows, args.title, args.font_size)
    sys.stdout.buffer.write(svg.encode("utf-8"))
    if args.plain:
        with open(args.plain, "w", encoding="utf-8", newline="\n") as f:
            f.write(plain(grid))


if __name__ == "__main__":
    main()
