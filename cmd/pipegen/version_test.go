package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

func TestDescribeBuild(t *testing.T) {
	vcs := func(rev, time, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: time},
			{Key: "vcs.modified", Value: modified},
		}
	}
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name    string
		stamped string
		info    *debug.BuildInfo
		want    string
	}{
		{"release build", "v1.2.0", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "v1.2.0"},
		{"release candidate", "v1.3.0-rc.1", nil, "v1.3.0-rc.1"},
		{"go install of a release", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}, "v1.2.0"},
		{
			"work tree with changes", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261127101500-0123456789ab+dirty"}, Settings: vcs(rev, "2026-11-27T10:15:00Z", "true")},
			"development build (commit 0123456789ab, 2026-11-27, with uncommitted changes)",
		},
		{
			"work tree on a tag with changes", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v1.2.0+dirty"}, Settings: vcs(rev, "2026-11-27T10:15:00Z", "true")},
			"development build (commit 0123456789ab, 2026-11-27, with uncommitted changes)",
		},
		{
			"clean work tree", "",
			&debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "2026-11-27T10:15:00Z", "false")},
			"development build (commit 0123456789ab, 2026-11-27)",
		},
		{
			"go install of a commit", "",
			&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261127101500-0123456789ab"}},
			"development build (v0.0.0-20261127101500-0123456789ab)",
		},
		{"no VCS stamping", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "development build (commit unknown)"},
		{"no build information", "", nil, "development build (commit unknown)"},
		{"stamped with something else", "nightly", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "development build (nightly)"},
	}
	for _, tt := range tests {
		b := describeBuild(tt.stamped, tt.info)
		if got := b.String(); got != tt.want {
			t.Errorf("%s: describeBuild(%q, …) = %q, want %q", tt.name, tt.stamped, got, tt.want)
		}
		if wantRelease := !strings.HasPrefix(tt.want, "development"); (b.release != "") != wantRelease {
			t.Errorf("%s: release = %q, want a release: %v", tt.name, b.release, wantRelease)
		}
	}
}

// pipegen version of a real binary: the version a release build stamps with
// -ldflags -X, as .goreleaser.yaml does, and the commit of a development
// build made in a git work tree.
func TestVersionOfBuiltBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	// build builds pipegen with flags and returns what its version prints.
	build := func(t *testing.T, name string, flags ...string) string {
		t.Helper()
		bin := filepath.Join(dir, name)
		args := append([]string{"build", "-o", bin}, flags...)
		if out, err := exec.Command("go", append(args, ".")...).CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		out, err := exec.Command(bin, "version").Output()
		if err != nil {
			t.Fatalf("%s version: %v", name, err)
		}
		return string(out)
	}

	t.Run("release", func(t *testing.T) {
		got := build(t, "release", "-ldflags", "-X main.version=v9.8.7")
		if !regexp.MustCompile(`^pipegen v9\.8\.7 go1\.\d+\S*\n$`).MatchString(got) {
			t.Errorf("pipegen version of a build stamped v9.8.7 = %q, want pipegen v9.8.7 go1.N", got)
		}
	})
	t.Run("development", func(t *testing.T) {
		// go build stamps the commit only where .git is a folder: in a
		// clone, not in a linked work tree (git worktree add), whose .git
		// is a file.
		if info, err := os.Stat(filepath.Join("..", "..", ".git")); err != nil || !info.IsDir() {
			t.Skip("the source is not in a git clone")
		}
		head, err := exec.Command("git", "rev-parse", "HEAD").Output()
		if err != nil {
			t.Fatalf("git rev-parse HEAD: %v", err)
		}
		got := build(t, "devel", "-buildvcs=true")
		want := "pipegen development build (commit " + string(head[:12])
		if !strings.HasPrefix(got, want) || strings.Contains(got, "(devel)") {
			t.Errorf("pipegen version of a development build = %q, want it to start %q", got, want)
		}
	})
}
