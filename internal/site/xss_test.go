package site

import (
	"regexp"
	"strings"
	"testing"
)

// hostilePipeline and hostileDeals put script in every string a user
// controls: names, titles, companies, notes, guides, reasons, sources,
// owner names and deal ids.
const hostilePipeline = `name: "<script>alert('name')</script>"
currency: USD
owners: [{id: ann, name: "<b onmouseover=alert('owner')>Ann</b>", team: "</script><script>alert('team')</script>"}]
stages:
  - {id: lead, name: "</script><img src=x onerror=alert('stage')>", probability: 0.1, rot_after: 1,
     guide: "<script>alert('guide')</script> [click](javascript:alert('guide-link'))"}
  - {id: won, name: "__f__alert('f')__f__", type: won}
  - {id: lost, type: lost}
targets:
  - {period: 2026-11, owner: ann, revenue: 100}
`

var hostileDeals = map[string]string{
	"<img src=x onerror=alert('id')>": `{title: "</script><script>alert('title')</script>", company: "<img src=x onerror=alert('company')>",
	  owner: ann, source: "\"><script>alert('source')</script>", value: 10,
	  contacts: [{name: "<svg onload=alert('contact')>", email: "x@y.example", role: "<iframe src=javascript:alert('role')>"}],
	  notes: "<script>alert('notes')</script>\n\n[x](javascript:alert('link')) <a href=\"javascript:alert('a')\">y</a> __f__alert('f2')__f__\n\n<img src=x onerror=alert('img')>",
	  history: [{stage: lead, date: 2026-11-01}]}`,
	"=cmd": `{title: "=HYPERLINK(\"http://evil.example\")", company: "+1+1", owner: ann, source: "@SUM(A1)", value: 5,
	  history: [{stage: lead, date: 2026-11-02}, {stage: lost, date: 2026-11-03, reason: "<svg onload=alert('reason')>"}]}`,
}

var (
	scriptTag   = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	eventAttr   = regexp.MustCompile(`(?i)<[a-z][^>]*\son[a-z]+\s*=`)
	jsURL       = regexp.MustCompile(`(?i)(?:href|src)\s*=\s*"\s*javascript:`)
	allowedTags = regexp.MustCompile(`^<script (?:src="[^"]*(?:app|echarts\.min)\.js"(?: integrity="[^"]*" crossorigin="anonymous")? defer|type="application/json" data-chart="chart_[a-z_]+")>$`)
)

// No user string can become markup, an event handler, a script or a
// javascript: link, and a chart's JSON cannot end its script element.
func TestHostileInputStaysText(t *testing.T) {
	files, _ := build(t, hostilePipeline, hostileDeals, Options{})
	for _, p := range files.Paths() {
		if !strings.HasSuffix(p, ".html") {
			continue
		}
		html := string(files[p])
		for _, tag := range scriptTag.FindAllString(html, -1) {
			if !allowedTags.MatchString(tag) {
				t.Errorf("%s has a script tag that pipegen did not write: %s", p, tag)
			}
		}
		if m := eventAttr.FindString(html); m != "" {
			t.Errorf("%s has an event handler attribute: %s", p, m)
		}
		if m := jsURL.FindString(html); m != "" {
			t.Errorf("%s has a javascript: link: %s", p, m)
		}
		if strings.Contains(html, "<img src=x") || strings.Contains(html, "<svg") || strings.Contains(html, "<iframe") {
			t.Errorf("%s contains user markup", p)
		}
	}
	index := string(files["index.html"])
	if !strings.Contains(index, `\u003c/script\u003e\u003cimg src=x onerror=alert('stage')\u003e`) {
		t.Errorf("the stage name is not escaped into the chart JSON as expected")
	}
	// Spreadsheet formulas in deals.csv are neutralised.
	csv := string(files["deals.csv"])
	for _, cell := range []string{`"'=HYPERLINK(""http://evil.example"")"`, "'+1+1", "'@SUM(A1)", "'=cmd"} {
		if !strings.Contains(csv, cell) {
			t.Errorf("deals.csv lacks the neutralised cell %s:\n%s", cell, csv)
		}
	}
}

func TestSafeCell(t *testing.T) {
	tests := map[string]string{"": "", "abc": "abc", "=1+2": "'=1+2", "-5": "-5", "-x": "'-x", "+12.5": "+12.5", "@a": "'@a", "\tx": "'\tx", "a=b": "a=b"}
	for in, want := range tests {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
