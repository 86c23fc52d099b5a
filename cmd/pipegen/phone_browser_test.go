package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// phoneCheck is what phoneProbe found on one page.
type phoneCheck struct {
	Cells    int      `json:"cells"`
	Tokens   int      `json:"tokens"`
	Links    int      `json:"links"`
	Problems []string `json:"problems"`
}

// On a phone, 390 and 320 px wide, every page keeps all its data within
// reach: each cell of each table is on screen or in a scroll region the
// keyboard can reach, a stacked table names each value, no date, month or
// amount breaks over two lines, and every link of the top navigation is
// on screen, not covered.
func TestPhoneLayout(t *testing.T) {
	ctx, _ := browser(t)
	srv, _ := buildSite(t, "../..")
	for _, width := range []int64{390, 320} {
		for _, p := range pageTypes {
			var got phoneCheck
			err := chromedp.Run(ctx, chromedp.EmulateViewport(width, 800),
				chromedp.Navigate(srv.URL+"/"+p),
				chromedp.WaitReady("footer", chromedp.ByQuery),
				chromedp.Sleep(200*time.Millisecond),
				chromedp.Evaluate(phoneProbe, &got),
			)
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			if got.Links != 7 { // with the demo's breakdowns page
				t.Errorf("%s %d px: %d links in the top navigation, want 7", p, width, got.Links)
			}
			if hasTables := p != "stages.html" && !strings.HasPrefix(p, "deals/"); hasTables && got.Cells == 0 {
				t.Errorf("%s %d px: no table cell checked", p, width)
			}
			if got.Tokens == 0 {
				t.Errorf("%s %d px: no date or amount checked", p, width)
			}
			if p == "deals.html" {
				stillATable(t, ctx, width)
			}
			for i, what := range got.Problems {
				if i == 10 {
					t.Errorf("%s %d px: and %d more", p, width, len(got.Problems)-i)
					break
				}
				t.Errorf("%s %d px: %s", p, width, what)
			}
		}
	}
}

// stillATable checks that the deals table, laid out as cards on a phone,
// is still a table to a screen reader: a row for each deal, with its
// cells and the column headers that name them.
func stillATable(t *testing.T, ctx context.Context, width int64) {
	t.Helper()
	var tree struct {
		Nodes []struct {
			Role *struct {
				Value string `json:"value"`
			} `json:"role"`
		} `json:"nodes"`
	}
	var rows int
	err := chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelectorAll('.deals-table tbody tr').length`, &rows),
		chromedp.ActionFunc(func(ctx context.Context) error {
			return cdp.Execute(ctx, "Accessibility.getFullAXTree", nil, &tree)
		}))
	if err != nil {
		t.Fatal(err)
	}
	roles := map[string]int{}
	for _, n := range tree.Nodes {
		if n.Role != nil {
			roles[n.Role.Value]++
		}
	}
	if roles["table"] != 1 || roles["row"] != rows+1 || roles["cell"] < rows*7 || roles["columnheader"] < 8 {
		t.Errorf("deals.html %d px: to a screen reader the deals table has %d tables, %d rows, %d cells and %d column headers; want 1, %d, at least %d and 8",
			width, roles["table"], roles["row"], roles["cell"], roles["columnheader"], rows+1, rows*7)
	}
}

// phoneProbe checks the page as it is laid out now (see TestPhoneLayout)
// and returns a phoneCheck.
const phoneProbe = `(function () {
	var problems = [];
	var width = document.documentElement.clientWidth;
	function where(el) {
		var s = el.closest('section, .card, main, header');
		var h = s && s.querySelector('h1, h2, caption');
		var text = el.textContent.trim().replace(/\s+/g, ' ').slice(0, 40);
		return '"' + text + '"' + (h ? ' under "' + h.textContent.trim().replace(/\s+/g, ' ').slice(0, 40) + '"' : '');
	}
	// reach says why el cannot be seen or scrolled to, or '' when it can.
	// A scroll region it sits in must be a named region the keyboard can
	// focus, unless el can take the focus itself.
	function reach(el, focusable) {
		if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) return 'is hidden';
		var r = el.getBoundingClientRect();
		if (r.width < 2 || r.height < 2) return 'has no size';
		var left = r.left, right = r.right;
		for (var a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
			var cs = getComputedStyle(a);
			if (cs.overflowX === 'visible') continue;
			var ar = a.getBoundingClientRect();
			var scrolls = (cs.overflowX === 'auto' || cs.overflowX === 'scroll') && a.scrollWidth > a.clientWidth;
			if (scrolls) {
				if (!focusable && (a.tabIndex < 0 || a.getAttribute('role') !== 'region' || !a.getAttribute('aria-label'))) {
					return 'is in a scroll region that is not a named, focusable region';
				}
				var from = left - ar.left - a.clientLeft + a.scrollLeft, to = right - ar.left - a.clientLeft + a.scrollLeft;
				if (from < -1 || to > a.scrollWidth + 1) return 'is out of reach of its scroll region';
				left = Math.max(ar.left, Math.min(left, ar.right));
				right = Math.min(ar.right, Math.max(right, ar.left));
			} else if (left < ar.left - 1 || right > ar.right + 1) {
				return 'is cut off by ' + a.tagName.toLowerCase() + (a.className ? '.' + a.className : '');
			}
		}
		if (left < -1 || right > width + 1) return 'is off screen (' + Math.round(left) + ' to ' + Math.round(right) + ' of ' + width + ' px)';
		return '';
	}

	var cells = document.querySelectorAll('table tbody th, table tbody td');
	var checked = 0;
	cells.forEach(function (cell) {
		if (!cell.textContent.trim() || cell.closest('tr[hidden]')) return;
		checked++;
		var why = reach(cell, false);
		if (why) { problems.push('cell ' + where(cell) + ' ' + why); return; }
		// A stacked table (cells no longer in table columns) names each
		// value but the row's first, its title.
		if (getComputedStyle(cell).display !== 'table-cell' && cell.cellIndex > 0) {
			var label = cell.getAttribute('data-label');
			var shown = getComputedStyle(cell, '::before').content;
			if (!label || shown.indexOf(label) < 0) problems.push('stacked cell ' + where(cell) + ' does not say what it is');
		}
	});

	// Dates (2026-11-27), months (2026-11), quarters (2026-Q4) and amounts
	// ($25.9k, −$3,317) stay on one line wherever they are.
	var token = /\d{4}-(?:\d{2}(?:-\d{2})?|Q[1-4])\b|[−-]?[$€£¥][\d.,]+[kMB]?/g;
	var walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	var tokens = 0;
	for (var node = walk.nextNode(); node; node = walk.nextNode()) {
		var parent = node.parentElement;
		if (parent.closest('script, style, noscript, .visually-hidden') || !parent.checkVisibility()) continue;
		var m;
		token.lastIndex = 0;
		while ((m = token.exec(node.data))) {
			tokens++;
			var range = document.createRange();
			range.setStart(node, m.index);
			range.setEnd(node, m.index + m[0].length);
			var rects = Array.prototype.filter.call(range.getClientRects(), function (r) { return r.width > 0; });
			if (!rects.length) continue;
			var first = rects[0];
			if (rects.some(function (r) { return r.top >= first.bottom - 1; })) {
				problems.push('"' + m[0] + '" breaks over two lines in ' + where(parent));
			}
		}
	}

	var links = document.querySelectorAll('header nav a');
	links.forEach(function (a) {
		var why = reach(a, true);
		if (why) { problems.push('navigation link ' + where(a) + ' ' + why); return; }
		var r = a.getBoundingClientRect();
		if (r.left < 0 || r.right > width) return; // in a scroll region, reached by its focus
		var hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
		if (!a.contains(hit)) problems.push('navigation link ' + where(a) + ' is covered by ' + (hit ? hit.tagName.toLowerCase() : 'nothing'));
	});
	return {cells: checked, tokens: tokens, links: links.length, problems: problems};
})()`
