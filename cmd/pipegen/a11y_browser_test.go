package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
)

// axeSource is axe-core from npm (npm ci), which the accessibility test
// runs in each page.
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node_modules/axe-core is missing; .ci/run runs npm ci")
		}
		t.Skip("skipping: run npm ci for node_modules/axe-core")
	}
	return string(b)
}

// axeRun runs axe-core's WCAG 2.1 A and AA rules in the page and returns
// the violations as JSON.
const axeRun = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => JSON.stringify(r.violations))`

// awaitPromise makes an evaluation wait for the promise the script returns.
func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// axeViolation is one failed rule on a page, with the elements that fail.
type axeViolation struct {
	ID    string `json:"id"`
	Nodes []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
		Any    []struct {
			Data struct {
				Fg    string  `json:"fgColor"`
				Bg    string  `json:"bgColor"`
				Ratio float64 `json:"contrastRatio"`
			} `json:"data"`
		} `json:"any"`
	} `json:"nodes"`
}

// pageTypes is one page of each kind of the demo site.
var pageTypes = []string{"index.html", "deals.html", "deals/bellwether-tools.html", "owners.html", "owners/sofia.html", "teams/emea.html", "stages.html", "review.html", "metrics.html", "fields.html"}

// Every page type of the demo passes axe-core's WCAG 2.1 A and AA rules, in
// light and dark, on a desktop and on phones (390 and 320 px); no page
// scrolls sideways, and none logs an error or fails to load a file.
func TestAccessibility(t *testing.T) {
	srv, _ := buildSite(t, "../..")
	auditPages(t, srv.URL, pageTypes, []int64{1440, 390, 320})
}

// The same holds on the site of a generated pipeline of 10,000 deals: its
// tables are long, its names many, its charts full.
func TestAccessibilityOfALargePipeline(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the 10,000-deal site in -short mode")
	}
	dir := t.TempDir()
	if err := gen.Write(dir, gen.Options{Seed: 1, Deals: 10000, End: gen.BenchEnd, Months: 24}); err != nil {
		t.Fatal(err)
	}
	srv, out := buildSite(t, dir)
	files, _, err := load.DealFiles(dir)
	if err != nil || len(files) == 0 {
		t.Fatalf("generated deals: %v", err)
	}
	owner := firstEntry(t, filepath.Join(out, "owners"))
	team := firstEntry(t, filepath.Join(out, "teams"))
	deal := "deals/" + load.DealID(files[len(files)/2]) + ".html"
	pages := []string{"index.html", "deals.html", deal, "owners.html", "owners/" + owner, "teams/" + team, "stages.html", "review.html"}
	auditPages(t, srv.URL, pages, []int64{1440, 390})
}

// firstEntry returns the name of the first .html file in dir.
func firstEntry(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") {
			return e.Name()
		}
	}
	t.Fatalf("no page in %s", dir)
	return ""
}

// auditPages runs axe-core on each page at each width, in light and dark,
// and fails on a violation, a page that scrolls sideways, or an error the
// page logs or a file it fails to load.
func auditPages(t *testing.T, base string, pages []string, widths []int64) {
	t.Helper()
	axe := axeSource(t)
	found := map[string][]string{}
	// A browser for each width and scheme: one for every page would take
	// longer to start than the pages take, and one for all would outlive
	// its time limit.
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range widths {
			t.Run(fmt.Sprintf("%s/%dpx", scheme, width), func(t *testing.T) {
				ctx, log := browser(t)
				media := emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}})
				for _, p := range pages {
					var raw string
					var overflow int
					err := chromedp.Run(ctx, chromedp.EmulateViewport(width, 900), media,
						chromedp.Navigate(base+"/"+p),
						chromedp.WaitReady("body", chromedp.ByQuery),
						chromedp.Sleep(400*time.Millisecond),
						chromedp.Evaluate(`document.documentElement.scrollWidth - window.innerWidth`, &overflow),
						chromedp.Evaluate(axe, nil),
						chromedp.Evaluate(axeRun, &raw, awaitPromise),
					)
					if err != nil {
						t.Fatalf("%s: %v", p, err)
					}
					if overflow > 0 {
						t.Errorf("%s %s %d px: the page scrolls sideways by %d px", p, scheme, width, overflow)
					}
					if ev := log.take(ctx); len(ev) > 0 {
						t.Errorf("%s %s %d px: %v", p, scheme, width, ev)
					}
					var vs []axeViolation
					if err := json.Unmarshal([]byte(raw), &vs); err != nil {
						t.Fatal(err)
					}
					for _, v := range vs {
						for _, n := range v.Nodes {
							what := fmt.Sprintf("%s %s %d: %v %.120s", p, scheme, width, n.Target, n.HTML)
							if v.ID == "color-contrast" && len(n.Any) > 0 {
								d := n.Any[0].Data
								what = fmt.Sprintf("%s on %s is %.2f:1 — %s", d.Fg, d.Bg, d.Ratio, what)
							}
							found[v.ID] = append(found[v.ID], what)
						}
					}
				}
			})
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		// One example of each different failure (for contrast: each pair of
		// colours).
		seen := map[string]bool{}
		var examples []string
		for _, f := range found[id] {
			key, _, _ := strings.Cut(f, " — ")
			if id != "color-contrast" {
				key = f
			}
			if !seen[key] {
				seen[key] = true
				examples = append(examples, f)
			}
		}
		t.Errorf("axe %s: %d elements, e.g.\n  %s", id, len(found[id]), strings.Join(examples[:min(12, len(examples))], "\n  "))
	}
}

// Without JavaScript the pages hold their numbers in tables: no chart
// leaves an empty box and no page tells the reader to click to sort.
func TestPagesWithoutJavaScript(t *testing.T) {
	ctx, _ := browser(t)
	srv, _ := buildSite(t, "../..")
	var boxes, shownBoxes int
	var sub string
	err := chromedp.Run(ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(srv.URL+"/index.html"),
		chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.chart-box').length`, &boxes),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.chart-box')).filter(e => e.offsetHeight > 0).length`, &shownBoxes),
		chromedp.Navigate(srv.URL+"/deals.html"),
		chromedp.WaitReady("body", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('.page-head .sub').innerText`, &sub),
	)
	if err != nil {
		t.Fatal(err)
	}
	if boxes == 0 || shownBoxes != 0 {
		t.Errorf("without JavaScript %d of %d chart boxes take room", shownBoxes, boxes)
	}
	if strings.Contains(sub, "Click") {
		t.Errorf("without JavaScript the deals page says %q", sub)
	}
}
