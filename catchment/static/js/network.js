// Enhances the network drawn on the server: colour by an attribute, and arrange it again with d3-force.
// Without this file the drawing and the table are all there.
(function () {
  "use strict";
  var svg = document.getElementById("network");
  var controls = document.querySelector(".network-controls");
  if (!svg || !controls || !window.d3 || !window.d3.forceSimulation) { return; }
  controls.hidden = false;
  var circles = Array.prototype.slice.call(svg.querySelectorAll("circle"));
  var lines = Array.prototype.slice.call(svg.querySelectorAll("line"));

  function colour(attribute) {
    var palette = {};
    var next = 0;
    circles.forEach(function (circle) {
      var value = circle.getAttribute("data-" + attribute) || "";
      if (!(value in palette)) { palette[value] = value === "" ? "none" : "c" + (next++ % 10); }
      circle.setAttribute("class", circle.getAttribute("class").replace(/\bc(\d|none)\b/, "").trim() + " " + palette[value]);
    });
  }
  document.getElementById("colour-by").addEventListener("change", function (event) { colour(event.target.value); });

  controls.querySelector("[data-arrange]").addEventListener("click", function () {
    var nodes = circles.map(function (circle) {
      return { id: circle.getAttribute("data-id"), x: +circle.getAttribute("cx"), y: +circle.getAttribute("cy"),
               r: +circle.getAttribute("r"), el: circle };
    });
    var byId = {};
    nodes.forEach(function (node) { byId[node.id] = node; });
    var links = lines.map(function (line) {
      return { source: byId[line.getAttribute("data-s")], target: byId[line.getAttribute("data-t")], el: line };
    }).filter(function (link) { return link.source && link.target; });
    window.d3.forceSimulation(nodes)
      .force("link", window.d3.forceLink(links).distance(40))
      .force("charge", window.d3.forceManyBody().strength(-40))
      .force("collide", window.d3.forceCollide(function (node) { return node.r + 2; }))
      .force("centre", window.d3.forceCenter(320, 240))
      .on("tick", function () {
        nodes.forEach(function (node) {
          node.x = Math.max(node.r, Math.min(640 - node.r, node.x));
          node.y = Math.max(node.r, Math.min(480 - node.r, node.y));
          node.el.setAttribute("cx", node.x.toFixed(1));
          node.el.setAttribute("cy", node.y.toFixed(1));
        });
        links.forEach(function (link) {
          link.el.setAttribute("x1", link.source.x.toFixed(1));
          link.el.setAttribute("y1", link.source.y.toFixed(1));
          link.el.setAttribute("x2", link.target.x.toFixed(1));
          link.el.setAttribute("y2", link.target.y.toFixed(1));
        });
      });
  });
})();
