package site

import (
	"html/template"
	"strings"
	"testing"
)

// trap is user text that once fooled a layout cut at marker strings, and
// text that looks like template actions or ends the element it stands in.
const trap = `PIPEGENxCONTENTxMARK PIPEGENxTITLExMARK PIPEGENxCANONICALxMARK {{.Title}} </title><script>alert(1)</script> & "q"`

// oddDeals stretch the escaping of a deal page: every character that
// html/template escapes, in every field, emails that need %-encoding, and
// deals in nested folders.
var oddDeals = map[string]string{
	"odd/deep/plus": `{title: "a+b <i>&'\"", company: "C+D & 'E'", owner: ann, source: web, value: 10,
	  contacts: [{name: "<b>N</b>", email: "o'neil+\"x\"é%(y)@ex.example", role: "R&D+"}, {name: Solo}],
	  history: [{stage: lead, date: 2026-10-01}, {stage: lost, date: 2026-10-03, reason: budget}],
	  notes: "plain + <b>bold</b>"}`,
	"odd/nul": "{title: \"nul \\0 byte\", owner: bob, history: [{stage: lead, date: 2026-11-01}]}",
	"odd/emails": `{title: Emails, owner: ann, emails: {sent: 3, opened: 1}, value: 5,
	  history: [{stage: lead, date: 2026-11-01}, {stage: qual, date: 2026-11-02}, {stage: won, date: 2026-11-03}],
	  onboarding: {status: succeeded, date: 2026-11-10}, churned: 2026-11-20}`,
}

// A pipeline name, deal title and owner name that hold marker strings,
// template actions and closing tags are plain text, each in its place:
// the page's title is the deal's, its content is drawn once, and nothing
// the user wrote becomes markup.
func TestUserTextStaysInPlace(t *testing.T) {
	quoted := `"` + strings.ReplaceAll(trap, `"`, `\"`) + `"`
	src := strings.Replace(pipeline, "name: Test Sales", "name: "+quoted, 1)
	src = strings.Replace(src, "name: Ann Lee", "name: "+quoted, 1)
	dealSrc := map[string]string{
		"trap":      `{title: ` + quoted + `, owner: ann, value: 10, history: [{stage: lead, date: 2026-11-01}]}`,
		"emea/trap": `{title: ` + quoted + `, owner: ann, value: 10, history: [{stage: lead, date: 2026-11-01}]}`,
	}
	for id, s := range oddDeals {
		dealSrc[id] = s
	}
	files, _ := build(t, src, dealSrc, Options{BaseURL: "https://pipeline.example/sub/"})
	text := template.HTMLEscapeString(trap)

	for _, p := range []string{"deals/trap.html", "deals/emea/trap.html"} {
		page := string(files[p])
		for _, frag := range []string{
			"<title>" + text + " · " + text + "</title>",
			`<link rel="canonical" href="https://pipeline.example/sub/` + p + `">`,
			`<span class="logo" aria-hidden="true"></span>` + text + "</a>",
			"<h1>" + text + "</h1>",
			`owners/ann.html">` + text + "</a>",
		} {
			if !strings.Contains(page, frag) {
				t.Errorf("%s lacks %s", p, frag)
			}
		}
		for frag, want := range map[string]int{
			"<title>": 1, "</title>": 1, `<main id="main"`: 1, `<div class="page-head">`: 1, "<h1>": 1,
			"<script>": 0, trap: 0,
		} {
			if got := strings.Count(page, frag); got != want {
				t.Errorf("%s has %s %d times, want %d", p, frag, got, want)
			}
		}
	}

	table := string(files["deals.html"])
	for _, frag := range []string{
		"<title>Deals · " + text + "</title>",
		`<a href="deals/emea/trap.html">` + text + "</a>",
		`<td data-label="Owner">` + text + "</td>",
		`<option value="ann">` + text + "</option>",
	} {
		if !strings.Contains(table, frag) {
			t.Errorf("deals.html lacks %s", frag)
		}
	}
	if strings.Contains(table, "<script>") || strings.Count(table, "<title>") != 1 {
		t.Errorf("deals.html lets user text become markup")
	}
	for _, b := range files.BrokenLinks() {
		t.Error(b)
	}
}
