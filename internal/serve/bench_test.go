package serve

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/gen"
)

// BenchmarkSaveToReload measures the time from saving a deal file to the
// reload event reaching an open page, on generated pipelines.
//
//	go test -run '^$' -bench SaveToReload -benchtime 50x ./internal/serve
func BenchmarkSaveToReload(b *testing.B) { benchSave(b, "") }

// BenchmarkSaveToPage adds fetching the reloaded overview page: what a
// person waits for between saving and seeing the new numbers.
func BenchmarkSaveToPage(b *testing.B) { benchSave(b, "/index.html") }

func benchSave(b *testing.B, page string) {
	for _, n := range gen.BenchSizes(1000, 10000) {
		b.Run(fmt.Sprintf("deals=%d", n), func(b *testing.B) {
			dir := gen.BenchRepo(b, n, 18)
			var deal string
			filepath.WalkDir(filepath.Join(dir, "deals"), func(p string, e os.DirEntry, err error) error {
				if deal == "" && err == nil && !e.IsDir() {
					deal = p
				}
				return nil
			})
			src, err := os.ReadFile(deal)
			if err != nil {
				b.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := New(Options{Dir: dir, AsOf: gen.BenchEnd})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- srv.Run(ctx, ln) }()
			defer func() { cancel(); <-done }()
			resp, err := http.Get("http://" + ln.Addr().String() + "/_pipegen/events")
			if err != nil {
				b.Fatal(err)
			}
			defer resp.Body.Close()
			events := bufio.NewScanner(resp.Body)
			next := func() {
				for events.Scan() {
					if strings.HasPrefix(events.Text(), "data: ") {
						return
					}
				}
				b.Fatal("event stream ended")
			}
			next() // hello
			value := regexp.MustCompile(`(?m)^value: .*$`)
			b.ResetTimer()
			for i := range b.N {
				edited := value.ReplaceAll(src, []byte(fmt.Sprintf("value: %d", 1000+i)))
				if err := os.WriteFile(deal, edited, 0o644); err != nil {
					b.Fatal(err)
				}
				next()
				if page != "" {
					r, err := http.Get("http://" + ln.Addr().String() + page)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, r.Body)
					r.Body.Close()
					if r.StatusCode != 200 {
						b.Fatalf("GET %s: %d", page, r.StatusCode)
					}
				}
			}
		})
	}
}

// BenchmarkRebuild measures one incremental rebuild after one deal changed,
// without the watcher's debounce.
func BenchmarkRebuild(b *testing.B) {
	dir := gen.BenchRepo(b, 10000, 18)
	srv := New(Options{Dir: dir, AsOf: gen.BenchEnd})
	srv.Rebuild(nil, true)
	var deal string
	filepath.WalkDir(filepath.Join(dir, "deals"), func(p string, e os.DirEntry, err error) error {
		if deal == "" && err == nil && !e.IsDir() {
			deal = p
		}
		return nil
	})
	rel, _ := filepath.Rel(dir, deal)
	b.ResetTimer()
	for range b.N {
		srv.Rebuild([]string{filepath.ToSlash(rel)}, false)
	}
}
