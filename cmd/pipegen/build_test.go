package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
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
}
