// Package site renders the dashboard: static HTML pages, their style sheet
// and script, the chart options, metrics.json and deals.csv. It formats and
// lays out numbers the metrics package computed; it computes none itself.
package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/pipegen/pipegen/internal/history"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/parallel"
	"github.com/pipegen/pipegen/templates"
)

// Input is what the site shows: the repository, its report as of a day, the
// details behind it, and the report of each owner.
type Input struct {
	Repo    *model.Repo
	Report  *metrics.Report
	Details *metrics.Details
	// Owner and Team return one owner's or one team's report; they may
	// compute it on first use.
	Owner, Team func(id string) *metrics.Report
	// History is what git says of the deals; nil when it was not read. It
	// gives deal pages their changes and the review page its note on what
	// is missing.
	History *history.History
}

// Prepare has the metrics package compute everything the site shows of a
// checked repository. The report and the details are computed at once, in
// parallel; an owner's report when its page is first drawn.
func Prepare(repo *model.Repo, opt metrics.Options) Input {
	in := Input{Repo: repo}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		in.Details = metrics.ComputeDetails(repo, opt)
	}()
	in.Report = metrics.Compute(repo, opt)
	wg.Wait()
	var owners, teams []string
	for _, o := range in.Report.Owners {
		owners = append(owners, o.ID)
	}
	for _, t := range in.Report.Teams {
		teams = append(teams, t.ID)
	}
	in.Owner = lazily(owners, func(id string) *metrics.Report { return metrics.ForOwner(repo, opt, id) })
	in.Team = lazily(teams, func(id string) *metrics.Report { return metrics.ForTeam(repo, opt, id) })
	return in
}

// lazily returns a function that computes the report of each of ids once,
// on first use, and nil for any other id.
func lazily(ids []string, compute func(id string) *metrics.Report) func(string) *metrics.Report {
	type lazy struct {
		once sync.Once
		r    *metrics.Report
	}
	m := make(map[string]*lazy, len(ids))
	for _, id := range ids {
		m[id] = &lazy{}
	}
	return func(id string) *metrics.Report {
		l := m[id]
		if l == nil {
			return nil
		}
		l.once.Do(func() { l.r = compute(id) })
		return l.r
	}
}

// Options tune the output.
type Options struct {
	// BaseURL is the site's public address, for canonical links; links
	// between pages are relative, so the site works from any sub-path and
	// from file://.
	BaseURL string
	// EditBase, when set, is the address to which a deal's file path is
	// appended for its "Edit this file" link.
	EditBase string
	// CommitBase, when set, is the address to which a commit's hash is
	// appended for a link to it (https://github.com/acme/sales/commit/).
	CommitBase string
}

// Files is a rendered site: file paths (slash-separated, relative to the
// site's root) and their contents.
type Files map[string][]byte

// Paths returns the site's file paths, sorted.
func (f Files) Paths() []string {
	paths := make([]string, 0, len(f))
	for p := range f {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

var pages = map[string]*template.Template{}

func init() {
	funcs := template.FuncMap{
		// def is the address of a metric's definition from a page whose
		// way back to the root is root.
		"def":    func(root, key string) string { return root + DefinitionsPage + "#" + key },
		"nowrap": nowrap,
		// closing is the data of the review page's "closing" template.
		"closing": func(id, title string, rows []dateRow) closingList { return closingList{id, title, rows} },
		// groupTable is the data of the "groups" template.
		"groupTable": func(root, label string, rows []groupRow, team bool) groupTable {
			return groupTable{Root: root, Label: label, Rows: rows, Team: team}
		},
	}
	for _, name := range []string{"index", "deals", "deal", "owners", "owner", "stages", "review", "doc", "fields"} {
		pages[name] = template.Must(template.New("layout").Funcs(funcs).ParseFS(templates.FS, "layout.html", name+".html"))
	}
}

// page is what the layout of every page needs.
type page struct {
	Title     string
	Root      string // "", "../", …: the way back to the site's root
	Nav       string
	Canonical string
	Pipeline  *model.Pipeline
	R         *metrics.Report
	Review    string
	// Footer says which windows the numbers cover; the same on every page.
	Footer template.HTML
	// Header is the page's header and links, drawn from the "header"
	// template once per folder depth and section.
	Header template.HTML
	Charts bool
	// CSP is the page's Content-Security-Policy: scripts only from the site
	// (and the pinned CDN when the library is not local), no inline script.
	CSP  string
	Data any
}

// CSP is the Content-Security-Policy of the site's pages. Chart data is
// JSON in script elements the browser never runs; the only scripts are the
// site's own files, the charting library among them (embedded in pipegen,
// so no page loads anything from another address). Images may come from
// the site and, for notes, from https addresses.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'"

// renderer draws the pages of one input. It only reads what it was made
// with, so one renderer serves every page, on every core at once.
type renderer struct {
	in    Input
	opt   Options
	p     *model.Pipeline
	r     *metrics.Report
	cur   string
	owner map[string]model.Owner
	teams map[string]string // team → its page
	// footer is the windows of the report, written once for every page.
	footer template.HTML
	// headers holds the page header drawn for each folder depth and
	// section (template.HTML by "root\x00nav").
	headers sync.Map
}

// header returns the header of a page: the same for every page of its
// folder depth and section, so it is drawn once for each.
func (rd *renderer) header(pg page) (template.HTML, error) {
	key := pg.Root + "\x00" + pg.Nav
	if h, ok := rd.headers.Load(key); ok {
		return h.(template.HTML), nil
	}
	var b bytes.Buffer
	if err := pages["index"].ExecuteTemplate(&b, "header", pg); err != nil {
		return "", err
	}
	h, _ := rd.headers.LoadOrStore(key, template.HTML(b.String()))
	return h.(template.HTML), nil
}

// teamPath is the site path of a team's page.
func (rd *renderer) teamPath(team string) string { return rd.teams[team] }

// Render renders the whole site in memory.
func Render(in Input, opt Options) (Files, error) {
	s := New(in, opt)
	paths := s.Paths()
	files := make(Files, len(paths))
	var mu sync.Mutex
	err := s.each(paths, func(p string, b []byte) error {
		mu.Lock()
		defer mu.Unlock()
		files[p] = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return files, nil
}

// each renders the files at paths on every core and hands each to use,
// stopping at the first error.
func (s *Site) each(paths []string, use func(p string, b []byte) error) error {
	return parallel.Each(len(paths), func(k int) error {
		b, ok, err := s.File(paths[k])
		if err == nil && !ok {
			err = fmt.Errorf("render %s: no such file", paths[k])
		}
		if err != nil {
			return err
		}
		return use(paths[k], b)
	})
}

func newRenderer(in Input, opt Options) *renderer {
	rd := &renderer{in: in, opt: opt, p: in.Repo.Pipeline, r: in.Report, cur: in.Report.Currency, owner: map[string]model.Owner{}}
	for _, o := range rd.p.Owners {
		rd.owner[o.ID] = o
	}
	var teams []string
	for _, t := range in.Report.Teams {
		teams = append(teams, t.ID)
	}
	rd.teams = teamPaths(teams)
	r := in.Report
	rd.footer = nowrap(fmt.Sprintf("(%s) · this review %s – %s (%s) · rates over %s – %s · funnel: deals created %s – %s · previous values as of %s",
		r.Timezone, r.Window.From, r.Window.To, rd.p.Review, r.RateWindow.From, r.RateWindow.To, r.FunnelWindow.From, r.FunnelWindow.To, r.PreviousWindow.To))
	return rd
}

// Site renders the pages of one input on demand, for the dev server: a
// rebuild recomputes the numbers, and only the pages people open are drawn.
type Site struct {
	in     Input
	opt    Options
	rd     *renderer
	deals  map[string]int // page path → index in in.Details.Deals
	owners map[string]int // page path → index in in.Report.Owners
	teams  map[string]int // page path → index in in.Report.Teams
}

// New returns the site of an input.
func New(in Input, opt Options) *Site {
	s := &Site{in: in, opt: opt, rd: newRenderer(in, opt), deals: make(map[string]int, len(in.Details.Deals)), owners: map[string]int{}}
	for i, d := range in.Details.Deals {
		s.deals[dealPath(d.ID)] = i
	}
	for i, o := range in.Report.Owners {
		s.owners[ownerPath(o.ID)] = i
	}
	s.teams = make(map[string]int, len(in.Report.Teams))
	for i, t := range in.Report.Teams {
		s.teams[s.rd.teamPath(t.ID)] = i
	}
	return s
}

// DealsPerPage is how many deals one page of the deals table lists: a big
// pipeline's table is split into pages that a browser opens at once.
const DealsPerPage = 1000

// dealPages is the number of pages of the deals table.
func (s *Site) dealPages() int {
	return max(1, (len(s.in.Details.Deals)+DealsPerPage-1)/DealsPerPage)
}

// dealsPagePath is the file of page n of the deals table: deals.html, then
// deals-2.html and on. (Deal pages live under deals/, so no deal id can
// take these names.)
func dealsPagePath(n int) string {
	if n == 1 {
		return "deals.html"
	}
	return "deals-" + strconv.Itoa(n) + ".html"
}

// dealsPage returns the page number of a deals table file, or 0.
func dealsPage(p string) int {
	if p == "deals.html" {
		return 1
	}
	num, ok := strings.CutPrefix(p, "deals-")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(num, ".html"))
	if err != nil || n < 2 || dealsPagePath(n) != p {
		return 0
	}
	return n
}

// Paths lists every file of the site, sorted.
func (s *Site) Paths() []string {
	paths := []string{"index.html", "owners.html", "stages.html", "review.html", DefinitionsPage, "metrics.json", "deals.csv"}
	for n := 1; n <= s.dealPages(); n++ {
		paths = append(paths, dealsPagePath(n))
	}
	if len(s.in.Report.Fields) > 0 {
		paths = append(paths, FieldsPage)
	}
	for _, a := range assetNames {
		paths = append(paths, "assets/"+a)
	}
	for _, d := range s.in.Details.Deals {
		paths = append(paths, dealPath(d.ID))
	}
	for _, o := range s.in.Report.Owners {
		paths = append(paths, ownerPath(o.ID))
	}
	for _, t := range s.in.Report.Teams {
		paths = append(paths, s.rd.teamPath(t.ID))
	}
	sort.Strings(paths)
	return paths
}

// File renders one file of the site; ok is false when the site has no
// such file.
func (s *Site) File(p string) (content []byte, ok bool, err error) {
	step := s.step(p)
	if step == nil {
		return nil, false, nil
	}
	if content, err = step(); err != nil {
		return nil, false, err
	}
	return content, true, nil
}

// Has reports whether the site has a file at p, without drawing it.
func (s *Site) Has(p string) bool { return s.step(p) != nil }

// step returns what draws the file at p, or nil when the site has no such
// file.
func (s *Site) step(p string) func() ([]byte, error) {
	rd := s.rd
	switch {
	case p == "index.html":
		return rd.index
	case dealsPage(p) > 0 && dealsPage(p) <= s.dealPages():
		return func() ([]byte, error) { return rd.dealsIndex(dealsPage(p), s.dealPages()) }
	case strings.HasPrefix(p, "deals/") && strings.HasSuffix(p, ".html"):
		if i, ok := s.deals[p]; ok {
			return func() ([]byte, error) { return rd.dealPage(s.in.Details.Deals[i]) }
		}
	case p == "owners.html":
		return rd.ownersIndex
	case strings.HasPrefix(p, "owners/") && strings.HasSuffix(p, ".html"):
		if i, ok := s.owners[p]; ok {
			return func() ([]byte, error) { return rd.ownerPage(s.in.Report.Owners[i]) }
		}
	case strings.HasPrefix(p, "teams/") && strings.HasSuffix(p, ".html"):
		if i, ok := s.teams[p]; ok {
			return func() ([]byte, error) { return rd.teamPage(s.in.Report.Teams[i]) }
		}
	case p == DefinitionsPage:
		return rd.definitions
	case p == "stages.html":
		return rd.stages
	case p == FieldsPage && len(rd.r.Fields) > 0:
		return rd.fieldsPage
	case p == "review.html":
		return rd.review
	case p == "metrics.json":
		return rd.metricsJSON
	case p == "deals.csv":
		return func() ([]byte, error) { return dealsCSV(s.in.Repo.Pipeline, s.in.Details.Deals) }
	case strings.HasPrefix(p, "assets/"):
		if b, ok := Asset(p); ok {
			return func() ([]byte, error) { return b, nil }
		}
	}
	return nil
}

// assetNames are the static files of every site, under assets/: the
// charting library (built from the pinned npm packages by
// scripts/build-charts) ships with its licences beside it.
var assetNames = []string{"style.css", "app.js", "favicon.svg", chartsLibrary, chartsLicence}

// chartsLibrary is the charting library. The bundle in templates opens
// with the licences of what it bundles in a comment; the site writes them
// into chartsLicence beside it, and the library's file names that file
// instead, so that pages do not load the licences' text with the code.
const (
	chartsLibrary = "echarts.min.js"
	chartsLicence = "echarts.LICENSE.txt"
)

// splitLicence returns the leading comment of a bundle, without its
// markers, and the code after it.
func splitLicence(bundle []byte) (licence, code []byte, ok bool) {
	rest, ok := bytes.CutPrefix(bundle, []byte("/*\n"))
	if !ok {
		return nil, nil, false
	}
	licence, code, ok = bytes.Cut(rest, []byte("\n*/\n"))
	return licence, code, ok
}

// Asset returns a static file of the site (p is its path, like
// "assets/style.css"); these do not depend on the pipeline.
func Asset(p string) ([]byte, bool) {
	name, ok := strings.CutPrefix(p, "assets/")
	if !ok || !slices.Contains(assetNames, name) {
		return nil, false
	}
	if name == chartsLibrary || name == chartsLicence {
		b, err := fs.ReadFile(templates.FS, chartsLibrary)
		if err != nil {
			return nil, false
		}
		licence, code, ok := splitLicence(b)
		if !ok {
			return nil, false
		}
		if name == chartsLicence {
			return licence, true
		}
		return append([]byte("/*! ECharts, zrender and tslib: their licences are in "+chartsLicence+" */\n"), code...), true
	}
	b, err := fs.ReadFile(templates.FS, name)
	return b, err == nil
}

// render executes a page template: the page at rel, in the layout.
func (rd *renderer) render(rel, tmpl, title, nav string, charts bool, data any) ([]byte, error) {
	b := buffers.Get().(*bytes.Buffer)
	defer buffers.Put(b)
	b.Reset()
	pg := rd.page(rel, title, nav, charts, data)
	var err error
	if pg.Header, err = rd.header(pg); err != nil {
		return nil, fmt.Errorf("render %s: %w", rel, err)
	}
	if err := pages[tmpl].ExecuteTemplate(b, "layout", pg); err != nil {
		return nil, fmt.Errorf("render %s: %w", rel, err)
	}
	return bytes.Clone(b.Bytes()), nil
}

// buffers hold pages while they are drawn: a page grows its buffer many
// times, and each page then costs one allocation of its exact size.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// page returns what the layout needs for the page at rel.
func (rd *renderer) page(rel, title, nav string, charts bool, data any) page {
	pg := page{
		Title: title, Root: root(rel), Nav: nav,
		Pipeline: rd.p, R: rd.r, Review: rd.p.Review, Footer: rd.footer, Charts: charts, Data: data, CSP: CSP,
	}
	if rd.opt.BaseURL != "" {
		pg.Canonical = strings.TrimSuffix(rd.opt.BaseURL, "/") + "/" + rel
	}
	return pg
}

// root is the way back from the page at rel to the site's root: "", "../"…
func root(rel string) string { return strings.Repeat("../", strings.Count(rel, "/")) }

func (rd *renderer) ownerName(id string) string {
	if o, ok := rd.owner[id]; ok && o.Name != "" {
		return o.Name
	}
	return id
}

func (rd *renderer) stageName(id string) string {
	if s := rd.p.Stage(id); s != nil {
		return s.Title()
	}
	return id
}

func (rd *renderer) metricsJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := rd.r.WriteJSON(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// rel returns the relative path from the page at from to the file at to,
// both relative to the site's root.
func rel(from, to string) string { return root(from) + to }
