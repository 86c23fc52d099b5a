package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// The deals table in the browser: header buttons sort (stage in pipeline
// order, blank cells last either way) and say so with aria-sort; a filter
// that matches nothing offers to clear it; the filters and the sort live
// in the address, which is read as values only.
func TestDealsTable(t *testing.T) {
	ctx, log := browser(t)
	srv, _ := buildSite(t, "../..")
	deals := srv.URL + "/deals.html"
	run := func(t *testing.T, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	clean := func(t *testing.T, what string) {
		t.Helper()
		if ev := log.take(ctx); len(ev) > 0 {
			t.Errorf("%s: %v", what, ev)
		}
	}
	sortBy := func(key string) chromedp.Action {
		return chromedp.Click(`.deals-table th[data-key="`+key+`"] button`, chromedp.ByQuery)
	}

	t.Run("header buttons sort", func(t *testing.T) {
		var heads, buttons int
		var sorted []string
		var cue string
		run(t, chromedp.Navigate(deals),
			chromedp.Evaluate(`document.querySelectorAll('table[data-sortable] th[data-type]').length`, &heads),
			chromedp.Evaluate(`document.querySelectorAll('table[data-sortable] th[data-type] > button').length`, &buttons),
			chromedp.Evaluate(cueJS("value"), &cue),
		)
		if heads == 0 || buttons != heads {
			t.Errorf("%d sortable headers have %d buttons", heads, buttons)
		}
		if !strings.HasPrefix(cue, `"↕"`) {
			t.Errorf("an unsorted column's cue is %s, want the up-down arrow", cue)
		}
		for _, c := range []struct {
			dir, cue string
			desc     bool
		}{{"ascending", `"▲"`, false}, {"descending", `"▼"`, true}} {
			var keys []string
			run(t, sortBy("value"),
				chromedp.Evaluate(ariaSortJS, &sorted),
				chromedp.Evaluate(columnJS("value"), &keys),
				chromedp.Evaluate(cueJS("value"), &cue),
			)
			if want := []string{"value " + c.dir}; !slices.Equal(sorted, want) {
				t.Errorf("aria-sort after a click: %v, want %v", sorted, want)
			}
			if !strings.HasPrefix(cue, c.cue) {
				t.Errorf("the %s column's cue is %s, want %s", c.dir, cue, c.cue)
			}
			if !inOrder(keys, c.desc, true) {
				t.Errorf("values %s: %v", c.dir, keys)
			}
		}
		// The cue is drawn in the header's own colour (whose contrast axe
		// checks); the keyboard reaches the next button, with a visible
		// focus ring, and sorts with it.
		var sameColour, focusRing bool
		run(t, chromedp.Evaluate(`(function () {
				var b = document.querySelector('.deals-table th[data-key="days"] button');
				return getComputedStyle(b, '::after').color === getComputedStyle(b).color;
			})()`, &sameColour),
			chromedp.KeyEvent("\t"),
			chromedp.Evaluate(`(function () {
				var b = document.activeElement;
				return b.matches('th[data-key="probability"] button:focus-visible') && getComputedStyle(b).outlineStyle === 'solid';
			})()`, &focusRing),
			chromedp.KeyEvent("\r"),
			chromedp.Evaluate(ariaSortJS, &sorted),
		)
		if !sameColour || !focusRing {
			t.Errorf("cue in the header's colour %v; focus ring on the next button after Tab %v", sameColour, focusRing)
		}
		if want := []string{"probability ascending"}; !slices.Equal(sorted, want) {
			t.Errorf("Enter on the probability button: aria-sort %v, want %v", sorted, want)
		}
		clean(t, "sorting")
	})

	t.Run("stage sorts in pipeline order", func(t *testing.T) {
		var pipelineOrder, shown []string
		run(t, chromedp.Navigate(deals),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('form.filters select[name=stage] option')).slice(1).map(o => o.textContent)`, &pipelineOrder),
			sortBy("stage"),
			chromedp.Evaluate(stagesShownJS, &shown),
		)
		if alphabetical := slices.Sorted(slices.Values(pipelineOrder)); slices.Equal(alphabetical, pipelineOrder) {
			t.Fatalf("the demo's stages are in alphabetical order, so this test proves nothing: %v", pipelineOrder)
		}
		if !slices.Equal(shown, pipelineOrder) {
			t.Errorf("sorted by stage the table shows %v, want pipeline order %v", shown, pipelineOrder)
		}
		run(t, sortBy("stage"),
			chromedp.Evaluate(stagesShownJS, &shown),
		)
		want := slices.Clone(pipelineOrder)
		slices.Reverse(want)
		if !slices.Equal(shown, want) {
			t.Errorf("sorted by stage descending the table shows %v, want %v", shown, want)
		}
		clean(t, "stage sort")
	})

	t.Run("blank cells sort last both ways", func(t *testing.T) {
		run(t, chromedp.Navigate(deals))
		for _, c := range []struct {
			key     string
			numeric bool
		}{{"probability", true}, {"close", false}, {"days", true}} {
			for _, desc := range []bool{false, true} {
				var keys []string
				run(t, sortBy(c.key), chromedp.Evaluate(columnJS(c.key), &keys))
				if !slices.ContainsFunc(keys, blank) {
					t.Errorf("%s: the demo has no blank cell, so this test proves nothing", c.key)
				}
				if !inOrder(keys, desc, c.numeric) {
					t.Errorf("%s sorted (descending %v): %q", c.key, desc, keys)
				}
			}
		}
		clean(t, "blanks")
	})

	t.Run("empty state", func(t *testing.T) {
		var shown, total int
		var emptyShown bool
		var message, focused, search string
		run(t, chromedp.Navigate(deals),
			chromedp.Evaluate(`document.querySelector('.deals-table td.empty-state').offsetParent !== null`, &emptyShown),
		)
		if emptyShown {
			t.Errorf("the empty state shows while deals are listed")
		}
		run(t, chromedp.Evaluate(filterJS("owner", "kenji"), &shown),
			chromedp.Evaluate(filterJS("q", "no deal is called this"), &shown),
			chromedp.Evaluate(`document.querySelector('.deals-table td.empty-state').offsetParent !== null`, &emptyShown),
			chromedp.Text(`.deals-table td.empty-state`, &message, chromedp.ByQuery),
		)
		if shown != 0 || !emptyShown || !strings.Contains(message, "No deal matches these filters") {
			t.Errorf("filtered to nothing: %d rows, empty state shown %v (%q)", shown, emptyShown, message)
		}
		run(t, chromedp.Click(`.deals-table td.empty-state button`, chromedp.ByQuery),
			chromedp.Evaluate(`document.querySelectorAll('.deals-table tbody tr:not([hidden])').length`, &shown),
			chromedp.Evaluate(`document.querySelectorAll('.deals-table tbody tr').length`, &total),
			chromedp.Evaluate(`document.querySelector('.deals-table td.empty-state').offsetParent !== null`, &emptyShown),
			chromedp.Evaluate(`document.activeElement.name || ''`, &focused),
			chromedp.Evaluate(`location.search + document.querySelector('form.filters').elements.owner.value`, &search),
		)
		if shown != total || total != 96 || emptyShown || focused != "q" || search != "" {
			t.Errorf("after Clear filters: %d of %d rows, empty state shown %v, focus on %q, address and owner %q", shown, total, emptyShown, focused, search)
		}
		clean(t, "empty state")
	})

	t.Run("the address keeps the view", func(t *testing.T) {
		var owner, status, search string
		var owners, sorted []string
		var keys []string
		state := chromedp.Tasks{
			chromedp.Evaluate(`document.querySelector('form.filters').elements.owner.value`, &owner),
			chromedp.Evaluate(`document.querySelector('form.filters').elements.status.value`, &status),
			chromedp.Evaluate(`Array.from(new Set(Array.from(document.querySelectorAll('.deals-table tbody tr:not([hidden])'), r => r.dataset.owner + ' ' + r.dataset.status)))`, &owners),
			chromedp.Evaluate(ariaSortJS, &sorted),
			chromedp.Evaluate(columnJS("value"), &keys),
			chromedp.Evaluate(`location.search`, &search),
		}
		run(t, chromedp.Navigate(deals+"?owner=sofia&status=open&sort=value-desc"), state)
		if owner != "sofia" || status != "open" || !slices.Equal(owners, []string{"sofia open"}) ||
			!slices.Equal(sorted, []string{"value descending"}) || !inOrder(keys, true, true) || len(keys) == 0 {
			t.Errorf("loaded with owner, status and sort: owner %q status %q rows %v sort %v values %v", owner, status, owners, sorted, keys)
		}
		// A change is written to the address, and a reload brings it back.
		var shown int
		run(t, chromedp.Evaluate(filterJS("owner", "kenji"), &shown), sortBy("value"), chromedp.Evaluate(`location.search`, &search))
		if q, _ := url.ParseQuery(strings.TrimPrefix(search, "?")); q.Get("owner") != "kenji" || q.Get("status") != "open" || q.Get("sort") != "value-asc" || len(q) != 3 {
			t.Errorf("after a change the address is %q", search)
		}
		run(t, chromedp.Reload(), state)
		if owner != "kenji" || !slices.Equal(owners, []string{"kenji open"}) || !slices.Equal(sorted, []string{"value ascending"}) || !inOrder(keys, false, true) {
			t.Errorf("after a reload: owner %q rows %v sort %v values %v", owner, owners, sorted, keys)
		}
		// After a deal's page, the way back leads to the view's address.
		var back string
		run(t, chromedp.Click(`.deals-table tbody tr:not([hidden]) a`, chromedp.ByQuery),
			chromedp.WaitVisible(`.timeline`, chromedp.ByQuery),
			chromedp.ActionFunc(func(ctx context.Context) error {
				i, entries, err := page.GetNavigationHistory().Do(ctx)
				if err == nil && i > 0 {
					back = entries[i-1].URL
				}
				return err
			}),
		)
		if !strings.HasSuffix(back, "/deals.html"+search) {
			t.Errorf("the way back from a deal leads to %q, want the view's address %q", back, search)
		}
		run(t, chromedp.Navigate(back))
		// With the filters cleared the address keeps only the sort.
		run(t, chromedp.Evaluate(filterJS("owner", ""), &shown), chromedp.Evaluate(filterJS("status", ""), &shown),
			chromedp.Evaluate(`location.search`, &search))
		if search != "?sort=value-asc" {
			t.Errorf("with no filter the address is %q", search)
		}
		clean(t, "address")
	})

	t.Run("a hostile address does nothing", func(t *testing.T) {
		const payload = `<img src=x onerror="window.pwned=1">`
		for _, query := range []string{
			"q=" + url.QueryEscape(payload) + "&sort=nope-asc",
			"owner=" + url.QueryEscape(`"><img src=x onerror=window.pwned=1>`) + "&stage=" + url.QueryEscape(`lead"]`) + "&status=x&sort=" + url.QueryEscape(`a"]-desc`),
			"sort=__proto__-asc&sort=value-sideways&q=%E0%A4%A&owner=%ZZ",
			"sort=" + strings.Repeat("a", 5000) + "-asc",
		} {
			var injected, pwned bool
			var sorted []string
			var selects, input string
			run(t, chromedp.Navigate(deals+"?"+query),
				chromedp.Evaluate(`document.querySelectorAll('img, [onerror]').length > 0`, &injected),
				chromedp.Evaluate(`!!window.pwned`, &pwned),
				chromedp.Evaluate(`Array.from(document.querySelectorAll('th[aria-sort]'), h => h.dataset.key)`, &sorted),
				chromedp.Evaluate(`Array.from(document.querySelectorAll('form.filters select'), s => s.selectedIndex + s.value).join(',')`, &selects),
				chromedp.Evaluate(`document.querySelector('form.filters').elements.q.value`, &input),
			)
			if injected || pwned || len(sorted) > 0 || selects != "0,0,0" {
				t.Errorf("?%s: element injected %v, script ran %v, sorted by %v, selects (index and value) %q", query, injected, pwned, sorted, selects)
			}
			var search string
			run(t, chromedp.Evaluate(`location.search`, &search))
			if strings.Contains(search, "sort") || strings.Contains(search, "owner") {
				t.Errorf("?%s: the address keeps what the page ignored: %q", query, search)
			}
			if strings.HasPrefix(query, "q=") && input != payload {
				t.Errorf("?%s: the search box holds %q, want the text as typed", query, input)
			}
			clean(t, "?"+query)
		}
	})

	// TestAccessibility sees the pages as they load; the states that the
	// table's controls lead to pass axe too.
	t.Run("sorted and empty views pass axe", func(t *testing.T) {
		axe := axeSource(t)
		for _, scheme := range []string{"light", "dark"} {
			for _, width := range []int64{1440, 390} {
				var raw string
				var overflow int
				run(t, chromedp.EmulateViewport(width, 900),
					emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}),
					chromedp.Navigate(deals+"?q=nothing+matches&sort=value-desc"),
					chromedp.Evaluate(`document.documentElement.scrollWidth - window.innerWidth`, &overflow),
					chromedp.Evaluate(axe, nil),
					chromedp.Evaluate(axeRun, &raw, awaitPromise),
				)
				var vs []axeViolation
				if err := json.Unmarshal([]byte(raw), &vs); err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					t.Errorf("%s %d px: axe %s on %d elements, e.g. %s", scheme, width, v.ID, len(v.Nodes), v.Nodes[0].HTML)
				}
				if overflow > 0 {
					t.Errorf("%s %d px: the page scrolls sideways by %d px", scheme, width, overflow)
				}
				clean(t, "axe")
			}
		}
		run(t, chromedp.EmulateViewport(1400, 1000), emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}}))
	})

	t.Run("other sortable tables", func(t *testing.T) {
		var heads, buttons, links int
		var sorted []string
		var label string
		run(t, chromedp.Navigate(srv.URL+"/owners.html"),
			chromedp.Evaluate(`document.querySelectorAll('table[data-sortable] th[data-type]').length`, &heads),
			chromedp.Evaluate(`document.querySelectorAll('table[data-sortable] th[data-type] > button').length`, &buttons),
			chromedp.Evaluate(`document.querySelectorAll('table[data-sortable] th[data-type] > a.def + button').length`, &links),
			chromedp.Evaluate(`document.querySelector('table[data-sortable] th:nth-child(4) button').getAttribute('aria-label')`, &label),
			chromedp.Click(`table[data-sortable] th:nth-child(4) button`, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('th[aria-sort]'), h => h.textContent + ' ' + h.getAttribute('aria-sort'))`, &sorted),
		)
		if heads == 0 || buttons != heads || links == 0 || label != "Sort by Open value" {
			t.Errorf("owners.html: %d sortable headers, %d buttons, %d beside a definition link; label %q", heads, buttons, links, label)
		}
		if want := []string{"Open value ascending"}; !slices.Equal(sorted, want) {
			t.Errorf("owners.html after a click: aria-sort %v, want %v", sorted, want)
		}
		clean(t, "owners.html")
	})

	t.Run("without JavaScript", func(t *testing.T) {
		for _, p := range []string{"deals.html", "owners.html", "owners/sofia.html"} {
			var buttons, pointers, rows, shownRows int
			var text string
			run(t, emulation.SetScriptExecutionDisabled(true),
				chromedp.Navigate(srv.URL+"/"+p),
				chromedp.Evaluate(`document.querySelectorAll('th button, .empty-state').length`, &buttons),
				chromedp.Evaluate(`Array.from(document.querySelectorAll('th')).filter(h => getComputedStyle(h).cursor === 'pointer').length`, &pointers),
				chromedp.Evaluate(`document.querySelectorAll('table[data-sortable] tbody tr').length`, &rows),
				chromedp.Evaluate(`Array.from(document.querySelectorAll('table[data-sortable] tbody tr')).filter(r => r.offsetHeight > 0).length`, &shownRows),
				chromedp.Evaluate(`document.body.innerText`, &text),
			)
			if buttons != 0 || pointers != 0 {
				t.Errorf("%s without JavaScript: %d sort buttons or empty states, %d headers with a pointer", p, buttons, pointers)
			}
			if rows == 0 || shownRows != rows {
				t.Errorf("%s without JavaScript: %d of %d rows shown", p, shownRows, rows)
			}
			if m := sortWords.FindString(text); m != "" {
				t.Errorf("%s without JavaScript says %q", p, m)
			}
		}
		run(t, emulation.SetScriptExecutionDisabled(false))
	})
}

// sortWords are what a page must not say when it cannot sort.
var sortWords = regexp.MustCompile(`(?i)\b(sort|click)\w*`)

// ariaSortJS lists the sorted columns as "key direction".
const ariaSortJS = `Array.from(document.querySelectorAll('th[aria-sort]'), h => h.dataset.key + ' ' + h.getAttribute('aria-sort'))`

// stagesShownJS lists the stages of the deals table's rows in the order
// they come, each once.
const stagesShownJS = `Array.from(new Set(Array.from(document.querySelectorAll('.deals-table tbody tr .pill'), p => p.textContent)))`

// columnJS returns the sort keys of a column of the deals table, in the
// order shown: each cell's data-value, or else its text.
func columnJS(key string) string {
	return fmt.Sprintf(`(function () {
		var table = document.querySelector('.deals-table');
		var th = table.querySelector('th[data-key=%q]');
		return Array.from(table.tBodies[0].rows).filter(r => !r.hidden).map(function (r) {
			var c = r.cells[th.cellIndex];
			return 'value' in c.dataset ? c.dataset.value : c.textContent.trim();
		});
	})()`, key)
}

// cueJS returns the sort cue that a column's button shows.
func cueJS(key string) string {
	return fmt.Sprintf(`getComputedStyle(document.querySelector('.deals-table th[data-key=%q] button'), '::after').content`, key)
}

// blank reports whether a sort key is a blank cell's.
func blank(k string) bool { return k == "" || k == "—" }

// inOrder reports whether keys are sorted (descending when desc, as
// numbers when numeric) with every blank after every other key.
func inOrder(keys []string, desc, numeric bool) bool {
	var prev string
	for i, k := range keys {
		if blank(k) {
			return !slices.ContainsFunc(keys[i:], func(k string) bool { return !blank(k) })
		}
		if i > 0 {
			c := strings.Compare(strings.ToLower(prev), strings.ToLower(k))
			if numeric {
				a, _ := strconv.ParseFloat(prev, 64)
				b, _ := strconv.ParseFloat(k, 64)
				c = cmp.Compare(a, b)
			}
			if (desc && c < 0) || (!desc && c > 0) {
				return false
			}
		}
		prev = k
	}
	return true
}
