package history

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// TestMain keeps the developer's git configuration out of the repositories
// the tests build, and keeps git from finding a repository above the
// temporary folders.
func TestMain(m *testing.M) {
	for k, v := range map[string]string{
		"GIT_CONFIG_GLOBAL":       os.DevNull,
		"GIT_CONFIG_NOSYSTEM":     "1",
		"GIT_AUTHOR_NAME":         "Ana",
		"GIT_AUTHOR_EMAIL":        "ana@example.com",
		"GIT_COMMITTER_NAME":      "Ana",
		"GIT_COMMITTER_EMAIL":     "ana@example.com",
		"GIT_CEILING_DIRECTORIES": filepath.Clean(os.TempDir()),
	} {
		os.Setenv(k, v)
	}
	os.Exit(m.Run())
}

// repo is a git repository built by a test, with the pipeline in dir (the
// work tree itself or a folder of it).
type repo struct {
	t         *testing.T
	top, dir  string
	nextWhen  string // committer date of the next commit
	cutoffDay string
}

func newRepo(t *testing.T, sub string) *repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	top := t.TempDir()
	r := &repo{t: t, top: top, dir: filepath.Join(top, filepath.FromSlash(sub))}
	r.git("init", "-q", "-b", "main")
	r.write("pipeline.yaml", "name: Sales\n")
	return r
}

// git runs git in the work tree, with both dates set to r.nextWhen.
func (r *repo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", r.top}, args...)...)
	if r.nextWhen != "" {
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_DATE="+r.nextWhen, "GIT_COMMITTER_DATE="+r.nextWhen)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// write writes a file of the pipeline (rel is relative to r.dir).
func (r *repo) write(rel, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// commit commits every change of the work tree at noon UTC of day, or at
// day itself when it has a time, and returns the commit's hash.
func (r *repo) commit(day string) string {
	r.t.Helper()
	r.nextWhen = day
	if len(day) == len("2026-03-01") {
		r.nextWhen = day + "T12:00:00+00:00"
	}
	defer func() { r.nextWhen = "" }()
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", "on "+day)
	return r.git("rev-parse", "HEAD")
}

// deal is a deal file with a value, an expected close and a stage.
func deal(value, close, stage string) string {
	s := "title: Northwind — analytics\nowner: ana\n"
	if value != "" {
		s += "value: " + value + "\n"
	}
	if close != "" {
		s += "expected_close: " + close + "\n"
	}
	s += "history:\n  - stage: lead\n    date: 2026-01-05\n"
	if stage != "lead" {
		s += "  - stage: " + stage + "\n    date: 2026-01-06\n"
	}
	return s
}

// options are the options of a Read of the working tree as the loader
// sees it, with the review at the end of day cutoff (UTC).
func (r *repo) options(cutoff string) Options {
	r.t.Helper()
	files, _, err := load.DealFiles(r.dir)
	if err != nil {
		r.t.Fatal(err)
	}
	opt := Options{Dir: r.dir, Files: map[string]string{}, Current: map[string]Facts{}, Cutoff: EndOfDay(date(r.t, cutoff), time.UTC)}
	deals, _ := load.Loader{}.ReadDeals(r.dir, files)
	for i, f := range files {
		opt.Files[load.DealID(f)] = f
		opt.Current[load.DealID(f)] = FactsOf(deals[i])
	}
	return opt
}

func (r *repo) read(cutoff string) *History {
	r.t.Helper()
	h, err := Read(context.Background(), r.options(cutoff))
	if err != nil {
		r.t.Fatal(err)
	}
	if !h.Usable {
		r.t.Fatalf("history not usable: %s (%s)", h.Why, h.Fix)
	}
	return h
}

func date(t *testing.T, s string) model.Date {
	t.Helper()
	d, err := model.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func money(t *testing.T, s string) model.Money {
	t.Helper()
	m, err := model.ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// values returns the value of each version ("broken" for a broken one).
func values(d *Deal) []string {
	var out []string
	for _, v := range d.Versions {
		switch {
		case v.Broken:
			out = append(out, "broken")
		case v.Facts.HasValue:
			out = append(out, v.Facts.Value.String())
		default:
			out = append(out, "none")
		}
	}
	return out
}

// closes returns the expected close of each version.
func closes(d *Deal) []string {
	var out []string
	for _, v := range d.Versions {
		out = append(out, v.Facts.ExpectedClose.String())
	}
	return out
}

func mustDeal(t *testing.T, h *History, id string) *Deal {
	t.Helper()
	d := h.Deals[id]
	if d == nil {
		t.Fatalf("no history for %q; have %v", id, keys(h.Deals))
	}
	return d
}

func keys(m map[string]*Deal) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestValueRaisedAndLowered(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	first := r.commit("2026-03-02")
	r.write("deals/acme.yaml", deal("2000", "2026-04-30", "qualified"))
	raised := r.commit("2026-03-05")
	r.write("deals/acme.yaml", deal("1500", "2026-04-30", "qualified"))
	lowered := r.commit("2026-03-10")

	h := r.read("2026-03-08")
	if h.Head.Hash != lowered || h.Review.Hash != raised {
		t.Errorf("Head, Review = %s, %s, want %s, %s", h.Head.Hash, h.Review.Hash, lowered, raised)
	}
	if want := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC); !h.Review.When.Equal(want) {
		t.Errorf("Review.When = %v, want %v", h.Review.When, want)
	}
	d := mustDeal(t, h, "acme")
	if got, want := values(d), []string{"1000", "2000", "1500"}; !reflect.DeepEqual(got, want) {
		t.Errorf("values = %v, want %v", got, want)
	}
	if d.Versions[0].Commit.Hash != first {
		t.Errorf("first version's commit = %s, want %s", d.Versions[0].Commit.Hash, first)
	}
	v, ok := d.At()
	if d.AtReview != 1 || !ok || v.Facts.Value != money(t, "2000") || v.Facts.Stage != "qualified" || v.Facts.Owner != "ana" {
		t.Errorf("AtReview = %d, At() = %+v, %v; want version 1, value 2000, stage qualified", d.AtReview, v, ok)
	}
}

func TestPushCount(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	for i, c := range []struct{ value, close string }{
		{"1000", "2026-03-31"},
		{"1000", "2026-04-15"}, // pushed
		{"1200", "2026-04-15"}, // value only
		{"1200", "2026-04-10"}, // pulled in
		{"1200", "2026-05-31"}, // pushed
		{"1200", ""},           // close removed
		{"1200", "2026-06-30"}, // set again: not a push
	} {
		r.write("deals/acme.yaml", deal(c.value, c.close, "lead"))
		r.commit(fmt.Sprintf("2026-03-%02d", i+1))
	}
	d := mustDeal(t, r.read("2026-03-31"), "acme")
	if got := d.PushCount(); got != 2 {
		t.Errorf("PushCount() = %d, want 2 (closes %v)", got, closes(d))
	}
	if d.AtReview != 6 {
		t.Errorf("AtReview = %d, want 6", d.AtReview)
	}
}

func TestCreatedAndWonInsideTheWindow(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/old.yaml", deal("500", "2026-03-20", "lead"))
	r.commit("2026-03-01")
	r.write("deals/new.yaml", deal("900", "2026-03-20", "lead"))
	r.commit("2026-03-10")
	r.write("deals/new.yaml", deal("900", "2026-03-20", "won"))
	r.commit("2026-03-12")

	h := r.read("2026-03-08")
	d := mustDeal(t, h, "new")
	if _, ok := d.At(); d.AtReview != -1 || ok || len(d.Versions) != 2 {
		t.Errorf("new deal: AtReview = %d (At ok %v), %d versions; want -1, false, 2", d.AtReview, ok, len(d.Versions))
	}
	if got := d.Versions[1].Facts.Stage; got != "won" {
		t.Errorf("stage of the last version = %q, want won", got)
	}
	if d := mustDeal(t, h, "old"); d.AtReview != 0 {
		t.Errorf("old deal: AtReview = %d, want 0", d.AtReview)
	}
}

func TestDeletedAndRestored(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("500", "2026-03-20", "lead"))
	r.commit("2026-03-01")
	if err := os.Remove(filepath.Join(r.dir, "deals/acme.yaml")); err != nil {
		t.Fatal(err)
	}
	r.commit("2026-03-03")
	r.write("deals/acme.yaml", deal("700", "2026-03-20", "lead"))
	r.commit("2026-03-10")

	d := mustDeal(t, r.read("2026-03-05"), "acme")
	if got, want := values(d), []string{"500", "700"}; !reflect.DeepEqual(got, want) || d.AtReview != -1 {
		t.Errorf("values = %v, AtReview = %d; want %v, -1 (deleted at the review)", got, d.AtReview, want)
	}
}

func TestRename(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	r.write("deals/acme.yaml", deal("1100", "2026-04-30", "lead"))
	r.commit("2026-03-02")
	r.git("mv", "deals/acme.yaml", "deals/acme-corp.yaml")
	r.commit("2026-03-03") // renamed as it is: no new version
	os.Mkdir(filepath.Join(r.dir, "deals", "emea"), 0o755)
	r.git("mv", "deals/acme-corp.yaml", "deals/emea/acme-corp.yaml")
	r.write("deals/emea/acme-corp.yaml", deal("1100", "2026-05-31", "lead"))
	r.commit("2026-03-04") // renamed and changed
	r.write("deals/acme.yaml", deal("5", "2026-04-30", "lead"))
	r.commit("2026-03-05") // a new deal takes the old name

	h := r.read("2026-03-03")
	d := mustDeal(t, h, "emea/acme-corp")
	if got, want := values(d), []string{"1000", "1100", "1100"}; !reflect.DeepEqual(got, want) {
		t.Errorf("values = %v, want %v", got, want)
	}
	if d.AtReview != 1 || d.PushCount() != 1 {
		t.Errorf("AtReview = %d, PushCount() = %d; want 1, 1", d.AtReview, d.PushCount())
	}
	if got, want := values(mustDeal(t, h, "acme")), []string{"5"}; !reflect.DeepEqual(got, want) || h.Deals["acme"].AtReview != -1 {
		t.Errorf("new acme: values = %v, AtReview = %d; want %v, -1", got, h.Deals["acme"].AtReview, want)
	}
}

func TestMergeCommit(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.write("deals/globex.yaml", deal("300", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	r.git("checkout", "-q", "-b", "raise")
	r.write("deals/acme.yaml", deal("2000", "2026-04-30", "lead"))
	r.commit("2026-03-02")
	r.write("deals/acme.yaml", deal("3000", "2026-05-31", "lead"))
	r.commit("2026-03-03")
	r.git("checkout", "-q", "main")
	r.write("README.md", "the team's pipeline\n")
	r.commit("2026-03-04")
	r.nextWhen = "2026-03-06T12:00:00+00:00"
	r.git("merge", "-q", "--no-ff", "-m", "merge raise", "raise")
	merge := r.git("rev-parse", "HEAD")
	r.nextWhen = ""
	r.write("deals/globex.yaml", deal("400", "2026-04-30", "lead"))
	r.commit("2026-03-08")

	h := r.read("2026-03-05")
	d := mustDeal(t, h, "acme")
	if got, want := values(d), []string{"1000", "3000"}; !reflect.DeepEqual(got, want) {
		t.Errorf("values = %v, want %v: the branch's commits are not versions, the merge is", got, want)
	}
	if d.Versions[1].Commit.Hash != merge {
		t.Errorf("second version's commit = %s, want the merge %s", d.Versions[1].Commit.Hash, merge)
	}
	if d.AtReview != 0 || d.PushCount() != 1 {
		t.Errorf("AtReview = %d, PushCount() = %d; want 0, 1", d.AtReview, d.PushCount())
	}
	if got, want := values(mustDeal(t, h, "globex")), []string{"300", "400"}; !reflect.DeepEqual(got, want) {
		t.Errorf("globex values = %v, want %v: the merge did not change it", got, want)
	}
	// Reviewed right after the merge, the merge is the review commit.
	if h := r.read("2026-03-07"); h.Review.Hash != merge || h.Deals["acme"].AtReview != 1 {
		t.Errorf("review = %s with acme at %d, want the merge %s with acme at 1", h.Review.Hash, h.Deals["acme"].AtReview, merge)
	}
}

func TestReviewCommit(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	r.write("README.md", "the team's pipeline\n")
	readme := r.commit("2026-03-03") // changes no deal, and is the review
	r.write("deals/acme.yaml", deal("2000", "2026-04-30", "lead"))
	r.commit("2026-03-10")
	r.write("deals/acme.yaml", deal("3000", "2026-04-30", "lead"))
	r.commit("2026-03-12")

	h := r.read("2026-03-05")
	if h.Review.Hash != readme || h.Deals["acme"].AtReview != 0 {
		t.Errorf("review = %s with acme at %d, want %s with acme at 0", h.Review.Hash, h.Deals["acme"].AtReview, readme)
	}
	// A commit dated after the cutoff that comes before one dated before
	// it (a rebase, a wrong clock) is not the review either: the line is
	// walked from HEAD and the first commit by the cutoff is the review.
	r.write("deals/acme.yaml", deal("4000", "2026-04-30", "lead"))
	back := r.commit("2026-03-04")
	if h := r.read("2026-03-05"); h.Review.Hash != back || h.Deals["acme"].AtReview != 3 {
		t.Errorf("review = %s with acme at %d, want %s with acme at 3", h.Review.Hash, h.Deals["acme"].AtReview, back)
	}
}

func TestCutoffInTheTimeZone(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	end := EndOfDay(date(t, "2026-03-10"), berlin)
	if want := time.Date(2026, 3, 10, 23, 59, 59, 999999999, berlin); !end.Equal(want) {
		t.Errorf("EndOfDay = %v, want %v", end, want)
	}
	// The day the clocks go forward is 23 hours long.
	if got, want := EndOfDay(date(t, "2026-03-29"), berlin).Sub(EndOfDay(date(t, "2026-03-28"), berlin)), 23*time.Hour; got != want {
		t.Errorf("29 March 2026 in Berlin lasts %v, want %v", got, want)
	}
	if got, want := EndOfDay(date(t, "2026-03-10"), nil), time.Date(2026, 3, 10, 23, 59, 59, 999999999, time.UTC); !got.Equal(want) {
		t.Errorf("EndOfDay in no zone = %v, want %v", got, want)
	}

	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	r.write("deals/acme.yaml", deal("2000", "2026-04-30", "lead"))
	late := r.commit("2026-03-10T23:30:00+01:00") // 23:30 in Berlin: by the cutoff
	r.write("deals/acme.yaml", deal("3000", "2026-04-30", "lead"))
	r.commit("2026-03-10T23:30:00+00:00") // 00:30 on the 11th in Berlin: after it
	opt := r.options("2026-03-10")
	opt.Cutoff = end
	h, err := Read(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if h.Review.Hash != late {
		t.Errorf("review = %s, want %s", h.Review.Hash, late)
	}
}

func TestNotUsable(t *testing.T) {
	t.Parallel()
	t.Run("shallow clone", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t, "")
		r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
		r.commit("2026-03-01")
		r.write("deals/acme.yaml", deal("2000", "2026-04-30", "lead"))
		r.commit("2026-03-10")
		clone := filepath.Join(t.TempDir(), "clone")
		r.git("clone", "-q", "--depth", "1", "file://"+r.top, clone)
		h := readIn(t, clone, "2026-03-05")
		if h.Usable || !strings.Contains(h.Why, "shallow") || !strings.Contains(h.Fix, "fetch-depth: 0") || !strings.Contains(h.Fix, "git fetch --unshallow") {
			t.Errorf("Read in a shallow clone = %+v, want not usable, with the fetch hint", h)
		}
	})
	t.Run("no repository", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "pipeline.yaml"), []byte("name: Sales\n"), 0o644)
		if h := readIn(t, dir, "2026-03-05"); h.Usable || !strings.Contains(h.Why, "not in a git repository") || h.Fix == "" {
			t.Errorf("Read outside a repository = %+v, want not usable", h)
		}
	})
	t.Run("no commit", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t, "")
		if h := readIn(t, r.dir, "2026-03-05"); h.Usable || !strings.Contains(h.Why, "no commit") {
			t.Errorf("Read in a repository with no commit = %+v, want not usable", h)
		}
	})
	t.Run("no commit by the cutoff", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t, "")
		r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
		r.commit("2026-03-06")
		h := readIn(t, r.dir, "2026-03-05")
		if h.Usable || !strings.Contains(h.Why, "5 March 2026") || h.Fix == "" {
			t.Errorf("Read with every commit after the cutoff = %+v, want not usable, naming 5 March 2026", h)
		}
	})
	t.Run("inside .git", func(t *testing.T) {
		t.Parallel()
		r := newRepo(t, "")
		r.commit("2026-03-01")
		if h := readIn(t, filepath.Join(r.top, ".git"), "2026-03-05"); h.Usable {
			t.Errorf("Read inside .git = %+v, want not usable", h)
		}
	})
}

func TestNoGit(t *testing.T) {
	r := newRepo(t, "")
	r.commit("2026-03-01")
	t.Setenv("PATH", t.TempDir())
	if h := readIn(t, r.dir, "2026-03-05"); h.Usable || !strings.Contains(h.Why, "git is not installed") {
		t.Errorf("Read with no git = %+v, want not usable", h)
	}
}

func readIn(t *testing.T, dir, cutoff string) *History {
	t.Helper()
	h, err := Read(context.Background(), Options{Dir: dir, Cutoff: EndOfDay(date(t, cutoff), time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestCancelled(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opt := r.options("2026-03-05")
	if _, err := Read(ctx, opt); err != context.Canceled {
		t.Errorf("Read with a cancelled context: err = %v, want %v", err, context.Canceled)
	}
}

func TestPipelineInAFolder(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "sales/emea")
	os.WriteFile(filepath.Join(r.top, "README.md"), []byte("tools and sales\n"), 0o644)
	// A deals folder outside the pipeline's is none of its deals.
	os.MkdirAll(filepath.Join(r.top, "deals"), 0o755)
	os.WriteFile(filepath.Join(r.top, "deals", "acme.yaml"), []byte(deal("9", "2026-04-30", "lead")), 0o644)
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	r.write("deals/acme.yaml", deal("2000", "2026-05-31", "lead"))
	os.WriteFile(filepath.Join(r.top, "deals", "acme.yaml"), []byte(deal("99", "2026-04-30", "lead")), 0o644)
	r.commit("2026-03-10")

	d := mustDeal(t, r.read("2026-03-05"), "acme")
	if got, want := values(d), []string{"1000", "2000"}; !reflect.DeepEqual(got, want) || d.AtReview != 0 || d.PushCount() != 1 {
		t.Errorf("values = %v, AtReview = %d, PushCount() = %d; want %v, 0, 1", got, d.AtReview, d.PushCount(), want)
	}
}

func TestHostileNames(t *testing.T) {
	t.Parallel()
	names := []string{
		"-rf.yaml",
		"--output=x.yaml",
		"with space.yaml",
		`quote"s and 'apostrophes'.yaml`,
		"ünïcødé — 株式会社.yaml",
		"tab\there.yaml",
		"new\nline.yaml",
		"back\\slash.yaml",
		"$(touch pwned).yaml",
		"-sub/:colon.yaml",
	}
	r := newRepo(t, "")
	for i, n := range names {
		r.write("deals/"+n, deal(fmt.Sprint(100+i), "2026-04-30", "lead"))
	}
	r.commit("2026-03-01")
	for i, n := range names {
		r.write("deals/"+n, deal(fmt.Sprint(200+i), "2026-05-31", "lead"))
	}
	r.commit("2026-03-02")
	r.git("mv", "--", "deals/-rf.yaml", "deals/-rf renamed \".yaml")
	r.commit("2026-03-03")

	opt := r.options("2026-03-01")
	if len(opt.Files) != len(names) {
		t.Fatalf("the loader finds %d deal files, want %d", len(opt.Files), len(names))
	}
	h, err := Read(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	names[0] = "-rf renamed \".yaml"
	for i, n := range names {
		id := load.DealID("deals/" + n)
		d := mustDeal(t, h, id)
		if got, want := values(d), []string{fmt.Sprint(100 + i), fmt.Sprint(200 + i)}; !reflect.DeepEqual(got, want) || d.AtReview != 0 || d.PushCount() != 1 {
			t.Errorf("%q: values = %v, AtReview = %d, PushCount() = %d; want %v, 0, 1", id, got, d.AtReview, d.PushCount(), want)
		}
	}
	if _, err := os.Stat(filepath.Join(r.dir, "pwned")); err == nil {
		t.Error("a file name ran a command")
	}
}

func TestUncommittedEdits(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	r.write("deals/acme.yaml", deal("2000", "2026-04-30", "lead"))
	r.commit("2026-03-10")
	r.write("deals/acme.yaml", deal("3000", "2026-06-30", "lead")) // not committed
	r.write("deals/globex.yaml", deal("10", "2026-04-30", "lead")) // not committed

	h := r.read("2026-03-05")
	d := mustDeal(t, h, "acme")
	if got, want := values(d), []string{"1000", "2000"}; !reflect.DeepEqual(got, want) || d.PushCount() != 0 {
		t.Errorf("values = %v, PushCount() = %d; want %v, 0: edits in the work tree are now, not history", got, d.PushCount(), want)
	}
	if h.Deals["globex"] != nil {
		t.Errorf("an uncommitted deal has a history: %+v", h.Deals["globex"])
	}
}

func TestBrokenVersion(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	steps := []string{
		deal("1000", "2026-03-31", "lead"),
		"title: [Northwind\nowner: ana\n", // does not parse
		deal("1000", "2026-04-15", "lead"),
		deal("1000 USD", "2026-03-01", "lead"), // the value cannot be read
		deal("1000", "2026-04-30", "lead"),
		"",                                  // empty
		"notes: only notes, no deal here\n", // the facts are readable, if empty
		deal("1000", "2026-05-31", "lead"),
	}
	for i, s := range steps {
		r.write("deals/acme.yaml", s)
		r.commit(fmt.Sprintf("2026-03-%02d", i+1))
	}
	d := mustDeal(t, r.read("2026-03-02"), "acme")
	want := []string{"10.00", "broken", "10.00", "broken", "10.00", "broken", "none", "10.00"}
	for i := range want {
		if want[i] == "10.00" {
			want[i] = money(t, "1000").String()
		}
	}
	if got := values(d); !reflect.DeepEqual(got, want) {
		t.Errorf("values = %v, want %v", got, want)
	}
	// Pushed twice across the broken versions (31 March to 15 April to 30
	// April); the close 31 May comes after a version without one, so it
	// is set, not pushed.
	if got := d.PushCount(); got != 2 {
		t.Errorf("PushCount() = %d, want 2 (closes %v)", got, closes(d))
	}
	if v, ok := d.At(); !ok || !v.Broken || v.Facts != (Facts{}) {
		t.Errorf("At() = %+v, %v; want the broken version, with no facts", v, ok)
	}
}

func TestLargeVersionIsBroken(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-03-31", "lead")+"notes: "+strings.Repeat("x", 4000)+"\n")
	r.commit("2026-03-01")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.commit("2026-03-02")
	opt := r.options("2026-03-05")
	opt.Loader = load.Loader{MaxFileSize: 1000}
	h, err := Read(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if d := mustDeal(t, h, "acme"); !d.Versions[0].Broken || d.Versions[1].Broken {
		t.Errorf("versions = %+v, want the first, over the limit, broken", d.Versions)
	}
}

// TestUnmodifiedFilesAreNotParsed checks that the versions that are the
// content of the working tree's files take their facts from
// Options.Current, and that those are the facts a parse would give.
func TestUnmodifiedFilesAreNotParsed(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	const n = 12
	for i := range n {
		r.write(fmt.Sprintf("deals/d%02d.yaml", i), deal(fmt.Sprint(100+i), "2026-04-30", "lead"))
	}
	r.commit("2026-03-01")
	for i := range n / 2 {
		r.write(fmt.Sprintf("deals/d%02d.yaml", i), deal(fmt.Sprint(200+i), "2026-05-31", "qualified"))
	}
	r.commit("2026-03-02")
	// Three files edited in the work tree, one of them back to its first
	// version: git sees it modified, so that version is parsed.
	r.write("deals/d00.yaml", deal("999", "2026-05-31", "qualified"))
	r.write("deals/d07.yaml", deal("999", "2026-05-31", "qualified"))
	r.write("deals/d01.yaml", deal("101", "2026-04-30", "lead"))
	// Twelve files, eighteen versions, all different; nine are files of
	// the work tree as committed.
	opt := r.options("2026-03-01")
	opt.Cache = &Cache{}
	got, err := Read(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if parsed := opt.Cache.parses; parsed != 18-9 {
		t.Errorf("%d versions parsed, want %d", parsed, 18-9)
	}
	opt.Current, opt.Cache = nil, &Cache{}
	want, err := Read(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if parsed := opt.Cache.parses; parsed != 18 {
		t.Errorf("without Current, %d versions parsed, want 18", parsed)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with Current:\n%s\nwithout:\n%s", dump(got), dump(want))
	}
	// A second read with the cache parses nothing more, and says the same.
	again, err := Read(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if parsed := opt.Cache.parses; parsed != 18 || !reflect.DeepEqual(again, want) {
		t.Errorf("again with the cache: %d parsed, same facts %v", parsed, reflect.DeepEqual(again, want))
	}
}

func dump(h *History) string {
	var b strings.Builder
	for id, d := range h.Deals {
		fmt.Fprintf(&b, "%s at %d: %+v\n", id, d.AtReview, d.Versions)
	}
	return b.String()
}

// TestLongLine reads a line of thousands of commits with a rename, a
// deletion and a merge far apart.
func TestLongLine(t *testing.T) {
	r := newRepo(t, "")
	var w strings.Builder
	const commits = 2400
	at := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC).Unix()
	file := func(path, src string) {
		fmt.Fprintf(&w, "M 100644 inline %s\ndata %d\n%s\n", path, len(src), src)
	}
	for i := range commits {
		if i == 1900 {
			// A side branch from commit 300, which created side.yaml,
			// changes it; commit 1900 merges it.
			fmt.Fprintf(&w, "commit refs/heads/side\nmark :100000\ncommitter Ana <ana@example.com> %d +0000\ndata 2\ns\nfrom :301\n", at+1899*3600)
			file("deals/side.yaml", deal("7", "2024-10-01", "lead"))
		}
		fmt.Fprintf(&w, "commit refs/heads/main\nmark :%d\ncommitter Ana <ana@example.com> %d +0000\ndata 2\nc\n", i+1, at+int64(i)*3600)
		switch i {
		case 0:
			file("pipeline.yaml", "name: Sales\n")
		case 300:
			file("deals/side.yaml", deal("5", "2024-09-01", "lead"))
		case 2000:
			w.WriteString("R deals/d03.yaml deals/renamed.yaml\n")
		case 2200:
			w.WriteString("D deals/d04.yaml\n")
		case 1900:
			// fast-import takes the tree of the first parent: the
			// merge's result is written out.
			w.WriteString("merge :100000\n")
			file("deals/side.yaml", deal("7", "2024-10-01", "lead"))
		}
		path := fmt.Sprintf("deals/d%02d.yaml", i%10)
		switch {
		case i%10 == 3 && i >= 2000:
			path = "deals/renamed.yaml"
		case i%10 == 4 && i >= 2200:
			continue
		}
		file(path, deal(fmt.Sprint(1000+i), model.Date(739000+i%37*3).String(), "lead"))
	}
	cmd := exec.Command("git", "-C", r.top, "fast-import", "--quiet")
	cmd.Stdin = strings.NewReader(w.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git fast-import: %v\n%s", err, out)
	}
	r.git("reset", "-q", "--hard", "main")

	cutoff := time.Unix(at, 0).Add(1700 * time.Hour).UTC().Format("2006-01-02")
	got := r.read(cutoff)
	if len(got.Deals) != 10 || got.Deals["d04"] != nil {
		t.Fatalf("%d deals, d04 %v; want 10 deals, d04 deleted", len(got.Deals), got.Deals["d04"])
	}
	// d03.yaml changed every tenth commit, 200 times before the rename
	// and 40 times after it, under its new name.
	if n := len(got.Deals["renamed"].Versions); n != 240 {
		t.Errorf("renamed: %d versions, want 240", n)
	}
	if v := values(got.Deals["side"]); !reflect.DeepEqual(v, []string{money(t, "5").String(), money(t, "7").String()}) {
		t.Errorf("side: values = %v, want 5 then 7 (the merge)", v)
	}
	// The review is the last commit by the end of the cutoff's day: the
	// commits are an hour apart from noon, so commit 1716 is at the
	// midnight after it and 1715 an hour before.
	if want := time.Unix(at+1715*3600, 0); !got.Review.When.Equal(want) {
		t.Errorf("review commit at %v, want %v (cutoff %s)", got.Review.When, want.UTC(), cutoff)
	}
}

// TestCacheFollowsHead reads again after HEAD moved, with a cache: on the
// line, only the new commits are read; off it (a reset), everything is.
// Either way the history is the one a fresh read gives.
func TestCacheFollowsHead(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-04-30", "lead"))
	r.write("deals/globex.yaml", deal("10", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	r.write("deals/acme.yaml", deal("2000", "2026-05-31", "lead"))
	base := r.commit("2026-03-02")
	cache := &Cache{}
	readBoth := func(what string) {
		t.Helper()
		opt := r.options("2026-03-02")
		opt.Cache = cache
		got, err := Read(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		opt.Cache = nil
		want, err := Read(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: with the cache:\n%s\nfresh:\n%s", what, dump(got), dump(want))
		}
	}
	readBoth("first read")
	r.write("deals/acme.yaml", deal("3000", "2026-06-30", "lead"))
	r.commit("2026-03-03")
	r.git("mv", "deals/globex.yaml", "deals/globex-inc.yaml")
	r.write("deals/initech.yaml", deal("1", "2026-04-30", "lead"))
	r.commit("2026-03-04")
	parses := cache.parses
	readBoth("after two commits")
	// The new versions are the work tree's files; the one parsed is
	// acme's version of 2 March, which was the work tree's at the first
	// read, and facts taken from Current are not kept.
	if cache.parses != parses+1 {
		t.Errorf("after two commits %d versions parsed, want 1", cache.parses-parses)
	}
	readBoth("HEAD where it was")
	r.git("reset", "-q", "--hard", base)
	r.write("deals/acme.yaml", deal("2500", "2026-04-30", "lead"))
	r.commit("2026-03-05")
	readBoth("after a reset")
}

func TestLinkVersionIsBroken(t *testing.T) {
	t.Parallel()
	r := newRepo(t, "")
	r.write("deals/acme.yaml", deal("1000", "2026-03-31", "lead"))
	r.write("notes.yaml", deal("2000", "2026-04-30", "lead"))
	r.commit("2026-03-01")
	os.Remove(filepath.Join(r.dir, "deals/acme.yaml"))
	if err := os.Symlink("../notes.yaml", filepath.Join(r.dir, "deals/acme.yaml")); err != nil {
		t.Skip(err)
	}
	r.commit("2026-03-02")
	os.Remove(filepath.Join(r.dir, "deals/acme.yaml"))
	r.write("deals/acme.yaml", deal("1000", "2026-05-31", "lead"))
	r.commit("2026-03-03")

	d := mustDeal(t, r.read("2026-03-02"), "acme")
	if got, want := values(d), []string{money(t, "1000").String(), "broken", money(t, "1000").String()}; !reflect.DeepEqual(got, want) {
		t.Errorf("values = %v, want %v: a link is no deal file", got, want)
	}
	if v, ok := d.At(); !ok || !v.Broken || d.PushCount() != 1 {
		t.Errorf("At() = %+v, %v, PushCount() = %d; want the link, broken, and one push", v, ok, d.PushCount())
	}
}

// TestAgainstTrees checks Read on a generated history against git itself:
// at review commits spread over the line, the version a deal had then is
// the file git's tree of that commit has at its path, or, for a deal
// renamed since, at another path with the same facts.
func TestAgainstTrees(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a repository")
	}
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "repo")
	end := date(t, "2026-06-30")
	if err := gen.WriteHistory(context.Background(), dir, gen.HistoryOptions{Options: gen.Options{Seed: 7, Deals: 200, End: end, Months: 12}}); err != nil {
		t.Fatal(err)
	}
	r := &repo{t: t, top: dir, dir: dir}
	opt := r.options("2026-06-30")
	opt.Cache = &Cache{}
	renamed := 0
	for day := end.AddDays(-360); day <= end; day = day.AddDays(23) {
		opt.Cutoff = EndOfDay(day, time.UTC)
		h, err := Read(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if !h.Usable {
			continue // before the first commit
		}
		then := treeFacts(t, r, h.Review.Hash)
		byFacts := make(map[Facts]int)
		for _, f := range then {
			byFacts[f]++
		}
		for id, file := range opt.Files {
			var v Version
			ok := false
			if d := h.Deals[id]; d != nil {
				v, ok = d.At()
			}
			f, inTree := then[file]
			switch {
			case ok && inTree && v.Facts != f:
				t.Errorf("%s at %s: facts %+v, the tree has %+v", id, day, v.Facts, f)
			case ok && !inTree:
				if byFacts[v.Facts] == 0 {
					t.Errorf("%s at %s: facts %+v, which no file of the tree has", id, day, v.Facts)
				}
				renamed++
			case !ok && inTree:
				t.Errorf("%s at %s: no version, the tree has %s", id, day, file)
			}
		}
	}
	t.Logf("%d deal versions found under an earlier path", renamed)
}

// treeFacts parses the deal files of a commit's tree, the plain way: the
// tree listed, every file read.
func treeFacts(t *testing.T, r *repo, commit string) map[string]Facts {
	t.Helper()
	var paths []string
	var ids strings.Builder
	for rec := range strings.SplitSeq(r.git("ls-tree", "-r", "-z", commit, "--", "deals"), "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		if !ok || load.Classify(path) != load.DealFile {
			continue
		}
		paths = append(paths, path)
		ids.WriteString(strings.Fields(meta)[2] + "\n")
	}
	cmd := exec.Command("git", "-C", r.top, "cat-file", "--batch")
	cmd.Stdin = strings.NewReader(ids.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	facts := make(map[string]Facts)
	for _, path := range paths {
		header, rest, _ := strings.Cut(string(out), "\n")
		size, err := strconv.Atoi(strings.Fields(header)[2])
		if err != nil {
			t.Fatalf("cat-file: %q", header)
		}
		d, _ := load.ParseDeal(path, load.DealID(path), []byte(rest[:size]))
		facts[path] = FactsOf(d)
		out = []byte(rest[size+1:])
	}
	return facts
}
