// Runs in the page (page.evaluate(cutOff)): what a reader cannot see.
// Returns a list of findings, empty when nothing is cut off:
// - the page scrolls sideways;
// - text or a control that lies outside the viewport, or outside an
//   ancestor that hides its overflow (a scrolling area is fine: what is in
//   it can be scrolled to);
// - text cut with an ellipsis, or spilling out of its own box;
// - the person button not wholly in view, covered, or its words cut.
export function cutOff() {
  const findings = [];
  const vw = document.documentElement.clientWidth;
  const vh = document.documentElement.clientHeight;
  const name = (el) =>
    el.id ? `#${el.id}` : `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`;
  const hiddenForSight = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const s = getComputedStyle(n);
      if (s.display === "none" || s.visibility === "hidden") return true;
      // Text for screen readers only (.visually-hidden and its kin).
      if (s.clipPath === "inset(50%)" && n.getBoundingClientRect().width <= 1) return true;
    }
    return false;
  };
  if (document.documentElement.scrollWidth > vw + 1) {
    findings.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${vw})`);
  }
  const hasText = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== "");
  const controls = "button, textarea, input, select, [role=meter], progress";
  const targets = [...document.querySelectorAll("body *")].filter(
    (el) => (hasText(el) || el.matches(controls)) && !hiddenForSight(el),
  );
  for (const el of targets) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    const s = getComputedStyle(el);
    if (s.textOverflow === "ellipsis" && el.scrollWidth > el.clientWidth + 1) {
      findings.push(`${name(el)}: text cut with an ellipsis`);
    }
    if (s.overflowX === "visible" && hasText(el) && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) {
      findings.push(`${name(el)}: text spills out sideways (${el.scrollWidth} > ${el.clientWidth})`);
    }
    // Per axis: the nearest ancestor that does not let its content
    // overflow. One that scrolls lets the reader get there (it must itself
    // be in the window); one that hides cuts what lies outside it. With no
    // such ancestor the window itself is the limit.
    for (const [axis, lo, hi] of [
      ["overflowX", "left", "right"],
      ["overflowY", "top", "bottom"],
    ]) {
      let limit = null;
      let kind = "window";
      for (let n = el.parentElement; n; n = n.parentElement) {
        const o = getComputedStyle(n)[axis];
        if (o === "visible") continue;
        limit = n;
        kind = o === "auto" || o === "scroll" ? "scrolls" : "hides";
        break;
      }
      const box = limit && kind === "hides" ? limit.getBoundingClientRect() : { left: 0, top: 0, right: vw, bottom: vh };
      if (kind === "scrolls") {
        const sr = limit.getBoundingClientRect();
        if (sr[lo] < -1 || sr[hi] > (axis === "overflowX" ? vw : vh) + 1) {
          findings.push(`${name(limit)} (holding ${name(el)}) is not wholly in the window`);
        }
      } else if (r[lo] < box[lo] - 1 || r[hi] > box[hi] + 1) {
        findings.push(`${name(el)}: cut by ${limit ? name(limit) : "the window"} (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} in ${vw}x${vh})`);
      }
    }
  }
  const person = document.querySelector("#person-button");
  if (!person) {
    findings.push("no person button");
    return findings;
  }
  // Where the person button is, first as the window is, then with every
  // scrolling area scrolled to its end.
  const scrollers = [...document.querySelectorAll("*")].filter((n) => {
    const s = getComputedStyle(n);
    return ["auto", "scroll"].includes(s.overflowY) && n.scrollHeight > n.clientHeight + 1;
  });
  const saved = scrollers.map((n) => n.scrollTop);
  for (const pass of ["", " (scrolled to the end)"]) {
    if (pass !== "") scrollers.forEach((n) => (n.scrollTop = n.scrollHeight));
    const r = person.getBoundingClientRect();
    if (r.left < 0 || r.top < 0 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
      findings.push(`the person button is not wholly in view${pass} (${JSON.stringify(r)})`);
    }
    if (person.scrollWidth > person.clientWidth + 1 || person.scrollHeight > person.clientHeight + 1) {
      findings.push("the person button's words do not fit in it");
    }
    const inset = 4;
    for (const [x, y] of [
      [r.left + r.width / 2, r.top + r.height / 2],
      [r.left + inset, r.top + inset],
      [r.right - inset, r.top + inset],
      [r.left + inset, r.bottom - inset],
      [r.right - inset, r.bottom - inset],
    ]) {
      const hit = document.elementFromPoint(x, y);
      if (!hit || !(hit === person || person.contains(hit))) {
        findings.push(`the person button is covered${pass} at ${Math.round(x)},${Math.round(y)} by ${hit ? name(hit) : "nothing"}`);
      }
    }
  }
  scrollers.forEach((n, i) => (n.scrollTop = saved[i]));
  return [...new Set(findings)];
}

/** WCAG 1.4.12's text spacing, as a reader's style sheet would set it. */
export const TEXT_SPACING_CSS = `
  * { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
  p { margin-bottom: 2em !important; }
`;
