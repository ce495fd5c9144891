"""The page's own stylesheet and script (ours), and the vis-network bundle (pyvis's).

The CSS is scoped under ``.tiegraph`` so that a fragment pasted into a
briefing neither restyles the host page nor is restyled much by it. The
runtime (:func:`runtime_script`: vis-network and the explorer) defines one
global, ``window.tiegraph``, on which each figure registers (:data:`BOOT`);
the vis-network bundle runs inside the runtime's function, with a local
``module``/``exports`` so that its UMD wrapper does not set ``window.vis``.
Each figure's script reads its data from a JSON block inside its own root.
"""

import functools
from pathlib import Path

__all__ = ["CSS", "SCRIPT", "BOOT", "runtime_script", "vis_bundle", "VIS_VERSION"]

VIS_VERSION = "9.1.2"


@functools.lru_cache(maxsize=1)
def vis_bundle():
    """Return the vis-network JavaScript shipped inside the installed pyvis package.

    Raises
    ------
    RuntimeError
        If pyvis is missing or its bundle is, or if the bundle holds text that
        would end an inline ``<script>`` early.
    """
    try:
        import pyvis
    except ImportError as ex:  # a dependency; only a broken install gets here
        raise RuntimeError("pyvis is not installed; it provides the vis-network bundle "
                           "(pip install pyvis==0.3.2)") from ex
    base = Path(pyvis.__file__).resolve().parent
    for sub in ("templates/lib", "lib"):
        path = base / sub / f"vis-{VIS_VERSION}" / "vis-network.min.js"
        if path.is_file():
            break
    else:
        raise RuntimeError(f"vis-network {VIS_VERSION} was not found inside pyvis at {base}")
    js = path.read_text(encoding="utf-8")
    js = js.replace("//# sourceMappingURL=vis-network.min.js.map", "")
    low = js.lower()
    if "</script" in low or "<!--" in low:
        raise RuntimeError(f"{path} cannot be inlined safely (it contains '</script' or '<!--')")
    return js


CSS = r"""
.tiegraph{--tg-ink:#1f2328;--tg-muted:#59636e;--tg-line:#d8dee4;--tg-soft:#f6f8fa;--tg-accent:#0b5cad;
  font:14px/1.45 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
  color:var(--tg-ink);background:#fff;border:1px solid var(--tg-line);border-radius:8px;
  box-sizing:border-box;max-width:100%;text-align:left;overflow:hidden}
.tiegraph *,.tiegraph *::before,.tiegraph *::after{box-sizing:border-box}
.tiegraph .tg-head{padding:12px 16px 10px;border-bottom:1px solid var(--tg-line)}
.tiegraph .tg-title{font-size:18px;font-weight:650;margin:0;letter-spacing:-.01em}
.tiegraph .tg-sub{color:var(--tg-muted);font-size:12.5px;margin-top:2px}
.tiegraph .tg-sub b{color:var(--tg-ink);font-weight:600}
.tiegraph .tg-main{display:flex;min-height:0}
.tiegraph .tg-panel{flex:0 0 250px;border-right:1px solid var(--tg-line);padding:6px 12px 10px;
  background:var(--tg-soft);overflow-y:auto;font-size:13px}
.tiegraph .tg-panel h4{font-size:11px;text-transform:uppercase;letter-spacing:.06em;color:var(--tg-muted);
  margin:12px 0 4px;font-weight:650}
.tiegraph .tg-row{display:flex;align-items:center;gap:6px;margin:2px 0}
.tiegraph .tg-row label{display:flex;align-items:center;gap:6px;cursor:pointer;flex:1;min-width:0}
.tiegraph .tg-count{color:var(--tg-muted);font-variant-numeric:tabular-nums;font-size:12px}
.tiegraph .tg-line{display:inline-block;width:24px;flex:0 0 24px;height:0;border-top:3px solid #888}
.tiegraph .tg-line.tg-dash{border-top-style:dashed}
.tiegraph .tg-dot{display:inline-block;width:12px;height:12px;flex:0 0 12px;border-radius:50%;
  border:1px solid rgba(0,0,0,.25)}
.tiegraph .tg-warn{color:#b42318;font-size:11px;margin-left:2px}
.tiegraph .tg-small{color:var(--tg-muted);font-size:12px}
.tiegraph input[type=range]{width:100%;margin:0;accent-color:var(--tg-accent)}
.tiegraph select,.tiegraph input[type=search]{width:100%;font:inherit;padding:3px 6px;border:1px solid var(--tg-line);
  border-radius:5px;background:#fff;color:var(--tg-ink)}
.tiegraph button{font:inherit;font-size:12px;padding:2px 8px;border:1px solid var(--tg-line);border-radius:5px;
  background:#fff;color:var(--tg-ink);cursor:pointer}
.tiegraph button:hover{border-color:var(--tg-accent)}
.tiegraph .tg-stage{position:relative;flex:1;min-width:0;display:flex;flex-direction:column}
/* the graph area: 600 px in a fragment; a host page may set --tg-graph-height on .tiegraph (or its id) */
.tiegraph .tg-canvas{flex:none;height:var(--tg-graph-height,600px);min-height:240px;background:#fff}
.tiegraph .tg-status{position:absolute;left:10px;top:8px;font-size:12px;color:var(--tg-muted);
  background:rgba(255,255,255,.85);padding:1px 6px;border-radius:4px;pointer-events:none}
.tiegraph .tg-legend{flex:none;border-top:1px solid var(--tg-line);padding:6px 12px;font-size:12px;
  color:var(--tg-muted);display:flex;flex-wrap:wrap;column-gap:18px;row-gap:2px;align-items:flex-start}
.tiegraph .tg-legend>div{min-width:0}
.tiegraph .tg-legend .tg-row{margin:1px 0}
.tiegraph .tg-wrap{flex-wrap:wrap;column-gap:12px}
.tiegraph .tg-item{display:inline-flex;align-items:center;gap:5px;white-space:nowrap}
.tiegraph .tg-legend .tg-swatch-title{color:var(--tg-ink)}
.tiegraph .tg-tip{position:absolute;z-index:5;max-width:360px;max-height:calc(100% - 8px);overflow:hidden;background:#fff;border:1px solid var(--tg-line);
  border-radius:6px;box-shadow:0 4px 14px rgba(0,0,0,.12);padding:8px 10px;font-size:12.5px;pointer-events:none}
.tiegraph .tg-tip[hidden],.tiegraph [hidden]{display:none!important}
.tiegraph .tg-k{color:var(--tg-muted)}
.tiegraph .tg-tie{margin-top:6px;padding-top:5px;border-top:1px dashed var(--tg-line)}
.tiegraph .tg-tie-head{font-weight:600;font-size:12px}
.tiegraph .tg-quote{margin:6px 0 2px;padding-left:8px;border-left:3px solid var(--tg-line);font-style:italic;
  white-space:pre-wrap;overflow-wrap:anywhere}
.tiegraph .tg-details{border-top:1px solid var(--tg-line);padding:10px 16px;min-height:64px;font-size:13px}
.tiegraph .tg-details h5,.tiegraph .tg-path h5{margin:0 0 4px;font-size:14px}
.tiegraph .tg-path{border-top:1px solid var(--tg-line);padding:10px 16px;font-size:13px;background:#fffbea}
.tiegraph .tg-path ol{margin:4px 0 0 18px;padding:0}
.tiegraph .tg-path li{margin:3px 0}
.tiegraph .tg-swatch-title{font-weight:600}
.tiegraph .tg-chip{display:inline-block;padding:0 6px;border-radius:9px;font-size:11.5px;color:#fff;margin-right:4px}
/* printed: the static SVG drawing (real text) instead of the canvas, and no controls */
.tiegraph .tg-print{display:none}
@media print{
  .tiegraph{border:0;border-radius:0;overflow:visible;break-inside:avoid;page-break-inside:avoid}
  .tiegraph .tg-head,.tiegraph .tg-main,.tiegraph .tg-details,.tiegraph .tg-tip{display:none!important}
  .tiegraph .tg-print{display:block}
  .tiegraph .tg-print svg{display:block;width:100%;height:auto;max-height:96vh}
  .tiegraph .tg-path{background:none;padding:6px 0;break-inside:avoid}
}
/* narrow: a slim toolbar above the graph and the legend under it (render --compact, or a figure
   under 720 px wide: the script sets tg-narrow from the figure's own width, not the window's) */
.tiegraph .tg-lab{width:34px}
.tiegraph .tg-menu>summary{display:none}
.tiegraph .tg-find .tg-row input{flex:1;min-width:0}
.tiegraph.tg-narrow .tg-main{flex-direction:column}
.tiegraph.tg-narrow .tg-panel{flex:none;display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;border-right:0;
  border-bottom:1px solid var(--tg-line);padding:5px 8px;overflow:visible;max-height:none;font-size:12px}
.tiegraph.tg-narrow .tg-panel h4,.tiegraph.tg-narrow .tg-long{display:none}
.tiegraph.tg-narrow .tg-menu{position:relative}
.tiegraph.tg-narrow .tg-menu>summary{display:list-item;cursor:pointer;padding:1px 8px;border:1px solid var(--tg-line);
  border-radius:5px;background:#fff;list-style-position:inside;white-space:nowrap}
.tiegraph.tg-narrow .tg-menu-body{position:absolute;z-index:6;left:0;top:calc(100% + 4px);width:260px;max-width:85vw;
  max-height:320px;overflow-y:auto;background:#fff;border:1px solid var(--tg-line);border-radius:6px;
  box-shadow:0 4px 14px rgba(0,0,0,.12);padding:4px 10px 8px}
.tiegraph.tg-narrow .tg-menu-body h4{display:block}
.tiegraph.tg-narrow .tg-dates,.tiegraph.tg-narrow .tg-view{display:flex;gap:8px 12px;flex-wrap:wrap}
.tiegraph.tg-narrow .tg-row{margin:0}
.tiegraph.tg-narrow .tg-dates input[type=range]{width:64px}
.tiegraph.tg-narrow .tg-lab{width:auto}
.tiegraph.tg-narrow .tg-conf select{width:auto;max-width:170px;font-size:12px;padding:1px 4px}
.tiegraph.tg-narrow .tg-find input[type=search]{width:140px;flex:none;font-size:12px;padding:1px 6px}
.tiegraph.tg-narrow .tg-find>.tg-small:empty{display:none}
.tiegraph.tg-narrow .tg-canvas{height:var(--tg-graph-height,460px)}
.tiegraph.tg-narrow .tg-details,.tiegraph.tg-narrow .tg-path{padding:8px 10px}
"""

SCRIPT = r"""
const part = (role) => root.querySelector('[data-role="' + role + '"]');
const data = JSON.parse(part("data").textContent);
// ---- narrow figures (render --compact, or under 720 px wide): toolbar above, types in a menu
const menu = part("types-menu");
let narrow = null;
function layoutMode() {
  const n = root.classList.contains("tg-compact") || root.clientWidth < 720;
  if (n === narrow) return false;
  narrow = n;
  root.classList.toggle("tg-narrow", n);
  menu.open = !n;
  return true;
}
layoutMode();
const el = (tag, cls, text) => {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
};
const CONF = ["speculated", "assessed", "reported", "confirmed"];
const nodeById = new Map(data.nodes.map((n) => [n.id, n]));
// "one line per pair": one line sums every tie of an actor pair (a toggle; on by default in a tangle)
const pairs = data.pairs || [];
const pairById = new Map(pairs.map((e) => [e.id, e]));
const allLines = data.edges.concat(pairs);
const edgeById = new Map(allLines.map((e) => [e.id, e]));
// every tie with its evidence; a drawn edge merges the ties of one pair, type, direction and style
const ties = data.ties || data.edges;
const tieById = new Map(ties.map((t) => [t.id, t]));
const membersOf = (e) => (e.ties || [e.id]).map((id) => tieById.get(id)).filter((t) => t);
const label = (id) => (nodeById.get(id) || {label: id}).label;
const typeName = (t) => String(t).replace(/_/g, " ");
const when = (e) => e.start ? (e.end ? e.start + " – " + e.end : e.start) : "undated";

// ---- filters: they act on ties; an edge is drawn while one of its ties passes
const state = {types: new Set(data.legend.types.map((t) => t.type)), minRank: 0, bundled: !!data.meta.bundle,
               from: data.years ? data.years[0] : null, to: data.years ? data.years[1] : null};
const degree = new Map();
const shownCount = new Map(), shownWeight = new Map();
const passes = (t) => state.types.has(t.type) && t.rank >= state.minRank
  && (state.from === null || !t.start_date
      || (t.start_date <= state.to + "-12-31" && t.end_date >= state.from + "-01-01"));
const isolated = new Set(data.nodes.map((n) => n.id));
data.edges.forEach((e) => { isolated.delete(e.from); isolated.delete(e.to); });
const onPath = new Set(data.path ? data.path.nodes : []);
// the same formula as explorer.elements._width, over the ties shown
const widthFor = (w) => Math.round(Math.min(9, 0.5 + 1.25 * Math.sqrt(Math.max(0, w))) * 100) / 100;

function nodeStyle(n, dim) {
  const ring = onPath.has(n.id);
  return {id: n.id, label: n.label, x: n.x, y: n.y, size: n.size, borderWidth: ring ? 4 : 1.5,
    color: {background: dim ? "rgba(200,205,212,0.35)" : n.color,
            border: ring ? "#111111" : (dim ? "rgba(160,166,175,0.5)" : "#ffffff"),
            highlight: {background: n.color, border: "#111111"},
            hover: {background: n.color, border: "#111111"}},
    font: {color: dim ? "rgba(89,99,110,0.35)" : "#1f2328"}};
}
function edgeStyle(e, dim, strong) {
  const n = shownCount.has(e.id) ? shownCount.get(e.id) : (e.count || 1);
  const w = shownCount.has(e.id) ? widthFor(shownWeight.get(e.id)) : e.width;
  const s = {id: e.id, from: e.from, to: e.to, width: strong ? Math.max(4, w * 1.8) : w,
    dashes: e.dashes ? [7, 5] : false, label: n > 1 ? "×" + n : "",
    font: {color: dim ? "rgba(89,99,110,0.25)" : "#444c56"},
    color: {color: e.color, highlight: e.color, hover: e.color, opacity: dim ? 0.1 : 0.75},
    arrows: {to: {enabled: e.arrows === "to", scaleFactor: 0.55}}};
  if (e.smooth) s.smooth = e.smooth;
  else if (pairById.has(e.id)) s.smooth = false;  // one line per pair: straight, as counted and printed
  return s;
}
const pathEdges = new Set(data.path ? data.path.edges : []);
const onPathLine = (e) => pairById.has(e.id) ? e.lines.some((id) => pathEdges.has(id)) : pathEdges.has(e.id);
const baseDim = (n) => onPath.size > 0 && !onPath.has(n.id);
countShown();  // before the views exist, so that they start with the right members
const nodes = new vis.DataSet(data.nodes.map((n) => nodeStyle(n, baseDim(n))));
const edges = new vis.DataSet(allLines.map((e) =>
  edgeStyle(e, pathEdges.size > 0 && !onPathLine(e), onPathLine(e))));
const edgeView = new vis.DataView(edges, {filter: (item) =>
  (shownCount.get(item.id) || 0) > 0 && pairById.has(item.id) === state.bundled});
const nodeView = new vis.DataView(nodes, {filter: (item) =>
  isolated.has(item.id) || onPath.has(item.id) || (degree.get(item.id) || 0) > 0});

// ---- controls (every text from the data is set as text, never as markup)
const typeBox = part("types");
data.legend.types.forEach((t) => {
  const row = el("div", "tg-row");
  const lab = el("label");
  const box = el("input");
  box.type = "checkbox"; box.checked = true; box.value = t.type;
  box.setAttribute("data-type", t.type);
  box.addEventListener("change", () => { box.checked ? state.types.add(t.type) : state.types.delete(t.type); refresh(); });
  const line = el("span", "tg-line");
  line.style.borderTopColor = t.color;
  lab.append(box, line, el("span", null, t.label));
  if (t.adversarial) lab.append(el("span", "tg-warn", t.adversarial === t.count ? "adversarial" : t.adversarial + " adversarial"));
  row.append(lab, el("span", "tg-count", t.count));
  typeBox.append(row);
});
const setAllTypes = (on) => {
  typeBox.querySelectorAll("input").forEach((b) => { b.checked = on; on ? state.types.add(b.value) : state.types.delete(b.value); });
  refresh();
};
part("all").addEventListener("click", () => setAllTypes(true));
part("none").addEventListener("click", () => setAllTypes(false));

const fromIn = part("from"), toIn = part("to");
if (data.years) {
  [fromIn, toIn].forEach((r) => { r.min = data.years[0]; r.max = data.years[1]; r.step = 1; });
  fromIn.value = data.years[0]; toIn.value = data.years[1];
  const onRange = (which) => {
    let a = +fromIn.value, b = +toIn.value;
    if (a > b) { if (which === "from") b = a; else a = b; fromIn.value = a; toIn.value = b; }
    state.from = a; state.to = b;
    part("from-out").textContent = a; part("to-out").textContent = b;
    refresh();
  };
  fromIn.addEventListener("input", () => onRange("from"));
  toIn.addEventListener("input", () => onRange("to"));
  part("from-out").textContent = data.years[0]; part("to-out").textContent = data.years[1];
  if (data.years[0] === data.years[1]) { fromIn.disabled = true; toIn.disabled = true; }
} else {
  part("dates").hidden = true;
}
part("conf").addEventListener("change", (ev) => { state.minRank = +ev.target.value; refresh(); });

// legend: node colour classes and the size metric
const classBox = part("classes");
if (data.legend.classes.length) {
  const shownClasses = data.legend.classes.slice(0, 6);
  const rest = data.legend.classes.length - shownClasses.length;
  shownClasses.forEach((c) => {
    const row = el("div", "tg-row");
    const dot = el("span", "tg-dot");
    dot.style.background = c.color;
    const names = c.members.join(", ") + (c.count > c.members.length ? ", …" : "");
    const txt = el("span", null);
    txt.append(el("span", "tg-swatch-title",
      c.cls === null ? (data.meta.class_word === "Bloc" ? "No bloc" : "None")
        : typeof c.cls === "number" ? data.meta.class_word + " " + (c.cls + 1) : c.cls),
      document.createTextNode(": " + names));
    row.append(dot, txt);
    classBox.append(row);
  });
  if (rest > 0) classBox.append(el("div", "tg-small", "… and " + rest + " more (hover an actor for its "
    + (data.meta.class_word || "class").toLowerCase() + ")"));
} else {
  classBox.hidden = true;
}

// ---- the network
const options = data.options;
const network = new vis.Network(part("canvas"), {nodes: nodeView, edges: edgeView}, options);
const hook = {network, nodes, edges, nodeView, edgeView, drawnAt: null, focused: null,
              visibleEdgeIds: () => edgeView.getIds(), visibleNodeIds: () => nodeView.getIds(),
              visibleTieIds: () => ties.filter(passes).map((t) => t.id)};
root.__tiegraph = hook;
network.once("afterDrawing", () => { hook.drawnAt = performance.now(); root.setAttribute("data-drawn", "1"); });

function countShown() {
  degree.clear(); shownCount.clear(); shownWeight.clear();
  let shown = 0;
  ties.forEach((t) => {
    if (!passes(t)) return;
    shown++;
    degree.set(t.from, (degree.get(t.from) || 0) + 1); degree.set(t.to, (degree.get(t.to) || 0) + 1);
    [t.edge || t.id, t.pair].forEach((id) => { if (!id) return;
      shownCount.set(id, (shownCount.get(id) || 0) + 1);
      shownWeight.set(id, (shownWeight.get(id) || 0) + Math.max(0, +t.weight || 0)); });
  });
  return shown;
}
function refresh(initial) {
  const shown = countShown();
  if (!initial) {
    edgeView.refresh(); nodeView.refresh();
    restyle(hook.focused || null);  // widths and counts follow the ties shown; a found actor stays lit
    if (shownDetails) shownDetails();
  }
  part("status").textContent = "Showing " + shown + " of " + ties.length + " ties ("
    + edgeView.length + " of " + (state.bundled ? pairs.length + " pair " : data.edges.length + " ") + "lines) among "
    + nodeView.length + " of " + data.nodes.length + " actors";
}

// ---- evidence: tooltip on hover, details on click (DOM text only)
function kv(parent, k, v) {
  if (v === undefined || v === null || v === "") return;
  const row = el("div");
  row.append(el("span", "tg-k", k + ": "), el("span", null, v));
  parent.append(row);
}
function tieCard(t, full) {
  // one tie's evidence: dates, value, confidence, the quote and its document
  const box = el("div", "tg-tie");
  const line = [when(t)];
  if (t.value) line.push(t.value + (t.unit ? " " + t.unit : ""));
  if (t.confidence) line.push(t.confidence);
  box.append(el("div", "tg-tie-head", line.join(" · ")));
  let q = t.quote || "";
  if (!full && q.length > 160) q = q.slice(0, 159) + "…";
  if (q) box.append(el("div", "tg-quote", "“" + q + "”"));
  kv(box, "Source", (t.doc_title || t.doc) + (full && t.doc_title && t.doc ? " (" + t.doc + ")" : ""));
  if (full) { kv(box, "Weight", t.weight); kv(box, "Note", t.note); kv(box, "Tie id", t.id); }
  return box;
}
const TIP_TIES = 12;  // a tooltip lists this many ties; the details panel lists them all
function edgeCard(e, full) {
  const box = el("div");
  const head = el(full ? "h5" : "div", full ? null : "tg-swatch-title");
  const chip = el("span", "tg-chip", typeName(e.type));
  chip.style.background = e.color;
  head.append(chip, document.createTextNode(label(e.from) + (e.directed ? " → " : " – ") + label(e.to)));
  box.append(head);
  const members = membersOf(e), shown = members.filter(passes);
  const notes = [];
  if (members.length > 1 || shown.length < members.length)
    notes.push(shown.length === members.length ? members.length + " ties"
      : shown.length + " of " + members.length + " ties shown (the others are filtered out)");
  if (e.polarity === "adversarial") notes.push("adversarial");
  if (pairById.has(e.id)) {  // one line per pair: say what it sums
    const kinds = new Map();
    shown.forEach((t) => kinds.set(t.type, (kinds.get(t.type) || 0) + 1));
    notes.push("all ties of the pair: " + [...kinds].map(([k, n]) => typeName(k) + " ×" + n).join(", "));
  }
  if (notes.length) box.append(el("div", "tg-small", notes.join(" · ")));
  const list = full ? shown : shown.slice(0, TIP_TIES);
  list.forEach((t) => box.append(tieCard(t, full)));
  if (list.length < shown.length)
    box.append(el("div", "tg-small", "… and " + (shown.length - list.length) + " more: click the line for all."));
  return box;
}
function nodeCard(n, full) {
  const box = el("div");
  box.append(el(full ? "h5" : "div", full ? null : "tg-swatch-title", n.label));
  kv(box, "Id", n.id !== n.label ? n.id : "");
  kv(box, "Kind", n.kind);
  kv(box, "Group", n.group);
  if (n.cls !== null && n.cls !== "" && data.meta.class_word)
    kv(box, data.meta.class_word, typeof n.cls === "number" ? n.cls + 1 : n.cls);
  if (n.score !== null) kv(box, data.meta.metric_label, Number(n.score).toPrecision(3));
  kv(box, "Ties shown", degree.get(n.id) || 0);
  return box;
}
const tip = part("tip");
function showTip(card, pointer) {
  tip.replaceChildren(card);
  tip.hidden = false;
  const c = part("canvas");
  tip.style.left = Math.max(4, Math.min(pointer.x + 14, c.clientWidth - tip.offsetWidth - 4)) + "px";
  const below = pointer.y + 14, above = pointer.y - 14 - tip.offsetHeight;
  tip.style.top = (below + tip.offsetHeight > c.clientHeight && above > 0 ? above : below) + "px";
}
network.on("hoverEdge", (p) => { const e = edgeById.get(p.edge); if (e) showTip(edgeCard(e, false), p.pointer.DOM); });
network.on("hoverNode", (p) => { const n = nodeById.get(p.node); if (n) showTip(nodeCard(n, false), p.pointer.DOM); });
["blurEdge", "blurNode", "dragStart", "zoom"].forEach((ev) => network.on(ev, () => { tip.hidden = true; }));
const details = part("details");
let shownDetails = null;  // redraws the details panel after the filters change
function showDetails(fill) {
  shownDetails = () => { details.replaceChildren(); fill(); };
  shownDetails();
}
function nodeDetails(n) {
  details.append(nodeCard(n, true));
  const mine = ties.filter((t) => (t.from === n.id || t.to === n.id) && passes(t));
  if (mine.length) details.append(el("div", "tg-small", "Ties: " + mine.length + " shown; click a line for its evidence."));
}
network.on("click", (p) => {
  if (p.nodes.length) {
    const n = nodeById.get(p.nodes[0]);
    showDetails(() => nodeDetails(n));
  } else if (p.edges.length) {
    const e = edgeById.get(p.edges[0]);
    showDetails(() => details.append(edgeCard(e, true)));
  } else {
    showDetails(() => details.append(el("span", "tg-small", "Click an actor or a tie to see its evidence.")));
  }
});

// ---- find an actor: focus it and light up its neighbourhood
const list = part("actors");
data.nodes.slice().sort((a, b) => a.label.localeCompare(b.label)).forEach((n) => {
  const o = el("option"); o.value = n.label; list.append(o);
});
const findIn = part("find");
function match(text) {
  const t = text.trim().toLowerCase();
  if (!t) return null;
  const all = data.nodes;
  return all.find((n) => n.label.toLowerCase() === t || n.id.toLowerCase() === t)
    || all.find((n) => (n.aliases || []).some((a) => a.toLowerCase() === t))
    || all.find((n) => n.label.toLowerCase().startsWith(t))
    || all.find((n) => n.label.toLowerCase().includes(t)) || null;
}
const lastStyle = new Map();  // id -> last style sent, so that a refresh updates only what changed
function push(set, items) {
  const kind = set === nodes ? "n:" : "e:";
  const changed = items.filter((it) => {
    const key = JSON.stringify(it);
    if (lastStyle.get(kind + it.id) === key) return false;
    lastStyle.set(kind + it.id, key);
    return true;
  });
  if (changed.length) set.update(changed);
}
function restyle(focus) {
  const near = new Set();
  if (focus) {  // the actor and whoever it has a tie with among the ties shown
    near.add(focus);
    ties.forEach((t) => { if ((t.from === focus || t.to === focus) && passes(t)) { near.add(t.from); near.add(t.to); } });
  }
  push(nodes, data.nodes.map((n) => nodeStyle(n, focus ? !near.has(n.id) : baseDim(n))));
  push(edges, allLines.map((e) => focus
    ? edgeStyle(e, !(e.from === focus || e.to === focus), false)
    : edgeStyle(e, pathEdges.size > 0 && !onPathLine(e), onPathLine(e))));
}
function find() {
  const n = match(findIn.value);
  part("find-out").textContent = findIn.value.trim() && !n ? "No actor matches." : "";
  if (!n) { hook.focused = null; restyle(null); return; }
  hook.focused = n.id;
  restyle(n.id);
  network.selectNodes([n.id]);
  network.focus(n.id, {scale: Math.max(network.getScale(), 1.1), animation: false});
  showDetails(() => nodeDetails(n));
}
findIn.addEventListener("change", find);
findIn.addEventListener("keydown", (ev) => { if (ev.key === "Enter") find(); });
part("clear").addEventListener("click", () => { findIn.value = ""; hook.focused = null; part("find-out").textContent = "";
  network.unselectAll(); restyle(null); fitView(); });
const bundleBox = part("bundle");
bundleBox.checked = state.bundled;
if (!pairs.length) bundleBox.disabled = true;
bundleBox.addEventListener("change", () => { state.bundled = bundleBox.checked; refresh(); });
part("physics").addEventListener("change", (ev) => network.setOptions({physics: {enabled: ev.target.checked}}));
// labels stay at least 11 px on screen when the figure is small or zoomed out (not on big graphs,
// whose labels appear only when zoomed in)
const baseFont = options.nodes.font.size, edgeFont = options.edges.font.size;
let fontNow = baseFont;
function labelFloor() {
  if (data.nodes.length > 800) return;
  const want = Math.min(40, Math.max(baseFont, Math.ceil(11.5 / network.getScale())));
  if (want !== fontNow) {  // line counts (×N) stay at least 9 px
    fontNow = want;
    network.setOptions({nodes: {font: {size: want}},
                        edges: {font: {size: Math.max(edgeFont, Math.ceil(9 / network.getScale()))}}});
  }
}
function fitView() {
  network.fit({animation: false});
  network.moveTo({scale: network.getScale() * 0.9, animation: false});  // room for labels at the edges
  labelFloor();
  // then fit the drawing with its labels (twice: the label size follows the scale)
  const ids = nodeView.getIds(), c = part("canvas");
  if (!ids.length || data.nodes.length > 800 || !c.clientWidth) return;
  for (let i = 0; i < 2; i++) {
    network.redraw();
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ids.forEach((id) => { const b = network.getBoundingBox(id);
      x0 = Math.min(x0, b.left); y0 = Math.min(y0, b.top); x1 = Math.max(x1, b.right); y1 = Math.max(y1, b.bottom); });
    // 24 px kept free at the top for the status line
    const scale = Math.min(c.clientWidth / (x1 - x0 + 16 / network.getScale()),
                           (c.clientHeight - 24) / (y1 - y0 + 16 / network.getScale()), 1.5);
    network.moveTo({position: {x: (x0 + x1) / 2, y: (y0 + y1) / 2 - 12 / scale}, scale: scale,
                    animation: false});
    labelFloor();
  }
}
network.on("zoom", labelFloor);
part("fit").addEventListener("click", fitView);
if (typeof ResizeObserver !== "undefined")
  new ResizeObserver(() => { if (layoutMode()) { network.redraw(); fitView(); } }).observe(root);

// ---- a path, when one was asked for
if (data.path) {
  const box = part("path");
  box.hidden = false;
  box.append(el("h5", null, data.path.title));
  if (data.path.note) box.append(el("div", "tg-small", data.path.note));
  const ol = el("ol");
  data.path.hops.forEach((h) => {
    const li = el("li");
    li.append(el("b", null, h.from_label + " → " + h.to_label), document.createTextNode(": "));
    const t = h.tie;
    const chip = el("span", "tg-chip", typeName(t.type));
    chip.style.background = (data.legend.types.find((x) => x.type === t.type) || {color: "#777"}).color;
    li.append(chip, document.createTextNode(when(t) + ", " + t.confidence
      + (h.more ? " (+" + h.more + " more tie" + (h.more > 1 ? "s" : "") + ")" : "")));
    if (t.quote) li.append(el("div", "tg-quote", "“" + t.quote + "” — " + (t.doc_title || t.doc)));
    ol.append(li);
  });
  box.append(ol);
  (data.path.alternatives || []).forEach((alt) => box.append(el("div", "tg-small", "Alternative: " + alt)));
}
refresh(true);
fitView();
requestAnimationFrame(() => network.redraw());
"""

#: Runs once per page (a fragment's runtime): the vis-network bundle and the explorer, as
#: ``window.tiegraph.draw(root)``; then draws every figure that registered before it came.
_RUNTIME = r"""(function () {
var ns = window.tiegraph;
if (!ns || typeof ns !== "object" || !Array.isArray(ns.q)) ns = window.tiegraph = {q: []};
if (!ns.draw) {
var module = {exports: {}}, exports = module.exports, define = undefined, regeneratorRuntime;
@@VIS@@
var vis = module.exports;
var drawOne = function (root, vis) {
@@SCRIPT@@
};
ns.version = "@@VERSION@@";
ns.draw = function (root) {
  if (!root || root.getAttribute("data-tg-started")) return;
  root.setAttribute("data-tg-started", "1");
  try { drawOne(root, vis); } catch (err) { console.error("tiegraph: " + (root.id || "figure"), err); }
};
}
ns.q.splice(0).forEach(function (r) { ns.draw(r); });
})();"""

#: Every fragment's own script: register the figure, drawn now or when the runtime arrives.
BOOT = r"""(function () {
var root = document.getElementById(@@ID@@);
var ns = window.tiegraph;
if (!ns || typeof ns !== "object" || !Array.isArray(ns.q)) ns = window.tiegraph = {q: []};
if (ns.draw) ns.draw(root); else ns.q.push(root);
})();"""


@functools.lru_cache(maxsize=1)
def runtime_script():
    """Return the page runtime (vis-network and the explorer) as one script's text.

    It defines one global, ``window.tiegraph`` (``q``: figures waiting for
    the runtime, ``draw(root)``), and does nothing more when a runtime already
    ran on the page, so any number of fragments may carry it.
    """
    return (_RUNTIME.replace("@@VERSION@@", VIS_VERSION).replace("@@SCRIPT@@", SCRIPT)
            .replace("@@VIS@@", vis_bundle()))
