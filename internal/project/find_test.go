package project

import (
	"os"
	"path/filepath"
	"testing"
)

func TestFind(t *testing.T) {
	root := t.TempDir()
	mk := func(rel string) string {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	touch := func(rel string) {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), []byte("name: x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// repo/ is a pipeline repository and a git work tree; other/ is a git
	// work tree under a folder with a pipeline.yaml of its own.
	mk("repo/.git")
	mk("repo/deals/emea")
	touch("repo/pipeline.yaml")
	mk("outer/other/.git")
	mk("outer/other/sub")
	touch("outer/pipeline.yaml")
	mk("outer/plain/sub")

	tests := []struct {
		start, want string // want "" for not found
	}{
		{"repo", "repo"},
		{"repo/deals", "repo"},
		{"repo/deals/emea", "repo"},
		{"outer/other/sub", ""}, // stops at the git work tree's top
		{"outer/plain/sub", "outer"},
	}
	for _, tt := range tests {
		got, ok := Find(filepath.Join(root, filepath.FromSlash(tt.start)))
		want := ""
		if tt.want != "" {
			want = filepath.Join(root, filepath.FromSlash(tt.want))
		}
		if (ok && got != want) || ok != (want != "") {
			t.Errorf("Find(%s) = %q, %v; want %q", tt.start, got, ok, want)
		}
	}
}
