package gen

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipegen/pipegen/internal/model"
)

// HistoryOptions describe a generated pipeline repository with git
// history: Options' deals, created over the Months before End, each
// changed in back-dated commits as reps change deals.
type HistoryOptions struct {
	Options
	// CommitsPerWeek is the number of commits a week on the main line
	// (first parents) when there is enough to commit: the changes of a
	// working day are spread over about a fifth of it. With fewer changes
	// than that, each change is its own commit. Zero means 100.
	CommitsPerWeek int
	// MergeEvery makes about one main-line commit in MergeEvery a merge
	// commit: the changes come from a branch (forked from main a few
	// commits earlier, one or two commits long) merged with a merge commit
	// whose first parent is the main line. Zero means 10; a negative value
	// means no merges.
	MergeEvery int
	// Versions, when positive, keeps at most that many versions of each
	// deal's file: its first and last and others evenly spaced between;
	// the changes of the others come with the next version kept. Zero
	// keeps every version (about six a deal over two years).
	Versions int
}

func (o HistoryOptions) withDefaults() (HistoryOptions, error) {
	if o.End.IsZero() {
		return o, errors.New("gen: HistoryOptions.End is not set")
	}
	if o.Deals < 0 {
		return o, errors.New("gen: HistoryOptions.Deals is negative")
	}
	if o.Months <= 0 {
		o.Months = 12
	}
	if o.CommitsPerWeek <= 0 {
		o.CommitsPerWeek = 100
	}
	if o.MergeEvery == 0 {
		o.MergeEvery = 10
	}
	return o, nil
}

// HistoryPipeline returns the pipeline.yaml of a repository that
// WriteHistory writes: Pipeline's, with as_of pinned to End so that the
// dashboard looks the same whenever it is built.
func HistoryPipeline(opt HistoryOptions) []byte {
	p := string(Pipeline(opt.Options))
	return []byte(strings.Replace(p, "review: weekly\n", "review: weekly\nas_of: "+opt.End.String()+"\n", 1))
}

// WriteHistory writes a new git repository into dir (which must not exist
// or be empty) whose HEAD holds HistoryPipeline and opt.Deals deal files
// like those of Deals, built by back-dated commits: each deal file appears
// in the commit of its first history date and then changes as a rep would
// change it — stage moves appended on their dates (sometimes recorded a
// day or two late), values raised and lowered, close dates pushed (some
// deals again and again) and pulled in, next steps renewed, a few files
// renamed or moved to another owner's folder, onboarding and churn after
// a win. Every version of every file is a valid deal on its commit's date,
// and commit dates (author and committer, times of day in UTC) follow the
// events in order. Some changes come through merge commits.
//
// The objects are written by one git fast-import, so two years of a
// 10,000-deal pipeline take seconds; the work tree is then checked out.
// The result, commit ids included, is the same for the same options.
func WriteHistory(ctx context.Context, dir string, opt HistoryOptions) error {
	opt, err := opt.withDefaults()
	if err != nil {
		return err
	}
	if err := emptyDir(dir); err != nil {
		return err
	}
	start, days := historyDays(opt)
	if len(days) == 0 {
		return errors.New("gen: no working day between the start and End")
	}
	g := gitRunner{dir: dir, env: gitEnv()}
	if err := g.run(ctx, nil, "init", "-q", "-b", "main"); err != nil {
		return err
	}
	var stats historyStats
	// glibc gives memory back to the system after each of fast-import's
	// large temporary buffers and asks for it again for the next; where a
	// system call is slow (sandboxes) that alone takes seconds for a few
	// thousand commits. Keeping it is the same import, 20 times faster.
	fi := gitRunner{dir: dir, env: append(slices.Clip(g.env), "GLIBC_TUNABLES="+tunables())}
	err = fi.run(ctx, func(w io.Writer) error {
		s := &streamer{w: bufio.NewWriterSize(w, 1<<20), opt: opt, r: rand.New(rand.NewPCG(opt.Seed, 0xc0ffee)), last: make([]int, opt.Deals)}
		if err := s.write(ctx, start, days); err != nil {
			return err
		}
		stats = s.stats
		return s.w.Flush()
	}, "fast-import", "--quiet", "--done")
	if err != nil {
		return err
	}
	if stats.merges > 0 {
		if err := g.run(ctx, nil, "update-ref", "-d", branchRef); err != nil {
			return err
		}
	}
	return g.run(ctx, nil, "reset", "-q", "--hard")
}

// historyDays returns the first day of the history and the working days
// from it to End, on which deals change.
func historyDays(opt HistoryOptions) (model.Date, []model.Date) {
	start := model.DateOf(opt.End.Time().AddDate(0, -opt.Months, 0))
	var days []model.Date
	for d := start; d <= opt.End; d++ {
		if wd := d.Time().Weekday(); wd != time.Saturday && wd != time.Sunday {
			days = append(days, d)
		}
	}
	return start, days
}

// BenchHistoryRepo writes the repository with history that benchmarks
// measure — n deals over months months up to BenchEnd, seed 1, the
// default commits a week and merges, at most versions versions of each
// file (0: every change) — into a temporary folder of tb, and returns the
// folder.
func BenchHistoryRepo(tb testing.TB, n, months, versions int) string {
	tb.Helper()
	dir := tb.TempDir()
	opt := HistoryOptions{Options: Options{Seed: 1, Deals: n, End: BenchEnd, Months: months}, Versions: versions}
	if err := WriteHistory(context.Background(), dir, opt); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// emptyDir makes sure dir exists and is empty, creating it when missing.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return os.MkdirAll(dir, 0o755)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: write the repository into a new folder", dir)
	}
	return nil
}

// tunables returns the glibc tunables of fast-import: the caller's, and
// a high trim threshold and top pad.
func tunables() string {
	t := "glibc.malloc.trim_threshold=268435456:glibc.malloc.top_pad=67108864"
	if old := os.Getenv("GLIBC_TUNABLES"); old != "" {
		t = old + ":" + t
	}
	return t
}

// gitEnv is the environment of the git commands: no user or system
// configuration, a fixed identity, and none of the GIT_ variables of a
// hook that might point git at another repository.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=pipegen", "GIT_AUTHOR_EMAIL=pipegen@sales.example",
		"GIT_COMMITTER_NAME=pipegen", "GIT_COMMITTER_EMAIL=pipegen@sales.example",
		"GIT_TERMINAL_PROMPT=0")
}

type gitRunner struct {
	dir string
	env []string
}

// run runs git in the repository; feed, when set, writes its standard input.
func (g gitRunner) run(ctx context.Context, feed func(io.Writer) error, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", g.dir}, args...)...)
	cmd.Env = g.env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var in io.WriteCloser
	if feed != nil {
		var err error
		if in, err = cmd.StdinPipe(); err != nil {
			return err
		}
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git %s: %w", args[0], err)
	}
	var ferr error
	if feed != nil {
		ferr = feed(in)
		if err := in.Close(); ferr == nil {
			ferr = err
		}
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	if ferr != nil {
		return fmt.Errorf("git %s: %w", args[0], ferr)
	}
	return nil
}

// A touch is one change of one deal file: the file as a rep left it on a
// day, under its path (and the path it had before, when it moved).
type touch struct {
	day           model.Date
	deal          int
	author        string // the owner, who made the change
	path, oldPath string // under the repository root
	content       []byte
	what          string // for the commit message
	mark          int    // the blob's mark in the fast-import stream
}

var (
	companyKinds = []string{"Traders", "Foods", "Logistics", "Health", "Bank", "Retail", "Energy", "Media", "Labs", "Motors", "Insurance", "Pharma", "Airlines", "Hotels", "Telecom", "Studios"}
	nextSteps    = [][]string{
		{"Book the discovery call", "Find the budget holder", "Send the case study on the %s"},
		{"Discovery call about the %s", "Map the buying committee", "Agree on success criteria for the %s"},
		{"Demo of the %s for the ops team", "Technical deep dive on the %s", "Share the demo recording"},
		{"Walk the CFO through the proposal", "Send the revised quote for the %s", "Security questionnaire for the %s"},
		{"Contract redlines with legal", "Agree on the start date of the %s", "Final sign-off by the CFO"},
	}
	slipReasons = []string{"budget sign-off moved to next quarter", "legal review is slow", "the champion is on leave", "waiting for the board", "procurement asked for a second quote"}
	valueUp     = []string{"more seats", "added the %s module", "second region added", "three-year term"}
	valueDown   = []string{"scope cut after the pilot", "discount for a longer term", "fewer seats in year one", "dropped the %s module"}
)

// hmove is an entry of a deal's history.
type hmove struct {
	stage  int // index in stageIDs
	date   model.Date
	reason string
}

// hdeal is a deal as the simulation changes it.
type hdeal struct {
	i                             int
	dir, name                     string // the file is deals/<dir>/<name>.yaml
	firm, title, company, owner   string
	source, probability, forecast string
	value                         model.Money
	hasValue                      bool
	close                         model.Date
	next                          string
	nextDate                      model.Date
	history                       []hmove
	sent, opened                  int
	onboarding                    string
	onboardingDate, churned       model.Date
	notes                         []string
}

func (d *hdeal) path() string { return "deals/" + d.dir + "/" + d.name + ".yaml" }

func (d *hdeal) stage() int { return d.history[len(d.history)-1].stage }

func (d *hdeal) open() bool { return d.stage() < 5 }

func (d *hdeal) note(day model.Date, format string, args ...any) {
	d.notes = append(d.notes, fmt.Sprintf("- %s: ", day)+fmt.Sprintf(format, args...))
	if len(d.notes) > 6 {
		d.notes = d.notes[1:]
	}
}

// render writes the deal file, in the layout of Deals.
func (d *hdeal) render() []byte {
	var b bytes.Buffer
	b.Grow(1024)
	fmt.Fprintf(&b, "title: %s\ncompany: %s\nowner: %s\n", d.title, d.company, d.owner)
	if d.source != "" {
		fmt.Fprintf(&b, "source: %s\n", d.source)
	}
	if d.hasValue {
		fmt.Fprintf(&b, "value: %s\n", d.value)
	}
	if !d.close.IsZero() {
		fmt.Fprintf(&b, "expected_close: %s\n", d.close)
	}
	if d.probability != "" {
		fmt.Fprintf(&b, "probability: %s\n", d.probability)
	}
	if d.forecast != "" {
		fmt.Fprintf(&b, "forecast: %s\n", d.forecast)
	}
	if d.next != "" {
		fmt.Fprintf(&b, "next_step: %s\nnext_step_date: %s\n", d.next, d.nextDate)
	}
	fmt.Fprintf(&b, "contacts:\n  - name: Contact %d\n    email: c%d@%s.example\n    role: CFO\n", d.i, d.i, strings.ToLower(d.firm))
	b.WriteString("history:\n")
	for _, m := range d.history {
		if m.reason != "" {
			fmt.Fprintf(&b, "  - {stage: %s, date: %s, reason: %s}\n", stageIDs[m.stage], m.date, m.reason)
		} else {
			fmt.Fprintf(&b, "  - stage: %s\n    date: %s\n", stageIDs[m.stage], m.date)
		}
	}
	if d.sent > 0 {
		fmt.Fprintf(&b, "emails:\n  sent: %d\n  opened: %d\n", d.sent, d.opened)
	}
	switch {
	case d.onboarding == "in_progress":
		b.WriteString("onboarding:\n  status: in_progress\n")
	case d.onboarding != "":
		fmt.Fprintf(&b, "onboarding:\n  status: %s\n  date: %s\n", d.onboarding, d.onboardingDate)
	}
	if !d.churned.IsZero() {
		fmt.Fprintf(&b, "churned: %s\n", d.churned)
	}
	fmt.Fprintf(&b, "notes: |\n  Met the team at %s. **Champion:** the CFO.\n", d.firm)
	if len(d.notes) > 0 {
		b.WriteString("\n")
		for _, n := range d.notes {
			fmt.Fprintf(&b, "  %s\n", n)
		}
	}
	return b.Bytes()
}

// onWeekday returns d, or the Monday after when d is on a weekend.
func onWeekday(d model.Date) model.Date {
	switch d.Time().Weekday() {
	case time.Saturday:
		return d + 2
	case time.Sunday:
		return d + 1
	}
	return d
}

// roundValue rounds to a multiple of 500 (in currency units), at least 500.
func roundValue(m model.Money) model.Money {
	const step = 50000
	return max(step, (m+step/2)/step*step)
}

// simulate returns the changes of deal i over its life, oldest first, at
// most one a day.
func simulate(opt HistoryOptions, i int, days []model.Date) []touch {
	r := rand.New(rand.NewPCG(opt.Seed^0x243f6a8885a308d3, uint64(i)))
	end := opt.End
	firm := firms[i%len(firms)]
	w1, w2 := words[r.IntN(len(words))], words[r.IntN(len(words)-1)] // not seats
	d := &hdeal{
		i:       i,
		owner:   owners[i%len(owners)],
		firm:    firm,
		company: firm + " " + companyKinds[i/len(firms)%len(companyKinds)],
		name:    fmt.Sprintf("%s-%s-%05d", strings.ToLower(firm), w1, i),
	}
	d.dir = d.owner
	d.title = fmt.Sprintf("%s — %s %s, %d seats", firm, w1, w2, 10*(1+r.IntN(300)))
	if r.IntN(20) > 0 {
		d.source = sources[r.IntN(len(sources))]
	}
	setValue := func() {
		d.value, d.hasValue = model.Money((r.IntN(200)+5)*50000), true
		if r.IntN(4) == 0 {
			d.value += model.Money(1 + r.IntN(99))
		}
	}
	setNext := func(day model.Date) {
		s := nextSteps[min(d.stage(), len(nextSteps)-1)]
		text := s[r.IntN(len(s))]
		if strings.Contains(text, "%s") {
			text = fmt.Sprintf(text, w1)
		}
		d.next, d.nextDate = text, day.AddDays(2+r.IntN(20))
	}

	var out []touch
	var prev []byte
	emit := func(day model.Date, oldPath string, what []string) {
		c := d.render()
		if bytes.Equal(c, prev) {
			// Nothing visible changed: the rep logged an email.
			d.sent++
			what = append(what, "emails")
			c = d.render()
		}
		prev = c
		out = append(out, touch{day: day, deal: i, author: d.owner, path: d.path(), oldPath: oldPath, content: c, what: strings.Join(what, ", ")})
	}

	day := days[r.IntN(len(days))]
	first := 0
	if r.IntN(7) == 0 {
		first = 1 // qualified, an entry stage
	}
	d.history = []hmove{{stage: first, date: day}}
	if first > 0 || r.IntN(5) > 0 {
		setValue()
	}
	if d.hasValue && r.IntN(10) < 7 {
		d.close = day.AddDays(30 + r.IntN(120))
	}
	if r.IntN(10) == 0 {
		d.probability = fmt.Sprintf("0.%d", 1+r.IntN(9))
	}
	if r.IntN(8) > 0 {
		setNext(day)
	}
	if r.IntN(2) == 0 {
		d.sent = 1 + r.IntN(4)
		d.opened = r.IntN(d.sent + 1)
	}
	emit(day, "", []string{"new deal in " + stageIDs[first]})

	slipper := r.IntN(5) == 0 // pushes its close date again and again
	moved := false            // renamed or reassigned already
	var wonOn model.Date
	for n := 0; n < 40 && d.open(); n++ {
		gap := 1 + r.IntN(12)
		if r.IntN(8) == 0 {
			gap += 15 + r.IntN(50) // the deal goes quiet
		}
		day = onWeekday(day.AddDays(gap))
		if day > end {
			break
		}
		var what []string
		oldPath := ""
		// A stage move is sometimes recorded a day or two after it happened.
		moveDate := day
		if r.IntN(6) == 0 {
			moveDate = max(day.AddDays(-1-r.IntN(2)), d.history[len(d.history)-1].date)
		}
		closeMoved := false
		s := d.stage()
		p := r.IntN(100)
		switch {
		case !moved && r.IntN(150) == 0:
			moved = true
			oldPath = d.path()
			if r.IntN(2) == 0 {
				from := d.owner
				d.owner = owners[(i+1+r.IntN(len(owners)-1))%len(owners)]
				d.dir = d.owner
				what = append(what, "reassigned from "+from+" to "+d.owner)
			} else {
				d.name = fmt.Sprintf("%s-%s-%s-%05d", strings.ToLower(firm), w1, w2, i)
				what = append(what, "renamed")
			}
		case p < 13:
			reason := reasons[r.IntN(len(reasons))]
			d.history = append(d.history, hmove{stage: 6, date: moveDate, reason: reason})
			what = append(what, stageIDs[s]+" → lost ("+reason+")")
		case s == 4 && p < 48:
			d.history = append(d.history, hmove{stage: 5, date: moveDate})
			wonOn = moveDate
			if d.close != moveDate && r.IntN(10) < 6 {
				d.close = moveDate // the rep records when it closed
				what = append(what, "expected close "+d.close.String())
			}
			what = append(what, "negotiation → won")
		case s == 4 && p < 56:
			d.history = append(d.history, hmove{stage: 3, date: moveDate})
			what = append(what, "negotiation → proposal")
		case s < 4 && p < 60:
			d.history = append(d.history, hmove{stage: s + 1, date: moveDate})
			what = append(what, stageIDs[s]+" → "+stageIDs[s+1])
			if !d.hasValue {
				setValue()
				what = append(what, "value "+d.value.String())
			}
			if s+1 >= 3 && d.close.IsZero() {
				d.close = day.AddDays(20 + r.IntN(70))
				what = append(what, "expected close "+d.close.String())
			}
		case p < 70 && d.hasValue:
			old, why := d.value, ""
			if r.IntN(100) < 55 || old <= 50000 {
				d.value = max(old+50000, roundValue(old.MulRound(1.1+0.4*r.Float64())))
				why = valueUp[r.IntN(len(valueUp))]
			} else {
				d.value = roundValue(old.MulRound(0.6 + 0.3*r.Float64()))
				if d.value >= old {
					d.value = old - 50000
				}
				why = valueDown[r.IntN(len(valueDown))]
			}
			if strings.Contains(why, "%s") {
				why = fmt.Sprintf(why, words[r.IntN(len(words)-1)])
			}
			d.note(day, "value %s → %s, %s", old, d.value, why)
			what = append(what, "value "+old.String()+" → "+d.value.String())
		case p < 78 && !d.close.IsZero():
			old := d.close
			if left := int(d.close - day); left > 21 && r.IntN(10) < 3 {
				d.close -= model.Date(7 + r.IntN(left-20)) // pulled in
				d.note(day, "close pulled in to %s, they want to start sooner", d.close)
			} else {
				d.close = max(d.close, day).AddDays(14 + r.IntN(45))
				d.note(day, "close pushed to %s, %s", d.close, slipReasons[r.IntN(len(slipReasons))])
			}
			closeMoved = true
			what = append(what, "expected close "+old.String()+" → "+d.close.String())
		case r.IntN(12) == 0:
			old := d.forecast
			for d.forecast == old {
				d.forecast = model.ForecastCategories[r.IntN(len(model.ForecastCategories))]
			}
			what = append(what, "forecast "+d.forecast)
		}
		if d.open() {
			// A close date that is due (or, for some deals, any close
			// date) is pushed when the rep touches the deal.
			if !closeMoved && !d.close.IsZero() && (d.close < day.AddDays(5) || slipper && d.close < day.AddDays(30) && r.IntN(3) > 0) {
				old := d.close
				d.close = max(d.close, day).AddDays(14 + r.IntN(45))
				d.note(day, "close pushed to %s, %s", d.close, slipReasons[r.IntN(len(slipReasons))])
				what = append(what, "expected close "+old.String()+" → "+d.close.String())
			}
			if len(what) == 0 || r.IntN(10) < 7 {
				setNext(day)
				what = append(what, "next step")
			}
		} else {
			d.next, d.nextDate, d.forecast = "", 0, ""
		}
		if r.IntN(10) < 4 {
			k := 1 + r.IntN(3)
			d.sent += k
			d.opened += r.IntN(k + 1)
		}
		emit(day, oldPath, what)
	}
	if wonOn.IsZero() {
		return out
	}
	// Customer success records onboarding and, now and then, churn.
	day = out[len(out)-1].day // the day the win was recorded
	if r.IntN(10) < 7 {
		if dd := onWeekday(day.AddDays(3 + r.IntN(8))); dd <= end {
			day = dd
			d.onboarding = "in_progress"
			emit(day, "", []string{"onboarding started"})
		}
	}
	done := onWeekday(wonOn.AddDays(12 + r.IntN(50)))
	if done <= day || done > end {
		return out
	}
	d.onboarding, d.onboardingDate = "succeeded", done
	if r.IntN(8) == 0 {
		d.onboarding = "failed"
	}
	emit(done, "", []string{"onboarding " + d.onboarding})
	if churn := onWeekday(done.AddDays(30 + r.IntN(300))); d.onboarding == "succeeded" && churn <= end && r.IntN(6) == 0 {
		d.churned = churn
		emit(churn, "", []string{"churned"})
	}
	return out
}

// thin keeps at most n of a deal's changes (all when n ≤ 0): the first,
// the last and others evenly spaced. A kept change that follows dropped
// ones carries their changes, its file's content being whole; a rename
// among them makes it a rename from the last path kept.
func thin(ts []touch, n int) []touch {
	if n <= 0 || len(ts) <= n {
		return ts
	}
	if n == 1 {
		n = 2 // the first version creates the file, the last is HEAD's
		if len(ts) <= n {
			return ts
		}
	}
	out := make([]touch, 0, n)
	from := 0
	for j := range n {
		k := j * (len(ts) - 1) / (n - 1)
		t := ts[k]
		var what []string
		for _, d := range ts[from : k+1] {
			what = append(what, d.what)
		}
		t.what, from = strings.Join(what, "; "), k+1
		t.oldPath = ""
		if prev := len(out) - 1; prev >= 0 && out[prev].path != t.path {
			t.oldPath = out[prev].path
		}
		out = append(out, t)
	}
	return out
}

// branchRef is the ref that branch commits are written to; it is deleted
// once the stream is imported.
const branchRef = "refs/heads/pipegen-branch"

type historyStats struct {
	commits, merges, blobs int
}

// streamer writes the fast-import stream.
type streamer struct {
	w     *bufio.Writer
	opt   HistoryOptions
	r     *rand.Rand
	mark  int
	main  []int   // marks of the main-line commits, oldest first
	times []int64 // their committer times
	last  []int   // per deal, the index in main of the commit that last changed it
	stats historyStats
}

func (s *streamer) next() int {
	s.mark++
	return s.mark
}

func ident(owner string) string {
	return fmt.Sprintf("%s <%s@sales.example>", strings.ToUpper(owner[:1])+owner[1:], owner)
}

const salesOps = "Sales Ops <ops@sales.example>"

func (s *streamer) data(b []byte) {
	fmt.Fprintf(s.w, "data %d\n", len(b))
	s.w.Write(b)
	s.w.WriteByte('\n')
}

// commit writes a commit of changes ts to ref, and returns its mark. A
// commit without from continues ref from its tip, whose tree fast-import
// keeps in memory; a from makes it read the tree back from the pack it is
// writing, which is slow, so only branch commits have one.
func (s *streamer) commit(ref, author, committer string, when int64, msg string, from, merge int, ts []touch) int {
	m := s.next()
	fmt.Fprintf(s.w, "commit %s\nmark :%d\nauthor %s %d +0000\ncommitter %s %d +0000\n", ref, m, author, when, committer, when)
	s.data([]byte(msg))
	if from > 0 {
		fmt.Fprintf(s.w, "from :%d\n", from)
	}
	if merge > 0 {
		fmt.Fprintf(s.w, "merge :%d\n", merge)
	}
	for _, t := range ts {
		if t.oldPath != "" {
			fmt.Fprintf(s.w, "D %s\n", t.oldPath)
		}
		fmt.Fprintf(s.w, "M 100644 :%d %s\n", t.mark, t.path)
	}
	s.w.WriteByte('\n')
	s.stats.commits++
	return m
}

// message is the commit message of changes ts.
func message(ts []touch) string {
	id := func(t touch) string { return strings.TrimSuffix(strings.TrimPrefix(t.path, "deals/"), ".yaml") }
	if len(ts) == 1 {
		return id(ts[0]) + ": " + ts[0].what + "\n"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Update %d deals\n\n", len(ts))
	for _, t := range ts {
		fmt.Fprintf(&b, "- %s: %s\n", id(t), t.what)
	}
	return b.String()
}

func (s *streamer) write(ctx context.Context, start model.Date, days []model.Date) error {
	fmt.Fprintf(s.w, "feature done\n")
	// The first commit sets up the pipeline (and keeps the built site
	// out of git, as pipegen init does).
	fmt.Fprintf(s.w, "blob\nmark :%d\n", s.next())
	s.data(HistoryPipeline(s.opt))
	fmt.Fprintf(s.w, "blob\nmark :%d\n", s.next())
	s.data([]byte("site/\n"))
	s.stats.blobs += 2
	t0 := start.Time().Unix() + 8*3600
	m := s.next()
	fmt.Fprintf(s.w, "commit refs/heads/main\nmark :%d\nauthor %s %d +0000\ncommitter %s %d +0000\n", m, salesOps, t0, salesOps, t0)
	s.data([]byte("Set up the pipeline\n"))
	fmt.Fprintf(s.w, "M 100644 :%d pipeline.yaml\nM 100644 :%d .gitignore\n\n", m-2, m-1)
	s.stats.commits++
	s.main, s.times = append(s.main, m), append(s.times, t0)

	// The file versions come first, each deal's in a row, as the
	// simulation writes them: fast-import stores each as a small delta
	// against the version before it, and works while the next deals are
	// simulated.
	var touches []touch
	for i := range s.opt.Deals {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := s.w.Flush(); err != nil {
				return err
			}
		}
		for _, t := range thin(simulate(s.opt, i, days), s.opt.Versions) {
			t.mark = s.next()
			s.stats.blobs++
			fmt.Fprintf(s.w, "blob\nmark :%d\n", t.mark)
			s.data(t.content)
			t.content = nil
			touches = append(touches, t)
		}
	}
	// Then the commits, day by day.
	slices.SortFunc(touches, func(a, b touch) int {
		if a.day != b.day {
			return int(a.day - b.day)
		}
		if c := strings.Compare(a.author, b.author); c != 0 {
			return c
		}
		return a.deal - b.deal
	})
	perDay := float64(s.opt.CommitsPerWeek) / 5
	acc := 0.0
	for len(touches) > 0 {
		n := 1
		for n < len(touches) && touches[n].day == touches[0].day {
			n++
		}
		day, group := touches[0].day, touches[:n]
		touches = touches[n:]

		acc += perDay * (0.6 + 0.8*s.r.Float64())
		k := min(max(1, int(acc)), len(group), 600)
		acc = min(acc-float64(k), perDay)

		// Times of day from 08:30 to 18:30 UTC, one in each of k equal
		// slots, so that they are in order, apart, and on the day. The
		// changes are sorted by author; their commits come in any order.
		slot := int64(36000 / k)
		order := s.r.Perm(k)
		for j := range k {
			when := day.Time().Unix() + 8*3600 + 1800 + int64(j)*slot + s.r.Int64N(slot*4/5)
			c := order[j]
			s.chunk(day, j, group[c*n/k:(c+1)*n/k], when)
		}
	}
	fmt.Fprintf(s.w, "done\n")
	return nil
}

// chunk commits the changes of one main-line commit: a plain commit, or a
// merge of a branch that carries them.
func (s *streamer) chunk(day model.Date, j int, ts []touch, when int64) {
	author := ts[0].author
	tip := len(s.main) - 1
	msg := message(ts)
	if s.opt.MergeEvery < 0 || s.r.IntN(s.opt.MergeEvery) != 0 {
		m := s.commit("refs/heads/main", ident(author), ident(author), when, msg, 0, 0, ts)
		s.advance(m, when, ts)
		return
	}
	// The branch forks from main a few commits back, but after the last
	// change of every deal it changes, so that it never undoes one.
	base := max(0, tip-s.r.IntN(4))
	for _, t := range ts {
		base = max(base, s.last[t.deal])
	}
	parts := [][]touch{ts}
	if len(ts) > 1 && s.r.IntN(3) == 0 {
		parts = [][]touch{ts[:len(ts)/2], ts[len(ts)/2:]}
	}
	lo := max(s.times[tip], day.Time().Unix()+8*3600)
	from := s.main[base]
	for p, part := range parts {
		at := lo + (when-lo)*int64(p+1)/int64(len(parts)+1)
		from = s.commit(branchRef, ident(author), ident(author), at, message(part), from, 0, part)
	}
	branch := fmt.Sprintf("%s/deals-%s-%d", author, day, j+1)
	m := s.commit("refs/heads/main", salesOps, salesOps, when, "Merge branch '"+branch+"'\n\n"+msg, 0, from, ts)
	s.stats.merges++
	s.advance(m, when, ts)
}

func (s *streamer) advance(mark int, when int64, ts []touch) {
	s.main, s.times = append(s.main, mark), append(s.times, when)
	for _, t := range ts {
		s.last[t.deal] = len(s.main) - 1
	}
}
