"""The review page's style sheet: readable at 800, 1400 and 1920 px, names never broken mid-word."""

CSS = """\
:root { --ink: #222; --muted: #5f6368; --line: #d9dde1; --soft: #f6f7f9; --user: #0072B2; --admin: #8E44AD;
  --system: #009E73; --pass: #1B7F3B; --fail: #D62728; --warn: #B58900; --gold: #B8860B; --attacker: #C0392B; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: #fff; }
header.top { background: #1f2933; color: #fff; padding: 18px 32px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; }
header.top p { margin: 0; color: #cfd6dd; }
nav.toc { position: sticky; top: 0; z-index: 3; background: #fff; border-bottom: 1px solid var(--line);
  padding: 8px 32px; display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 14px; }
nav.toc a { color: #1f5f99; text-decoration: none; white-space: nowrap; }
nav.toc a:hover { text-decoration: underline; }
main { padding: 8px 32px 48px; max-width: 2200px; }
section { margin-top: 28px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; margin: 0 0 12px; }
h3 { font-size: 17px; margin: 20px 0 8px; }
h4 { margin: 12px 0 6px; }
p.lead { color: var(--muted); margin-top: 0; max-width: 1100px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--soft); }
.card .big { font-size: 24px; font-weight: 700; }
.card.ok { border-left: 6px solid var(--pass); } .card.bad { border-left: 6px solid var(--fail); }
.card.warn { border-left: 6px solid var(--warn); }
.tablewrap { max-width: 100%; overflow-x: auto; margin: 8px 0 16px; }
figure.spec .viewport { max-height: 88vh; }
table { border-collapse: collapse; font-size: 14px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; }
td.c, th.c { text-align: center; }
tr.group th { background: #fafafa; text-align: left; font-size: 14px; }
table.matrix td.yes { font-weight: 700; color: #fff; text-align: center; }
table.matrix td.no { background: #fbfbfb; }
td.yes.user { background: var(--user); } td.yes.admin { background: var(--admin); }
td.yes.system { background: var(--system); }
table.glance { width: 100%; min-width: 1000px; }
table.glance th:first-child { width: 170px; }
.chips { display: flex; flex-direction: column; align-items: flex-start; gap: 6px; }
.chip .whom { font-size: 12px; color: var(--muted); line-height: 1.3; margin-top: 2px; }
.ev { display: inline-block; padding: 1px 6px; border-radius: 4px; color: #fff; font-size: 13px; line-height: 1.35; }
.nw, .state, code { white-space: nowrap; }
.ev.user { background: var(--user); } .ev.admin { background: var(--admin); } .ev.system { background: var(--system); }
.none { color: #aaa; }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 700; color: #fff;
  white-space: nowrap; }
.pill-pass, .pill-held { background: var(--pass); }
.pill-fail, .pill-violated { background: var(--fail); }
.pill-note { background: var(--warn); } .pill-muted { background: #8a8f94; }
.pill-user { background: var(--user); } .pill-admin { background: var(--admin); }
.pill-system { background: var(--system); }
.state, code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
.muted, .note { color: var(--muted); }
.attacker { color: var(--attacker); }
details { border: 1px solid var(--line); border-radius: 8px; margin: 8px 0; background: #fff; }
details > summary { cursor: pointer; padding: 8px 12px; font-weight: 600; list-style-position: inside; }
details[open] > summary { border-bottom: 1px solid var(--line); background: var(--soft); }
details > .body { padding: 4px 14px 12px; }
details.fail { border-left: 6px solid var(--fail); } details.pass { border-left: 6px solid var(--pass); }
figure.diagram { margin: 8px 0 16px; min-width: 0; }
figure.diagram .viewport { overflow: auto; max-height: 75vh; border: 1px solid var(--line); border-radius: 6px;
  background: #fff; cursor: grab; touch-action: pan-x pan-y; }
figure.diagram .viewport.panning { cursor: grabbing; user-select: none; }
figure.diagram .viewport:focus { outline: 2px solid #1f5f99; }
figure.diagram svg { display: block; margin: 0 auto; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; padding: 4px 0 6px; font-size: 14px; }
.toolbar button, .stepper button { font: inherit; font-size: 14px; padding: 3px 10px; border: 1px solid #b9bec4;
  border-radius: 5px; background: #fff; cursor: pointer; white-space: nowrap; }
.toolbar button:hover, .stepper button:hover { background: var(--soft); }
.zoomlevel { min-width: 3.5em; text-align: center; color: var(--muted); }
.filters { display: inline-flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; margin-left: 12px; }
.filters select { font: inherit; font-size: 14px; padding: 2px 4px; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.spec-view { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; }
@media (min-width: 1200px) { .spec-view { grid-template-columns: minmax(0, 1fr) 360px; } }
.filter-panel { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; background: var(--soft);
  font-size: 14px; align-self: start; }
.filter-panel ul { padding-left: 18px; margin: 4px 0; } .filter-panel li { margin: 4px 0; }
.filter-panel .whom { font-size: 13px; color: var(--muted); }
figure.filtering g.edge:not(.hit), figure.filtering g.junction:not(.hit) { opacity: 0.12; }
figure.filtering g.edge.hit path { stroke-width: 3.5; }
g.state { cursor: pointer; }
g.state.picked polygon, g.state.picked path { stroke-width: 4; }
.scenario-figures { display: grid; grid-template-columns: minmax(0, 1fr); gap: 12px; }
@media (min-width: 1600px) { .scenario-figures { grid-template-columns: minmax(0, 1fr) minmax(0, 1.3fr); } }
.stepper { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin: 8px 0; position: sticky;
  top: 38px; z-index: 2; background: #fff; padding: 4px 0; }
.stepper .status { font-weight: 600; }
.stepping svg g.edge:not(.now), .stepping svg g.node:not(.now) { opacity: 0.25; }
.stepping svg g.edge.now path { stroke-width: 5; }
.stepping svg g.state.now polygon, .stepping svg g.state.now path { stroke-width: 4; }
.stepping .seq g.row:not(.now) { opacity: 0.3; }
.seq g.row.now .rowbg { fill: #fff3b0; }
.stepping tr:not(.now) td { opacity: 0.45; }
tr.now td { background: #fff3b0 !important; }
pre.dot { max-height: 320px; overflow: auto; background: var(--soft); padding: 8px; font-size: 12px; }
ol.path { margin: 4px 0 8px; padding-left: 28px; }
ol.path li { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
tr.denied td { background: #fdecea; } tr.other td { color: #777; } tr.weak td { background: #fff4cc; }
.pair { border-top: 1px dashed var(--line); margin-top: 8px; display: grid; grid-template-columns: minmax(0, 1fr);
  gap: 0 16px; }
@media (min-width: 1200px) { .pair { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); } }
dl.guards { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 420px), 1fr)); gap: 2px 24px;
  margin: 4px 0; font-size: 14px; }
dl.guards > div { display: flex; gap: 10px; } dl.guards dt { flex: 0 0 9.5em; } dl.guards dd { margin: 0; }
table.wide { width: 100%; }
table.wide td:first-child { white-space: nowrap; }
table.wide td:last-child { min-width: 16em; }
.legend-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 4px 24px; }
.legend ul { list-style: none; padding: 0; margin: 0; } .legend li { margin: 4px 0; font-size: 14px; }
.swatch { display: inline-block; min-width: 3.2em; text-align: center; font-weight: 700; font-size: 13px;
  white-space: nowrap; border-radius: 4px; padding: 0 4px; }
.swatch.user { color: var(--user); } .swatch.admin { color: var(--admin); } .swatch.system { color: var(--system); }
.swatch.box { height: 1.1em; vertical-align: middle; border: 2px solid var(--ink); }
.swatch.access { background: #DDF3E4; border: 4px double #1B7F3B; }
.swatch.confirm { background: #FFF4CC; border-color: var(--warn); }
.swatch.final { border: 4px solid var(--gold); font-weight: 400; }
.swatch.dot::before { content: "●"; color: var(--admin); } .swatch.diamond::before { content: "◇"; }
.swatch.return { border: 2px dashed var(--muted); height: 1.1em; vertical-align: middle; }
.swatch.badge { background: #222; color: #fff; } .swatch.badge.attacker { background: var(--attacker); }
.swatch.refused, .swatch.seqmark { color: var(--fail); } .swatch.grey { color: #c4c4c4; }
footer { margin-top: 40px; color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 900px) {
  main, nav.toc, header.top { padding-left: 14px; padding-right: 14px; }
  table.overview th:nth-child(3), table.overview td:nth-child(3), table.overview th:nth-child(5),
  table.overview td:nth-child(5), table.overview th:nth-child(6), table.overview td:nth-child(6) { display: none; }
  .filters { margin-left: 0; }
}
"""
