// Colour arithmetic for the contrast and focus-ring checks. It runs inside
// the page: openApp installs it as `window.__colour` before the page loads,
// so every in-page measurement shares one definition.

/** Defines `window.__colour` (parse, over, behind, luminance, ratio). */
export function installColour() {
  const parse = (value) => {
    const m = /rgba?\(([^)]+)\)/.exec(value);
    if (!m) throw new Error(`cannot read colour ${value}`);
    const [r, g, b, a = 1] = m[1].split(/[,\s/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  /** `top` composited over the opaque `bottom`. */
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  /** The colour actually behind `el`: backgrounds composited from the canvas up. */
  const behind = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) layers.push(parse(getComputedStyle(n).backgroundColor));
    return layers.reverse().reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
  };
  /** WCAG relative luminance. */
  const luminance = ({ r, g, b }) => {
    const lin = (c) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };
  /** WCAG contrast ratio of two opaque colours. */
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  window.__colour = { parse, over, behind, luminance, ratio };
}
