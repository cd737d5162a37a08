(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var SIZE = 336;
  var HEAT = [232, 89, 12]; // the activation bars' orange: a patch's opacity grows with the latent's activation there
  var MASK_COLOURS = ["#00b4d8", "#38b000", "#ffd60a", "#ff006e", "#8338ec", "#fb5607", "#3a86ff", "#06d6a0"];
  var state = { seed: "all", cell: null, layer: null, image: null, latent: null };
  var $ = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function option(select, value, text) {
    var o = el("option", null, text);
    o.value = String(value);
    select.appendChild(o);
  }

  function fmt(x) {
    return typeof x === "number" ? (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3)) : String(x);
  }

  function bytes(b64) {
    var s = atob(b64), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) { out[i] = s.charCodeAt(i); }
    return out;
  }

  var imageCache = {};
  function withImage(id, draw) {
    var src = D.images[String(id)];
    if (!src) { draw(null); return; }
    var im = imageCache[id];
    if (!im) {
      im = new Image();
      im.src = src;
      imageCache[id] = im;
    }
    if (im.complete && im.naturalWidth) { draw(im); } else { im.addEventListener("load", function () { draw(im); }); }
  }

  // ---- filters ----

  function cellsForSeed() {
    return D.cells.filter(function (c) { return state.seed === "all" || String(c.seed) === state.seed; });
  }

  function currentCell() {
    return D.cells.filter(function (c) { return c.id === state.cell; })[0] || null;
  }

  function layersOf(cell) {
    var seen = {};
    cell.records.forEach(function (r) { seen[r.layer] = true; });
    return Object.keys(seen).map(Number).sort(function (a, b) { return a - b; });
  }

  function imagesOf(cell) {
    var seen = [], set = {};
    cell.records.forEach(function (r) {
      if (!set[r.image]) { set[r.image] = true; seen.push(r.image); }
    });
    return seen;
  }

  function recordOf(cell, image, layer) {
    return cell.records.filter(function (r) { return r.image === image && r.layer === layer; })[0] || null;
  }

  function fillSeeds() {
    var s = $("seed"), seeds = {};
    D.cells.forEach(function (c) { seeds[c.seed] = true; });
    option(s, "all", "all seeds");
    Object.keys(seeds).map(Number).sort(function (a, b) { return a - b; }).forEach(function (x) { option(s, x, x); });
  }

  function fillCells() {
    var s = $("cell"), list = cellsForSeed();
    s.innerHTML = "";
    list.forEach(function (c) {
      option(s, c.id, c.encoder + " \u00b7 " + c.llm + " \u00b7 layers " + c.layers + " \u00b7 " + c.control
        + " \u00b7 seed " + c.seed + (c.status === "done" ? "" : " (" + c.status + ")"));
    });
    if (!list.some(function (c) { return c.id === state.cell; })) {
      var withData = list.filter(function (c) { return c.records.length; })[0];
      state.cell = withData ? withData.id : (list[0] ? list[0].id : null);
    }
    s.value = state.cell || "";
  }

  function fillLayers() {
    var s = $("layer"), cell = currentCell(), layers = cell ? layersOf(cell) : [];
    s.innerHTML = "";
    layers.forEach(function (l) { option(s, l, "layer " + l); });
    s.disabled = layers.length === 0;
    if (layers.indexOf(state.layer) < 0) { state.layer = layers.length ? layers[0] : null; }
    if (state.layer !== null) { s.value = String(state.layer); }
  }

  // ---- panels ----

  function renderInfo() {
    var cell = currentCell(), box = $("cellinfo");
    box.className = "info";
    box.textContent = "";
    if (!cell) { box.textContent = "No cell matches the filters."; return; }
    var parts = [];
    if (cell.status !== "done") {
      box.className = "info " + (cell.status === "failed" ? "bad" : "warn");
      parts.push("This cell is " + cell.status + (cell.error ? ": " + cell.error : "") + ".");
    }
    if (cell.source === "match_rate") {
      box.className = "info warn";
      parts.push("This cell has no patches.jsonl: the latents come from match_rate.jsonl, without heat maps or masks.");
    } else if (cell.source === "none") {
      parts.push("This cell has no per-image records (no patches.jsonl or match_rate.jsonl).");
    }
    var shown = imagesOf(cell).length;
    if (cell.imagesTotal > shown) {
      parts.push("Showing " + shown + " of " + cell.imagesTotal + " scored images (the page keeps at most "
        + D.imagesPerCell + " per cell).");
    }
    box.textContent = parts.join(" ");
  }

  function renderStrip() {
    var strip = $("strip"), cell = currentCell();
    strip.innerHTML = "";
    var ids = cell ? imagesOf(cell).filter(function (id) { return recordOf(cell, id, state.layer); }) : [];
    if (ids.indexOf(state.image) < 0) { state.image = ids.length ? ids[0] : null; }
    if (!ids.length) { strip.appendChild(el("div", "empty", "no images")); }
    ids.forEach(function (id) {
      var b = el("button", "thumb" + (id === state.image ? " sel" : ""));
      b.type = "button";
      b.dataset.image = id;
      b.title = "image " + id;
      if (D.images[String(id)]) {
        var im = el("img");
        im.src = D.images[String(id)];
        im.alt = "image " + id;
        b.appendChild(im);
      } else {
        b.appendChild(el("div", "noimg", "image not saved"));
      }
      b.appendChild(el("span", null, "image " + id));
      b.addEventListener("click", function () { state.image = id; state.latent = null; render(); });
      strip.appendChild(b);
    });
  }

  function renderLatents() {
    var cell = currentCell(), list = $("latents");
    list.innerHTML = "";
    var rec = cell && state.image !== null ? recordOf(cell, state.image, state.layer) : null;
    $("latenthead").textContent = rec ? "Top latents \u2014 image " + rec.image + ", layer " + rec.layer
      : "Top latents";
    if (!rec || !rec.latents.length) {
      list.appendChild(el("li", "empty", "no latents recorded"));
      state.latent = null;
      return null;
    }
    if (!rec.latents.some(function (l) { return l.latent === state.latent; })) {
      var first = rec.latents.filter(function (l) { return l.map; })[0] || rec.latents[0];
      state.latent = first.latent;
    }
    var top = Math.max.apply(null, rec.latents.map(function (l) { return l.activation; }).concat([1e-12]));
    rec.latents.forEach(function (l, i) {
      var li = el("li", "latent" + (l.latent === state.latent ? " sel" : ""));
      li.dataset.latent = l.latent;
      li.appendChild(el("span", "rank", i + 1));
      li.appendChild(el("span", "id", "#" + l.latent));
      var bar = el("span", "bar"), fill = el("i");
      fill.style.width = Math.max(0, 100 * l.activation / top).toFixed(1) + "%";
      bar.appendChild(fill);
      li.appendChild(bar);
      li.appendChild(el("span", "act", fmt(l.activation)));
      li.appendChild(el("div", "label", l.label || "(no label)"));
      var chips = el("div", "chips");
      if (l.matched.length) {
        l.matched.forEach(function (m) { chips.appendChild(el("span", "chip", "matched " + m)); });
      } else {
        chips.appendChild(el("span", "chip none", "no match"));
      }
      // within a cell that has maps, say which latents lack one (a match-rate-only image); else the note says it
      if (!l.map && cell.source === "patches") { chips.appendChild(el("span", "chip nomap", "no map")); }
      li.appendChild(chips);
      li.addEventListener("click", function () { state.latent = l.latent; render(); });
      list.appendChild(li);
    });
    return rec;
  }

  function renderViewer(rec) {
    var photo = $("photo").getContext("2d"), heat = $("heat").getContext("2d"), line = $("outline").getContext("2d");
    [photo, heat, line].forEach(function (g) { g.clearRect(0, 0, SIZE, SIZE); });
    var legend = $("legend");
    legend.innerHTML = "";
    if (!rec) { return; }
    var image = rec.image;
    withImage(image, function (im) {
      if (state.image !== image) { return; }
      photo.clearRect(0, 0, SIZE, SIZE);
      if (im) {
        photo.imageSmoothingEnabled = true;
        photo.drawImage(im, 0, 0, SIZE, SIZE);
      } else {
        photo.fillStyle = "#7a8591";
        photo.font = "14px sans-serif";
        photo.fillText("image " + image + " was not saved", 20, SIZE / 2);
      }
    });
    var lat = rec.latents.filter(function (l) { return l.latent === state.latent; })[0];
    var n = rec.grid, cellPx = n ? SIZE / n : 0;
    if (lat && lat.map && n && $("showheat").checked) {
      var v = bytes(lat.map), alpha = Number($("opacity").value) / 100;
      for (var i = 0; i < v.length && i < n * n; i++) {
        if (v[i] === 0) { continue; }
        var t = v[i] / 255;
        heat.fillStyle = "rgba(" + HEAT.join(",") + "," + (alpha * (0.1 + 0.9 * t)).toFixed(3) + ")";
        heat.fillRect((i % n) * cellPx, Math.floor(i / n) * cellPx, Math.ceil(cellPx), Math.ceil(cellPx));
      }
    }
    if (lat) {
      var caption = el("div", null, lat.map ? "latent #" + lat.latent + " over the " + n + "\u00d7" + n
        + " patches; 0 \u2192 " + fmt(lat.max) + " (its maximum on this image)"
        : "latent #" + lat.latent + ": no activation map recorded for this cell");
      legend.appendChild(caption);
      if (lat.map) {
        legend.appendChild(el("div", "ramp"));
        var ends = el("div", "ends");
        ends.appendChild(el("span", null, "0"));
        ends.appendChild(el("span", null, fmt(lat.max)));
        legend.appendChild(ends);
      }
    }
    renderMasks(rec, line, n, cellPx);
  }

  var hiddenMasks = {};
  function renderMasks(rec, g, n, cellPx) {
    var box = $("masks");
    box.innerHTML = "";
    var names = Object.keys(rec.masks || {}).sort();
    if (!names.length) {
      box.appendChild(el("span", "empty", n ? "no object masks for this image" : ""));
      return;
    }
    names.forEach(function (name, k) {
      var colour = MASK_COLOURS[k % MASK_COLOURS.length];
      var label = el("label");
      label.style.borderColor = colour;
      var cb = el("input");
      cb.type = "checkbox";
      cb.checked = !hiddenMasks[name];
      cb.addEventListener("change", function () { hiddenMasks[name] = !cb.checked; render(); });
      label.appendChild(cb);
      label.appendChild(document.createTextNode(" " + name));
      box.appendChild(label);
      if (!$("showmasks").checked || hiddenMasks[name] || !n) { return; }
      outline(g, rec.masks[name], n, cellPx, colour, name);
    });
  }

  /** Draws the boundary of the patches set to '1' in a row-major n×n mask, and names it at its first patch. */
  function outline(g, bits, n, px, colour, name) {
    var on = function (r, c) { return r >= 0 && c >= 0 && r < n && c < n && bits.charAt(r * n + c) === "1"; };
    g.strokeStyle = colour;
    g.lineWidth = 3;
    g.beginPath();
    var first = null;
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        if (!on(r, c)) { continue; }
        if (!first) { first = [r, c]; }
        var x = c * px, y = r * px;
        if (!on(r - 1, c)) { g.moveTo(x, y); g.lineTo(x + px, y); }
        if (!on(r + 1, c)) { g.moveTo(x, y + px); g.lineTo(x + px, y + px); }
        if (!on(r, c - 1)) { g.moveTo(x, y); g.lineTo(x, y + px); }
        if (!on(r, c + 1)) { g.moveTo(x + px, y); g.lineTo(x + px, y + px); }
      }
    }
    g.stroke();
    if (first && name) {
      g.font = "bold 12px sans-serif";
      var w = g.measureText(name).width + 6, x0 = first[1] * px, y0 = Math.max(0, first[0] * px - 16);
      g.fillStyle = colour;
      g.fillRect(x0, y0, w, 15);
      g.fillStyle = "#000";
      g.fillText(name, x0 + 3, y0 + 12);
    }
  }

  function renderElsewhere() {
    var cell = currentCell(), box = $("elsewhere");
    box.innerHTML = "";
    $("elsewherehead").textContent = "";
    if (!cell || state.latent === null) { return; }
    var hits = [];
    cell.records.forEach(function (r) {
      if (r.layer !== state.layer) { return; }
      r.latents.forEach(function (l) { if (l.latent === state.latent) { hits.push({ image: r.image, act: l.activation }); } });
    });
    hits.sort(function (a, b) { return b.act - a.act || a.image - b.image; });
    $("elsewherehead").textContent = "Images where latent #" + state.latent + " is among the top (this cell, layer "
      + state.layer + "), most active first";
    hits.forEach(function (h) {
      var b = el("button");
      b.type = "button";
      if (D.images[String(h.image)]) {
        var im = el("img");
        im.src = D.images[String(h.image)];
        im.alt = "image " + h.image;
        b.appendChild(im);
      }
      b.appendChild(el("div", null, "#" + h.image + " " + fmt(h.act)));
      b.addEventListener("click", function () { state.image = h.image; render(); });
      box.appendChild(b);
    });
  }

  function renderSteering() {
    var cell = currentCell(), box = $("steering"), note = $("steeringnote");
    box.innerHTML = "";
    note.textContent = "";
    if (!cell) { return; }
    if (!cell.steering.length) {
      note.textContent = "No steering records for this cell.";
      return;
    }
    if (cell.steeringTotal > cell.steering.length) {
      note.textContent = "Showing " + cell.steering.length + " of " + cell.steeringTotal
        + " steering records (the page keeps the first " + D.steeringPerCell + " per cell; all are in steering.jsonl).";
    }
    cell.steering.forEach(function (s) {
      var card = el("div", "card"), cv = el("canvas"), side = 148;
      cv.width = side;
      cv.height = side;
      card.appendChild(cv);
      var text = el("div");
      var what = el("div", "what", s.task + " \u00b7 " + s.intervention + " ");
      what.appendChild(el("span", "badge " + (s.success ? "ok" : "no"), s.success ? "success" : "no success"));
      text.appendChild(what);
      var detail = s.to ? (s.from || s.object || "") + " \u2192 " + s.to : (s.object ? "object " + s.object : "");
      text.appendChild(el("div", "q", "image " + s.image + (detail ? " \u00b7 " + detail : "")
        + (s.question ? " \u00b7 \u201c" + s.question + "\u201d" : "")));
      [["unsteered", s.unsteered], ["steered", s.steered]].forEach(function (a) {
        var p = el("div", "ans");
        p.appendChild(el("b", null, a[0]));
        p.appendChild(document.createTextNode(a[1] === undefined ? "" : a[1]));
        text.appendChild(p);
      });
      if (s.why) { text.appendChild(el("div", "why", s.why)); }
      card.appendChild(text);
      box.appendChild(card);
      var g = cv.getContext("2d");
      withImage(s.image, function (im) {
        if (im) { g.drawImage(im, 0, 0, side, side); }
        if (s.grid) {
          var bits = "", set = {};
          s.patches.forEach(function (p) { set[p] = true; });
          for (var i = 0; i < s.grid * s.grid; i++) { bits += set[i] ? "1" : "0"; }
          g.fillStyle = "rgba(0,180,216,0.25)";
          s.patches.forEach(function (p) {
            g.fillRect((p % s.grid) * side / s.grid, Math.floor(p / s.grid) * side / s.grid, side / s.grid, side / s.grid);
          });
          outline(g, bits, s.grid, side / s.grid, "#00b4d8", null);
        }
      });
    });
  }

  function render() {
    fillCells();
    fillLayers();
    renderInfo();
    renderStrip();
    var rec = renderLatents();
    renderViewer(rec);
    renderElsewhere();
    renderSteering();
    document.body.dataset.cell = state.cell || "";
    document.body.dataset.layer = state.layer === null ? "" : String(state.layer);
    document.body.dataset.image = state.image === null ? "" : String(state.image);
    document.body.dataset.ready = "1";
  }

  fillSeeds();
  $("seed").addEventListener("change", function (e) { state.seed = e.target.value; render(); });
  $("cell").addEventListener("change", function (e) { state.cell = e.target.value; state.latent = null; render(); });
  $("layer").addEventListener("change", function (e) { state.layer = Number(e.target.value); state.latent = null; render(); });
  ["showheat", "opacity", "showmasks"].forEach(function (id) { $(id).addEventListener("input", render); });
  render();
}());
