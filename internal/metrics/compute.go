package metrics

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/internal/model"
)

// Options say which day and which window to compute.
type Options struct {
	// AsOf is the day T the report is computed as of. It must be set.
	AsOf model.Date
	// From, when set, starts the window explicitly; otherwise the window is
	// the review period ending on AsOf.
	From model.Date
	// FunnelDays overrides pipeline.yaml's funnel_days (default 365).
	FunnelDays int
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

// DefaultFunnelDays is the funnel cohort when pipeline.yaml does not say.
const DefaultFunnelDays = 365

// Compute returns the report of repo as of opt.AsOf. The repository must
// have passed check: histories are in date order and name known stages.
func Compute(repo *model.Repo, opt Options) *Report {
	p := repo.Pipeline
	t := opt.AsOf
	cur, prev, funnelDays := windows(p, opt)
	// The previous window is a snapshot of its own: compute it alongside.
	var previous KPIs
	done := make(chan struct{})
	go func() {
		defer close(done)
		previous = newSnapshot(repo, prev, funnelDays).kpis()
	}()
	c := newSnapshot(repo, cur, funnelDays)
	r := &Report{
		AsOf:           t,
		Currency:       p.Currency,
		Window:         cur,
		PreviousWindow: prev,
		FunnelWindow:   c.funnel,
		Current:        c.kpis(),
	}
	<-done
	r.Previous = previous
	// The lists are sorted alongside the other breakdowns.
	listed := make(chan struct{})
	go func() {
		defer close(listed)
		r.Stuck, r.Overdue = c.lists()
	}()
	r.Stages = c.stages()
	r.Sources = c.sources()
	r.Owners = c.owners()
	r.Targets = c.targets()
	<-listed
	return r
}

// windows returns the current and previous windows of opt, and the length
// of the funnel cohort in days.
func windows(p *model.Pipeline, opt Options) (cur, prev Window, funnelDays int) {
	t := opt.AsOf
	from := opt.From
	if from.IsZero() || from > t {
		from = t.AddDays(1 - ReviewDays(p.Review))
	}
	funnelDays = opt.FunnelDays
	if funnelDays <= 0 {
		funnelDays = p.FunnelDays
	}
	if funnelDays <= 0 {
		funnelDays = DefaultFunnelDays
	}
	cur = Window{From: from, To: t}
	n := cur.Days()
	prev = Window{From: from.AddDays(-n), To: from.AddDays(-1)}
	return cur, prev, funnelDays
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
	churned    model.Date // zero when not (yet) churned
}

func (f *fact) won() bool  { return f.status == model.Won }
func (f *fact) lost() bool { return f.status == model.Lost }
func (f *fact) open() bool { return f.status == model.Open }

// reached reports whether the deal has reached the open or won stage at
// position k: k is at or before the furthest open or won stage in its
// history, so a skipped stage counts as passed.
func (f *fact) reached(k int) bool { return k <= f.furthest }

// snapshot holds the facts of every deal as of the last day of a window.
type snapshot struct {
	p      *model.Pipeline
	repo   *model.Repo
	win    Window
	funnel Window
	facts  []fact
}

func newSnapshot(repo *model.Repo, w Window, funnelDays int) *snapshot {
	s := &snapshot{
		p: repo.Pipeline, repo: repo, win: w,
		funnel: Window{From: w.To.AddDays(1 - funnelDays), To: w.To},
		facts:  make([]fact, 0, len(repo.Deals)),
	}
	t := w.To
	for _, d := range repo.Deals {
		n := 0
		for n < len(d.History) && d.History[n].Date <= t {
			n++
		}
		if n == 0 {
			continue // the deal does not exist yet
		}
		f := fact{d: d, hist: d.History[:n], created: d.History[0].Date, furthest: -1}
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

// isStuck returns whether an open deal is stuck, and its days in stage.
func (s *snapshot) isStuck(f *fact) (bool, int) {
	days := int(s.win.To - f.entered)
	return f.open() && f.stage.HasRotAfter && days > f.stage.RotAfter, days
}

func (s *snapshot) isOverdue(f *fact) bool {
	return f.open() && !f.d.ExpectedClose.IsZero() && f.d.ExpectedClose < s.win.To
}

// weighted returns value × probability in cents, unrounded.
func weighted(f *fact) float64 { return float64(f.d.Value) * f.prob }

// tally is the part of the KPIs that sums over a group of deals: the whole
// pipeline, one source or one owner.
type tally struct {
	leads, open, won, lost, stuck, overdue int
	openValue, wonValue                    model.Money
	weighted                               float64 // cents
	cycleDays                              int
	cohort, cohortQualified, cohortWon     int
	emailsSent, emailsOpened               int
}

func (s *snapshot) add(t *tally, f *fact, qualified int) {
	w := s.win
	if w.Contains(f.created) {
		t.leads++
	}
	if f.open() {
		t.open++
		t.openValue += f.d.Value
		t.weighted += weighted(f)
		if stuck, _ := s.isStuck(f); stuck {
			t.stuck++
		}
		if s.isOverdue(f) {
			t.overdue++
		}
	}
	if f.won() && w.Contains(f.closed) {
		t.won++
		t.wonValue += f.d.Value
		t.cycleDays += int(f.closed - f.created)
	}
	if f.lost() && w.Contains(f.closed) {
		t.lost++
	}
	if s.funnel.Contains(f.created) {
		t.cohort++
		if qualified >= 0 && f.reached(qualified) {
			t.cohortQualified++
		}
		if f.won() {
			t.cohortWon++
		}
	}
	// Active in the window: created by its end, and not closed before it.
	if f.d.Emails.Set && (f.open() || f.closed >= w.From) {
		t.emailsSent += f.d.Emails.Sent
		t.emailsOpened += f.d.Emails.Opened
	}
}

// qualification is the share of the cohort that reached the qualified
// stage q; undefined when the pipeline has no such stage (a single open
// stage and no qualified_stage), rather than a misleading 0 %.
func qualification(q int, t tally) Ratio {
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
	w := s.win
	var atStart, churned, onboarded, onboardingEnded int
	for i := range s.facts {
		f := &s.facts[i]
		s.add(&t, f, q)
		if f.won() && f.closed < w.From && (f.churned.IsZero() || f.churned >= w.From) {
			atStart++
			if w.Contains(f.churned) {
				churned++
			}
		}
		if o := f.d.Onboarding; o != nil && f.won() && w.Contains(o.Date) {
			switch o.Status {
			case model.OnboardingSucceeded:
				onboarded++
				onboardingEnded++
			case model.OnboardingFailed:
				onboardingEnded++
			}
		}
	}
	k := KPIs{
		OpenDeals:             t.open,
		OpenValue:             t.openValue,
		WeightedValue:         model.Money(math.Round(t.weighted)),
		StuckDeals:            t.stuck,
		OverdueDeals:          t.overdue,
		Leads:                 t.leads,
		QualificationRate:     qualification(q, t),
		LeadConversionRate:    ratio(float64(t.cohortWon), float64(t.cohort)),
		WonDeals:              t.won,
		LostDeals:             t.lost,
		WonValue:              t.wonValue,
		WinRate:               ratio(float64(t.won), float64(t.won+t.lost)),
		AvgDealSize:           moneyRatio(float64(t.wonValue), float64(t.won)),
		SalesCycleDays:        ratio(float64(t.cycleDays), float64(t.won)),
		EmailOpenRate:         ratio(float64(t.emailsOpened), float64(t.emailsSent)),
		ChurnRate:             ratio(float64(churned), float64(atStart)),
		OnboardingSuccessRate: ratio(float64(onboarded), float64(onboardingEnded)),
	}
	spend := s.spend(func(model.Spend) bool { return true })
	k.Spend = spend
	k.CostPerLead = moneyRatio(float64(spend), float64(t.leads))
	k.CAC = moneyRatio(float64(spend), float64(t.won))
	k.SalesVelocity = t.velocity()
	return k
}

// velocity is open deals × win rate × average deal size ÷ sales cycle, in
// money per day; null when a part is null or the cycle is 0 days. It is
// computed from the unrounded parts.
func (t *tally) velocity() MoneyOrNull {
	if t.won == 0 || t.cycleDays == 0 {
		return MoneyOrNull{}
	}
	winRate := float64(t.won) / float64(t.won+t.lost)
	avg := float64(t.wonValue) / float64(t.won)
	cycle := float64(t.cycleDays) / float64(t.won)
	return MoneyOrNull{V: model.Money(math.Round(float64(t.open) * winRate * avg / cycle)), Valid: true}
}

// spend sums the spend entries that match, each spread evenly over the days
// of its month, over the days of the month inside the window.
func (s *snapshot) spend(match func(model.Spend) bool) model.Money {
	var cents float64
	for _, e := range s.p.Spend {
		if !match(e) {
			continue
		}
		from := max(e.Month.Start, s.win.From)
		to := min(e.Month.End, s.win.To)
		if to < from {
			continue
		}
		days := int(to-from) + 1
		cents += float64(e.Amount) * float64(days) / float64(e.Month.Days())
	}
	return model.Money(math.Round(cents))
}

// stages computes the funnel and stage velocity in one pass over the deals.
func (s *snapshot) stages() []Stage {
	out := []Stage{}
	row := make([]int, len(s.p.Stages)) // pipeline position → index in out, or -1 for a lost stage
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
		out = append(out, r)
	}
	stays := make([][]int, len(out))
	weightedCents := make([]float64, len(out))
	for i := range s.facts {
		f := &s.facts[i]
		if s.funnel.Contains(f.created) {
			for k := 0; k <= f.furthest; k++ {
				if r := row[k]; r >= 0 {
					out[r].Reached++
					out[r].ReachedValue += f.d.Value
				}
			}
		}
		if f.open() {
			if r := row[f.stageIndex]; r >= 0 {
				out[r].OpenCount++
				out[r].OpenValue += f.d.Value
				weightedCents[r] += weighted(f)
				if stuck, _ := s.isStuck(f); stuck {
					out[r].Stuck++
				}
			}
		}
		// Each stay in a stage that ended in the window: the deal entered
		// the stage with hist[j] and left it with hist[j+1].
		for j := 0; j+1 < len(f.hist); j++ {
			if !s.win.Contains(f.hist[j+1].Date) {
				continue
			}
			if k, ok := s.p.StageIndex(f.hist[j].Stage); ok && row[k] >= 0 {
				stays[row[k]] = append(stays[row[k]], int(f.hist[j+1].Date-f.hist[j].Date))
			}
		}
	}
	for i := range out {
		out[i].WeightedValue = model.Money(math.Round(weightedCents[i]))
		out[i].AvgDays, out[i].MedianDays = meanMedian(stays[i])
		out[i].FromTop = ratio(float64(out[i].Reached), float64(out[0].Reached))
		if out[i].Type == model.Won {
			continue
		}
		next := Ratio{}
		if i+1 < len(out) {
			next = ratio(float64(out[i+1].Reached), float64(out[i].Reached))
		}
		out[i].ConversionToNext = &next
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

func (s *snapshot) sources() []Source {
	q := s.qualifiedIndex()
	tallies := map[string]*tally{}
	used := map[string]bool{}
	for i := range s.facts {
		f := &s.facts[i]
		id := f.d.Source
		if id == "" {
			id = NoSource
		}
		used[id] = true
		t := tallies[id]
		if t == nil {
			t = &tally{}
			tallies[id] = t
		}
		s.add(t, f, q)
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
		spend := s.spend(func(e model.Spend) bool { return e.Source == id })
		out = append(out, Source{
			ID: id, Leads: t.leads, WonDeals: t.won, WonValue: t.wonValue,
			LeadConversionRate: ratio(float64(t.cohortWon), float64(t.cohort)),
			Spend:              spend,
			CostPerLead:        moneyRatio(float64(spend), float64(t.leads)),
			CAC:                moneyRatio(float64(spend), float64(t.won)),
		})
	}
	return out
}

func (s *snapshot) owners() []Owner {
	tallies := map[string]*tally{}
	used := map[string]bool{}
	for i := range s.facts {
		f := &s.facts[i]
		id := f.d.Owner
		used[id] = true
		t := tallies[id]
		if t == nil {
			t = &tally{}
			tallies[id] = t
		}
		s.add(t, f, -1)
	}
	var declared []string
	for _, o := range s.p.Owners {
		declared = append(declared, o.ID)
	}
	out := []Owner{}
	for _, id := range groupIDs(declared, used) {
		t := tallies[id]
		if t == nil {
			t = &tally{}
		}
		row := Owner{
			ID: id, Leads: t.leads, OpenDeals: t.open, OpenValue: t.openValue,
			WeightedValue: model.Money(math.Round(t.weighted)),
			WonDeals:      t.won, WonValue: t.wonValue,
			WinRate:    ratio(float64(t.won), float64(t.won+t.lost)),
			StuckDeals: t.stuck,
		}
		if o := s.p.OwnerByID(id); o != nil {
			row.Name, row.Team = o.Name, o.Team
		}
		out = append(out, row)
	}
	return out
}

func (s *snapshot) targets() []Target {
	// One pass over the deals for all targets: a big pipeline's deals are
	// read once rather than once per target.
	type sums struct {
		won, pipeline model.Money
		weightedCents float64
	}
	acc := make([]sums, len(s.p.Targets))
	for i := range s.facts {
		f := &s.facts[i]
		won, open := f.won(), f.open()
		if !won && !open {
			continue
		}
		var w float64
		if open {
			w = weighted(f)
		}
		for k, tg := range s.p.Targets {
			if tg.Owner != "" && f.d.Owner != tg.Owner {
				continue
			}
			if won && tg.Period.Contains(f.closed) {
				acc[k].won += f.d.Value
			}
			if open && tg.Period.Contains(f.d.ExpectedClose) {
				acc[k].pipeline += f.d.Value
				acc[k].weightedCents += w
			}
		}
	}
	out := make([]Target, 0, len(s.p.Targets))
	for k, tg := range s.p.Targets {
		won, pipeline := acc[k].won, acc[k].pipeline
		row := Target{
			Period:     tg.Period.Text,
			Revenue:    tg.Revenue,
			WonValue:   won,
			Attainment: ratio(float64(won), float64(tg.Revenue)),
			Forecast:   won + model.Money(math.Round(acc[k].weightedCents)),
		}
		if tg.Owner != "" {
			owner := tg.Owner
			row.Owner = &owner
		}
		if remaining := tg.Revenue - won; remaining > 0 {
			row.Coverage = ratio(float64(pipeline), float64(remaining))
		}
		out = append(out, row)
	}
	return out
}

func (s *snapshot) lists() ([]Stuck, []Overdue) {
	stuck := []Stuck{}
	var overdue []Overdue
	for i := range s.facts {
		f := &s.facts[i]
		if ok, days := s.isStuck(f); ok {
			stuck = append(stuck, Stuck{ID: f.d.ID, Stage: f.stage.ID, DaysInStage: days, RotAfter: f.stage.RotAfter})
		}
		if s.isOverdue(f) {
			overdue = append(overdue, Overdue{ID: f.d.ID, Stage: f.stage.ID, ExpectedClose: f.d.ExpectedClose,
				DaysOverdue: int(s.win.To - f.d.ExpectedClose), Value: f.d.Value})
		}
	}
	stuck = sortByDays(stuck, Stuck.DaysOver, func(x Stuck) string { return x.ID })
	overdue = sortByDays(overdue, func(x Overdue) int { return x.DaysOverdue }, func(x Overdue) string { return x.ID })
	return stuck, overdue
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
