package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pipegen/pipegen/internal/serve"
)

// In Chromium: open the preview, edit a deal on disk, and watch the page
// reload by itself with the new number; break the file and see the error;
// fix it and see the page come back.
func TestServeReloadsBrowser(t *testing.T) {
	ctx, log := browser(t)
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("pipeline.yaml", "name: Live\ncurrency: USD\nas_of: 2026-11-27\nstages:\n  - {id: lead, probability: 0.1}\n  - {id: won, type: won}\n")
	deal := "title: Acme\nowner: ann\nvalue: %s\nhistory:\n  - {stage: lead, date: 2026-11-01}\n"
	write("deals/acme.yaml", strings.Replace(deal, "%s", "1234", 1))

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := serve.New(serve.Options{Dir: dir})
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(sctx, ln) }()
	defer func() { stop(); <-done }()
	url := "http://" + ln.Addr().String() + "/deals/acme.html"

	var text string
	waitText := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if err := chromedp.Run(ctx, chromedp.Text("body", &text, chromedp.ByQuery)); err == nil && strings.Contains(text, want) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the page never showed %q; it shows:\n%.600s", want, text)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(url), chromedp.WaitReady("footer", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	waitText("$1,234")
	for srv.Clients() == 0 {
		time.Sleep(20 * time.Millisecond) // the page's event stream is open
	}

	write("deals/acme.yaml", strings.Replace(deal, "%s", "5678", 1))
	waitText("$5,678")

	write("deals/acme.yaml", "title: Acme\nowner: [ann\n")
	waitText("deals/acme.yaml:2:8: error")

	write("deals/acme.yaml", strings.Replace(deal, "%s", "9999", 1))
	waitText("$9,999")
	for _, ev := range log.take(ctx) {
		if !strings.Contains(ev, "500 ") { // the error page itself is a 500
			t.Error(ev)
		}
	}
}
