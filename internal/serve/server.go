// Package serve is pipegen's preview server: it builds the site into
// memory, serves it, watches the repository, rebuilds on every save — parsing
// only the files that changed — and tells open pages to reload. A broken
// file shows its diagnostics in every page until it is fixed; the server
// never stops because of the user's files.
package serve

import (
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"hash/fnv"
	"html/template"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/history"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/project"
	"github.com/pipegen/pipegen/internal/site"
	"github.com/pipegen/pipegen/templates"
)

// Options configure a server.
type Options struct {
	Dir string
	// Loader reads the repository, with its limits.
	Loader load.Loader
	// AsOf pins the dashboard date; zero means as_of in pipeline.yaml, else
	// today (read again at every rebuild).
	AsOf model.Date
	// Site options: the local charting library, edit links.
	Site site.Options
	// Log receives one line per rebuild, and the diagnostics of a broken
	// repository once per rebuild.
	Log   io.Writer
	Color bool
	// Sources reads repository files for the excerpts of diagnostics.
	Sources diag.Sources
}

// Server is a running preview.
type Server struct {
	opt    Options
	cache  *repoCache
	state  atomic.Pointer[state]
	hub    *hub
	id     string // differs between runs, so pages reload after a restart
	builds atomic.Int64
	mu     sync.Mutex // serialises rebuilds
	// history is the git history, kept between rebuilds.
	history *historyCache
}

// state is one build: what every request in between two rebuilds sees.
type state struct {
	id     string // the build id that pages carry
	site   *site.Site
	errors []diag.Diagnostic // the latest build's errors; site is then the last good one
	report string            // errors as check prints them
	pages  sync.Map          // path → *page, rendered on first request
}

type page struct {
	once sync.Once
	body []byte
	ok   bool
	err  error
}

// New prepares a server for the repository in opt.Dir.
func New(opt Options) *Server {
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	if opt.Sources == nil {
		opt.Sources = diag.DirSources(opt.Dir, opt.Loader.Limit())
	}
	return &Server{opt: opt, cache: newRepoCache(opt.Dir, opt.Loader), hub: newHub(), id: strconv.FormatInt(time.Now().UnixNano(), 36),
		history: &historyCache{cache: &history.Cache{}}}
}

// Rebuild brings the site up to date with the files: paths are the ones
// that changed (slash paths relative to the repository), full lists
// everything again. Pages are told to reload.
func (s *Server) Rebuild(paths []string, full bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	start := time.Now()
	repo, loadDiags, parsed := s.cache.refresh(paths, full)
	proj := project.Check(repo, loadDiags, project.Options{AsOf: s.opt.AsOf, Loader: s.opt.Loader})
	n := s.builds.Add(1)
	st := &state{id: s.id + "-" + strconv.FormatInt(n, 10)}
	errs := proj.Errors()
	if len(errs) > 0 {
		if prev := s.state.Load(); prev != nil {
			st.site = prev.site
		}
		st.errors = errs
		var b bytes.Buffer
		diag.WriteText(&b, errs, s.opt.Sources, diag.TextOptions{Context: 2})
		b.WriteString(diag.Summary(errs, len(repo.Deals)) + "\n")
		st.report = b.String()
		if s.opt.Color {
			var c bytes.Buffer
			diag.WriteText(&c, errs, s.opt.Sources, diag.TextOptions{Color: true})
			c.WriteString(diag.Summary(errs, len(repo.Deals)) + "\n")
			s.opt.Log.Write(c.Bytes())
		} else {
			io.WriteString(s.opt.Log, st.report)
		}
	} else {
		opt := metrics.Options{AsOf: proj.AsOf}
		h := s.history.read(s.opt, proj, opt)
		opt.Past = project.Past(h)
		in := site.Prepare(repo, opt)
		in.History = h
		st.site = site.New(in, s.opt.Site)
		fmt.Fprintf(s.opt.Log, "pipegen: rebuilt in %s (%s read, %s)\n",
			format.Duration(time.Since(start)), format.Count(parsed, "file", "files"), format.Count(len(repo.Deals), "deal", "deals"))
	}
	s.state.Store(st)
	s.hub.publish(st.id)
}

// Run serves on ln until ctx ends, watching the repository and rebuilding
// on every change. The first build happens before Run serves anything; a
// broken repository is served as an error page, never a reason to stop.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if s.state.Load() == nil {
		s.Rebuild(nil, true)
	}
	w, err := newWatcher(s.opt.Dir)
	if err != nil {
		return fmt.Errorf("watch %s: %w", s.opt.Dir, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	changes := make(chan change)
	go w.run(ctx, changes)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case c := <-changes:
				s.Rebuild(c.paths, c.full)
			}
		}
	}()
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	srv.RegisterOnShutdown(s.hub.close)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdown, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

//go:embed reload.js
var reloadJS []byte

// ServeHTTP serves the current build.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !allowedHost(r.Host) {
		http.Error(w, "pipegen serve answers only requests for localhost or an IP address", http.StatusForbidden)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/_pipegen/events":
		s.events(w, r)
		return
	case "/_pipegen/reload.js":
		s.send(w, r, "reload.js", reloadJS)
		return
	}
	p := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if p == "" || strings.HasSuffix(r.URL.Path, "/") {
		p = path.Join(p, "index.html")
	}
	st := s.state.Load()
	if b, ok := site.Asset(p); ok {
		s.send(w, r, p, b)
		return
	}
	isPage := strings.HasSuffix(p, ".html")
	if len(st.errors) > 0 && isPage || st.site == nil {
		s.sendPage(w, r, http.StatusInternalServerError, s.inject(errorPage(st), st.id))
		return
	}
	pg := st.page(p)
	switch {
	case pg.err != nil:
		http.Error(w, pg.err.Error(), http.StatusInternalServerError)
	case !pg.ok:
		s.sendPage(w, r, http.StatusNotFound, s.inject(notFoundPage(p), st.id))
	case isPage:
		s.send(w, r, p, s.inject(pg.body, st.id))
	default:
		s.send(w, r, p, pg.body)
	}
}

// allowedHost reports whether a request's Host names the preview itself:
// localhost or an IP address. A page on another site that points its own
// host name at 127.0.0.1 (DNS rebinding) could otherwise read the preview,
// deals.csv included; an IP address cannot be rebound.
func allowedHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	_, err := netip.ParseAddr(host)
	return err == nil
}

// page renders a file of this build once, however many requests ask.
func (st *state) page(p string) *page {
	if !st.site.Has(p) {
		return &page{} // not kept: a request for any path must not grow memory
	}
	v, _ := st.pages.LoadOrStore(p, &page{})
	pg := v.(*page)
	pg.once.Do(func() { pg.body, pg.ok, pg.err = st.site.File(p) })
	return pg
}

// inject adds the reload script, with the build the page belongs to.
func (s *Server) inject(html []byte, build string) []byte {
	tag := []byte(`<script src="/_pipegen/reload.js" data-build="` + build + `" defer></script>` + "\n</head>")
	return bytes.Replace(html, []byte("</head>"), tag, 1)
}

// send serves a file of the site, which the browser must revalidate: with
// an ETag, a page that did not change costs a 304.
func (s *Server) send(w http.ResponseWriter, r *http.Request, name string, body []byte) {
	s.headers(w, name)
	h := fnv.New64a()
	h.Write(body)
	etag := strconv.FormatUint(h.Sum64(), 36)
	w.Header().Add("Vary", "Accept-Encoding")
	if len(body) >= minGzip && compressible(name) && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		// A phone on a slow network gets a fifth of the bytes; the
		// compressed copy is a representation of its own, with its own tag.
		body, etag = gzipped(body), etag+"-gz"
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
}

// minGzip is the smallest response worth compressing.
const minGzip = 1024

// compressible reports whether a file of this name is text that gzip
// shrinks (not an image or an archive).
func compressible(name string) bool {
	switch path.Ext(name) {
	case ".html", ".css", ".js", ".json", ".csv", ".svg", ".txt":
		return true
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip (and
// does not refuse it with q=0).
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// gzipped compresses a response, fast rather than small: a page is drawn
// and sent once per save.
func gzipped(body []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	zw.Write(body)
	zw.Close()
	return b.Bytes()
}

// sendPage answers with a page of the preview itself (an error, a missing
// file) and its status code.
func (s *Server) sendPage(w http.ResponseWriter, r *http.Request, code int, body []byte) {
	s.headers(w, "page.html")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// headers sets the headers of every response: the type from the name's
// extension, no caching without revalidation, and the site's policy.
func (s *Server) headers(w http.ResponseWriter, name string) {
	ctype := mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".html":
		ctype = "text/html; charset=utf-8"
	case ".js":
		ctype = "text/javascript; charset=utf-8"
	case ".csv":
		ctype = "text/csv; charset=utf-8"
	case ".json":
		ctype = "application/json"
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	hd := w.Header()
	hd.Set("Content-Type", ctype)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", site.CSP+"; frame-ancestors 'none'")
	hd.Set("Referrer-Policy", "no-referrer")
}

// previewPages are the pages of the preview itself: the error page of a
// broken repository and the page of a path the site does not have.
var previewPages = template.Must(template.ParseFS(templates.FS, "preview.html"))

func errorPage(st *state) []byte {
	var b bytes.Buffer
	count := "The first build has not finished"
	if len(st.errors) > 0 {
		count = format.Count(len(st.errors), "error", "errors")
	}
	previewPages.ExecuteTemplate(&b, "error", struct{ Count, Report string }{count, st.report})
	return b.Bytes()
}

func notFoundPage(p string) []byte {
	var b bytes.Buffer
	previewPages.ExecuteTemplate(&b, "notfound", p)
	return b.Bytes()
}

// events streams build ids to a page: "hello" with the current build on
// connect, "reload" after each rebuild. The page reloads when the id is not
// the one it was built from.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	ch, done := s.hub.subscribe()
	defer s.hub.unsubscribe(ch)
	fmt.Fprintf(w, "retry: 1000\nevent: hello\ndata: %s\n\n", s.state.Load().id)
	if rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-done:
			return
		case id := <-ch:
			fmt.Fprintf(w, "event: reload\ndata: %s\n\n", id)
		case <-ping.C:
			io.WriteString(w, ": ping\n\n")
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// hub fans build ids out to the open event streams without ever blocking a
// rebuild: each stream holds only the newest id.
type hub struct {
	mu     sync.Mutex
	subs   map[chan string]bool
	done   chan struct{}
	closed bool
}

func newHub() *hub { return &hub{subs: map[chan string]bool{}, done: make(chan struct{})} }

func (h *hub) subscribe() (chan string, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := make(chan string, 1)
	h.subs[ch] = true
	return ch, h.done
}

func (h *hub) unsubscribe(ch chan string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, ch)
}

func (h *hub) publish(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case <-ch: // drop an id the stream has not sent yet
		default:
		}
		ch <- id
	}
}

// close ends every event stream, so that shutdown does not wait for them.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// Clients returns the number of open event streams.
func (s *Server) Clients() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.subs)
}
