// Enhances the systems map drawn on the server (alliances/drawing.py); without this file the drawing, the
// loop list and the tables are all there. Hovering or focusing a loop in the list lights up its variables
// and links on the drawing ("Show on the map" keeps it lit); variables can be dragged to rearrange the
// drawing for oneself (nothing is saved). The arrow formulas repeat drawing.arrow().
(function () {
  "use strict";
  var svg = document.getElementById("systems-map");
  if (!svg || !svg.classList || !document.querySelectorAll) { return; }
  function data(name) { return parseFloat(svg.getAttribute("data-" + name)); }
  var GAP = data("gap"), HEAD = data("head"), HALF = data("half"), BEND = data("bend");
  var OFFSET = data("offset"), WIDTH = data("width"), HEIGHT = data("height");
  var DELAY_HALF = 7, DELAY_SPACING = 2.5, DELAY_AT = 0.65;
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  // --- Loops: light up their variables and links -----------------------------------------------------
  var items = document.querySelectorAll("[data-loop-links]");
  var pinned = null;
  function light(item) {
    svg.classList.toggle("highlighting", !!item);
    each(svg.querySelectorAll(".on"), function (el) { el.classList.remove("on"); });
    each(items, function (li) { li.classList.toggle("on", li === item); });
    if (!item) { return; }
    var ids = (item.getAttribute("data-loop-links") + " " + item.getAttribute("data-loop-nodes")).split(" ");
    ids.forEach(function (id) {
      var el = id && document.getElementById(id);
      if (el && svg.contains(el)) { el.classList.add("on"); }
    });
  }
  each(items, function (item) {
    item.addEventListener("mouseenter", function () { light(item); });
    item.addEventListener("mouseleave", function () { light(pinned); });
    item.addEventListener("focusin", function () { light(item); });
    item.addEventListener("focusout", function () { light(pinned); });
    var button = item.querySelector("[data-loop-show]");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      pinned = pinned === item ? null : item;
      each(document.querySelectorAll("[data-loop-show]"), function (other) {
        other.setAttribute("aria-pressed", String(pinned !== null && other === button));
      });
      light(pinned || item);
    });
  });

  // --- Dragging variables ---------------------------------------------------------------------------------
  if (!svg.getScreenCTM || !svg.createSVGPoint || !window.PointerEvent) { return; }
  var nodes = {};
  each(svg.querySelectorAll(".node"), function (el) {
    var x = parseFloat(el.getAttribute("data-x")), y = parseFloat(el.getAttribute("data-y"));
    nodes[el.id] = { el: el, x: x, y: y, x0: x, y0: y,
                     hw: parseFloat(el.getAttribute("data-hw")), hh: parseFloat(el.getAttribute("data-hh")) };
  });
  var links = Array.prototype.map.call(svg.querySelectorAll(".link"), function (el) {
    return { el: el, s: el.getAttribute("data-s"), t: el.getAttribute("data-t") };
  });
  function f(value) { return value.toFixed(1); }
  function unit(a, b) {
    var dx = b.x - a.x, dy = b.y - a.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    return { x: dx / d, y: dy / d };
  }
  function edge(node, u) {  // how far the box's edge is from its centre in the direction u
    var reach = [];
    if (Math.abs(u.x) > 1e-9) { reach.push(node.hw / Math.abs(u.x)); }
    if (Math.abs(u.y) > 1e-9) { reach.push(node.hh / Math.abs(u.y)); }
    return reach.length ? Math.min.apply(Math, reach) : 0;
  }
  function towards(origin, target, length) {
    var u = unit(origin, target);
    return { x: origin.x + u.x * length, y: origin.y + u.y * length };
  }
  function redraw(link) {
    var o = nodes[link.s], t = nodes[link.t];
    if (!o || !t) { return; }
    var u = unit(o, t), n = { x: u.y, y: -u.x };
    var d = Math.sqrt((t.x - o.x) * (t.x - o.x) + (t.y - o.y) * (t.y - o.y));
    var c = { x: (o.x + t.x) / 2 + n.x * BEND * d, y: (o.y + t.y) / 2 + n.y * BEND * d };
    var start = towards(o, c, edge(o, unit(o, c))), tip = towards(t, c, edge(t, unit(t, c)) + GAP);
    var e = unit(c, tip);
    var end = { x: tip.x - e.x * HEAD, y: tip.y - e.y * HEAD };
    link.el.querySelector(".line").setAttribute("d", "M" + f(start.x) + " " + f(start.y) + " Q" + f(c.x) + " " +
      f(c.y) + " " + f(end.x) + " " + f(end.y));
    link.el.querySelector(".head").setAttribute("points", f(tip.x) + "," + f(tip.y) + " " +
      f(end.x - e.y * HALF) + "," + f(end.y + e.x * HALF) + " " + f(end.x + e.y * HALF) + "," + f(end.y - e.x * HALF));
    var mid = { x: 0.25 * start.x + 0.5 * c.x + 0.25 * end.x, y: 0.25 * start.y + 0.5 * c.y + 0.25 * end.y };
    var sign = link.el.querySelector(".sign");
    sign.setAttribute("x", f(mid.x + n.x * OFFSET));
    sign.setAttribute("y", f(mid.y + n.y * OFFSET));
    var delay = link.el.querySelector(".delay");
    if (delay) {  // past the middle, towards the effect: drawing.DELAY_AT
      var at = { x: (1 - DELAY_AT) * (1 - DELAY_AT) * start.x + 2 * (1 - DELAY_AT) * DELAY_AT * c.x + DELAY_AT * DELAY_AT * end.x,
                 y: (1 - DELAY_AT) * (1 - DELAY_AT) * start.y + 2 * (1 - DELAY_AT) * DELAY_AT * c.y + DELAY_AT * DELAY_AT * end.y };
      var tan = unit({ x: 0, y: 0 }, { x: (1 - DELAY_AT) * (c.x - start.x) + DELAY_AT * (end.x - c.x),
                                       y: (1 - DELAY_AT) * (c.y - start.y) + DELAY_AT * (end.y - c.y) });
      var m = { x: tan.y, y: -tan.x };
      var path = [-DELAY_SPACING, DELAY_SPACING].map(function (shift) {
        var cx = at.x + tan.x * shift, cy = at.y + tan.y * shift;
        return "M" + f(cx - m.x * DELAY_HALF) + " " + f(cy - m.y * DELAY_HALF) + " L" + f(cx + m.x * DELAY_HALF) +
          " " + f(cy + m.y * DELAY_HALF);
      });
      delay.setAttribute("d", path.join(" "));
    }
  }
  function place(node, x, y) {
    node.x = Math.max(node.hw, Math.min(WIDTH - node.hw, x));
    node.y = Math.max(node.hh, Math.min(HEIGHT - node.hh, y));
    node.el.setAttribute("transform", "translate(" + f(node.x) + " " + f(node.y) + ")");
    links.forEach(function (link) { if (link.s === node.el.id || link.t === node.el.id) { redraw(link); } });
  }
  var tools = document.querySelector(".map-tools");
  var reset = document.querySelector("[data-map-reset]");
  if (tools) { tools.hidden = false; }
  svg.classList.add("draggable");
  var dragging = null;
  svg.addEventListener("pointerdown", function (event) {
    var el = event.target.closest ? event.target.closest(".node") : null;
    if (!el || !nodes[el.id]) { return; }
    dragging = nodes[el.id];
    svg.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  svg.addEventListener("pointermove", function (event) {
    if (!dragging) { return; }
    var matrix = svg.getScreenCTM();
    if (!matrix) { return; }
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    point = point.matrixTransform(matrix.inverse());
    place(dragging, point.x, point.y);
    if (reset) { reset.hidden = false; }
  });
  function stop() { dragging = null; }
  svg.addEventListener("pointerup", stop);
  svg.addEventListener("pointercancel", stop);
  if (reset) {
    reset.addEventListener("click", function () {
      Object.keys(nodes).forEach(function (id) { place(nodes[id], nodes[id].x0, nodes[id].y0); });
      reset.hidden = true;
    });
  }
})();
