// pipegen dashboard: draws the charts from the JSON blocks of the page, and
// makes tables sortable and the deals table filterable. Plain JavaScript,
// no framework; every number is also in the page's tables.
(function () {
  'use strict';

  var scheme = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var still = window.matchMedia ? window.matchMedia('(prefers-reduced-motion: reduce)') : null;
  // The charting library's address, from this script's tag: it is loaded
  // only once a chart nears the screen, so a page opens without parsing it.
  var library = document.currentScript && document.currentScript.getAttribute('data-charts');

  // charts draws each chart of the page from its JSON block when it comes
  // near the screen, one chart per task, in the colour scheme the reader's
  // system uses, and draws them again when that changes (a phone switching
  // to dark mode at dusk). Printing draws every chart first once the
  // library is there; before, the style sheet leaves charts off the paper.
  function charts() {
    var boxes = [];
    document.querySelectorAll('script[type="application/json"][data-chart]').forEach(function (block) {
      var el = document.getElementById(block.getAttribute('data-chart'));
      if (el) boxes.push({ el: el, block: block, chart: null });
    });
    if (!boxes.length) return;
    var queue = [], state = 'idle'; // idle, loading, ready or failed

    function fail(box) {
      var note = box.el.querySelector('.chart-note');
      box.el.classList.add('failed');
      if (note) note.textContent = 'The charting library did not load, so this chart cannot be drawn; the numbers are in the table below.';
    }
    function load() {
      if (typeof window.echarts !== 'undefined') state = 'ready';
      if (state !== 'idle') return;
      state = 'loading';
      var script = document.createElement('script');
      script.src = library;
      script.onload = function () {
        if (typeof window.echarts === 'undefined') return script.onerror();
        state = 'ready';
        next();
      };
      // Without the library every chart says so at once, wherever it is.
      script.onerror = function () {
        state = 'failed';
        queue = [];
        boxes.forEach(fail);
      };
      document.head.appendChild(script);
    }
    // next draws the first queued chart, and the rest in later tasks.
    function next() {
      if (state !== 'ready' || !queue.length) return;
      draw(queue.shift(), getComputedStyle(document.body).color);
      if (queue.length) setTimeout(next, 0);
    }
    function want(box) {
      if (box.chart || queue.indexOf(box) >= 0) return;
      queue.push(box);
      load();
      if (queue.length === 1) setTimeout(next, 0);
    }
    function draw(box, text) {
      var el = box.el, dark = !!(scheme && scheme.matches), options;
      try {
        options = JSON.parse(box.block.textContent);
      } catch (e) {
        el.classList.add('failed');
        return;
      }
      categoryLabels(options, el.clientWidth < 480);
      valueLabels(options, text, el.clientWidth < 480);
      if (dark) options.backgroundColor = 'transparent';
      if (still && still.matches) options.animation = false;
      if (box.chart) box.chart.dispose();
      el.textContent = '';
      box.chart = window.echarts.init(el, dark ? 'dark' : null, { renderer: 'canvas' });
      box.chart.setOption(options);
      el.setAttribute('data-rendered', 'true');
      el.setAttribute('data-theme', dark ? 'dark' : 'light');
    }
    function drawn() { return boxes.filter(function (b) { return b.chart; }); }

    if ('IntersectionObserver' in window) {
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (e) {
          if (!e.isIntersecting) return;
          seen.unobserve(e.target);
          boxes.forEach(function (b) { if (b.el === e.target) want(b); });
        });
      }, { rootMargin: '50% 0px' });
      boxes.forEach(function (b) { seen.observe(b.el); });
    } else {
      boxes.forEach(want);
    }
    window.addEventListener('beforeprint', function () {
      if (state !== 'ready') return;
      var text = getComputedStyle(document.body).color; // once: each read after a chart forces a layout
      boxes.forEach(function (b) { if (!b.chart) draw(b, text); });
    });
    var redraw = function () {
      var text = getComputedStyle(document.body).color;
      drawn().forEach(function (b) { draw(b, text); });
    };
    if (scheme && scheme.addEventListener) scheme.addEventListener('change', redraw);
    else if (scheme && scheme.addListener) scheme.addListener(redraw);
    var pending = null;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        drawn().forEach(function (b) { b.chart.resize(); });
      }, 100);
    });
  }

  // categoryLabels shows every category label (stage names, months): on a
  // small screen, months tilt so that they do not overlap, and names down
  // the left of bars across wrap within a third of the width.
  function categoryLabels(options, narrow) {
    [].concat(options.xAxis || [], options.yAxis || []).forEach(function (axis) {
      if (!axis || axis.type !== 'category') return;
      var label = { interval: 0 };
      var across = options.yAxis && [].concat(options.yAxis).indexOf(axis) >= 0;
      if (narrow && across) { label.width = 84; label.overflow = 'break'; label.fontSize = 11; label.lineHeight = 13; }
      if (narrow && !across) { label.rotate = 40; label.fontSize = 10; }
      axis.axisLabel = Object.assign({}, axis.axisLabel, label);
    });
  }

  // valueLabels writes the values at the bars' ends in the page's text
  // colour, which has the contrast of text in both themes.
  function valueLabels(options, color, narrow) {
    [].concat(options.series || []).forEach(function (s) {
      s.label = Object.assign({}, s.label, { color: color, fontSize: narrow ? 11 : 12 });
    });
    if (narrow && options.grid && options.grid.right > 16) options.grid.right = Math.round(options.grid.right * 0.92);
  }

  // cellValue is a row's sort key in a column: the cell's data-value, or
  // else its text; null for a blank cell (empty, or "—").
  function cellValue(row, index, type) {
    var cell = row.cells[index];
    var v = cell ? ('value' in cell.dataset ? cell.dataset.value : cell.textContent).trim() : '';
    if (v === '' || v === '—') return null;
    if (type !== 'number') return v;
    v = parseFloat(v);
    return isNaN(v) ? null : v;
  }

  // sortTable orders a table's rows by the column of th, with blank cells
  // last in both directions, and marks that column as the sorted one.
  function sortTable(table, th, asc) {
    var index = th.cellIndex, type = th.dataset.type, body = table.tBodies[0];
    Array.from(th.parentNode.cells).forEach(function (h) { h.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
    var rows = Array.from(body.rows, function (r) { return [cellValue(r, index, type), r]; });
    rows.sort(function (a, b) {
      var x = a[0], y = b[0];
      if (x === null || y === null) return (x === null) - (y === null);
      return (type === 'number' ? x - y : x.localeCompare(y)) * (asc ? 1 : -1);
    });
    rows.forEach(function (r) { body.appendChild(r[1]); });
  }

  // sortable puts a button in each sortable column's header, here so that
  // no header offers to sort without JavaScript; a second press reverses
  // the order. A header that links to its definition keeps the link and
  // gets a button beside it.
  function sortable(table) {
    table.tHead.rows[0].querySelectorAll('th[data-type]').forEach(function (th) {
      var button = document.createElement('button');
      button.type = 'button';
      if (th.querySelector('a')) button.setAttribute('aria-label', 'Sort by ' + th.textContent.trim());
      else button.append.apply(button, th.childNodes);
      th.appendChild(button);
      button.addEventListener('click', function () {
        sortTable(table, th, th.getAttribute('aria-sort') !== 'ascending');
      });
    });
  }

  // emptyState is the footer row a filtered table shows when no row
  // matches, with a button that clears the filters.
  function emptyState(table, clear) {
    var foot = table.createTFoot(), cell = foot.insertRow().insertCell();
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Clear filters';
    button.onclick = clear;
    cell.colSpan = table.tHead.rows[0].cells.length;
    cell.className = 'empty-state';
    cell.append('No deal matches these filters. ', button);
    return foot;
  }

  // filterable filters the deals table with the form and keeps the filters
  // and the sort in the address, so that a view can be shared and survives
  // a reload. The address is read only as values: a filter option or a
  // column that the page does not have is ignored.
  function filterable(form) {
    var target = document.getElementById(form.getAttribute('data-filter-for'));
    var table = target && target.querySelector('table[data-sortable]');
    if (!table) return;
    var out = form.querySelector('output');
    var fields = Array.from(form.querySelectorAll('input[name], select[name]'));
    var empty = emptyState(table, function () { form.reset(); apply(); fields[0].focus(); });
    function apply() {
      var rows = Array.from(table.tBodies[0].rows), shown = 0;
      rows.forEach(function (row) {
        var ok = fields.every(function (f) {
          var v = f.value.trim();
          if (!v) return true;
          if (f.type === 'search') return row.textContent.toLowerCase().indexOf(v.toLowerCase()) >= 0;
          return row.getAttribute('data-' + f.name) === v;
        });
        row.hidden = !ok;
        if (ok) shown++;
      });
      empty.hidden = shown > 0;
      if (out) out.textContent = shown === rows.length ? rows.length + ' deals' : shown + ' of ' + rows.length + ' deals';
      remember();
    }
    function remember() {
      var params = new URLSearchParams();
      fields.forEach(function (f) { if (f.value) params.set(f.name, f.value); });
      var th = table.querySelector('th[aria-sort][data-key]');
      if (th) params.set('sort', th.dataset.key + (th.getAttribute('aria-sort') === 'ascending' ? '-asc' : '-desc'));
      var query = params.toString();
      if (query !== location.search.slice(1)) history.replaceState(history.state, '', (query ? '?' + query : location.pathname) + location.hash);
    }
    var asked = new URLSearchParams(location.search);
    fields.forEach(function (f) {
      var v = asked.get(f.name);
      if (v === null) return;
      f.value = v;
      if (f.value !== v) f.value = ''; // not one of the options
    });
    var sort = /^(.+)-(asc|desc)$/.exec(asked.get('sort') || '') || [];
    table.tHead.querySelectorAll('th[data-key]').forEach(function (th) {
      if (th.dataset.key === sort[1]) sortTable(table, th, sort[2] === 'asc');
    });
    table.tHead.addEventListener('click', remember);
    form.addEventListener('input', apply);
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  // headerRoom leaves the header's height above the place a link points
  // to, so that the header, which stays at the top of the screen, does not
  // cover it; the header is measured again when the window changes size
  // (its links wrap on a narrow screen).
  function headerRoom() {
    var top = document.querySelector('.top');
    if (!top) return;
    var root = document.documentElement;
    function fit() {
      var sticky = getComputedStyle(top).position === 'sticky';
      root.style.scrollPaddingTop = sticky ? top.offsetHeight + 8 + 'px' : '0px';
    }
    fit();
    window.addEventListener('resize', fit);
    var id = '';
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (e) {
      return; // not an address of this page's places
    }
    var target = id && document.getElementById(id);
    if (target) target.scrollIntoView();
  }

  function start() {
    headerRoom();
    charts();
    document.querySelectorAll('table[data-sortable]').forEach(sortable);
    document.querySelectorAll('form[data-filter-for]').forEach(filterable);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
