package gen

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipegen/pipegen/internal/check"
	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

// TestWriteHistory writes a small repository with history — 200 deals
// over 6 months, 25 commits a week — and reads it back.
func TestWriteHistory(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	opt := HistoryOptions{Options: Options{Seed: 7, Deals: 200, End: BenchEnd, Months: 6}, CommitsPerWeek: 25}
	dir := t.TempDir()
	began := time.Now()
	if err := WriteHistory(context.Background(), dir, opt); err != nil {
		t.Fatal(err)
	}
	t.Logf("written in %s", time.Since(began))
	t.Run("commits", func(t *testing.T) { testHistoryCommits(t, dir, opt) })
	t.Run("check", func(t *testing.T) { testHistoryChecks(t, dir, opt) })
	t.Run("changes", func(t *testing.T) { testHistoryChanges(t, dir, opt) })
	t.Run("versions", func(t *testing.T) { testHistoryVersions(t, dir) })
}

// runGit runs git in dir the way WriteHistory does and returns its output.
func runGit(t testing.TB, dir string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = gitEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// The main line has about the asked number of back-dated commits a week,
// dated in order from the start of the history to its end, with merge
// commits among them.
func testHistoryCommits(t *testing.T, dir string, opt HistoryOptions) {
	start := model.DateOf(opt.End.Time().AddDate(0, -opt.Months, 0))
	lines := strings.Split(strings.TrimSpace(runGit(t, dir, "", "log", "--first-parent", "--reverse", "--format=%at %ct %P")), "\n")
	weeks := float64(opt.End-start) / 7
	want := weeks * float64(opt.CommitsPerWeek)
	// Deals are created evenly over the months, so the first weeks have
	// less to commit than the rest.
	if n := float64(len(lines)); n < 0.75*want || n > 1.15*want {
		t.Errorf("%d commits on the main line, want about %.0f (%d a week over %.1f weeks)", len(lines), want, opt.CommitsPerWeek, weeks)
	}
	var prev int64
	merges := 0
	for i, l := range lines {
		f := strings.Fields(l)
		at, _ := strconv.ParseInt(f[0], 10, 64)
		ct, _ := strconv.ParseInt(f[1], 10, 64)
		if at != ct {
			t.Fatalf("commit %d: author date %d, committer date %d", i, at, ct)
		}
		if ct <= prev {
			t.Fatalf("commit %d is dated %s, not after the commit before it (%s)", i, time.Unix(ct, 0).UTC(), time.Unix(prev, 0).UTC())
		}
		prev = ct
		if d := model.DateOf(time.Unix(ct, 0).UTC()); d < start || d > opt.End {
			t.Fatalf("commit %d is dated %s, outside %s..%s", i, d, start, opt.End)
		}
		if len(f) > 3 {
			merges++
		}
	}
	t.Logf("%d commits on the main line (want about %.0f), %d merges", len(lines), want, merges)
	if merges < len(lines)/20 {
		t.Errorf("%d merge commits in %d, want about one in 10", merges, len(lines))
	}
	if got := strings.TrimSpace(runGit(t, dir, "", "for-each-ref", "--format=%(refname)")); got != "refs/heads/main" {
		t.Errorf("refs: %q, want only refs/heads/main", got)
	}
	if st := runGit(t, dir, "", "status", "--porcelain"); st != "" {
		t.Errorf("the work tree is not HEAD's:\n%s", st)
	}
}

// The final tree passes check, and its deals have the mix of a real
// pipeline.
func testHistoryChecks(t *testing.T, dir string, opt HistoryOptions) {
	repo, diags, err := load.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	diags = append(diags, check.Check(repo, check.Options{Today: opt.End})...)
	if diag.HasErrors(diags) {
		for _, d := range diags[:min(len(diags), 10)] {
			t.Errorf("%s", d)
		}
	}
	if len(repo.Deals) != opt.Deals {
		t.Errorf("%d deals, want %d", len(repo.Deals), opt.Deals)
	}
	if repo.Pipeline.AsOf != opt.End {
		t.Errorf("as_of %s, want %s", repo.Pipeline.AsOf, opt.End)
	}
	stages := map[string]int{}
	for _, d := range repo.Deals {
		stages[d.History[len(d.History)-1].Stage]++
	}
	if stages["won"] < 10 || stages["lost"] < 10 || stages["won"]+stages["lost"] > opt.Deals-20 {
		t.Errorf("unrealistic mix: %v", stages)
	}
}

// Across the commits, values go up and down, close dates are pushed (some
// twice or more) and pulled in, files are renamed, and every deal file
// appears in the commit of its first history date.
func testHistoryChanges(t *testing.T, dir string, opt HistoryOptions) {
	// Newest first; each commit's diff against its first parent.
	out := runGit(t, dir, "", "log", "--first-parent", "--diff-merges=first-parent", "-M", "-p", "-U0", "--format=commit %ct")
	var (
		file                       string
		oldClose, oldValue         string
		pushes                     = map[string]int{}
		pulled, raised, lowered    int
		renames                    int
		firstDate                  = map[string]string{}
		commitDay                  string
		added                      = map[string]string{} // path: day of the commit that added it
		newFile                    bool
		wantFirst, inHistoryOfFile bool
	)
	for l := range strings.Lines(out) {
		l = strings.TrimSuffix(l, "\n")
		switch {
		case strings.HasPrefix(l, "commit "):
			ct, _ := strconv.ParseInt(strings.TrimPrefix(l, "commit "), 10, 64)
			commitDay = model.DateOf(time.Unix(ct, 0).UTC()).String()
		case strings.HasPrefix(l, "diff --git "):
			newFile, wantFirst, inHistoryOfFile = false, false, false
		case l == "new file mode 100644":
			newFile = true
		case strings.HasPrefix(l, "rename from deals/"):
			renames++
		case strings.HasPrefix(l, "+++ b/"):
			file = strings.TrimPrefix(l, "+++ b/")
			if newFile && strings.HasPrefix(file, "deals/") {
				added[file], wantFirst = commitDay, true
			}
		case strings.HasPrefix(l, "-expected_close: "):
			oldClose = strings.TrimPrefix(l, "-expected_close: ")
		case strings.HasPrefix(l, "+expected_close: ") && oldClose != "":
			if c := strings.TrimPrefix(l, "+expected_close: "); c > oldClose {
				pushes[file]++
			} else {
				pulled++
			}
			oldClose = ""
		case strings.HasPrefix(l, "-value: "):
			oldValue = strings.TrimPrefix(l, "-value: ")
		case strings.HasPrefix(l, "+value: ") && oldValue != "":
			o, _ := model.ParseMoney(oldValue)
			n, _ := model.ParseMoney(strings.TrimPrefix(l, "+value: "))
			if n > o {
				raised++
			} else {
				lowered++
			}
			oldValue = ""
		case wantFirst && l == "+history:":
			inHistoryOfFile = true
		case wantFirst && inHistoryOfFile && (strings.HasPrefix(l, "+    date: ") || strings.HasPrefix(l, "+  - {stage: ")):
			// The first date of the history of a new file.
			if i := strings.Index(l, "date: "); i >= 0 {
				firstDate[file] = l[i+6 : i+16]
			}
			wantFirst = false
		}
	}
	twice := 0
	for _, n := range pushes {
		if n >= 2 {
			twice++
		}
	}
	if twice == 0 || pulled == 0 || raised == 0 || lowered == 0 {
		t.Errorf("%d deals with close dates pushed twice or more, %d pulled in, %d values raised, %d lowered: want some of each", twice, pulled, raised, lowered)
	}
	t.Logf("%d deals with close dates pushed twice or more, %d pulled in, %d values raised, %d lowered, %d renames", twice, pulled, raised, lowered, renames)
	if renames == 0 {
		t.Error("no file is renamed")
	}
	if len(added) != opt.Deals {
		t.Errorf("%d deal files added, want %d", len(added), opt.Deals)
	}
	for f, day := range added {
		if firstDate[f] != day {
			t.Errorf("%s is added on %s, and its history starts on %q", f, day, firstDate[f])
		}
	}
}

// Every version of a deal changed in many commits parses, and its history
// is dated on or before its commit.
func testHistoryVersions(t *testing.T, dir string) {
	out := runGit(t, dir, "", "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--format=commit %H %ct", "--name-only", "--", "deals/")
	type version struct {
		commit string
		day    model.Date
	}
	versions := map[string][]version{}
	var cur version
	for l := range strings.Lines(out) {
		l = strings.TrimSpace(l)
		if f := strings.Fields(l); len(f) == 3 && f[0] == "commit" {
			ct, _ := strconv.ParseInt(f[2], 10, 64)
			cur = version{f[1], model.DateOf(time.Unix(ct, 0).UTC())}
		} else if l != "" {
			versions[l] = append(versions[l], cur)
		}
	}
	var sample string
	for f, vs := range versions {
		if len(vs) > len(versions[sample]) || len(vs) == len(versions[sample]) && f < sample {
			sample = f
		}
	}
	vs := versions[sample]
	if len(vs) < 5 {
		t.Fatalf("the most changed deal, %s, has %d versions", sample, len(vs))
	}
	var in strings.Builder
	for _, v := range vs {
		in.WriteString(v.commit + ":" + sample + "\n")
	}
	r := bufio.NewReader(strings.NewReader(runGit(t, dir, in.String(), "cat-file", "--batch")))
	for _, v := range vs {
		header, _ := r.ReadString('\n')
		f := strings.Fields(header)
		if len(f) != 3 || f[1] != "blob" {
			t.Fatalf("%s:%s: %q", v.commit, sample, header)
		}
		size, _ := strconv.Atoi(f[2])
		src := make([]byte, size+1)
		if _, err := io.ReadFull(r, src); err != nil {
			t.Fatal(err)
		}
		d, diags := load.ParseDeal(sample, load.DealID(sample), src[:size])
		if diag.HasErrors(diags) {
			t.Fatalf("%s at %s: %v", sample, v.commit, diags)
		}
		if last := d.History[len(d.History)-1].Date; last > v.day {
			t.Errorf("%s at %s (%s): last move dated %s, after its commit", sample, v.commit, v.day, last)
		}
	}
}

// Every version of every deal, as the simulation writes it, is a valid
// deal on the day of its commit: the transition rules, required fields,
// no date in the future.
func TestHistoryEveryVersionIsValid(t *testing.T) {
	opt, err := HistoryOptions{Options: Options{Seed: 3, Deals: 300, End: BenchEnd, Months: 12}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	p, pd := load.ParsePipeline("pipeline.yaml", HistoryPipeline(opt))
	if diag.HasErrors(pd) {
		t.Fatal(pd)
	}
	_, days := historyDays(opt)
	seen := 0
	for i := range opt.Deals {
		ts := simulate(opt, i, days)
		for k, tc := range ts {
			if k > 0 && (tc.day <= ts[k-1].day || bytes.Equal(tc.content, ts[k-1].content)) {
				t.Fatalf("deal %d: change %d on %s does not follow the one on %s, or changes nothing", i, k, tc.day, ts[k-1].day)
			}
			d, diags := load.ParseDeal(tc.path, load.DealID(tc.path), tc.content)
			diags = append(diags, check.Check(&model.Repo{Pipeline: p, Deals: []*model.Deal{d}}, check.Options{Today: tc.day})...)
			for _, d := range diags {
				if d.Severity == diag.Error {
					t.Fatalf("%s as of %s: %s\n%s", tc.path, tc.day, d, tc.content)
				}
			}
			seen++
		}
	}
	if seen < 3*opt.Deals {
		t.Errorf("%d versions of %d deals", seen, opt.Deals)
	}
}

// The same options write the same repository, commit ids included.
func TestWriteHistoryIsDeterministic(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	opt := HistoryOptions{Options: Options{Seed: 5, Deals: 40, End: BenchEnd, Months: 3}}
	var heads []string
	for range 2 {
		dir := t.TempDir()
		if err := WriteHistory(context.Background(), dir, opt); err != nil {
			t.Fatal(err)
		}
		heads = append(heads, runGit(t, dir, "", "rev-parse", "HEAD"))
	}
	if heads[0] != heads[1] {
		t.Errorf("two writes with the same options: HEAD %s and %s", heads[0], heads[1])
	}
	if err := WriteHistory(context.Background(), t.TempDir()+"/new/repo", opt); err != nil {
		t.Errorf("a folder that does not exist yet: %v", err)
	}
}

// WriteHistory never writes into a folder that has files.
func TestWriteHistoryRefusesAFolderWithFiles(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Options{Seed: 1, Deals: 3, End: BenchEnd, Months: 1}); err != nil {
		t.Fatal(err)
	}
	err := WriteHistory(context.Background(), dir, HistoryOptions{Options: Options{Seed: 1, Deals: 3, End: BenchEnd, Months: 1}})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("err = %v, want a refusal of a folder that is not empty", err)
	}
}

// BenchmarkWriteHistory writes two years of a 10,000-deal pipeline, about
// 100 commits a week.
//
//	go test -run '^$' -bench WriteHistory -benchtime 1x ./internal/gen
func BenchmarkWriteHistory(b *testing.B) {
	if testing.Short() {
		b.Skip("writes a large repository")
	}
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git is not installed")
	}
	opt := HistoryOptions{Options: Options{Seed: 1, Deals: 10000, End: BenchEnd, Months: 24}}
	var dir string
	for b.Loop() {
		dir = b.TempDir()
		if err := WriteHistory(context.Background(), dir, opt); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	count := func(args ...string) float64 {
		n, _ := strconv.Atoi(strings.TrimSpace(runGit(b, dir, "", args...)))
		return float64(n)
	}
	b.ReportMetric(count("rev-list", "--count", "--first-parent", "HEAD"), "main-commits")
	b.ReportMetric(count("rev-list", "--count", "--merges", "HEAD"), "merges")
	blobs := strings.Count(runGit(b, dir, "", "cat-file", "--batch-all-objects", "--batch-check=%(objecttype)"), "blob\n")
	b.ReportMetric(float64(blobs), "blobs")
}

// With Versions, each deal file has at most that many versions, the last
// of them the deal's final state; renames among the versions left out
// still move the file, and the repository still checks clean.
func TestWriteHistoryVersions(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	all := HistoryOptions{Options: Options{Seed: 11, Deals: 300, End: BenchEnd, Months: 6}, CommitsPerWeek: 40}
	thinned := all
	thinned.Versions = 2
	dirs := map[int]string{}
	for _, opt := range []HistoryOptions{all, thinned} {
		dir := t.TempDir()
		if err := WriteHistory(context.Background(), dir, opt); err != nil {
			t.Fatal(err)
		}
		testHistoryChecks(t, dir, opt)
		dirs[opt.Versions] = dir
	}
	count := func(dir string) (map[string]int, int) {
		out := runGit(t, dir, "", "log", "--first-parent", "--diff-merges=first-parent", "--no-renames", "--format=", "--name-status", "--", "deals/")
		n, total := map[string]int{}, 0
		for l := range strings.Lines(out) {
			if f := strings.Fields(l); len(f) == 2 && f[0] != "D" {
				n[f[1]]++
				total++
			}
		}
		return n, total
	}
	per, total := count(dirs[2])
	for f, n := range per {
		if n > 2 {
			t.Errorf("%s has %d versions, want at most 2", f, n)
		}
	}
	_, totalAll := count(dirs[0])
	if total >= totalAll/2 || total < all.Deals {
		t.Errorf("%d versions with Versions 2, %d without, for %d deals", total, totalAll, all.Deals)
	}
	// The final files are the same: only the versions between are left out.
	heads := [2]string{}
	for i, v := range []int{0, 2} {
		heads[i] = runGit(t, dirs[v], "", "rev-parse", "HEAD:deals")
	}
	if heads[0] != heads[1] {
		t.Errorf("the deals folder at HEAD differs: %s against %s", heads[0], heads[1])
	}
}
