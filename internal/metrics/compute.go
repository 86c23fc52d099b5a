package metrics

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/internal/model"
)

// Options say which day and which windows to compute.
type Options struct {
	// AsOf is the day T the report is computed as of. It must be set.
	AsOf model.Date
	// From, when set, starts the review window explicitly; otherwise the
	// window is the review period ending on AsOf.
	From model.Date
	// FunnelDays overrides pipeline.yaml's funnel_days (default 365).
	FunnelDays int
	// RateDays overrides pipeline.yaml's rate_days (default 90).
	RateDays int
	// Past is what git says of the deals at the last review; nil when the
	// repository has no usable history.
	Past *LastReview
}

// LastReview is what the repository's git history says of its deals at
// the last review (the last commit by the end of F − 1): the value and
// expected close each deal file had then, and how many commits pushed each
// deal's close date later. The movement starts from it, and the previous
// values use it; without it, both use the deals as they are now.
type LastReview struct {
	// At holds the deals whose file was in the review commit.
	At map[string]Then
	// PushCount is, by deal id, how many commits moved the deal's expected
	// close later, over its whole history.
	PushCount map[string]int
}

// Then is a deal as the review commit had it. Value is in Currency, ""
// for the pipeline's.
type Then struct {
	Value         model.Money
	Currency      string
	ExpectedClose model.Date
}

// ReviewDays returns the length in days of a review cadence.
func ReviewDays(review string) int {
	switch review {
	case "biweekly":
		return 14
	case "monthly":
		return 30
	}
	return 7
}

// Defaults of the funnel cohort and of the rate window, when pipeline.yaml
// does not say.
const (
	DefaultFunnelDays = 365
	DefaultRateDays   = 90
)

// Compute returns the report of repo as of opt.AsOf. The repository must
// have passed check: histories are in date order and name known stages.
func Compute(repo *model.Repo, opt Options) *Report {
	p := repo.Pipeline
	cur, prev := windows(p, opt)
	// Every previous value is the same figure as of F − 1 (with the values
	// of the last review when git has them): a snapshot of its own,
	// computed alongside.
	var previous KPIs
	var before *snapshot
	done := make(chan struct{})
	go func() {
		defer close(done)
		before = newSnapshot(repo, prev, opt.Past, cur.review.To)
		previous = before.kpis()
	}()
	c := newSnapshot(repo, cur, nil, cur.review.To)
	zone := p.Timezone
	if zone == "" {
		zone = "UTC"
	}
	r := &Report{
		AsOf:           cur.review.To,
		Currency:       p.Currency,
		Timezone:       zone,
		Window:         cur.review,
		RateWindow:     cur.rate,
		FunnelWindow:   cur.funnel,
		History:        HistoryFiles,
		Current:        c.kpis(),
		PreviousWindow: prev.review,
	}
	// The lists are sorted alongside the other breakdowns.
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		c.lists(r)
	}()
	r.Stages = c.stages()
	r.Sources = c.sources()
	r.Owners, r.Teams = c.groups()
	r.Fields = c.fields()
	r.Targets = c.targets()
	<-listed
	<-done
	r.Previous = previous
	r.PreviousTargets = before.targets()
	if opt.Past != nil {
		r.History = HistoryGit
	}
	r.Movement, r.MovementByOwner, r.Pushed, r.PulledIn = c.movement(before, opt.Past)
	return r
}

// ReviewDay returns the day of the last review for opt: F − 1, the last
// day before the review window, as of which every previous value is
// computed.
func ReviewDay(p *model.Pipeline, opt Options) model.Date {
	_, prev := windows(p, opt)
	return prev.review.To
}

// spans are the windows of a report, all ending on the same day.
type spans struct {
	review, rate, funnel Window
}

// windows returns the windows of opt, ending on T, and the same windows
// ending on F − 1, for the previous values.
func windows(p *model.Pipeline, opt Options) (cur, prev spans) {
	t := opt.AsOf
	from := opt.From
	if from.IsZero() || from > t {
		from = t.AddDays(1 - ReviewDays(p.Review))
	}
	n := int(t-from) + 1
	funnelDays := cmp.Or(max(opt.FunnelDays, 0), p.FunnelDays, DefaultFunnelDays)
	rateDays := cmp.Or(max(opt.RateDays, 0), p.RateDays, DefaultRateDays)
	// A window given with --from longer than the rate window is the rate
	// window.
	if !opt.From.IsZero() {
		rateDays = max(rateDays, n)
	}
	at := func(end model.Date) spans {
		return spans{
			review: Window{From: end.AddDays(1 - n), To: end},
			rate:   Window{From: end.AddDays(1 - rateDays), To: end},
			funnel: Window{From: end.AddDays(1 - funnelDays), To: end},
		}
	}
	return at(t), at(from.AddDays(-1))
}

// fact is what one deal is as of a day: its visible history and the facts
// of METRICS.md derived from it.
type fact struct {
	d          *model.Deal
	hist       []model.Move // entries dated on or before the day
	created    model.Date
	stage      *model.Stage
	stageIndex int        // the current stage's position in the pipeline
	entered    model.Date // when it entered its current stage
	status     model.StageType
	closed     model.Date // won or lost date, for a won or lost deal
	furthest   int        // highest position among the open and won stages in hist; -1 if none
	prob       float64
	// value and closeBy are the deal's value and expected close: as the
	// file has them now, or as the last review's commit had them. value is
	// in the pipeline currency, converted at the rate in force on the
	// close date of a won or lost deal, on the snapshot's day for an open
	// one.
	value   model.Money
	closeBy model.Date
	// convertedOn is the day whose rate value was converted at.
	convertedOn model.Date
	churned     model.Date // zero when not (yet) churned
}

func (f *fact) won() bool  { return f.status == model.Won }
func (f *fact) lost() bool { return f.status == model.Lost }
func (f *fact) open() bool { return f.status == model.Open }

// reached reports whether the deal has reached the open or won stage at
// position k: k is at or before the furthest open or won stage in its
// history, so a skipped stage counts as passed.
func (f *fact) reached(k int) bool { return k <= f.furthest }

// category is an open deal's forecast category: its own, else its stage's,
// else pipeline.
func (f *fact) category() string {
	return cmp.Or(f.d.Forecast, f.stage.Forecast, model.ForecastPipeline)
}

// snapshot holds the facts of every deal as of the last day of its windows.
type snapshot struct {
	p      *model.Pipeline
	repo   *model.Repo
	t      model.Date
	win    Window // the review window
	rate   Window
	funnel Window
	facts  []fact
}

// newSnapshot returns the facts of the deals as of the end of w; with
// past, their value and expected close are the last review's. end is the
// report's day T: without past, a deal open on an earlier day has the
// value it has now, converted as of T (see convertOn).
func newSnapshot(repo *model.Repo, w spans, past *LastReview, end model.Date) *snapshot {
	s := &snapshot{
		p: repo.Pipeline, repo: repo, t: w.review.To,
		win: w.review, rate: w.rate, funnel: w.funnel,
		facts: make([]fact, 0, len(repo.Deals)),
	}
	t := s.t
	for _, d := range repo.Deals {
		n := 0
		for n < len(d.History) && d.History[n].Date <= t {
			n++
		}
		if n == 0 {
			continue // the deal does not exist yet
		}
		f := fact{d: d, hist: d.History[:n], created: d.History[0].Date, furthest: -1, closeBy: d.ExpectedClose}
		then, hasThen := past.at(d.ID)
		if hasThen {
			f.closeBy = then.ExpectedClose
		}
		last := f.hist[n-1]
		k, ok := s.p.StageIndex(last.Stage)
		if !ok {
			continue
		}
		f.stage, f.stageIndex = &s.p.Stages[k], k
		f.entered = last.Date
		f.status = f.stage.Type
		if f.status != model.Open {
			f.closed = last.Date
		}
		// The one place where amounts become the pipeline currency. check
		// makes sure a rate is in force on every day a deal exists; an old
		// version in a currency without a rate that day counts as the file
		// is now, as an unreadable one does.
		day := cmp.Or(f.closed, t)
		if past == nil && f.open() && t != end && s.p.Foreign(d) {
			day = convertOn(s.p, d, end)
		}
		f.convertedOn = day
		var converted bool
		if hasThen {
			f.value, converted = s.p.Convert(then.Value, then.Currency, day)
		}
		if !converted {
			f.value, _ = s.p.Convert(d.Value, d.Currency, day)
		}
		for _, m := range f.hist {
			k, ok := s.p.StageIndex(m.Stage)
			if ok && s.p.Stages[k].Type != model.Lost && k > f.furthest {
				f.furthest = k
			}
		}
		f.prob = f.stage.Probability
		if d.HasProb {
			f.prob = d.Probability
		}
		if !d.Churned.IsZero() && d.Churned <= t && f.won() {
			f.churned = d.Churned
		}
		s.facts = append(s.facts, f)
	}
	return s
}

// convertOn returns the day on which a deal's value is converted as of
// end: its close date when it is won or lost by then, else end. Without
// git history the previous values are the deals' values now, so the
// movement still adds up: start + flows = end.
func convertOn(p *model.Pipeline, d *model.Deal, end model.Date) model.Date {
	for i := len(d.History) - 1; i >= 0; i-- {
		m := d.History[i]
		if m.Date > end {
			continue
		}
		if s := p.Stage(m.Stage); s != nil && s.Type != model.Open {
			return m.Date
		}
		break
	}
	return end
}

// isStuck returns whether an open deal is stuck, and its days in stage.
func (s *snapshot) isStuck(f *fact) (bool, int) {
	days := int(s.t - f.entered)
	return f.open() && f.stage.HasRotAfter && days > f.stage.RotAfter, days
}

func (s *snapshot) isOverdue(f *fact) bool {
	return f.open() && !f.closeBy.IsZero() && f.closeBy < s.t
}

// nextStepOverdue reports whether an open deal's next step was due before
// T (as check warns).
func (s *snapshot) nextStepOverdue(f *fact) bool {
	return f.open() && !f.d.NextStepDate.IsZero() && f.d.NextStepDate < s.t
}

// weighted returns value × probability in cents, unrounded.
func weighted(f *fact) float64 { return float64(f.value) * f.prob }

// tally sums the facts of a group of deals — the whole pipeline, an owner,
// a team — for the snapshot, the activity of the review window, the rates
// of the rate window and the funnel cohort.
type tally struct {
	// snapshot
	open, stuck, overdue, noNextStep, overdueNextStep int
	openValue, overdueValue                           model.Money
	weighted                                          float64 // cents
	// activity
	leads, won, lost, backward    int
	newValue, wonValue, lostValue model.Money
	// rates
	ratedWon, ratedLost, ratedLeads int
	ratedWonValue, ratedLostValue   model.Money
	cycles                          []int // days from created to won, per deal won in the rate window
	emailsSent, emailsOpened        int
	// funnel cohort
	cohort, cohortQualified, cohortWon int
	cohortWonValue                     model.Money
}

func (s *snapshot) add(t *tally, f *fact, qualified int) {
	v := f.value
	if f.open() {
		t.open++
		t.openValue += v
		t.weighted += weighted(f)
		if stuck, _ := s.isStuck(f); stuck {
			t.stuck++
		}
		if s.isOverdue(f) {
			t.overdue++
			t.overdueValue += v
		}
		if f.d.NextStep == "" {
			t.noNextStep++
		}
		if s.nextStepOverdue(f) {
			t.overdueNextStep++
		}
	}
	if s.win.Contains(f.created) {
		t.leads++
		t.newValue += v
	}
	if s.rate.Contains(f.created) {
		t.ratedLeads++
	}
	switch {
	case f.won() && s.win.Contains(f.closed):
		t.won++
		t.wonValue += v
	case f.lost() && s.win.Contains(f.closed):
		t.lost++
		t.lostValue += v
	}
	switch {
	case f.won() && s.rate.Contains(f.closed):
		t.ratedWon++
		t.ratedWonValue += v
		t.cycles = append(t.cycles, int(f.closed-f.created))
	case f.lost() && s.rate.Contains(f.closed):
		t.ratedLost++
		t.ratedLostValue += v
	}
	t.backward += s.backwardMoves(f)
	if s.funnel.Contains(f.created) {
		t.cohort++
		if qualified >= 0 && f.reached(qualified) {
			t.cohortQualified++
		}
		if f.won() {
			t.cohortWon++
			t.cohortWonValue += v
		}
	}
	// Active in the rate window: created by T (every fact is), and not
	// closed before it.
	if f.d.Emails.Set && (f.open() || f.closed >= s.rate.From) {
		t.emailsSent += f.d.Emails.Sent
		t.emailsOpened += f.d.Emails.Opened
	}
}

// backwardMoves counts the entries of the review window that move the deal
// to an open stage earlier in the stage list than the one it left.
func (s *snapshot) backwardMoves(f *fact) int {
	n := 0
	for j := len(f.hist) - 1; j > 0 && f.hist[j].Date >= s.win.From; j-- {
		to, ok := s.p.StageIndex(f.hist[j].Stage)
		if !ok || s.p.Stages[to].Type != model.Open {
			continue
		}
		if from, ok := s.p.StageIndex(f.hist[j-1].Stage); ok && to < from {
			n++
		}
	}
	return n
}

// qualification is the share of the cohort that reached the qualified
// stage q; undefined when the pipeline has no such stage (a single open
// stage and no qualified_stage), rather than a misleading 0 %.
func qualification(q int, t *tally) Ratio {
	if q < 0 {
		return Ratio{}
	}
	return ratio(float64(t.cohortQualified), float64(t.cohort))
}

func (s *snapshot) qualifiedIndex() int {
	if k, ok := s.p.StageIndex(s.p.Qualified()); ok {
		return k
	}
	return -1
}

func (s *snapshot) kpis() KPIs {
	var t tally
	q := s.qualifiedIndex()
	r := s.rate
	var atStart, churned, onboarded, onboardingEnded int
	var atStartValue, churnedValue model.Money
	for i := range s.facts {
		f := &s.facts[i]
		s.add(&t, f, q)
		// Customers at R: won before R and not churned before R.
		if f.won() && f.closed < r.From && (f.churned.IsZero() || f.churned >= r.From) {
			atStart++
			atStartValue += f.value
			if r.Contains(f.churned) {
				churned++
				churnedValue += f.value
			}
		}
		if o := f.d.Onboarding; o != nil && f.won() && r.Contains(o.Date) {
			switch o.Status {
			case model.OnboardingSucceeded:
				onboarded++
				onboardingEnded++
			case model.OnboardingFailed:
				onboardingEnded++
			}
		}
	}
	g := t.group()
	k := KPIs{
		OpenDeals: g.OpenDeals, OpenValue: g.OpenValue, WeightedValue: g.WeightedValue,
		StuckDeals: g.StuckDeals, OverdueDeals: g.OverdueDeals, OverdueValue: g.OverdueValue,
		NoNextStep: g.NoNextStep, OverdueNextStep: g.OverdueNextStep,

		Leads: g.Leads, NewValue: g.NewValue, WonDeals: g.WonDeals, WonValue: g.WonValue,
		LostDeals: g.LostDeals, LostValue: g.LostValue, BackwardMoves: g.BackwardMoves,

		WinRate:               g.WinRate,
		WinRateByValue:        ratio(float64(t.ratedWonValue), float64(t.ratedWonValue+t.ratedLostValue)),
		ClosedDeals:           g.ClosedDeals,
		AvgDealSize:           g.AvgDealSize,
		SalesCycleDays:        g.SalesCycleDays,
		WonDealsRated:         g.WonDealsRated,
		LeadsRated:            t.ratedLeads,
		EmailOpenRate:         ratio(float64(t.emailsOpened), float64(t.emailsSent)),
		EmailsSent:            t.emailsSent,
		ChurnRate:             ratio(float64(churned), float64(atStart)),
		RevenueChurnRate:      ratio(float64(churnedValue), float64(atStartValue)),
		CustomersAtStart:      atStart,
		OnboardingSuccessRate: ratio(float64(onboarded), float64(onboardingEnded)),
		OnboardingsEnded:      onboardingEnded,
		QualificationRate:     qualification(q, &t),
		LeadConversionRate:    ratio(float64(t.cohortWon), float64(t.cohort)),
		CohortDeals:           t.cohort,
	}
	k.SalesCycleMeanDays, _ = meanMedian(t.cycles)
	k.SalesVelocity = t.velocity()
	all := func(model.Spend) bool { return true }
	k.Spend = model.Money(math.Round(s.spend(s.win, all)))
	if s.spendTracked() {
		rated := s.spend(s.rate, all)
		k.CostPerLead = moneyRatio(rated, float64(t.ratedLeads))
		k.CAC = moneyRatio(rated, float64(t.ratedWon))
	}
	return k
}

// group returns the tally's numbers as an owner's or team's row.
func (t *tally) group() Group {
	_, median := meanMedian(t.cycles)
	return Group{
		OpenDeals: t.open, OpenValue: t.openValue,
		WeightedValue: model.Money(math.Round(t.weighted)),
		StuckDeals:    t.stuck, OverdueDeals: t.overdue, OverdueValue: t.overdueValue,
		NoNextStep: t.noNextStep, OverdueNextStep: t.overdueNextStep,

		Leads: t.leads, NewValue: t.newValue, WonDeals: t.won, WonValue: t.wonValue,
		LostDeals: t.lost, LostValue: t.lostValue, BackwardMoves: t.backward,

		WinRate:        ratio(float64(t.ratedWon), float64(t.ratedWon+t.ratedLost)),
		ClosedDeals:    t.ratedWon + t.ratedLost,
		AvgDealSize:    moneyRatio(float64(t.ratedWonValue), float64(t.ratedWon)),
		SalesCycleDays: median,
		WonDealsRated:  t.ratedWon,
	}
}

// spendTracked reports whether pipeline.yaml records any spend: without it,
// the spend-based rates are undefined rather than 0.
func (s *snapshot) spendTracked() bool { return len(s.p.Spend) > 0 }

// velocity is open deals × win rate × average deal size ÷ mean sales
// cycle, in money per day, over the rate window; null when a part is null
// or the cycle is 0 days. It is computed from the unrounded parts.
func (t *tally) velocity() MoneyOrNull {
	cycleDays := 0
	for _, c := range t.cycles {
		cycleDays += c
	}
	if t.ratedWon == 0 || cycleDays == 0 {
		return MoneyOrNull{}
	}
	winRate := float64(t.ratedWon) / float64(t.ratedWon+t.ratedLost)
	avg := float64(t.ratedWonValue) / float64(t.ratedWon)
	cycle := float64(cycleDays) / float64(t.ratedWon)
	return MoneyOrNull{V: model.Money(math.Round(float64(t.open) * winRate * avg / cycle)), Valid: true}
}

// spend sums the spend entries that match, each spread evenly over the days
// of its month, over the days of the month inside the window w: cents,
// unrounded, for the ratios that divide it.
func (s *snapshot) spend(w Window, match func(model.Spend) bool) float64 {
	var cents float64
	for _, e := range s.p.Spend {
		if !match(e) {
			continue
		}
		from := max(e.Month.Start, w.From)
		to := min(e.Month.End, w.To)
		if to < from {
			continue
		}
		days := int(to-from) + 1
		cents += float64(e.Amount) * float64(days) / float64(e.Month.Days())
	}
	return cents
}

// stages computes the funnel and the time in stage in one pass over the
// deals.
func (s *snapshot) stages() []Stage {
	out := []Stage{}
	row := make([]int, len(s.p.Stages)) // pipeline position → index in out, or -1 for a lost stage
	var pos []int                       // index in out → pipeline position
	for k := range s.p.Stages {
		st := &s.p.Stages[k]
		row[k] = -1
		if st.Type == model.Lost {
			continue
		}
		r := Stage{ID: st.ID, Name: st.Title(), Type: st.Type}
		if st.HasRotAfter {
			rot := st.RotAfter
			r.RotAfter = &rot
		}
		row[k] = len(out)
		pos = append(pos, k)
		out = append(out, r)
	}
	stays := make([][]int, len(out))
	weightedCents := make([]float64, len(out))
	// undecided[r] counts the cohort deals still open in out[r];
	// undecidedOn[r] those of them that reached the next stage too (after
	// a move back).
	undecided := make([]int, len(out))
	undecidedOn := make([]int, len(out))
	for i := range s.facts {
		f := &s.facts[i]
		cohort := s.funnel.Contains(f.created)
		if cohort {
			for k := 0; k <= f.furthest; k++ {
				if r := row[k]; r >= 0 {
					out[r].Reached++
					out[r].ReachedValue += f.value
				}
			}
		}
		if f.open() {
			if r := row[f.stageIndex]; r >= 0 {
				out[r].OpenCount++
				out[r].OpenValue += f.value
				weightedCents[r] += weighted(f)
				if stuck, _ := s.isStuck(f); stuck {
					out[r].Stuck++
				}
				if cohort {
					undecided[r]++
					if r+1 < len(out) && f.reached(pos[r+1]) {
						undecidedOn[r]++
					}
				}
			}
		}
		// Each stay in a stage that ended in the rate window: the deal
		// entered the stage with hist[j] and left it with hist[j+1].
		for j := len(f.hist) - 2; j >= 0 && f.hist[j+1].Date >= s.rate.From; j-- {
			if k, ok := s.p.StageIndex(f.hist[j].Stage); ok && row[k] >= 0 {
				stays[row[k]] = append(stays[row[k]], int(f.hist[j+1].Date-f.hist[j].Date))
			}
		}
	}
	for i := range out {
		out[i].WeightedValue = model.Money(math.Round(weightedCents[i]))
		out[i].AvgDays, out[i].MedianDays = meanMedian(stays[i])
		out[i].Stays = len(stays[i])
		out[i].FromTop = ratio(float64(out[i].Reached), float64(out[0].Reached))
		if out[i].Type == model.Won || i+1 >= len(out) {
			continue
		}
		next := out[i+1].Reached
		out[i].ConversionToNext = ratio(float64(next), float64(out[i].Reached))
		out[i].DecidedConversionToNext = ratio(float64(next-undecidedOn[i]), float64(out[i].Reached-undecided[i]))
	}
	return out
}

func meanMedian(xs []int) (mean, median Ratio) {
	if len(xs) == 0 {
		return Ratio{}, Ratio{}
	}
	slices.Sort(xs)
	sum := 0
	for _, x := range xs {
		sum += x
	}
	n := len(xs)
	mid := float64(xs[n/2])
	if n%2 == 0 {
		mid = float64(xs[n/2-1]+xs[n/2]) / 2
	}
	return Ratio{V: float64(sum) / float64(n), Valid: true}, Ratio{V: mid, Valid: true}
}

// NoSource is the id under which deals without a source are counted.
const NoSource = "(none)"

// groupIDs returns the declared ids in order, then any other id in use, sorted.
func groupIDs(declared []string, used map[string]bool) []string {
	ids := slices.Clone(declared)
	known := make(map[string]bool, len(declared))
	for _, id := range declared {
		known[id] = true
	}
	var extra []string
	for id := range used {
		if !known[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	return append(ids, extra...)
}

// sources is lead quality per source, over the funnel cohort only: its
// deals, those of them won, and the spend over the cohort's days.
func (s *snapshot) sources() []Source {
	tallies := map[string]*tally{}
	used := map[string]bool{}
	for i := range s.facts {
		f := &s.facts[i]
		if !s.funnel.Contains(f.created) {
			continue
		}
		id := cmp.Or(f.d.Source, NoSource)
		used[id] = true
		t := tallyOf(tallies, id)
		t.cohort++
		if f.won() {
			t.cohortWon++
			t.cohortWonValue += f.value
		}
	}
	for _, e := range s.p.Spend {
		if e.Source != "" {
			used[e.Source] = true
		}
	}
	var declared []string
	for _, it := range s.p.Sources {
		declared = append(declared, it.ID)
	}
	out := []Source{}
	for _, id := range groupIDs(declared, used) {
		t := tallies[id]
		if t == nil {
			t = &tally{}
		}
		spend := s.spend(s.funnel, func(e model.Spend) bool { return e.Source == id })
		row := Source{
			ID: id, Leads: t.cohort, WonDeals: t.cohortWon, WonValue: t.cohortWonValue,
			LeadConversionRate: ratio(float64(t.cohortWon), float64(t.cohort)),
			Spend:              model.Money(math.Round(spend)),
		}
		if s.spendTracked() {
			row.CostPerLead = moneyRatio(spend, float64(t.cohort))
			row.CAC = moneyRatio(spend, float64(t.cohortWon))
		}
		out = append(out, row)
	}
	return out
}

// tallyOf returns the tally of a group, new when it has none yet.
func tallyOf(tallies map[string]*tally, id string) *tally {
	t := tallies[id]
	if t == nil {
		t = &tally{}
		tallies[id] = t
	}
	return t
}

// fields breaks the deals down by each enumerated field: a row per
// declared value, then one for the deals without the field, when there
// are any.
func (s *snapshot) fields() map[string][]FieldValue {
	out := map[string][]FieldValue{}
	for k := range s.p.Fields {
		def := &s.p.Fields[k]
		if !def.Enumerated() {
			continue
		}
		tallies := map[string]*tally{}
		used := map[string]bool{}
		for i := range s.facts {
			f := &s.facts[i]
			v, ok := f.d.Field(def.ID)
			if !ok {
				v = NoSource
			}
			used[v] = true
			s.add(tallyOf(tallies, v), f, -1)
		}
		var declared []string
		for _, it := range def.Values {
			declared = append(declared, it.ID)
		}
		rows := []FieldValue{}
		for _, v := range groupIDs(declared, used) {
			t := tallies[v]
			if t == nil {
				t = &tally{}
			}
			g := t.group()
			rows = append(rows, FieldValue{
				Value: v, OpenDeals: g.OpenDeals, OpenValue: g.OpenValue, WeightedValue: g.WeightedValue,
				WonDeals: g.WonDeals, WonValue: g.WonValue, LostDeals: g.LostDeals,
				WinRate: g.WinRate, ClosedDeals: g.ClosedDeals, AvgDealSize: g.AvgDealSize, WonDealsRated: g.WonDealsRated,
			})
		}
		out[def.ID] = rows
	}
	return out
}

// groups returns a row per owner and per team. A team's numbers are over
// the pooled deals of its owners.
func (s *snapshot) groups() (owners, teams []Group) {
	byOwner := map[string]*tally{}
	byTeam := map[string]*tally{}
	used := map[string]bool{}
	teamOf := s.p.TeamOf()
	for i := range s.facts {
		f := &s.facts[i]
		id := f.d.Owner
		used[id] = true
		s.add(tallyOf(byOwner, id), f, -1)
		if team, ok := teamOf[id]; ok {
			s.add(tallyOf(byTeam, team), f, -1)
		}
	}
	var declared []string
	for _, o := range s.p.Owners {
		declared = append(declared, o.ID)
	}
	owners = []Group{}
	for _, id := range groupIDs(declared, used) {
		t := byOwner[id]
		if t == nil {
			t = &tally{}
		}
		row := t.group()
		row.ID = id
		if o := s.p.OwnerByID(id); o != nil {
			row.Name, row.Team = o.Name, o.Team
		}
		owners = append(owners, row)
	}
	teams = []Group{}
	for _, team := range s.p.Teams() {
		t := byTeam[team.ID]
		if t == nil {
			t = &tally{}
		}
		row := t.group()
		row.ID, row.Owners = team.ID, team.Owners
		teams = append(teams, row)
	}
	return owners, teams
}

func (s *snapshot) targets() []Target {
	// One pass over the deals for all targets: a big pipeline's deals are
	// read once rather than once per target.
	type sums struct {
		won, overdue, open model.Money
		byCategory         [3]model.Money // commit, best case, pipeline
		weightedCents      float64
	}
	acc := make([]sums, len(s.p.Targets))
	teamOf := s.p.TeamOf()
	for i := range s.facts {
		f := &s.facts[i]
		won, open := f.won(), f.open()
		if !won && !open {
			continue
		}
		category := -1
		if open {
			category = slices.Index(model.ForecastCategories[:3], f.category())
		}
		overdue := s.isOverdue(f)
		for k, tg := range s.p.Targets {
			if tg.Owner != "" && f.d.Owner != tg.Owner || tg.Team != "" && teamOf[f.d.Owner] != tg.Team {
				continue
			}
			a := &acc[k]
			switch {
			case won && tg.Period.Contains(f.closed):
				a.won += f.value
			case open && tg.Period.Contains(f.closeBy) && overdue:
				a.overdue += f.value
			case open && tg.Period.Contains(f.closeBy) && category >= 0:
				a.open += f.value
				a.byCategory[category] += f.value
				a.weightedCents += weighted(f)
			}
		}
	}
	out := make([]Target, 0, len(s.p.Targets))
	for k, tg := range s.p.Targets {
		a := acc[k]
		row := Target{
			Period:       tg.Period.Text,
			Status:       s.status(tg.Period),
			Revenue:      tg.Revenue,
			WonValue:     a.won,
			Attainment:   ratio(float64(a.won), float64(tg.Revenue)),
			OverdueValue: a.overdue,
		}
		if tg.Owner != "" {
			row.Owner = &tg.Owner
		}
		if tg.Team != "" {
			row.Team = &tg.Team
		}
		row.Commit, row.BestCase, row.Pipeline, row.Forecast = a.won, a.won, a.won, a.won
		if row.Status != Past {
			row.Commit += a.byCategory[0]
			row.BestCase = row.Commit + a.byCategory[1]
			row.Pipeline = row.BestCase + a.byCategory[2]
			row.Forecast += model.Money(math.Round(a.weightedCents))
			if remaining := tg.Revenue - a.won; remaining > 0 {
				row.Coverage = ratio(float64(a.open), float64(remaining))
			}
		}
		out = append(out, row)
	}
	return out
}

// status says whether a period is past, current or future as of T.
func (s *snapshot) status(p model.Period) string {
	switch {
	case p.End < s.t:
		return Past
	case p.Start > s.t:
		return Future
	}
	return Current
}

// lists fills the report's lists of deals: stuck, overdue and next steps.
func (s *snapshot) lists(r *Report) {
	stuck := []Stuck{}
	var overdue []Overdue
	var none, late []NextStep
	for i := range s.facts {
		f := &s.facts[i]
		if ok, days := s.isStuck(f); ok {
			stuck = append(stuck, Stuck{ID: f.d.ID, Stage: f.stage.ID, DaysInStage: days, RotAfter: f.stage.RotAfter})
		}
		if s.isOverdue(f) {
			overdue = append(overdue, Overdue{ID: f.d.ID, Stage: f.stage.ID, ExpectedClose: f.closeBy,
				DaysOverdue: int(s.t - f.closeBy), Value: f.value})
		}
		if !f.open() {
			continue
		}
		step := NextStep{ID: f.d.ID, Owner: f.d.Owner, Stage: f.stage.ID, Step: f.d.NextStep, Date: f.d.NextStepDate, Value: f.value}
		if f.d.NextStep == "" {
			none = append(none, step)
		}
		if s.nextStepOverdue(f) {
			step.DaysOverdue = int(s.t - f.d.NextStepDate)
			late = append(late, step)
		}
	}
	r.Stuck = sortByDays(stuck, Stuck.DaysOver, func(x Stuck) string { return x.ID })
	r.Overdue = sortByDays(overdue, func(x Overdue) int { return x.DaysOverdue }, func(x Overdue) string { return x.ID })
	slices.SortFunc(none, func(a, b NextStep) int { return strings.Compare(a.ID, b.ID) })
	r.NoNextStep = none
	r.OverdueNextStep = sortByDays(late, func(x NextStep) int { return x.DaysOverdue }, func(x NextStep) string { return x.ID })
}

// sortByDays returns items ordered by days, most first, then by id. Days
// span a few hundred values while a big pipeline lists tens of thousands of
// deals, so the items are first counted into one bucket per day and only
// each bucket is sorted by id: far fewer comparisons than one sort.
func sortByDays[T any](items []T, days func(T) int, id func(T) string) []T {
	byID := func(a, b T) int { return strings.Compare(id(a), id(b)) }
	if len(items) < 2 {
		return items
	}
	lo, hi := days(items[0]), days(items[0])
	for _, x := range items[1:] {
		lo, hi = min(lo, days(x)), max(hi, days(x))
	}
	if hi-lo > 4*len(items) { // sparse: buckets would cost more than they save
		slices.SortFunc(items, func(a, b T) int {
			if c := cmp.Compare(days(b), days(a)); c != 0 {
				return c
			}
			return byID(a, b)
		})
		return items
	}
	// start[k] is where the items of bucket k (days hi-k) begin.
	start := make([]int, hi-lo+2)
	for _, x := range items {
		start[hi-days(x)+1]++
	}
	for k := 1; k < len(start); k++ {
		start[k] += start[k-1]
	}
	out := make([]T, len(items))
	next := slices.Clone(start)
	for _, x := range items {
		k := hi - days(x)
		out[next[k]] = x
		next[k]++
	}
	for k := 0; k+1 < len(start); k++ {
		slices.SortFunc(out[start[k]:start[k+1]], byID)
	}
	return out
}

// at returns what the review commit had of a deal; nothing without a past.
func (p *LastReview) at(id string) (Then, bool) {
	if p == nil {
		return Then{}, false
	}
	t, ok := p.At[id]
	return t, ok
}

// movement is how the open pipeline went from the last review (the
// snapshot before, as of F − 1) to now, in total and by owner, and the
// open deals whose close date moved since the review (with git only).
func (s *snapshot) movement(before *snapshot, past *LastReview) (total *Movement, byOwner []OwnerMovement, pushed, pulled []Pushed) {
	was := make(map[*model.Deal]*fact, len(before.facts))
	for i := range before.facts {
		was[before.facts[i].d] = &before.facts[i]
	}
	total = &Movement{}
	owners := map[string]*Movement{}
	if past != nil {
		total.Increased, total.Decreased, total.PushedOut, total.PulledIn = &Flow{}, &Flow{}, &Flow{}, &Flow{}
		pushed = []Pushed{}
	}
	for i := range s.facts {
		f := &s.facts[i]
		m := owners[f.d.Owner]
		if m == nil {
			m = &Movement{}
			if past != nil {
				m.Increased, m.Decreased, m.PushedOut, m.PulledIn = &Flow{}, &Flow{}, &Flow{}, &Flow{}
			}
			owners[f.d.Owner] = m
		}
		for _, mv := range []*Movement{total, m} {
			s.move(mv, f, was[f.d])
		}
		if past == nil || !f.open() {
			continue
		}
		then, ok := past.At[f.d.ID]
		if !ok || then.ExpectedClose.IsZero() || f.closeBy.IsZero() || then.ExpectedClose == f.closeBy {
			continue
		}
		moved := Pushed{ID: f.d.ID, From: then.ExpectedClose, To: f.closeBy, PushCount: past.PushCount[f.d.ID], Value: f.value}
		if f.closeBy > then.ExpectedClose {
			total.PushedOut.add(f.value)
			m.PushedOut.add(f.value)
			pushed = append(pushed, moved)
		} else {
			total.PulledIn.add(f.value)
			m.PulledIn.add(f.value)
			pulled = append(pulled, moved)
		}
	}
	byValue := func(a, b Pushed) int { return cmp.Or(cmp.Compare(b.Value, a.Value), strings.Compare(a.ID, b.ID)) }
	slices.SortFunc(pushed, byValue)
	slices.SortFunc(pulled, byValue)
	var declared []string
	for _, o := range s.p.Owners {
		declared = append(declared, o.ID)
	}
	used := map[string]bool{}
	for id := range owners {
		used[id] = true
	}
	for _, id := range groupIDs(declared, used) {
		if m := owners[id]; m != nil {
			byOwner = append(byOwner, OwnerMovement{Owner: id, Movement: *m})
		}
	}
	return total, byOwner, pushed, pulled
}

// move adds one deal's part of the movement: f is the deal now, then as of
// F − 1 (nil when it did not exist yet).
func (s *snapshot) move(m *Movement, f, then *fact) {
	openStart := then != nil && then.open()
	closedIn := !f.open() && s.win.Contains(f.closed)
	if !openStart && !f.open() && !closedIn {
		return // not in the open pipeline at any time of the window
	}
	if openStart {
		m.Start.add(then.value)
		if d := f.value - then.value; m.Increased != nil && d > 0 {
			m.Increased.add(d)
		} else if m.Decreased != nil && d < 0 {
			m.Decreased.add(-d)
		}
	} else {
		m.Added.add(f.value)
	}
	switch {
	case f.open():
		m.End.add(f.value)
	case f.won():
		m.Won.add(f.value)
	default:
		m.Lost.add(f.value)
	}
}

// add counts one deal of value v.
func (fl *Flow) add(v model.Money) {
	fl.Deals++
	fl.Value += v
}
