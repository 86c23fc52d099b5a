package serve

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// git runs git in dir with a fixed identity and the commit dated date.
func git(t *testing.T, dir, date string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=Rep", "GIT_AUTHOR_EMAIL=rep@example.com", "GIT_COMMITTER_NAME=Rep", "GIT_COMMITTER_EMAIL=rep@example.com",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// The preview reads the git history again when HEAD moves, not on every
// save: a saved file is "now" already, and its page shows it.
func TestHistoryFollowsHead(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "pipeline.yaml"), testPipeline)
	writeFile(t, filepath.Join(dir, "deals/acme.yaml"), dealYAML("Acme", 1000))
	git(t, dir, "2026-11-10T12:00:00Z", "init", "-q", "-b", "main")
	git(t, dir, "2026-11-10T12:00:00Z", "add", "-A")
	git(t, dir, "2026-11-10T12:00:00Z", "commit", "-q", "-m", "first")
	srv := New(Options{Dir: dir})
	srv.Rebuild(nil, true)
	first := srv.history.h
	if first == nil || !first.Usable {
		t.Fatalf("history = %+v", first)
	}
	page := func() string {
		b, ok, err := srv.state.Load().site.File("review.html")
		if err != nil || !ok {
			t.Fatalf("review.html: %v %v", ok, err)
		}
		return string(b)
	}
	// A saved edit: the history is kept, the page shows the increase.
	writeFile(t, filepath.Join(dir, "deals/acme.yaml"), dealYAML("Acme", 1500))
	srv.Rebuild([]string{"deals/acme.yaml"}, false)
	if srv.history.h != first {
		t.Errorf("a save read the history again")
	}
	if !strings.Contains(page(), `<th scope="row">Increased</th><td class="num">1</td><td class="num">$500</td>`) {
		t.Errorf("review.html does not show the saved increase")
	}
	// A commit moves HEAD: the history is read again.
	git(t, dir, "2026-11-24T12:00:00Z", "commit", "-q", "-am", "raise")
	srv.Rebuild(nil, true)
	if srv.history.h == first || srv.history.h.Head.Hash == first.Head.Hash {
		t.Errorf("HEAD moved and the history was not read again")
	}
	if !strings.Contains(page(), `<th scope="row">Increased</th><td class="num">1</td><td class="num">$500</td>`) {
		t.Errorf("review.html lost the increase after the commit")
	}
}
