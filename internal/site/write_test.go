package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	tree := map[string]string{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if !info.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			tree[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestWriteReplacesTheSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	if err := Write(out, Files{"index.html": []byte("one"), "deals/a.html": []byte("a")}); err != nil {
		t.Fatal(err)
	}
	if err := Write(out, Files{"index.html": []byte("two")}); err != nil {
		t.Fatal(err)
	}
	tree := readTree(t, out)
	if len(tree) != 2 || tree["index.html"] != "two" || tree[marker] == "" {
		t.Errorf("after the second write: %v", tree)
	}
	// Nothing is left beside the site.
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("left beside the site: %v", names)
	}
}

// A folder pipegen did not write is never replaced.
func TestWriteRefusesForeignFolder(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "precious.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(out, Files{"index.html": []byte("x")})
	if err == nil || !strings.Contains(err.Error(), "refusing to replace") {
		t.Fatalf("Write over a foreign folder: %v", err)
	}
	if tree := readTree(t, out); len(tree) != 1 || tree["precious.txt"] != "keep" {
		t.Errorf("the folder changed: %v", tree)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if err := Write(file, Files{}); err == nil {
		t.Errorf("Write over a file: no error")
	}
}

// A write that fails half-way leaves the previous site as it was.
func TestWriteFailureKeepsOldSite(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	if err := Write(out, Files{"index.html": []byte("old")}); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, out)
	// "index.html/x" cannot be written once "index.html" is a file.
	err := Write(out, Files{"index.html": []byte("new"), "index.html/x": []byte("boom")})
	if err == nil {
		t.Fatal("the broken write succeeded")
	}
	after := readTree(t, out)
	if len(after) != len(before) || after["index.html"] != "old" {
		t.Errorf("the previous site changed: %v", after)
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Errorf("a failed write left %d entries beside the site", len(entries))
	}
}

// The half-written folder of a killed build is cleaned up by the next
// build; a recent one (a build running now) is left alone.
func TestWriteRemovesStaleFolders(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	stale := filepath.Join(parent, ".site.new-123")
	recent := filepath.Join(parent, ".site.new-456")
	os.MkdirAll(filepath.Join(stale, "deals"), 0o755)
	os.MkdirAll(recent, 0o755)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(stale, old, old)
	if err := Write(out, Files{"index.html": []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale folder is still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("the recent folder was removed: %v", err)
	}
}
