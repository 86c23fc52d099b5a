// pipegen dashboard: draws the charts from the JSON blocks of the page, and
// makes tables sortable and the deals table filterable. Plain JavaScript,
// no framework; every number is also in the page's tables.
(function () {
  'use strict';

  var scheme = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  // charts draws every chart of the page from its JSON block, in the
  // colour scheme the reader's system uses, and draws them again when it
  // changes (a phone switching to dark mode at dusk).
  function charts() {
    var blocks = document.querySelectorAll('script[type="application/json"][data-chart]');
    if (!blocks.length) return;
    var failed = typeof window.echarts === 'undefined';
    var instances = [];
    function draw() {
      var dark = !!(scheme && scheme.matches);
      instances.forEach(function (c) { c.dispose(); });
      instances = [];
      blocks.forEach(function (block) {
        var el = document.getElementById(block.getAttribute('data-chart'));
        if (!el) return;
        if (failed) {
          el.classList.add('failed');
          el.querySelector('.chart-note').textContent =
            'The charting library did not load, so this chart cannot be drawn; the numbers are in the table below.';
          return;
        }
        var options;
        try {
          options = JSON.parse(block.textContent);
        } catch (e) {
          el.classList.add('failed');
          return;
        }
        categoryLabels(options, el.clientWidth < 480);
        valueLabels(options, getComputedStyle(el).color, el.clientWidth < 480);
        el.textContent = '';
        var chart = window.echarts.init(el, dark ? 'dark' : null, { renderer: 'canvas' });
        if (dark) options.backgroundColor = 'transparent';
        chart.setOption(options);
        el.setAttribute('data-rendered', 'true');
        el.setAttribute('data-theme', dark ? 'dark' : 'light');
        instances.push(chart);
      });
    }
    draw();
    if (scheme && !failed) {
      var redraw = function () { draw(); };
      if (scheme.addEventListener) scheme.addEventListener('change', redraw);
      else if (scheme.addListener) scheme.addListener(redraw);
    }
    var pending = null;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        instances.forEach(function (c) { c.resize(); });
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

  function cellValue(row, index, type) {
    var cell = row.cells[index];
    if (!cell) return '';
    var v = cell.hasAttribute('data-value') ? cell.getAttribute('data-value') : cell.textContent.trim();
    if (type === 'number') {
      var n = parseFloat(v);
      return isNaN(n) ? -Infinity : n;
    }
    return v.toLowerCase();
  }

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, index) {
      var type = th.getAttribute('data-type');
      if (!type) return;
      th.tabIndex = 0;
      th.setAttribute('role', 'columnheader');
      function sort() {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, type), y = cellValue(b, index, type);
          if (x < y) return asc ? -1 : 1;
          if (x > y) return asc ? 1 : -1;
          return 0;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      }
      th.addEventListener('click', sort);
      th.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
      });
    });
  }

  function filterable(form) {
    var target = document.getElementById(form.getAttribute('data-filter-for'));
    if (!target) return;
    var table = target.querySelector('table');
    var out = form.querySelector('output');
    form.hidden = false;
    function apply() {
      var q = form.elements.q.value.trim().toLowerCase();
      var owner = form.elements.owner.value;
      var stage = form.elements.stage.value;
      var status = form.elements.status.value;
      var shown = 0, total = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        total++;
        var ok = (!owner || row.getAttribute('data-owner') === owner) &&
          (!stage || row.getAttribute('data-stage') === stage) &&
          (!status || row.getAttribute('data-status') === status) &&
          (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (out) out.textContent = shown === total ? total + ' deals' : shown + ' of ' + total + ' deals';
    }
    form.addEventListener('input', apply);
    form.addEventListener('submit', function (e) { e.preventDefault(); });
    apply();
  }

  function start() {
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
