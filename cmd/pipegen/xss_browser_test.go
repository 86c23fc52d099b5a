package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pipegen/pipegen/internal/gen"
)

// hostileRepo writes the repository of gen.Hostile into a folder.
func hostileRepo(t *testing.T) string {
	dir := t.TempDir()
	for name, content := range gen.Hostile() {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// In a real browser, no hostile string runs: no dialog opens, the alert
// hook is never called, and the charts still draw.
func TestHostileSiteInBrowser(t *testing.T) {
	ctx, log := browser(t)
	srv, out := buildSite(t, hostileRepo(t), "--as-of", "2026-11-27")
	hook := `window.__xss = 0; window.alert = window.confirm = window.prompt = function () { window.__xss++; };`
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(hook).Do(ctx)
		return err
	})); err != nil {
		t.Fatal(err)
	}
	var pages []string
	filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			rel, _ := filepath.Rel(out, p)
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	if len(pages) < 8 {
		t.Fatalf("only %d pages built", len(pages))
	}
	for _, p := range pages {
		var calls int
		var title string
		err := chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+"/"+escapePath(p)),
			chromedp.WaitReady("footer", chromedp.ByQuery),
			chromedp.Sleep(150*time.Millisecond),
			chromedp.Evaluate(`window.__xss`, &calls),
			chromedp.Title(&title),
		)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if calls != 0 {
			t.Errorf("%s: script from user data ran (%d alert calls)", p, calls)
		}
		for _, ev := range log.take(ctx) {
			t.Errorf("%s: %s", p, ev)
		}
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/index.html")); err != nil {
		t.Fatal(err)
	}
	if _, rendered := drawCharts(t, ctx); rendered == 0 {
		t.Errorf("charts did not draw with hostile names")
	}
	// The Content-Security-Policy refuses inline script, even one added to
	// the page by script.
	var inline bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(function () {
		var s = document.createElement('script');
		s.textContent = 'window.__inline = true';
		document.body.appendChild(s);
		return window.__inline === true;
	})()`, &inline)); err != nil {
		t.Fatal(err)
	}
	if inline {
		t.Errorf("an inline script ran: the page has no effective Content-Security-Policy")
	}
	log.take(ctx) // the refusal is reported in the console, as it should be

	// The hook does catch a script that runs.
	var calls int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`alert('control'); window.__xss`, &calls)); err != nil || calls != 1 {
		t.Errorf("the alert hook is not in place: %d calls, %v", calls, err)
	}
}

// escapePath escapes each segment of a site path for a URL.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = (&url.URL{Path: s}).EscapedPath()
	}
	return strings.Join(parts, "/")
}
