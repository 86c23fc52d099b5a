package serve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const testPipeline = `name: Preview
currency: USD
as_of: 2026-11-27
stages:
  - {id: lead, probability: 0.1}
  - {id: won, type: won}
`

func dealYAML(title string, value int) string {
	return fmt.Sprintf("title: %s\nowner: ann\nvalue: %d\nhistory:\n  - {stage: lead, date: 2026-11-01}\n", title, value)
}

// preview is a running server on a temporary repository.
type preview struct {
	t      *testing.T
	dir    string
	url    string
	srv    *Server
	events chan string // build ids from one event stream
	stop   func()
	done   chan error
}

func startPreview(t *testing.T, files map[string]string) *preview {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := New(Options{Dir: dir})
	ctx, cancel := context.WithCancel(context.Background())
	p := &preview{t: t, dir: dir, url: "http://" + ln.Addr().String(), srv: srv, events: make(chan string, 100), stop: cancel, done: make(chan error, 1)}
	go func() { p.done <- srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			t.Error("the server did not stop within 5s")
		}
	})
	p.listen()
	return p
}

// listen opens an event stream and forwards every build id it announces.
func (p *preview) listen() {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	var resp *http.Response
	for {
		var err error
		resp, err = http.Get(p.url + "/_pipegen/events")
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			p.t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		p.t.Fatalf("event stream content type %q", ct)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				p.events <- id
			}
		}
	}()
	p.waitEvent() // the hello
}

func (p *preview) waitEvent() string {
	p.t.Helper()
	select {
	case id := <-p.events:
		return id
	case <-time.After(5 * time.Second):
		p.t.Fatal("no reload event within 5s")
		return ""
	}
}

func (p *preview) get(path string) (int, string) {
	p.t.Helper()
	resp, err := http.Get(p.url + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// expect waits for a reload event, then checks that a page has a text.
func (p *preview) expect(path, text string, code int) {
	p.t.Helper()
	p.waitEvent()
	got, body := p.get(path)
	if got != code || !strings.Contains(body, text) {
		p.t.Fatalf("GET %s = %d, want %d with %q:\n%.2000s", path, got, code, text, body)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEditsReload(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	code, body := p.get("/deals/acme.html")
	if code != 200 || !strings.Contains(body, "$100") || !strings.Contains(body, `src="/_pipegen/reload.js"`) {
		t.Fatalf("first page: %d\n%.1000s", code, body)
	}
	acme := filepath.Join(p.dir, "deals", "acme.yaml")

	// A plain write.
	writeFile(t, acme, dealYAML("Acme", 200))
	p.expect("/deals/acme.html", "$200", 200)

	// An editor's atomic save: a temporary file renamed over the deal.
	tmp := filepath.Join(p.dir, "deals", ".acme.yaml.tmp123")
	writeFile(t, tmp, dealYAML("Acme", 300))
	if err := os.Rename(tmp, acme); err != nil {
		t.Fatal(err)
	}
	p.expect("/deals/acme.html", "$300", 200)

	// vim: the original renamed to a backup, the new file written, the
	// backup removed; a swap file comes and goes and is ignored.
	writeFile(t, filepath.Join(p.dir, "deals", ".acme.yaml.swp"), "swap")
	if err := os.Rename(acme, acme+"~"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, acme, dealYAML("Acme", 400))
	os.Remove(acme + "~")
	os.Remove(filepath.Join(p.dir, "deals", ".acme.yaml.swp"))
	p.expect("/deals/acme.html", "$400", 200)

	// A new file in a new folder.
	writeFile(t, filepath.Join(p.dir, "deals", "emea", "de", "bolt.yaml"), dealYAML("Bolt", 50))
	p.expect("/deals/emea/de/bolt.html", "Bolt", 200)
	// ... which is watched from then on.
	writeFile(t, filepath.Join(p.dir, "deals", "emea", "de", "bolt.yaml"), dealYAML("Bolt", 60))
	p.expect("/deals/emea/de/bolt.html", "$60", 200)

	// A deletion.
	os.Remove(filepath.Join(p.dir, "deals", "emea", "de", "bolt.yaml"))
	p.expect("/deals.html", "Acme", 200)
	if code, _ := p.get("/deals/emea/de/bolt.html"); code != 404 {
		t.Errorf("a deleted deal's page: %d, want 404", code)
	}

	// pipeline.yaml itself.
	writeFile(t, filepath.Join(p.dir, "pipeline.yaml"), strings.Replace(testPipeline, "name: Preview", "name: Renamed", 1))
	p.expect("/index.html", "Renamed", 200)
}

func TestBrokenFileShowsErrorsAndRecovers(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	acme := filepath.Join(p.dir, "deals", "acme.yaml")
	writeFile(t, acme, "title: Acme\nowner: [ann\nvalue: 1\n")
	p.expect("/index.html", "deals/acme.yaml:3:1: error: YAML does not parse", 500)
	// Every page shows the error, with the source lines and the hint;
	// assets are still served.
	_, body := p.get("/deals.html")
	for _, want := range []string{" 2 | owner: [ann", "hint: ", `src="/_pipegen/reload.js"`} {
		if !strings.Contains(body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if code, _ := p.get("/assets/style.css"); code != 200 {
		t.Errorf("assets are not served while broken: %d", code)
	}
	writeFile(t, acme, dealYAML("Acme", 700))
	p.expect("/deals/acme.html", "$700", 200)
}

// Unlike other preview servers, a repository that is broken from the
// start is served as an error page, and recovers.
func TestStartBroken(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": "name: [\n", "deals/acme.yaml": dealYAML("Acme", 100)})
	code, body := p.get("/")
	if code != 500 || !strings.Contains(body, "pipeline.yaml:") {
		t.Fatalf("broken start: %d\n%.500s", code, body)
	}
	writeFile(t, filepath.Join(p.dir, "pipeline.yaml"), testPipeline)
	p.expect("/", "Preview", 200)
}

// A git checkout touching many files at once is one rebuild.
func TestBurstIsOneRebuild(t *testing.T) {
	files := map[string]string{"pipeline.yaml": testPipeline}
	for i := range 200 {
		files[fmt.Sprintf("deals/d%03d.yaml", i)] = dealYAML(fmt.Sprintf("D%d", i), 1)
	}
	p := startPreview(t, files)
	before := p.srv.builds.Load()
	for i := range 200 {
		writeFile(t, filepath.Join(p.dir, fmt.Sprintf("deals/d%03d.yaml", i)), dealYAML(fmt.Sprintf("D%d", i), 2))
	}
	p.expect("/deals/d199.html", "$2", 200)
	time.Sleep(2 * quiet)
	if n := p.srv.builds.Load() - before; n > 2 {
		t.Errorf("200 writes caused %d rebuilds", n)
	}
	_, body := p.get("/deals/d000.html")
	if !strings.Contains(body, "$2") {
		t.Errorf("a file of the burst was missed")
	}
}

func TestServing(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	for path, ctype := range map[string]string{
		"/": "text/html; charset=utf-8", "/assets/style.css": "text/css; charset=utf-8", "/assets/app.js": "text/javascript; charset=utf-8",
		"/metrics.json": "application/json", "/deals.csv": "text/csv; charset=utf-8", "/assets/favicon.svg": "image/svg+xml",
	} {
		resp, err := http.Get(p.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ctype || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("GET %s: %d %q %q", path, resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
		}
		// Revalidation with the ETag is cheap.
		req, _ := http.NewRequest("GET", p.url+path, nil)
		req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
		resp2, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp2.Body.Close()
		if resp2.StatusCode != http.StatusNotModified {
			t.Errorf("GET %s with its ETag: %d, want 304", path, resp2.StatusCode)
		}
	}
	// Paths cannot leave the site.
	for _, path := range []string{"/../pipeline.yaml", "/%2e%2e/pipeline.yaml", "/deals/../../pipeline.yaml", "/deals/acme.yaml", "/..%2fpipeline.yaml"} {
		if code, body := p.get(path); code != 404 || strings.Contains(body, "currency") {
			t.Errorf("GET %s = %d", path, code)
		}
	}
	resp, err := http.Post(p.url+"/", "text/plain", nil)
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("POST: %d", resp.StatusCode)
		}
	}
}

// Requests during rebuilds always get a whole page of one build. Run with
// -race.
func TestConcurrentRequestsDuringRebuilds(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	var requests atomic.Int64
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	var failures sync.Map
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{"/", "/deals/acme.html", "/deals.html", "/metrics.json", "/stages.html"}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := paths[(w+i)%len(paths)]
				resp, err := client.Get(p.url + path)
				if err != nil {
					failures.Store(path, err.Error())
					continue
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				requests.Add(1)
				whole := strings.HasSuffix(path, ".json") && strings.HasSuffix(string(b), "}\n") || strings.Contains(string(b), "</html>")
				if resp.StatusCode != 200 || !whole {
					failures.Store(path, fmt.Sprintf("%d, %d bytes", resp.StatusCode, len(b)))
				}
			}
		}()
	}
	for i := 0; i < 30 || requests.Load() < 3000; i++ {
		p.srv.Rebuild([]string{"deals/acme.yaml"}, i%5 == 0)
		// Saved as editors do, in one step, so that no rebuild reads a
		// half-written file (which would rightly show an error page).
		tmp := filepath.Join(p.dir, "deals", ".acme.yaml.tmp")
		writeFile(t, tmp, dealYAML("Acme", 100+i))
		if err := os.Rename(tmp, filepath.Join(p.dir, "deals", "acme.yaml")); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	failures.Range(func(k, v any) bool {
		t.Errorf("GET %v: %v", k, v)
		return true
	})
	// Memory stays flat: old builds are let go.
	if after := heap(); after > before*2+8<<20 {
		t.Errorf("heap grew from %d to %d bytes over %d requests", before, after, requests.Load())
	}
	// The preview never writes into the repository.
	entries, _ := os.ReadDir(filepath.Join(p.dir, "deals"))
	root, _ := os.ReadDir(p.dir)
	if len(entries) != 1 || len(root) != 2 {
		t.Errorf("the server wrote into the repository: %d files in deals/, %d at the top", len(entries), len(root))
	}
}

// Ctrl-C stops the server at once, even with event streams open, and no
// goroutine is left behind.
func TestShutdownWithOpenStreams(t *testing.T) {
	before := runtime.NumGoroutine()
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	for range 5 {
		p.listen()
	}
	if n := p.srv.Clients(); n != 6 {
		t.Errorf("%d event streams open, want 6", n)
	}
	start := time.Now()
	p.stop()
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		p.done <- nil // for the cleanup
	case <-time.After(3 * time.Second):
		t.Fatal("the server did not stop within 3s")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("shutdown took %s", d)
	}
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before+2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before+2 {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines left (%d before):\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// What the preview shows always agrees with check: files that check
// reports but does not read as deals (a .yml file, a linked folder) turn
// the preview into its error page too, and it recovers when they go.
func TestAgreesWithCheck(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	yml := filepath.Join(p.dir, "deals", "bolt.yml")
	writeFile(t, yml, dealYAML("Bolt", 1))
	p.expect("/index.html", "deals/bolt.yml: error: deals/bolt.yml is not read: deal files end in .yaml", 500)
	if err := os.Rename(yml, filepath.Join(p.dir, "deals", "bolt.yaml")); err != nil {
		t.Fatal(err)
	}
	p.expect("/deals/bolt.html", "Bolt", 200)

	// A deal whose name looks like an editor's temporary file is still a
	// deal to check, so to the preview too.
	writeFile(t, filepath.Join(p.dir, "deals", "#odd.yaml"), dealYAML("Odd", 1))
	p.expect("/deals.html", "Odd", 200)

	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "x.yaml"), dealYAML("Outside", 1))
	if err := os.Symlink(outside, filepath.Join(p.dir, "deals", "linked")); err != nil {
		t.Fatal(err)
	}
	p.expect("/index.html", "deals/linked is a symbolic link, which pipegen does not follow", 500)
	if err := os.Remove(filepath.Join(p.dir, "deals", "linked")); err != nil {
		t.Fatal(err)
	}
	p.expect("/deals/acme.html", "Acme", 200)
}

// The preview answers only requests for localhost or an IP address, so
// that a web page whose host name resolves to 127.0.0.1 (DNS rebinding)
// cannot read it.
func TestHostHeader(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(p.url, "http://"))
	for host, want := range map[string]int{
		"127.0.0.1:" + port: 200, "localhost:" + port: 200, "LOCALHOST.:" + port: 200, "app.localhost:" + port: 200,
		"[::1]:" + port: 200, "192.168.1.20:" + port: 200, "127.0.0.1": 200,
		"attacker.example:" + port: 403, "attacker.example": 403, "localhost.attacker.example": 403,
	} {
		req, err := http.NewRequest("GET", p.url+"/deals.csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %q: %d, want %d", host, resp.StatusCode, want)
		}
		if want == 403 && strings.Contains(string(body), "Acme") {
			t.Errorf("Host %q: the response holds deal data", host)
		}
	}
}

// Requests for paths the site does not have are answered without being
// remembered: 100,000 distinct missing URLs used to take the preview from
// 14 MB to 1 GB.
func TestMissingPathsAreNotKept(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	for i := range 2000 {
		if code, _ := p.get(fmt.Sprintf("/deals/missing-%d.html", i)); code != 404 {
			t.Fatalf("missing page: %d, want 404", code)
		}
	}
	if code, _ := p.get("/deals/acme.html"); code != 200 {
		t.Fatalf("a deal page: %d", code)
	}
	kept := 0
	p.srv.state.Load().pages.Range(func(any, any) bool { kept++; return true })
	if kept != 1 {
		t.Errorf("%d pages kept after 2,000 missing paths and one deal page, want 1", kept)
	}
}

func TestReferrerPolicy(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 100)})
	resp, err := http.Get(p.url + "/deals/acme.html")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy = %q, want no-referrer", got)
	}
}

// Text responses are sent compressed to a browser that accepts gzip, with
// their own tag and Vary: Accept-Encoding; a client that does not, or that
// refuses gzip with q=0, gets them as they are.
func TestCompressedResponses(t *testing.T) {
	p := startPreview(t, map[string]string{"pipeline.yaml": testPipeline, "deals/acme.yaml": dealYAML("Acme", 1000)})
	get := func(path, accept string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", p.url+path, nil)
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept)
		}
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	for _, path := range []string{"/index.html", "/assets/echarts.min.js", "/metrics.json"} {
		plainResp, plain := get(path, "")
		gzResp, gz := get(path, "br, gzip;q=0.8")
		if plainResp.Header.Get("Content-Encoding") != "" || !strings.Contains(plainResp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s without gzip: encoding %q, vary %q", path, plainResp.Header.Get("Content-Encoding"), plainResp.Header.Get("Vary"))
		}
		if gzResp.Header.Get("Content-Encoding") != "gzip" || gzResp.Header.Get("ETag") == plainResp.Header.Get("ETag") {
			t.Fatalf("%s with gzip: encoding %q, tags %q and %q", path, gzResp.Header.Get("Content-Encoding"), gzResp.Header.Get("ETag"), plainResp.Header.Get("ETag"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		unzipped, _ := io.ReadAll(zr)
		if path != "/index.html" && !bytes.Equal(unzipped, plain) || len(gz) >= len(plain) {
			t.Errorf("%s: %d bytes compressed to %d, and they unzip to %d bytes", path, len(plain), len(gz), len(unzipped))
		}
		if path == "/index.html" && !bytes.Contains(unzipped, []byte("Pipeline overview")) {
			t.Errorf("index.html compressed is not the page")
		}
	}
	if resp, _ := get("/index.html", "gzip;q=0"); resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got a compressed page")
	}
}

// The rebuild line counts in words that fit the number and gives a fast
// rebuild its milliseconds: it used to say "rebuilt in 0s (…, 1 deals)".
func TestRebuildLog(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "pipeline.yaml"), testPipeline)
	writeFile(t, filepath.Join(dir, "deals", "a.yaml"), dealYAML("A", 1))
	var log bytes.Buffer
	New(Options{Dir: dir, Log: &log}).Rebuild(nil, true)
	if !regexp.MustCompile(`^pipegen: rebuilt in [0-9.]+ m?s \(2 files read, 1 deal\)\n$`).MatchString(log.String()) {
		t.Errorf("log = %q", log.String())
	}
}
