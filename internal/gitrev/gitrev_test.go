package gitrev

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repo makes a real git repository with one commit per step.
func repo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	run(t, dir, "git", "init", "-q", "-b", "main")
	run(t, dir, "git", "config", "user.email", "test@example.com")
	run(t, dir, "git", "config", "user.name", "Test")
	return dir
}

func run(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFiles(t *testing.T) {
	dir := repo(t)
	// The pipeline repository is a folder inside the git repository.
	write(t, dir, "sales/pipeline.yaml", "name: X\n")
	write(t, dir, "sales/deals/a.yaml", "title: A\n")
	write(t, dir, "sales/deals/emea/b c.yaml", "title: B\n\n")
	write(t, dir, "sales/README.md", "not read\n")
	write(t, dir, "other/deals/x.yaml", "not read\n")
	run(t, dir, "git", "add", ".")
	run(t, dir, "git", "commit", "-qm", "one")
	write(t, dir, "sales/deals/a.yaml", "title: A2\n")
	os.Remove(filepath.Join(dir, "sales/deals/emea/b c.yaml"))
	run(t, dir, "git", "commit", "-qam", "two")

	files, err := Files(filepath.Join(dir, "sales"), "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"pipeline.yaml": "name: X\n", "deals/a.yaml": "title: A\n", "deals/emea/b c.yaml": "title: B\n\n"}
	if len(files) != len(want) {
		t.Errorf("files = %v", keys(files))
	}
	for k, v := range want {
		if string(files[k]) != v {
			t.Errorf("%s = %q, want %q", k, files[k], v)
		}
	}
	files, err = Files(filepath.Join(dir, "sales"), "main")
	if err != nil || string(files["deals/a.yaml"]) != "title: A2\n" || len(files) != 2 {
		t.Errorf("at main: %v, %v", keys(files), err)
	}
}

func TestMissingRevision(t *testing.T) {
	dir := repo(t)
	write(t, dir, "pipeline.yaml", "name: X\n")
	run(t, dir, "git", "add", ".")
	run(t, dir, "git", "commit", "-qm", "one")
	_, err := Files(dir, "origin/main")
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Msg, `revision "origin/main" is not in this repository`) || !strings.Contains(e.Hint, "fetch") {
		t.Errorf("missing revision: %v", err)
	}
	// A shallow clone says so.
	clone := filepath.Join(t.TempDir(), "clone")
	run(t, dir, "git", "commit", "-q", "--allow-empty", "-m", "two")
	run(t, filepath.Dir(clone), "git", "clone", "-q", "--depth=1", "file://"+dir, clone)
	_, err = Files(clone, "HEAD~1")
	if !errors.As(err, &e) || !strings.Contains(e.Hint, "shallow") {
		t.Errorf("shallow clone: %v", err)
	}
	_, err = Files(t.TempDir(), "main")
	if !errors.As(err, &e) || !strings.Contains(e.Msg, "not in a git repository") {
		t.Errorf("outside git: %v", err)
	}
	// A repository with no commits says so, rather than "fetch it first".
	empty := repo(t)
	_, err = Files(empty, "main")
	if !errors.As(err, &e) || !strings.Contains(e.Hint, "no commits yet") {
		t.Errorf("no commits: %v", err)
	}
	// A revision cannot be an option.
	_, err = Files(dir, "--output=/tmp/x")
	if !errors.As(err, &e) {
		t.Errorf("option as revision: %v", err)
	}
}

func keys(m map[string][]byte) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	return k
}

func TestHeadPaths(t *testing.T) {
	if _, ok := HeadPaths(t.TempDir()); ok {
		t.Error("HeadPaths of a folder outside git reported paths")
	}
	dir := repo(t)
	write(t, dir, "sales/pipeline.yaml", "name: X\n")
	write(t, dir, "sales/deals/emea/b c.yaml", "title: B\n")
	write(t, dir, "sales/README.md", "not listed\n")
	if _, ok := HeadPaths(filepath.Join(dir, "sales")); ok {
		t.Error("HeadPaths of a repository with no commit reported paths")
	}
	run(t, dir, "git", "add", ".")
	run(t, dir, "git", "commit", "-qm", "one")
	os.Remove(filepath.Join(dir, "sales/deals/emea/b c.yaml"))
	paths, ok := HeadPaths(filepath.Join(dir, "sales"))
	if got := strings.Join(paths, ","); !ok || got != "deals/emea/b c.yaml,pipeline.yaml" {
		t.Errorf("HeadPaths = %q, %v", got, ok)
	}
}
