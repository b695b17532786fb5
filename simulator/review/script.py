"""The review page's only script: zoom and pan, open full size, filters, step-through (vanilla, inline).

Hand-written, no library, nothing loaded: every figure with ``data-zoom`` gets
its toolbar wired; the spec diagram's role and state filters mark edges ``hit``
(the rest fade); a scenario's stepper marks the elements of step N ``now`` in its
path drawing, its sequence diagram and its steps table.  Without script the page
still reads: diagrams show at natural size in scrollable boxes.
"""

SCRIPT = r"""
(function () {
  "use strict";
  var MIN = 0.25, MAX = 4, DEFAULT_MAX = 1.4;

  function sizeOf(svg) {
    var vb = svg.viewBox && svg.viewBox.baseVal;
    return vb && vb.width ? [vb.width, vb.height] : [svg.getBBox().width, svg.getBBox().height];
  }

  function Zoom(fig) {
    this.fig = fig;
    this.view = fig.querySelector(".viewport");
    this.svg = this.view && this.view.querySelector("svg");
    this.label = fig.querySelector(".zoomlevel");
    if (!this.svg) { return; }
    this.size = sizeOf(this.svg);
    this.scale = 1;
    this.reset();
    this.wire();
  }
  Zoom.prototype.fit = function () {
    var w = this.view.clientWidth - 4;
    return w > 0 ? w / this.size[0] : 1;
  };
  Zoom.prototype.reset = function () {
    // the default: as wide as the box allows, never below natural size (text >= 11 px), never huge
    this.set(Math.max(1, Math.min(this.fit(), DEFAULT_MAX)));
    this.view.scrollTop = 0;
    this.view.scrollLeft = 0;
  };
  Zoom.prototype.set = function (scale, cx, cy) {
    var v = this.view, old = this.scale;
    scale = Math.min(MAX, Math.max(MIN, scale));
    cx = cx === undefined ? v.clientWidth / 2 : cx;
    cy = cy === undefined ? v.clientHeight / 2 : cy;
    var px = (v.scrollLeft + cx) / old, py = (v.scrollTop + cy) / old;
    this.scale = scale;
    this.svg.setAttribute("width", String(Math.round(this.size[0] * scale)));
    this.svg.setAttribute("height", String(Math.round(this.size[1] * scale)));
    v.scrollLeft = px * scale - cx;
    v.scrollTop = py * scale - cy;
    this.fig.setAttribute("data-scale", scale.toFixed(3));
    if (this.label) { this.label.textContent = Math.round(scale * 100) + "%"; }
  };
  Zoom.prototype.open = function () {
    var copy = this.svg.cloneNode(true);
    // XMLSerializer writes the SVG namespace itself (the element is in it)
    copy.setAttribute("width", String(Math.round(this.size[0] * 1.5)));
    copy.setAttribute("height", String(Math.round(this.size[1] * 1.5)));
    var text = new XMLSerializer().serializeToString(copy);
    var url = URL.createObjectURL(new Blob([text], {type: "image/svg+xml"}));
    window.open(url, "_blank");
  };
  Zoom.prototype.wire = function () {
    var self = this, v = this.view, drag = null;
    this.fig.querySelectorAll("[data-act]").forEach(function (b) {
      b.addEventListener("click", function () {
        var act = b.getAttribute("data-act");
        if (act === "in") { self.set(self.scale * 1.25); }
        else if (act === "out") { self.set(self.scale / 1.25); }
        else if (act === "fit") { self.set(self.fit()); }
        else if (act === "one") { self.reset(); }
        else if (act === "open") { self.open(); }
      });
    });
    v.addEventListener("wheel", function (e) {
      if (!e.ctrlKey) { return; }
      e.preventDefault();
      var r = v.getBoundingClientRect();
      self.set(self.scale * (e.deltaY < 0 ? 1.15 : 1 / 1.15), e.clientX - r.left, e.clientY - r.top);
    }, {passive: false});
    v.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) { return; }
      drag = [e.clientX, e.clientY, v.scrollLeft, v.scrollTop, false];
    });
    window.addEventListener("pointermove", function (e) {
      if (!drag) { return; }
      var dx = e.clientX - drag[0], dy = e.clientY - drag[1];
      if (Math.abs(dx) + Math.abs(dy) > 4) { drag[4] = true; v.classList.add("panning"); }
      v.scrollLeft = drag[2] - dx;
      v.scrollTop = drag[3] - dy;
    });
    window.addEventListener("pointerup", function () {
      if (drag && drag[4]) { v.setAttribute("data-panned", "1"); }
      drag = null;
      v.classList.remove("panning");
    });
    v.addEventListener("keydown", function (e) {
      if (e.key === "+" || e.key === "=") { self.set(self.scale * 1.25); }
      else if (e.key === "-") { self.set(self.scale / 1.25); }
      else if (e.key === "0") { self.reset(); }
    });
  };

  function mark(root, selector, cls) {
    root.querySelectorAll("." + cls).forEach(function (el) { el.classList.remove(cls); });
    if (selector) { root.querySelectorAll(selector).forEach(function (el) { el.classList.add(cls); }); }
  }

  function Filter(box) {
    var fig = box.querySelector("figure"), role = box.querySelector("select[data-filter=role]");
    var state = box.querySelector("select[data-filter=state]");
    function show(kind, value) {
      box.querySelectorAll(".filter-info").forEach(function (d) {
        d.hidden = d.getAttribute("data-" + kind) !== value;
      });
    }
    function apply() {
      var r = role.value, s = state.value, sel = [];
      if (r) { sel.push(".r_" + r); }
      if (s) { sel.push(".s_" + s); }
      var on = sel.length > 0;
      fig.classList.toggle("filtering", on);
      mark(fig, on ? sel.map(function (c) { return "g.edge" + c + ", g.junction" + c; }).join(", ") : "", "hit");
      mark(fig, s ? "g.state.s_" + s : "", "picked");
      box.querySelectorAll(".filter-info").forEach(function (d) { d.hidden = true; });
      if (r) { show("role", r); }
      if (s) { show("state", s); }
      box.setAttribute("data-filtered", on ? (r + "|" + s) : "");
    }
    role.addEventListener("change", function () { if (role.value) { state.value = ""; } apply(); });
    state.addEventListener("change", function () { if (state.value) { role.value = ""; } apply(); });
    fig.querySelectorAll("g.state").forEach(function (n) {
      n.addEventListener("click", function () {
        var c = Array.prototype.find.call(n.classList, function (x) { return x.indexOf("s_") === 0; });
        if (c) { role.value = ""; state.value = state.value === c.slice(2) ? "" : c.slice(2); apply(); }
      });
    });
    var clear = box.querySelector("[data-act=clear]");
    if (clear) { clear.addEventListener("click", function () { role.value = ""; state.value = ""; apply(); }); }
  }

  function reveal(view) {
    // scroll a drawing's box so that its first highlighted element is in sight
    var el = view.querySelector(".now");
    if (!el) { return; }
    var r = el.getBoundingClientRect(), v = view.getBoundingClientRect();
    view.scrollTop += (r.top + r.height / 2) - (v.top + view.clientHeight / 2);
    if (r.width < view.clientWidth * 0.6) {
      view.scrollLeft += (r.left + r.width / 2) - (v.left + view.clientWidth / 2);
    }
  }

  function Stepper(block) {
    var steps = (block.getAttribute("data-steps") || "").split(" ").filter(Boolean);
    var at = -1, status = block.querySelector(".stepper .status");
    function go(i) {
      at = Math.max(-1, Math.min(steps.length - 1, i));
      var n = at >= 0 ? steps[at] : "";
      block.classList.toggle("stepping", at >= 0);
      mark(block, n ? ".step_" + n + ", [data-step='" + n + "']" : "", "now");
      block.querySelectorAll(".stepnote").forEach(function (s) { s.hidden = s.getAttribute("data-step") !== n; });
      var told = n ? "step " + n + " (" + (at + 1) + " of " + steps.length + ")" : "all steps";
      if (status) { status.textContent = told; }
      block.setAttribute("data-at", n);
      if (n) { block.querySelectorAll(".viewport").forEach(reveal); }
    }
    block.querySelectorAll("[data-step-act]").forEach(function (b) {
      b.addEventListener("click", function () {
        var act = b.getAttribute("data-step-act");
        go(act === "next" ? at + 1 : act === "prev" ? at - 1 : -1);
      });
    });
  }

  function start() {
    document.querySelectorAll("figure[data-zoom]").forEach(function (f) { f.zoom = new Zoom(f); });
    document.querySelectorAll("[data-filters]").forEach(function (b) { Filter(b); });
    document.querySelectorAll("[data-steps]").forEach(function (b) { Stepper(b); });
    document.querySelectorAll("details").forEach(function (d) {
      d.addEventListener("toggle", function () {
        if (d.open) {
          d.querySelectorAll("figure[data-zoom]").forEach(function (f) {
            if (f.zoom && f.zoom.svg) { f.zoom.reset(); }
          });
        }
      });
    });
    document.documentElement.setAttribute("data-ready", "1");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
"""
