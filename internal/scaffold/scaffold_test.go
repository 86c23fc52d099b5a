package scaffold

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/rhysd/actionlint"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/site"
)

// tree returns every file under dir, slash-separated and relative to it,
// sorted.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var got []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	return got
}

func joined(dir string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = filepath.Join(dir, filepath.FromSlash(n))
	}
	return out
}

// The scaffold is a repository that pipegen accepts as it is, today and on
// any later day: no error and no warning, and a dashboard that renders.
func TestWriteMakesACleanRepository(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sales") // Write creates it
	written, err := Write(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := joined(dir, Files); !slices.Equal(written, want) {
		t.Errorf("Write returned %q, want %q", written, want)
	}
	want := slices.Sorted(slices.Values(Files))
	if got := tree(t, dir); !slices.Equal(got, want) {
		t.Errorf("files written = %q, want %q", got, want)
	}

	repo, diags, err := load.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	today := model.DateOf(time.Now())
	diags = append(diags, check.Check(repo, check.Options{Today: today})...)
	for _, d := range diags {
		t.Errorf("%s:%d:%d: %s: %s (%s)", d.File, d.Line, d.Column, d.Severity, d.Message, d.Code)
	}
	if len(repo.Deals) != 1 {
		t.Errorf("loaded %d deals, want 1", len(repo.Deals))
	}
	if got := len(repo.Pipeline.Stages); got != 6 {
		t.Errorf("pipeline.yaml has %d stages, want 6", got)
	}
	for _, s := range repo.Pipeline.Stages {
		if strings.TrimSpace(s.Guide) == "" {
			t.Errorf("stage %q has no guide", s.ID)
		}
	}

	// The sample deal's history is fixed in the past, so the check passes on
	// any later day too.
	for _, later := range []string{"2026-06-30", "2031-01-01"} {
		d, err := model.ParseDate(later)
		if err != nil {
			t.Fatal(err)
		}
		if d < today {
			continue
		}
		if got := check.Check(repo, check.Options{Today: d}); len(got) > 0 {
			t.Errorf("check as of %s: %d diagnostics, first: %s", later, len(got), got[0].Message)
		}
	}

	files, err := site.Render(site.Prepare(repo, metrics.Options{AsOf: today}), site.Options{})
	if err != nil {
		t.Fatalf("render the scaffold's dashboard: %v", err)
	}
	if _, ok := files["index.html"]; !ok {
		t.Errorf("the rendered site has no index.html")
	}
}

// Every embedded template is written, and nothing is written that is not
// embedded.
func TestEmbeddedFilesAreTheFilesWritten(t *testing.T) {
	var embedded []string
	err := fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			embedded = append(embedded, strings.TrimPrefix(p, "files/"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(embedded)
	if want := slices.Sorted(slices.Values(Files)); !slices.Equal(embedded, want) {
		t.Errorf("embedded files = %q, want %q", embedded, want)
	}
}

// The workflows install pipegen with the pipegen/pipegen action at the
// version asked for, the same for the action and the binary, and need no Go.
func TestWriteVersion(t *testing.T) {
	tests := []struct {
		version, want string
	}{
		{"", Release},
		{"v1.2.0", "v1.2.0"},
		{"v1.3.0-rc.1", "v1.3.0-rc.1"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		if _, err := Write(dir, Options{Version: tt.version}); err != nil {
			t.Fatalf("Write(Version: %q): %v", tt.version, err)
		}
		for _, name := range []string{".github/workflows/pipeline-check.yml", ".github/workflows/pages.yml"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			install := "uses: pipegen/pipegen@" + tt.want + "\n        with:\n          version: " + tt.want + "\n"
			if !strings.Contains(string(b), install) {
				t.Errorf("Write(Version: %q): %s does not install pipegen with\n%s", tt.version, name, install)
			}
			if strings.Contains(string(b), "setup-go") || strings.Contains(string(b), "go install") {
				t.Errorf("Write(Version: %q): %s sets up Go; the release binary needs none", tt.version, name)
			}
			// Both check out the whole history: the diff against the base
			// branch, and the movement since the last review, need it.
			if !strings.Contains(string(b), "fetch-depth: 0") {
				t.Errorf("%s checks out a shallow clone: the movement since the last review needs the history", name)
			}
			if strings.HasSuffix(name, "pages.yml") && (!strings.Contains(string(b), "uses: actions/cache@v4") || !strings.Contains(string(b), "PIPEGEN_CACHE_DIR: ${{ runner.temp }}/pipegen-cache")) {
				t.Errorf("%s does not keep pipegen's history cache between builds", name)
			}
		}
		for _, name := range Files {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), versionMarker) {
				t.Errorf("Write(Version: %q): %s still holds %s", tt.version, name, versionMarker)
			}
		}
	}
}

func TestWriteRejectsBadVersion(t *testing.T) {
	bad := []string{
		"(devel)", "latest", "main", "1.2.0", "v1", "v1.2", "v01.2.0", `v1.2.0"`, "v1.2.0\nevil: true",
		"v1.2.0 ", "v1.2.0+dirty", "v0.0.0-20261127101500-0123456789ab", "v1.2.1-0.20261127101500-0123456789ab",
		"../../x", "v1.2.0/../../x", "v1.2.0-$(id)",
	}
	for _, v := range bad {
		if IsRelease(v) {
			t.Errorf("IsRelease(%q) = true, want false", v)
		}
		dir := t.TempDir()
		if _, err := Write(dir, Options{Version: v}); err == nil {
			t.Errorf("Write(Version: %q) = nil error, want an error", v)
		}
		if got := tree(t, dir); len(got) > 0 {
			t.Errorf("Write(Version: %q) wrote %q, want nothing", v, got)
		}
	}
	for _, v := range []string{Release, "v0.1.0", "v1.2.0", "v10.20.30", "v1.3.0-rc.1", "v2.0.0-beta"} {
		if !IsRelease(v) {
			t.Errorf("IsRelease(%q) = false, want true", v)
		}
	}
}

// This repository's own workflows install the release that init pins, so
// that raising Release cannot leave them behind.
func TestRepositoryWorkflowsPinRelease(t *testing.T) {
	pinned := regexp.MustCompile(`(?m)^\s+version: (\S+)`)
	for _, name := range []string{"ci.yml", "pages.yml"} {
		b, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "uses: ./\n") {
			t.Errorf("%s does not install pipegen with this repository's action (uses: ./)", name)
		}
		m := pinned.FindAllStringSubmatch(string(b), -1)
		if len(m) != 1 || m[0][1] != Release {
			t.Errorf("%s pins pipegen at %q, want only %s (scaffold.Release)", name, m, Release)
		}
	}
}

// A file in the way stops the whole scaffold: the error names it, nothing
// else is written, and the file is left exactly as it was.
func TestWriteRefusesToOverwrite(t *testing.T) {
	custom := []byte("name: Our own pipeline   # edited by hand\ncurrency: EUR\n")
	tests := []struct {
		name     string
		present  []string // files created before Write
		asFolder []string // folders created before Write
		want     []string // what the error names, relative to the folder
	}{
		{name: "pipeline.yaml", present: []string{"pipeline.yaml"}, want: []string{"pipeline.yaml"}},
		{name: "sample deal", present: []string{"deals/example-deal.yaml"}, want: []string{"deals/example-deal.yaml"}},
		{name: ".gitignore", present: []string{".gitignore"}, want: []string{".gitignore"}},
		{name: "a workflow", present: []string{".github/workflows/pages.yml"}, want: []string{".github/workflows/pages.yml"}},
		{
			name:    "several",
			present: []string{".github/workflows/pipeline-check.yml", "pipeline.yaml", ".gitignore"},
			want:    []string{"pipeline.yaml", ".gitignore", ".github/workflows/pipeline-check.yml"},
		},
		{name: "a file where a folder goes", present: []string{"deals"}, want: []string{"deals"}},
		{name: "a folder where a file goes", asFolder: []string{"pipeline.yaml"}, want: []string{"pipeline.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, p := range tt.present {
				full := filepath.Join(dir, filepath.FromSlash(p))
				if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(full, custom, 0o600); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range tt.asFolder {
				if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(p)), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			before := tree(t, dir)

			written, err := Write(dir, Options{})
			var exists *ExistsError
			if !errors.As(err, &exists) {
				t.Fatalf("Write = %q, %v; want an *ExistsError", written, err)
			}
			if written != nil {
				t.Errorf("Write returned paths %q with its error, want none", written)
			}
			if want := joined(dir, tt.want); !slices.Equal(exists.Paths, want) {
				t.Errorf("ExistsError.Paths = %q, want %q", exists.Paths, want)
			}
			for _, p := range tt.want {
				if !strings.Contains(err.Error(), filepath.Join(dir, filepath.FromSlash(p))) {
					t.Errorf("error %q does not name %s", err, p)
				}
			}
			if got := tree(t, dir); !slices.Equal(got, before) {
				t.Errorf("files after a refused Write = %q, want only %q", got, before)
			}
			for _, p := range tt.present {
				got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(custom) {
					t.Errorf("%s changed to %q, want it left as %q", p, got, custom)
				}
			}
		})
	}
}

// A failure part way leaves no half scaffold behind, and no folder that
// Write created.
func TestWriteUndoesAFailedWrite(t *testing.T) {
	if os.Getuid() == 0 {
		t.Skip("root writes into read-only folders")
	}
	dir := t.TempDir()
	// .github exists but cannot be written into: pipeline.yaml, deals/ and
	// .gitignore are created first, then the workflows fail.
	gh := filepath.Join(dir, ".github")
	if err := os.Mkdir(gh, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(gh, 0o755) })
	if _, err := Write(dir, Options{}); err == nil {
		t.Fatal("Write into a read-only .github = nil error, want an error")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{".github"}) {
		t.Errorf("after a failed Write the folder holds %q, want only .github", names)
	}
}

// lint runs actionlint on workflow files as GitHub would read them, with
// shellcheck on their scripts when it is installed.
func lint(t *testing.T, paths []string) {
	t.Helper()
	opts := &actionlint.LinterOptions{}
	if p, err := exec.LookPath("shellcheck"); err == nil {
		opts.Shellcheck = p
	}
	l, err := actionlint.NewLinter(io.Discard, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		errs, err := l.LintFile(p, nil)
		if err != nil {
			t.Fatalf("actionlint %s: %v", p, err)
		}
		for _, e := range errs {
			t.Errorf("%s:%d:%d: %s [%s]", p, e.Line, e.Column, e.Message, e.Kind)
		}
	}
}

func TestScaffoldWorkflowsPassActionlint(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, Options{Version: "v1.2.0"}); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, name := range Files {
		if path.Dir(name) == ".github/workflows" {
			paths = append(paths, filepath.Join(dir, filepath.FromSlash(name)))
		}
	}
	if len(paths) != 2 {
		t.Fatalf("the scaffold has %d workflows, want 2", len(paths))
	}
	lint(t, paths)
}

// pipegen's own workflows, in the repository's .github/workflows.
func TestRepositoryWorkflowsPassActionlint(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", ".github", "workflows", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 2 {
		t.Fatalf("found %d workflows in .github/workflows, want at least ci.yml and pages.yml", len(paths))
	}
	lint(t, paths)
}

// The pull request workflow passes --allow-rewrite when, and only when, the
// pull request has the label that check's hint names, and adding or
// removing the label runs the check again.
func TestPullRequestCheckHonoursTheLabel(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	b, err := files.ReadFile("files/.github/workflows/pipeline-check.yml")
	if err != nil {
		t.Fatal(err)
	}
	b = []byte(strings.ReplaceAll(string(b), versionMarker, Release)) // as Write writes it
	var wf struct {
		On struct {
			PullRequest struct {
				Types []string `yaml:"types"`
			} `yaml:"pull_request"`
		} `yaml:"on"`
		Jobs map[string]struct {
			Steps []struct {
				Name string            `yaml:"name"`
				Env  map[string]string `yaml:"env"`
				Run  string            `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	for _, typ := range []string{"opened", "synchronize", "reopened", "labeled", "unlabeled"} {
		if !slices.Contains(wf.On.PullRequest.Types, typ) {
			t.Errorf("the workflow does not run on pull_request %s", typ)
		}
	}
	var env map[string]string
	var script string
	for _, s := range wf.Jobs["check"].Steps {
		if s.Name == "Check the pipeline" {
			env, script = s.Env, s.Run
		}
	}
	if want := "contains(github.event.pull_request.labels.*.name, '" + check.AllowRewriteLabel + "')"; !strings.Contains(env["ALLOW_REWRITE"], want) {
		t.Fatalf("ALLOW_REWRITE = %q, want it to test %s", env["ALLOW_REWRITE"], want)
	}
	// Run the step's script with a pipegen that prints its arguments.
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "pipegen"), []byte("#!/bin/sh\necho \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for labelled, want := range map[string]string{
		"true":  "check --base origin/main --allow-rewrite --format github\n",
		"false": "check --base origin/main --format github\n",
	} {
		cmd := exec.Command(sh, "-e", "-c", script)
		cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "BASE=origin/main", "ALLOW_REWRITE=" + labelled}
		out, err := cmd.CombinedOutput()
		if err != nil || string(out) != want {
			t.Errorf("labelled %s: the step ran %q, %v; want %q", labelled, out, err, want)
		}
	}
}
