package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium for a test. Outside CI a machine
// without Chromium skips the test, saying so; in CI (CI set) it fails.
func browser(t *testing.T) (context.Context, *browserLog) {
	t.Helper()
	exe := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			exe = p
			break
		}
	}
	if exe == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is not installed; .ci/run installs it")
		}
		t.Skip("skipping browser test: Chromium is not installed (apt-get install chromium)")
	}
	// A fresh profile; removed after Chromium has gone, as its helper
	// processes may still write to it for a moment after the browser closes.
	profile, err := os.MkdirTemp("", "pipegen-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// This chromedp's protocol tables predate some values newer Chromium
	// sends in network events it does not need; it logs and drops them.
	quiet := func(format string, args ...any) {
		if msg := fmt.Sprintf(format, args...); !strings.Contains(msg, "could not unmarshal event") {
			t.Log(msg)
		}
	}
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithErrorf(quiet), chromedp.WithLogf(quiet))
	// A guard against a browser that hangs, not a measure of speed: a busy
	// machine may take minutes over the pages of a test.
	ctx, cancelTimeout := context.WithTimeout(ctx, 5*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	log := &browserLog{}
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.APITypeError || ev.Type == runtime.APITypeWarning {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				log.add("console %s: %s", ev.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			log.add("exception: %s", ev.ExceptionDetails.Error())
		case *page.EventJavascriptDialogOpening:
			log.add("dialog opened: %s %q", ev.Type, ev.Message)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		}
	})
	if err := chromedp.Run(ctx, runtime.Enable(), page.Enable()); err != nil {
		t.Fatal(err)
	}
	return ctx, log
}

// browserLog collects what went wrong in the page.
type browserLog struct {
	mu     sync.Mutex
	events []string
}

func (l *browserLog) add(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, fmt.Sprintf(format, args...))
}

// take returns what went wrong in the current page, including any of its
// resources that failed to load, and forgets it.
func (l *browserLog) take(ctx context.Context) []string {
	var failed []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(failedResources, &failed)); err != nil {
		failed = append(failed, err.Error())
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e := append(l.events, failed...)
	l.events = nil
	return e
}

// buildSite builds the pipeline repository at dir into a temporary folder
// and serves it on loopback.
func buildSite(t *testing.T, dir string, extra ...string) (*httptest.Server, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "site")
	runOK(t, append([]string{"build", "--dir", dir, "--out", out}, extra...)...)
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	t.Cleanup(srv.Close)
	return srv, out
}

func TestDemoSiteInBrowser(t *testing.T) {
	ctx, log := browser(t)
	srv, out := buildSite(t, "../..")
	shots := screenshotDir(t)

	// The overview: every chart is drawn as it nears the screen, no error
	// anywhere.
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/index.html")); err != nil {
		t.Fatal(err)
	}
	blocks, rendered := drawCharts(t, ctx)
	if blocks < 8 || rendered != blocks {
		t.Errorf("index: %d of %d charts rendered", rendered, blocks)
	}
	screenshot(t, ctx, shots, "index-desktop", 1400)
	screenshot(t, ctx, shots, "index-phone", 390)
	// Switching the system to dark mode redraws every chart in the dark
	// theme, without a reload.
	dark := emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}})
	var darkCharts int
	if err := chromedp.Run(ctx, dark, chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(`document.querySelectorAll('.chart[data-theme="dark"] canvas').length`, &darkCharts)); err != nil {
		t.Fatal(err)
	}
	if darkCharts != blocks {
		t.Errorf("dark mode: %d of %d charts redrawn in the dark theme", darkCharts, blocks)
	}
	screenshot(t, ctx, shots, "index-dark", 1400)
	if err := chromedp.Run(ctx, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}})); err != nil {
		t.Fatal(err)
	}
	if ev := log.take(ctx); len(ev) > 0 {
		t.Errorf("index.html: %v", ev)
	}

	// The deals table filters and sorts in the page.
	var total, shown int
	var firstValue, lastValue string
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(1400, 1000),
		chromedp.Navigate(srv.URL+"/deals.html"),
		chromedp.WaitVisible(`form.filters`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.deals-table tbody tr').length`, &total),
		chromedp.Evaluate(filterJS("owner", "kenji"), &shown),
	)
	if err != nil {
		t.Fatal(err)
	}
	kenji := strings.Count(string(readFile(t, filepath.Join(out, "owners", "kenji.html"))), `data-owner="kenji"`)
	if total != 96 || shown != kenji || shown == 0 {
		t.Errorf("deals table: %d rows; filtered by owner kenji %d, want %d", total, shown, kenji)
	}
	err = chromedp.Run(ctx,
		chromedp.Evaluate(filterJS("owner", ""), &shown),
		chromedp.Evaluate(filterJS("q", "zzz-no-such-deal"), &shown),
	)
	if err != nil || shown != 0 {
		t.Errorf("filtering by text: %d rows shown, %v", shown, err)
	}
	// Sort by value, descending on the second click.
	err = chromedp.Run(ctx,
		chromedp.Evaluate(filterJS("q", ""), &shown),
		chromedp.Click(`.deals-table thead th:nth-child(5) button`, chromedp.ByQuery),
		chromedp.Click(`.deals-table thead th:nth-child(5) button`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('.deals-table tbody tr td:nth-child(5)').dataset.value`, &firstValue),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.deals-table tbody tr td:nth-child(5)')).pop().dataset.value`, &lastValue),
	)
	if err != nil {
		t.Fatal(err)
	}
	if parse(firstValue) < parse(lastValue) {
		t.Errorf("sorting by value descending: first %s, last %s", firstValue, lastValue)
	}
	if ev := log.take(ctx); len(ev) > 0 {
		t.Errorf("deals.html: %v", ev)
	}

	// A deal page renders its Markdown notes.
	var strong int
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/deals/alder-finch-retail.html"),
		chromedp.WaitVisible(`.notes .prose`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.notes .prose strong').length`, &strong),
	)
	if err != nil {
		t.Fatal(err)
	}
	if strong == 0 {
		t.Errorf("deal page: the notes' **bold** is not rendered")
	}
	screenshot(t, ctx, shots, "deal-desktop", 1400)
	screenshot(t, ctx, shots, "deal-phone", 390)

	// The error log does catch a missing page.
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/no-such-page.html")); err != nil {
		t.Fatal(err)
	}
	if ev := log.take(ctx); len(ev) != 1 || !strings.HasPrefix(ev[0], "404 ") {
		t.Errorf("a missing page is not reported: %v", ev)
	}

	// Every other page loads without an error.
	for _, p := range []string{"stages.html", "review.html", "owners.html", "owners/sofia.html"} {
		if err := chromedp.Run(ctx, chromedp.EmulateViewport(1400, 1000), chromedp.Navigate(srv.URL+"/"+p), chromedp.WaitReady("footer", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if ev := log.take(ctx); len(ev) > 0 {
			t.Errorf("%s: %v", p, ev)
		}
		name := strings.TrimSuffix(strings.ReplaceAll(p, "/", "-"), ".html")
		screenshot(t, ctx, shots, name+"-desktop", 1400)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/deals.html")); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, shots, "deals-desktop", 1400)
	screenshot(t, ctx, shots, "deals-phone", 390)
}

// filterJS sets a field of the deals filter as a user would, and returns
// the number of rows still shown.
func filterJS(field, value string) string {
	return fmt.Sprintf(`(function () {
		var f = document.querySelector('form.filters');
		f.elements[%q].value = %q;
		f.dispatchEvent(new Event('input', {bubbles: true}));
		return document.querySelectorAll('.deals-table tbody tr:not([hidden])').length;
	})()`, field, value)
}

// failedResources lists the resources the page loaded with an HTTP error.
const failedResources = `performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
	.filter(function (e) { return e.responseStatus >= 400; }).map(function (e) { return e.responseStatus + ' ' + e.name; })`

func parse(s string) float64 {
	var f float64
	fmt.Sscan(s, &f)
	return f
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// screenshotDir is where browser tests save screenshots for people to look
// at (git-ignored).
func screenshotDir(t *testing.T) string {
	dir, _ := filepath.Abs("../../screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// screenshot saves the whole page at a width, with its charts drawn: the
// page is scrolled through, then shown in a window as tall as itself (a
// capture beyond the window leaves cards that were never near the screen
// blank, as a reader never sees them).
func screenshot(t *testing.T, ctx context.Context, dir, name string, width int64) {
	t.Helper()
	var buf []byte
	var height int64
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(width, 900),
		chromedp.Reload(),
		chromedp.WaitReady("footer", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	drawCharts(t, ctx)
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.documentElement.scrollHeight`, &height),
		chromedp.ActionFunc(func(ctx context.Context) error {
			return chromedp.EmulateViewport(width, height).Do(ctx)
		}),
		chromedp.Sleep(500*time.Millisecond),
		chromedp.FullScreenshot(&buf, 100), // 100: PNG
		chromedp.EmulateViewport(width, 900),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Opened from disk (file://), the dashboard draws its charts and its links
// work: they are relative.
func TestSiteFromFile(t *testing.T) {
	ctx, log := browser(t)
	out := filepath.Join(t.TempDir(), "site")
	runOK(t, "build", "--dir", "../..", "--out", out)
	var title string
	if err := chromedp.Run(ctx, chromedp.Navigate("file://"+out+"/index.html")); err != nil {
		t.Fatal(err)
	}
	blocks, rendered := drawCharts(t, ctx)
	err := chromedp.Run(ctx,
		chromedp.Click(`nav a[href="deals.html"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`.deals-table`, chromedp.ByQuery),
		chromedp.Title(&title),
	)
	if err != nil {
		t.Fatal(err)
	}
	if rendered != blocks || !strings.HasPrefix(title, "Deals") {
		t.Errorf("from file://: %d of %d charts drawn; the Deals link led to %q", rendered, blocks, title)
	}
	for _, ev := range log.take(ctx) {
		t.Error(ev)
	}
}

// When the charting library cannot load (a blocked file), each chart says
// so where it would be, and the tables still hold every number.
// The site works opened from a folder with no network at all: every chart
// of the overview and the review page is drawn from the embedded library,
// and no request leaves the folder.
func TestSiteWorksOfflineFromAFolder(t *testing.T) {
	ctx, log := browser(t)
	out := filepath.Join(t.TempDir(), "site")
	runOK(t, "build", "--dir", "../..", "--out", out)
	for _, page := range []string{"index.html", "review.html"} {
		err := chromedp.Run(ctx,
			network.Enable(),
			network.SetBlockedURLs([]string{"http://*", "https://*"}),
			chromedp.Navigate("file://"+filepath.ToSlash(filepath.Join(out, page))),
		)
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		blocks, rendered := drawCharts(t, ctx)
		if blocks == 0 || rendered != blocks {
			t.Errorf("%s offline: %d of %d charts drawn", page, rendered, blocks)
		}
		if ev := log.take(ctx); len(ev) > 0 {
			t.Errorf("%s offline: %v", page, ev)
		}
	}
}

func TestChartsFallbackWithoutLibrary(t *testing.T) {
	ctx, log := browser(t)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"pipeline.yaml":  "name: Demo\ncurrency: USD\nstages:\n  - {id: lead, probability: 0.1}\n  - {id: won, type: won}\n",
		"deals/a.yaml":   "title: A\nowner: ann\nvalue: 100\nhistory:\n  - {stage: lead, date: 2026-11-01}\n  - {stage: won, date: 2026-11-20}\n",
		"deals/b/c.yaml": "title: C\nowner: ann\nvalue: 50\nhistory:\n  - {stage: lead, date: 2026-11-21}\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	srv, _ := buildSite(t, dir, "--as-of", "2026-11-27")
	var failed, charts int
	var note string
	var rows int
	err := chromedp.Run(ctx,
		network.SetBlockedURLs([]string{"*echarts.min.js*"}),
		chromedp.Navigate(srv.URL+"/index.html"),
		chromedp.ActionFunc(func(ctx context.Context) error {
			drawCharts(t, ctx)
			return nil
		}),
		chromedp.WaitVisible(`.chart.failed`, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('.chart.failed').length`, &failed),
		chromedp.Evaluate(`document.querySelectorAll('script[data-chart]').length`, &charts),
		chromedp.Text(`#chart_funnel .chart-note`, &note, chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll('#funnel-h ~ .table-scroll tbody tr').length`, &rows),
	)
	if err != nil {
		t.Fatal(err)
	}
	if failed != charts || !strings.Contains(note, "did not load") || rows != 2 {
		t.Errorf("%d of %d charts show the failure (%q); funnel table rows %d", failed, charts, note, rows)
	}
	log.take(ctx) // the blocked library is expected to fail
}

// scrollThrough scrolls the page down to its end half a window at a time,
// as a reader would, waits until every chart is drawn (or says it cannot
// be), and scrolls back to the top.
const scrollThrough = `(async () => {
  const pause = ms => new Promise(r => setTimeout(r, ms));
  const blocks = document.querySelectorAll('script[data-chart]').length;
  const settled = () => document.querySelectorAll('.chart[data-rendered="true"] canvas, .chart.failed').length >= blocks;
  for (let y = 0; y <= document.documentElement.scrollHeight; y += innerHeight / 2) {
    scrollTo(0, y);
    await pause(40);
  }
  for (let i = 0; i < 200 && !settled(); i++) await pause(50);
  scrollTo(0, 0);
  return [blocks, document.querySelectorAll('.chart[data-rendered="true"] canvas').length];
})()`

// drawCharts scrolls through the current page and returns how many charts
// it has and how many are drawn.
func drawCharts(t *testing.T, ctx context.Context) (blocks, drawn int) {
	t.Helper()
	var n []int
	if err := chromedp.Run(ctx, chromedp.Evaluate(scrollThrough, &n, awaitPromise)); err != nil || len(n) != 2 {
		t.Fatalf("scrolling through the page: %v %v", n, err)
	}
	return n[0], n[1]
}

// A page opens without the charting library: it loads when the first
// chart nears the screen, and each chart is drawn when it does. On paper,
// a chart not drawn yet leaves no empty box.
func TestChartsDrawWhenNear(t *testing.T) {
	ctx, log := browser(t)
	srv, _ := buildSite(t, "../..")
	var loaded, drawn, printed, all int
	library := `performance.getEntriesByType('resource').filter(e => e.name.endsWith('/echarts.min.js')).length + (typeof echarts !== 'undefined')`
	rendered := `document.querySelectorAll('.chart[data-rendered="true"]').length`
	print := emulation.SetEmulatedMedia().WithMedia("print")
	err := chromedp.Run(ctx,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(srv.URL+"/index.html"),
		chromedp.WaitReady("footer", chromedp.ByQuery),
		chromedp.Sleep(500*time.Millisecond),
		chromedp.Evaluate(library, &loaded),
		chromedp.Evaluate(rendered, &drawn),
		print,
		chromedp.Evaluate(`Array.from(document.querySelectorAll('.chart-box')).filter(e => e.querySelector('.chart') && e.offsetHeight > 0).length`, &printed),
		emulation.SetEmulatedMedia().WithMedia(""),
		chromedp.Evaluate(`document.querySelectorAll('.chart').length`, &all),
	)
	if err != nil {
		t.Fatal(err)
	}
	if loaded != 0 || drawn != 0 {
		t.Errorf("on opening the overview on a phone: library loaded %d, charts drawn %d; want none until a chart nears the screen", loaded, drawn)
	}
	if printed != 0 || all < 8 {
		t.Errorf("printed before any chart is drawn: %d of %d chart boxes take room", printed, all)
	}
	var funnel, last bool
	err = chromedp.Run(ctx,
		chromedp.ScrollIntoView(`#chart_funnel`, chromedp.ByQuery),
		chromedp.WaitVisible(`#chart_funnel[data-rendered="true"] canvas`, chromedp.ByQuery),
		chromedp.Sleep(300*time.Millisecond),
		chromedp.Evaluate(library, &loaded),
		chromedp.Evaluate(`!!document.querySelector('#chart_funnel[data-rendered="true"]')`, &funnel),
		chromedp.Evaluate(`(c => c[c.length - 1].hasAttribute('data-rendered'))(document.querySelectorAll('.chart'))`, &last),
	)
	if err != nil {
		t.Fatal(err)
	}
	if loaded != 2 || !funnel || last {
		t.Errorf("scrolled to the funnel: library loaded %d (want the file once, and echarts defined), funnel drawn %v, last chart drawn %v (want false)", loaded, funnel, last)
	}
	if blocks, n := drawCharts(t, ctx); n != blocks {
		t.Errorf("scrolled to the end: %d of %d charts drawn", n, blocks)
	}
	for _, ev := range log.take(ctx) {
		t.Error(ev)
	}
}

// A link to a place in a page (a number's definition, from every tile)
// shows that place below the header that stays at the top of the screen,
// not under it, at every width; an address with a broken or hostile
// fragment changes nothing and breaks nothing.
func TestAnchorsClearTheHeader(t *testing.T) {
	ctx, log := browser(t)
	// A pipeline whose long name wraps the header over several lines on a
	// phone: the header's usual height would not do.
	dir := t.TempDir()
	name := strings.Repeat("Enterprise Renewals ", 6) + "EMEA"
	writeFile(t, filepath.Join(dir, "pipeline.yaml"), []byte("name: "+name+"\ncurrency: USD\nstages:\n  - {id: lead, probability: 0.1}\n  - {id: won, type: won}\n"))
	writeFile(t, filepath.Join(dir, "deals", "a.yaml"), []byte("title: A\nowner: ann\nvalue: 100\nhistory:\n  - {stage: lead, date: 2026-11-01}\n"))
	long, _ := buildSite(t, dir, "--as-of", "2026-11-27")
	demo, _ := buildSite(t, "../..")
	const gap = `(() => {
  const heading = document.getElementById('win_rate').parentElement.nextElementSibling;
  return Math.round(heading.getBoundingClientRect().top - document.querySelector('.top').getBoundingClientRect().bottom);
})()`
	for _, srv := range []*httptest.Server{demo, long} {
		for _, width := range []int64{1440, 390, 320} {
			var below int
			err := chromedp.Run(ctx,
				chromedp.EmulateViewport(width, 800),
				chromedp.Navigate(srv.URL+"/index.html"), // the link is followed from another page
				chromedp.Navigate(srv.URL+"/metrics.html#win_rate"),
				chromedp.WaitReady("footer", chromedp.ByQuery),
				chromedp.Sleep(300*time.Millisecond),
				chromedp.Evaluate(gap, &below),
			)
			if err != nil {
				t.Fatal(err)
			}
			if below < 0 || below > 60 {
				t.Errorf("%s at %d px: the definition's heading starts %d px below the header; want it in view just below", srv.URL, width, below)
			}
		}
	}
	for _, hash := range []string{"#%E0%A4%A", "#%3Cimg%20src=x%20onerror=alert(1)%3E", "#no-such-place"} {
		var y int
		err := chromedp.Run(ctx,
			chromedp.Navigate(demo.URL+"/index.html"+hash),
			chromedp.WaitReady("footer", chromedp.ByQuery),
			chromedp.Sleep(200*time.Millisecond),
			chromedp.Evaluate(`window.scrollY`, &y),
		)
		if err != nil {
			t.Fatal(err)
		}
		if y != 0 {
			t.Errorf("index.html%s: scrolled to %d", hash, y)
		}
	}
	for _, ev := range log.take(ctx) {
		t.Error(ev)
	}
}
