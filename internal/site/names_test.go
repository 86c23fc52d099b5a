package site

import (
	"strings"
	"testing"
)

func TestFileNames(t *testing.T) {
	// id: the page names it gets as a deal and as an owner.
	for id, want := range map[string][2]string{
		"acme-renewal":   {"acme-renewal", "acme-renewal"},
		"emea/de/bolt_2": {"emea/de/bolt_2", "emea~2fde~2fbolt_2"},
		"Acme.v2":        {"Acme.v2", "~41cme~2ev2"},
		"../index":       {"~2e~2e/index", "~2e~2e~2findex"},
		"a#b?c%d~e":      {"a~23b~3fc~25d~7ee", "a~23b~3fc~25d~7ee"},
		"café":           {"caf~c3~a9", "caf~c3~a9"},
		"":               {"~", "~"},
	} {
		if got := dealPath(id); got != "deals/"+want[0]+".html" {
			t.Errorf("dealPath(%q) = %q, want deals/%s.html", id, got, want[0])
		}
		if got := ownerPath(id); got != "owners/"+want[1]+".html" {
			t.Errorf("ownerPath(%q) = %q, want owners/%s.html", id, got, want[1])
		}
	}
}

// Whatever the string, its file name is short, plain and its own.
func FuzzFileName(f *testing.F) {
	for _, s := range []string{"ann", "Ann", "../../x", strings.Repeat("é", 200), "a\x00b", "~41nn"} {
		f.Add(s, "ann")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, keepUpper := range []bool{true, false} {
			na, nb := fileName(a, keepUpper), fileName(b, keepUpper)
			if len(na) > maxName || na == "." || na == ".." || strings.ContainsFunc(na, func(r rune) bool {
				return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~", r))
			}) {
				t.Errorf("fileName(%q, %v) = %q", a, keepUpper, na)
			}
			if a != b && na == nb {
				t.Errorf("fileName(%q) = fileName(%q) = %q", a, b, na)
			}
		}
	})
}

// Pages run scripts from the site only (the charting library is one of
// its files), load images only from the site and https, and send their
// address to no site they link to.
func TestPagePolicies(t *testing.T) {
	if !strings.Contains(CSP, "script-src 'self';") || !strings.Contains(CSP, "img-src 'self' https:;") {
		t.Errorf("CSP = %q", CSP)
	}
	files, _ := build(t, pipeline, deals, Options{})
	for p, b := range files {
		if strings.Contains(string(b), "https://cdn.") || strings.Contains(string(b), "integrity=") {
			t.Errorf("%s loads something from a CDN", p)
		}
		if strings.HasSuffix(p, ".html") && !strings.Contains(string(b), `<meta name="description" content="`) {
			t.Errorf("%s has no description", p)
		}
	}
	for p, b := range files {
		if strings.HasSuffix(p, ".html") && !strings.Contains(string(b), `<meta name="referrer" content="no-referrer">`) {
			t.Errorf("%s has no referrer policy", p)
		}
	}
}

// The "Edit this file" link of a deal whose file name holds URL syntax
// points at that file, not at a fragment or a query of another address.
func TestEditLinkEscapesThePath(t *testing.T) {
	if got, want := escapePath("deals/emea/a#b?c%d é.yaml"), "deals/emea/a%23b%3Fc%25d%20%C3%A9.yaml"; got != want {
		t.Errorf("escapePath = %q, want %q", got, want)
	}
	files, _ := build(t, pipeline, map[string]string{"a#b": deals["acme"]}, Options{EditBase: "https://github.com/acme/sales/edit/HEAD/"})
	page := string(files[dealPath("a#b")])
	if !strings.Contains(page, `href="https://github.com/acme/sales/edit/HEAD/deals/a%23b.yaml"`) {
		t.Errorf("the edit link of deals/a#b.yaml is wrong:\n%.3000s", page)
	}
}

// Team names are free text: each team gets its own page under teams/, a
// readable name that no text can turn into a path elsewhere, and teams
// whose names meet ("EMEA" and "emea") are told apart.
func TestTeamPaths(t *testing.T) {
	teams := []string{"North America", "EMEA", "emea", "../../index", "a/b", "", "   ", strings.Repeat("x", 400)}
	paths := teamPaths(teams)
	seen := map[string]string{}
	for _, team := range teams {
		p := paths[team]
		name, ok := strings.CutPrefix(p, "teams/")
		if !ok || !strings.HasSuffix(name, ".html") || strings.ContainsAny(name, `/\`) || strings.Contains(name, "..") || len(name) > 255 {
			t.Errorf("team %q → %q", team, p)
		}
		if other, dup := seen[p]; dup {
			t.Errorf("teams %q and %q share %s", team, other, p)
		}
		seen[p] = team
	}
	if paths["North America"] != "teams/north-america.html" {
		t.Errorf("North America → %s", paths["North America"])
	}
}
