package site

import (
	"regexp"

	"github.com/pipegen/pipegen/internal/gen"

	"strings"
	"testing"
)

var (
	scriptTag = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	// An attribute named on…, after any attributes with quoted values (a
	// value may hold the words of a hostile name, escaped).
	eventAttr   = regexp.MustCompile(`(?i)<[a-z][a-z0-9]*(?:\s+[^\s=>"]+(?:\s*=\s*"[^"]*")?)*\s+on[a-z]+\s*=`)
	jsURL       = regexp.MustCompile(`(?i)(?:href|src)\s*=\s*"\s*javascript:`)
	allowedTags = regexp.MustCompile(`^<script (?:src="(?:\.\./)*assets/app\.js" defer(?: data-charts="(?:\.\./)*assets/echarts\.min\.js")?|type="application/json" data-chart="chart_[a-z0-9_]+")>$`)
)

// No user string can become markup, an event handler, a script or a
// javascript: link, and a chart's JSON cannot end its script element.
func TestHostileInputStaysText(t *testing.T) {
	hostile := gen.Hostile()
	deals := map[string]string{}
	for name, content := range hostile {
		if id, ok := strings.CutPrefix(name, "deals/"); ok {
			deals[strings.TrimSuffix(id, ".yaml")] = content
		}
	}
	files, _ := build(t, hostile["pipeline.yaml"], deals, Options{})
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
	// The custom field's title and values are text on the breakdowns page
	// and on the deal pages; the deal in EUR shows its own amount.
	fields := string(files[FieldsPage])
	for _, frag := range []string{
		`&lt;script&gt;alert(&#39;field&#39;)&lt;/script&gt;</a></h2>`,
		`<th scope="row">&lt;img src=x onerror=alert(&#39;value&#39;)&gt;</th>`,
		"<th scope=\"row\">bell\u0007\u202eevil</th>",
		`<th scope="row">very long value very long value`,
	} {
		if !strings.Contains(fields, frag) {
			t.Errorf("%s lacks %s", FieldsPage, frag)
		}
	}
	deal := string(files[dealPath("<img src=x onerror=alert('id')>")])
	for _, frag := range []string{`&lt;script&gt;alert(&#39;field&#39;)&lt;/script&gt;: &lt;img src=x onerror=alert(&#39;value&#39;)&gt;`, `<div class="tile-value">€10</div>`, `$11 at 1.1 (rate of <span class="nowrap">2026-11-27</span>)`} {
		if !strings.Contains(deal, frag) {
			t.Errorf("the deal page lacks %s", frag)
		}
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
