package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/site"
)

// readSite reads a built site back into memory.
func readSite(t *testing.T, dir string) site.Files {
	t.Helper()
	files := site.Files{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// The demo builds into byte-identical sites whatever the number of cores,
// and no page links to anything the site does not have.
func TestDemoBuild(t *testing.T) {
	dirs := [2]string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	prev := runtime.GOMAXPROCS(1)
	runOK(t, "build", "--dir", "../..", "--out", dirs[0])
	runtime.GOMAXPROCS(4)
	runOK(t, "build", "--dir", "../..", "--out", dirs[1])
	runtime.GOMAXPROCS(prev)
	a, b := readSite(t, dirs[0]), readSite(t, dirs[1])
	if len(a) != len(b) || len(a) < 100 {
		t.Fatalf("%d and %d files", len(a), len(b))
	}
	for p, content := range a {
		if !bytes.Equal(content, b[p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
	for _, broken := range a.BrokenLinks() {
		t.Error(broken)
	}
	if _, ok := a["deals/alder-finch-retail.html"]; !ok {
		t.Errorf("the demo has no page for deals/alder-finch-retail.yaml")
	}
	// The embedded charting library is shipped with the site, with its
	// licences.
	if lib, _ := site.Asset("assets/echarts.min.js"); len(lib) == 0 || !bytes.Equal(a["assets/echarts.min.js"], lib) {
		t.Errorf("the site does not ship the embedded charting library")
	}
	if len(a["assets/echarts.LICENSE.txt"]) == 0 {
		t.Errorf("the site does not ship the charting library's licences")
	}
}

// Owner ids and deal file names become file names of the site, encoded so
// that none can leave --out, replace another page or make a broken link.
// An owner "../../../PWNED" used to be written three folders above the
// site, and "../index" replaced the overview.
func TestHostileNamesStayInTheSite(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	deal := func(owner string) string {
		return "title: T\nowner: " + owner + "\nvalue: 10\nhistory:\n  - {stage: lead, date: 2026-11-02}\n"
	}
	files := map[string]string{
		"pipeline.yaml":          "name: Hostile\ncurrency: USD\nas_of: 2026-11-27\nstages: [{id: lead, probability: 0.1}, {id: won, type: won}, {id: lost, type: lost}]\n",
		"deals/climb.yaml":       deal(`"../../../PWNED"`),
		"deals/over.yaml":        deal(`"../index"`),
		"deals/query.yaml":       deal(`"a?b#c"`),
		"deals/nul.yaml":         deal(`"a\0b"`),
		"deals/long.yaml":        deal(strings.Repeat("o", 300)),
		"deals/case.yaml":        deal("Ann"),
		"deals/case2.yaml":       deal("ann"),
		"deals/a#b.yaml":         deal("ann"),
		"deals/c?d.yaml":         deal("ann"),
		"deals/%41x.yaml":        deal("ann"),
		"deals/emea/~tilde.yaml": deal("ann"),
	}
	for name, content := range files {
		writeFile(t, filepath.Join(repo, name), []byte(content))
	}
	out := filepath.Join(root, "a", "b", "site")
	runOK(t, "build", "--dir", repo, "--out", out)
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		if !strings.HasPrefix(p, out+string(filepath.Separator)) && !strings.HasPrefix(p, repo+string(filepath.Separator)) {
			t.Errorf("written outside the site: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	site := readSite(t, out)
	if !bytes.Contains(site["index.html"], []byte("<h1>")) || bytes.Contains(site["index.html"], []byte("owners.html\">Owners</a> /")) {
		t.Errorf("index.html is not the overview")
	}
	owners := 0
	for p := range site {
		if strings.HasPrefix(p, "owners/") {
			owners++
			if name := strings.TrimPrefix(p, "owners/"); len(name) > 130 || strings.ContainsAny(name, "/?#%\x00") {
				t.Errorf("owner page %q", p)
			}
		}
	}
	if owners != 7 { // PWNED, index, a?b#c, a\0b, the long one, Ann, ann
		t.Errorf("%d owner pages, want 7", owners)
	}
	for _, want := range []string{"deals/a~23b.html", "deals/c~3fd.html", "deals/~2541x.html", "deals/emea/~7etilde.html", "owners/~41nn.html", "owners/ann.html"} {
		if _, ok := site[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
	for _, broken := range site.BrokenLinks() {
		t.Error(broken)
	}
}
