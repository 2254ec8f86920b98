/* layerwaste HTML report: the treemap, the layer filter and the findings
 * table, drawn from the JSON in #lw-data. Plain DOM, no library, no
 * request. Text from the image is only ever set with textContent. */
(function () {
  'use strict';
  var problems = [];
  window.addEventListener('error', function (e) {
    problems.push('error: ' + e.message);
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    problems.push('blocked: ' + e.violatedDirective + ' ' + e.blockedURI);
  });

  var D = JSON.parse(document.getElementById('lw-data').textContent);
  var N = D.tree, F = D.findings, KINDS = D.kinds;
  var T_DIR = 0, T_MORE = 5, T_COLLAPSED = 6;
  var ROWS_STEP = 500;
  var state = { dir: 0, layer: null, sortCol: 3, sortDesc: true, rows: ROWS_STEP };

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  /* The same units as the text report (SI, one decimal). */
  function human(n) {
    var units = ['B', 'kB', 'MB', 'GB', 'TB'], k = 1, unit = 1000, t;
    if (n < 1000) return n + ' B';
    for (;;) {
      t = Math.round(n / (unit / 10));
      if (t < 10000 || k === 4) break;
      k++; unit *= 1000;
    }
    return Math.floor(t / 10) + '.' + (t % 10) + ' ' + units[k];
  }

  /* ---- The tree ---- */
  var kids = N.map(function () { return []; });
  N.forEach(function (n, i) { if (n[1] >= 0) kids[n[1]].push(i); });

  function bytesOf(i) {
    if (state.layer === null) return N[i][3];
    var lb = N[i][6], j;
    for (j = 0; j < lb.length; j += 2) if (lb[j] === state.layer) return lb[j + 1];
    return 0;
  }
  function nameOf(i) {
    if (N[i][2] === T_MORE) return N[i][7] + ' more entries';
    return N[i][0];
  }
  function pathOf(i) {
    var parts = [];
    for (; i > 0; i = N[i][1]) parts.unshift(N[i][0]);
    return '/' + parts.join('/');
  }
  function opens(i) { return kids[i].length > 0; }

  /* ColorBrewer YlOrBr, from little waste to most. */
  var RAMP = [[255, 247, 188], [254, 196, 79], [236, 112, 20], [153, 52, 4], [102, 37, 6]];
  function wasteColor(t) {
    var x = Math.max(0, Math.min(1, t)) * (RAMP.length - 1), k = Math.min(RAMP.length - 2, Math.floor(x));
    var f = x - k, c = [0, 1, 2].map(function (j) {
      return Math.round(RAMP[k][j] + (RAMP[k + 1][j] - RAMP[k][j]) * f);
    });
    return c;
  }

  function worst(row, side) {
    var s = 0, mx = 0, mn = Infinity;
    row.forEach(function (a) { s += a; mx = Math.max(mx, a); mn = Math.min(mn, a); });
    return Math.max(side * side * mx / (s * s), (s * s) / (side * side * mn));
  }
  /* Squarified treemap (Bruls, Huizing, van Wijk) of areas sorted largest
   * first, in the rectangle x, y, w, h. */
  function squarify(vals, x, y, w, h) {
    var total = 0, out = [], i = 0, areas;
    vals.forEach(function (v) { total += v; });
    areas = vals.map(function (v) { return v * w * h / total; });
    while (i < areas.length) {
      var side = Math.min(w, h), row = [areas[i]], best = worst(row, side), j = i + 1, s = 0;
      while (j < areas.length) {
        var next = row.concat([areas[j]]), wn = worst(next, side);
        if (wn > best) break;
        row = next; best = wn; j++;
      }
      row.forEach(function (a) { s += a; });
      if (w >= h) {
        var cw = s / h, yy = y;
        row.forEach(function (a) { out.push([x, yy, cw, a / cw]); yy += a / cw; });
        x += cw; w -= cw;
      } else {
        var rh = s / w, xx = x;
        row.forEach(function (a) { out.push([xx, y, a / rh, rh]); xx += a / rh; });
        y += rh; h -= rh;
      }
      i = j;
    }
    return out;
  }

  function crumbs() {
    var nav = $('crumbs'), chain = [], i;
    nav.textContent = '';
    for (i = state.dir; i >= 0; i = N[i][1]) chain.unshift(i);
    chain.forEach(function (c, k) {
      var b = el('button', '', k === 0 ? '/' : N[c][0] + '/');
      b.type = 'button';
      b.dataset.node = c;
      if (c === state.dir) b.setAttribute('aria-current', 'location');
      b.addEventListener('click', function () { zoom(c); });
      nav.appendChild(b);
    });
  }

  function info(i) {
    var n = N[i], t = pathOf(i);
    if (n[2] === T_MORE) t = pathOf(n[1]) + ': ' + nameOf(i);
    t += ': ' + human(n[3]) + ' in ' + n[5] + ' files, wasted under it ' + human(n[4]);
    if (state.layer !== null) t += '; from layer ' + state.layer + ': ' + human(bytesOf(i));
    if (n[2] === T_COLLAPSED) t += ' (not opened: the page holds ' + N.length + ' of ' + D.tree_paths + ' paths)';
    return t;
  }

  function drawTreemap() {
    var box = $('treemap'), w = box.clientWidth, h = box.clientHeight;
    var list = kids[state.dir].filter(function (c) { return bytesOf(c) > 0; });
    var maxW = 0, rects;
    box.textContent = '';
    crumbs();
    $('treemap-info').textContent = info(state.dir);
    list.sort(function (a, b) { return bytesOf(b) - bytesOf(a) || a - b; });
    if (!list.length || w < 4 || h < 4) {
      box.appendChild(el('p', 'empty', state.layer === null ?
        'No bytes here.' : 'Layer ' + state.layer + ' stores no visible bytes here.'));
      return;
    }
    list.forEach(function (c) { maxW = Math.max(maxW, N[c][4]); });
    rects = squarify(list.map(bytesOf), 0, 0, w, h);
    list.forEach(function (c, k) {
      var r = rects[k], b = el('button', 'cell'), rgb, lum;
      b.type = 'button';
      b.dataset.node = c;
      b.style.left = r[0] + 'px'; b.style.top = r[1] + 'px';
      b.style.width = Math.max(1, r[2]) + 'px'; b.style.height = Math.max(1, r[3]) + 'px';
      if (N[c][4] > 0) {
        rgb = wasteColor(Math.sqrt(N[c][4] / maxW));
        b.style.background = 'rgb(' + rgb.join(',') + ')';
        lum = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
        b.style.color = lum > 140 ? '#111' : '#fff';
      } else {
        b.style.background = 'var(--nowaste)';
        b.style.color = 'var(--fg)';
      }
      if (N[c][2] === T_MORE) b.classList.add('more');
      if (!opens(c)) b.classList.add('leaf');
      b.title = info(c);
      b.setAttribute('aria-label', info(c));
      if (r[2] > 40 && r[3] > 16) {
        b.appendChild(el('span', 'n', nameOf(c) + (opens(c) ? '/' : '')));
        if (r[3] > 30) b.appendChild(el('span', 's', human(bytesOf(c))));
      }
      b.addEventListener('click', function () {
        if (opens(c)) zoom(c); else $('treemap-info').textContent = info(c);
      });
      b.addEventListener('focus', function () { $('treemap-info').textContent = info(c); });
      box.appendChild(b);
    });
  }

  /* Opens directory i; the focus goes to its largest entry. */
  function zoom(i) {
    var first;
    state.dir = i;
    drawTreemap();
    first = $('treemap').querySelector('.cell');
    if (first) first.focus();
  }

  $('treemap').addEventListener('keydown', function (e) {
    var cells = Array.prototype.slice.call(this.querySelectorAll('.cell'));
    var k = cells.indexOf(document.activeElement);
    if (e.key === 'Backspace' || e.key === 'Escape') {
      if (state.dir !== 0) { e.preventDefault(); zoom(N[state.dir][1]); }
    } else if (k >= 0 && (e.key === 'ArrowRight' || e.key === 'ArrowDown')) {
      e.preventDefault(); cells[Math.min(cells.length - 1, k + 1)].focus();
    } else if (k >= 0 && (e.key === 'ArrowLeft' || e.key === 'ArrowUp')) {
      e.preventDefault(); cells[Math.max(0, k - 1)].focus();
    }
  });

  var legend = $('legend');
  legend.appendChild(el('span', 'none'));
  legend.appendChild(el('span', '', 'no waste'));
  legend.appendChild(el('span', '', 'less waste'));
  legend.appendChild(el('span', 'ramp'));
  legend.appendChild(el('span', '', 'most waste in view'));
  legend.appendChild(el('span', '', 'Striped: small entries merged into one.'));

  /* ---- Layer filter ---- */
  var banner = el('div', '');
  banner.id = 'filter-banner';
  banner.hidden = true;
  $('layers-section').insertBefore(banner, $('layers'));

  /* A cause involves the layer that made it, the one it hides files of,
   * and (the package database's, one for its install steps) each step. */
  function involves(c, l) {
    if (Number(c.dataset.layer) === l || Number(c.dataset.from) === l) return true;
    return (c.dataset.layers || '').split(' ').some(function (x) { return x !== '' && Number(x) === l; });
  }

  function setLayer(l) {
    state.layer = l;
    state.rows = ROWS_STEP;
    Array.prototype.forEach.call(document.querySelectorAll('#layers .layer'), function (b) {
      b.setAttribute('aria-pressed', String(Number(b.dataset.layer) === l));
    });
    Array.prototype.forEach.call(document.querySelectorAll('#causes .cause'), function (c) {
      c.hidden = l !== null && !involves(c, l);
    });
    $('f-layer').value = l === null ? '' : String(l);
    banner.textContent = '';
    if (l !== null) {
      banner.appendChild(el('span', '', 'Showing layer ' + l + ': ' + D.layers[l][4] +
        '. The treemap shows the bytes it provides to the final image; causes and findings involve it.'));
      var clear = el('button', '', 'Show all layers');
      clear.type = 'button';
      clear.addEventListener('click', function () { setLayer(null); });
      banner.appendChild(clear);
    }
    banner.hidden = l === null;
    drawTreemap();
    drawFindings();
  }
  Array.prototype.forEach.call(document.querySelectorAll('#layers .layer'), function (b) {
    b.addEventListener('click', function () {
      var l = Number(b.dataset.layer);
      setLayer(state.layer === l ? null : l);
    });
  });

  /* ---- Findings ---- */
  var fl = $('f-layer');
  D.layers.forEach(function (ly) {
    var o = el('option', '', ly[0] + ': ' + ly[4]);
    o.value = String(ly[0]);
    fl.appendChild(o);
  });

  function filtered() {
    var kind = $('f-kind').value, layer = fl.value, text = $('f-path').value.toLowerCase();
    var k = kind === '' ? -1 : Number(kind), l = layer === '' ? -1 : Number(layer);
    var rows = F.filter(function (r) {
      return (k < 0 || r[0] === k) && (l < 0 || r[1] === l || r[2] === l) &&
        (!text || r[4].toLowerCase().indexOf(text) >= 0);
    });
    var c = state.sortCol, d = state.sortDesc ? -1 : 1;
    rows.sort(function (a, b) {
      var x = a[c], y = b[c];
      if (c === 0) { x = KINDS[x]; y = KINDS[y]; }
      if (x < y) return -d;
      if (x > y) return d;
      return a[4] < b[4] ? -1 : a[4] > b[4] ? 1 : 0;
    });
    return rows;
  }

  function drawFindings() {
    var rows = filtered(), body = $('findings').tBodies[0], more = $('findings-more');
    var frag = document.createDocumentFragment();
    body.textContent = '';
    rows.slice(0, state.rows).forEach(function (r) {
      var tr = el('tr'), kind = el('td');
      tr.dataset.kind = KINDS[r[0]];
      tr.dataset.layer = r[1];
      tr.dataset.from = r[2];
      kind.appendChild(el('span', 'swatch k' + r[0]));
      kind.appendChild(document.createTextNode(KINDS[r[0]]));
      tr.appendChild(kind);
      tr.appendChild(el('td', 'path', r[4]));
      tr.appendChild(el('td', 'num', String(r[1])));
      tr.appendChild(el('td', 'num', String(r[2])));
      var b = el('td', 'num', human(r[3]));
      b.title = r[3] + ' bytes';
      b.dataset.bytes = r[3];
      tr.appendChild(b);
      frag.appendChild(tr);
    });
    body.appendChild(frag);
    $('f-count').textContent = rows.length + ' of ' + F.length + ' findings';
    more.textContent = '';
    if (rows.length > state.rows) {
      var btn = el('button', '', 'Show ' + Math.min(ROWS_STEP, rows.length - state.rows) + ' more rows');
      btn.type = 'button';
      btn.addEventListener('click', function () { state.rows += ROWS_STEP; drawFindings(); });
      more.appendChild(btn);
    }
    if (D.findings_total > F.length)
      more.appendChild(el('span', '', ' The page holds the ' + F.length + ' largest of ' +
        D.findings_total + ' findings; --format json lists them all.'));
  }

  ['f-kind', 'f-layer', 'f-path'].forEach(function (id) {
    $(id).addEventListener('input', function () {
      state.rows = ROWS_STEP;
      if (id === 'f-layer') setLayer(fl.value === '' ? null : Number(fl.value));
      else drawFindings();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('#findings th'), function (th) {
    th.querySelector('button').addEventListener('click', function () {
      var c = Number(th.dataset.col);
      state.sortDesc = state.sortCol === c ? !state.sortDesc : c === 3;
      state.sortCol = c;
      Array.prototype.forEach.call(document.querySelectorAll('#findings th'), function (o) {
        o.removeAttribute('aria-sort');
      });
      th.setAttribute('aria-sort', state.sortDesc ? 'descending' : 'ascending');
      drawFindings();
    });
  });

  drawTreemap();
  drawFindings();
  window.addEventListener('resize', drawTreemap);

  /* ---- Self-test (tests/e2e/test_html.sh): location.hash "#selftest"
   * clicks through the page and writes what it saw into #lw-selftest. */
  if (location.hash !== '#selftest') return;
  var out = {}, cells, dir, l, i;
  function nodesShown() {
    return Array.prototype.map.call($('treemap').querySelectorAll('.cell'), function (c) {
      return Number(c.dataset.node);
    });
  }
  out.tree_root_bytes = N[0][3];
  out.tree_root_wasted = N[0][4];
  out.tree_nodes = N.length;
  out.tree_paths = D.tree_paths;
  out.more_nodes = N.filter(function (n) { return n[2] === T_MORE; }).length;
  out.root_cells = nodesShown().length;
  out.layers = D.layers.map(function (x) { return [x[1], x[2]]; });
  /* Click the largest directory shown. */
  cells = $('treemap').querySelectorAll('.cell');
  for (i = 0; i < cells.length && !opens(Number(cells[i].dataset.node)); i++);
  if (i < cells.length) {
    dir = Number(cells[i].dataset.node);
    cells[i].click();
    var shown = nodesShown(), sum = 0;
    kids[dir].forEach(function (c) { sum += N[c][3]; });
    out.dir = { path: pathOf(dir), bytes: N[dir][3], children_bytes: sum,
      state: state.dir === dir,
      crumb: $('crumbs').querySelector('[aria-current]').textContent,
      all_children: shown.length > 0 && shown.every(function (c) { return N[c][1] === dir; }) };
    $('crumbs').querySelector('button').click();
    out.back_to_root = state.dir === 0 && nodesShown().length === out.root_cells;
  }
  /* Click the layer with the most waste. */
  l = 0;
  D.layers.forEach(function (x, k) { if (x[2] > D.layers[l][2]) l = k; });
  document.querySelector('#layers .layer[data-layer="' + l + '"]').click();
  var rows = Array.prototype.slice.call($('findings').tBodies[0].rows);
  var causes = Array.prototype.filter.call(document.querySelectorAll('#causes .cause'),
    function (c) { return !c.hidden; });
  var lsum = 0;
  kids[0].forEach(function (c) { lsum += bytesOf(c); });
  out.layer = { index: l, pressed: document.querySelector('#layers .layer[data-layer="' + l + '"]')
      .getAttribute('aria-pressed'),
    rows: rows.length,
    rows_match: rows.every(function (r) { return Number(r.dataset.layer) === l || Number(r.dataset.from) === l; }),
    expected_rows: F.filter(function (r) { return r[1] === l || r[2] === l; }).length,
    causes: causes.length,
    causes_match: causes.every(function (c) { return involves(c, l); }),
    treemap_bytes: lsum, banner: !banner.hidden };
  document.querySelector('#layers .layer[data-layer="' + l + '"]').click();
  out.layer_cleared = state.layer === null && $('findings').tBodies[0].rows.length === Math.min(F.length, ROWS_STEP);
  /* Sort by path, ascending. */
  document.querySelector('#findings th[data-col="4"] button').click();
  var paths = Array.prototype.map.call($('findings').tBodies[0].rows, function (r) { return r.cells[1].textContent; });
  out.sorted = paths.every(function (p, k) { return k === 0 || paths[k - 1] <= p; });
  /* A hostile name is text: find it through the path filter. */
  $('f-path').value = '\u003cimg';
  $('f-path').dispatchEvent(new Event('input'));
  out.hostile_rows = Array.prototype.map.call($('findings').tBodies[0].rows, function (r) {
    return r.cells[1].textContent;
  });
  out.images = document.getElementsByTagName('img').length;
  out.resources = performance.getEntriesByType('resource').length;
  out.problems = problems;
  var st = $('lw-selftest');
  st.textContent = JSON.stringify(out);
  st.hidden = false;
})();
