package metrics

import (
	"cmp"
	"math"
	"slices"

	"github.com/pipegen/pipegen/internal/model"
)

// Details are the per-deal and per-period facts the site shows beside the
// metrics: every deal as of the day, the monthly trend, lost reasons and
// what changed in the window. They are not part of metrics.json.
type Details struct {
	Deals       []DealRow
	Trend       []Month
	LostReasons []ReasonCount
	Review      Review
}

// DealRow is one deal as of the report's day.
type DealRow struct {
	ID, File, Title, Company, Owner, Source string
	Stage, StageName                        string
	Status                                  model.StageType
	Value                                   model.Money // in the pipeline currency
	HasValue                                bool
	// Rate is the rate the value of a deal in another currency was
	// converted at, the one in force on RateDay; zero for a deal in the
	// pipeline currency.
	Rate                           model.ExchangeRate
	RateDay                        model.Date
	Probability                    float64
	Weighted                       model.Money
	Created, Closed, ExpectedClose model.Date
	DaysInStage                    int
	Stuck, Overdue                 bool
	// Forecast is an open deal's forecast category; NextStepLate says its
	// next step was due before the day.
	Forecast     string
	NextStepLate bool
	LostReason   string
	Timeline     []Stay
	Deal         *model.Deal
}

// CycleDays is the number of days from the deal's creation to its close;
// 0 for an open deal.
func (d *DealRow) CycleDays() int {
	if d.Closed.IsZero() {
		return 0
	}
	return int(d.Closed - d.Created)
}

// Stay is a deal's time in one stage: from the day it entered to the day it
// left, or to the report's day for the current stage (Current).
type Stay struct {
	Stage, StageName string
	From, To         model.Date
	Days             int
	Current          bool
	Reason           string
}

// Month counts deals created, won and lost in one calendar month.
type Month struct {
	Month                  string // YYYY-MM
	Created, Won, Lost     int
	WonValue, CreatedValue model.Money
}

// ReasonCount is how many deals were lost for one reason, and their value.
type ReasonCount struct {
	Reason string
	Count  int
	Value  model.Money
}

// Review is what changed in the window.
type Review struct {
	New         []string // ids of deals created in the window
	Moves       []ReviewMove
	Won, Lost   []ReviewMove
	BecameStuck []ReviewStuck
	// WonValue and LostValue are the values of the deals won and lost.
	WonValue, LostValue model.Money
}

// ReviewMove is one stage move in the window.
type ReviewMove struct {
	Deal, Title, From, To string
	Date                  model.Date
	Value                 model.Money
	Reason                string
}

// ReviewStuck is a deal that went past its stage's rot_after in the window.
type ReviewStuck struct {
	Deal, Title, Stage string
	Since              model.Date // the first day it counted as stuck
	DaysInStage        int
}

// TrendMonths is the number of months the trend covers, ending with the
// as-of date's month.
const TrendMonths = 12

// ComputeDetails returns the details of repo as of opt.AsOf.
func ComputeDetails(repo *model.Repo, opt Options) *Details {
	cur, _ := windows(repo.Pipeline, opt)
	s := newSnapshot(repo, cur, nil, cur.review.To)
	d := &Details{Deals: make([]DealRow, len(s.facts))}
	for i := range s.facts {
		d.Deals[i] = s.row(&s.facts[i])
	}
	byID := func(a, b DealRow) int { return cmp.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(d.Deals, byID) {
		slices.SortFunc(d.Deals, byID)
	}
	d.Trend = s.trend()
	d.LostReasons = s.lostReasons()
	d.Review = s.review()
	return d
}

func (s *snapshot) row(f *fact) DealRow {
	stuck, days := s.isStuck(f)
	r := DealRow{
		ID: f.d.ID, File: f.d.File, Title: f.d.Title, Company: f.d.Company, Owner: f.d.Owner, Source: f.d.Source,
		Stage: f.stage.ID, StageName: f.stage.Title(), Status: f.status,
		Value: f.value, HasValue: f.d.HasValue, Probability: f.prob,
		Created: f.created, Closed: f.closed, ExpectedClose: f.closeBy,
		DaysInStage: days, Stuck: stuck, Overdue: s.isOverdue(f), Deal: f.d,
	}
	if s.p.Foreign(f.d) {
		r.RateDay = f.convertedOn
		r.Rate, _ = s.p.RateOn(f.d.Currency, r.RateDay)
	}
	if f.open() {
		r.Weighted = model.Money(math.Round(weighted(f)))
		r.Forecast = f.category()
		r.NextStepLate = s.nextStepOverdue(f)
	}
	if f.lost() {
		r.LostReason = f.hist[len(f.hist)-1].Reason
	}
	r.Timeline = make([]Stay, 0, len(f.hist))
	for i, m := range f.hist {
		st := Stay{Stage: m.Stage, StageName: m.Stage, From: m.Date, Reason: m.Reason}
		if ps := s.p.Stage(m.Stage); ps != nil {
			st.StageName = ps.Title()
		}
		if i+1 < len(f.hist) {
			st.To = f.hist[i+1].Date
		} else {
			st.To, st.Current = s.win.To, true
		}
		st.Days = int(st.To - st.From)
		r.Timeline = append(r.Timeline, st)
	}
	return r
}

func monthKey(d model.Date) string { return d.String()[:7] }

func (s *snapshot) trend() []Month {
	y, m, _ := s.win.To.YMD()
	months := make([]Month, TrendMonths)
	index := map[string]int{}
	for i := TrendMonths - 1; i >= 0; i-- {
		start, _ := model.NewDate(y, m, 1)
		months[i].Month = monthKey(start)
		index[months[i].Month] = i
		m--
		if m == 0 {
			y, m = y-1, 12
		}
	}
	for i := range s.facts {
		f := &s.facts[i]
		if k, ok := index[monthKey(f.created)]; ok {
			months[k].Created++
			months[k].CreatedValue += f.value
		}
		if f.closed.IsZero() {
			continue
		}
		if k, ok := index[monthKey(f.closed)]; ok {
			if f.won() {
				months[k].Won++
				months[k].WonValue += f.value
			} else {
				months[k].Lost++
			}
		}
	}
	return months
}

// lostReasons counts the deals lost in the funnel window by reason, most
// first; deals lost without a reason count under "(none)".
func (s *snapshot) lostReasons() []ReasonCount {
	counts := map[string]*ReasonCount{}
	for i := range s.facts {
		f := &s.facts[i]
		if !f.lost() || !s.funnel.Contains(f.closed) {
			continue
		}
		reason := f.hist[len(f.hist)-1].Reason
		if reason == "" {
			reason = NoSource
		}
		c := counts[reason]
		if c == nil {
			c = &ReasonCount{Reason: reason}
			counts[reason] = c
		}
		c.Count++
		c.Value += f.value
	}
	out := []ReasonCount{}
	for _, c := range counts {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b ReasonCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Reason, b.Reason))
	})
	return out
}

func (s *snapshot) review() Review {
	var rv Review
	for i := range s.facts {
		f := &s.facts[i]
		if s.win.Contains(f.created) {
			rv.New = append(rv.New, f.d.ID)
		}
		for j := 1; j < len(f.hist); j++ {
			m := f.hist[j]
			if !s.win.Contains(m.Date) {
				continue
			}
			mv := ReviewMove{Deal: f.d.ID, Title: f.d.Title, From: f.hist[j-1].Stage, To: m.Stage, Date: m.Date, Value: f.value, Reason: m.Reason}
			rv.Moves = append(rv.Moves, mv)
			if st := s.p.Stage(m.Stage); st != nil && j == len(f.hist)-1 {
				switch st.Type {
				case model.Won:
					rv.Won = append(rv.Won, mv)
					rv.WonValue += mv.Value
				case model.Lost:
					rv.Lost = append(rv.Lost, mv)
					rv.LostValue += mv.Value
				}
			}
		}
		if stuck, days := s.isStuck(f); stuck {
			since := f.entered.AddDays(f.stage.RotAfter + 1)
			if s.win.Contains(since) {
				rv.BecameStuck = append(rv.BecameStuck, ReviewStuck{Deal: f.d.ID, Title: f.d.Title, Stage: f.stage.ID, Since: since, DaysInStage: days})
			}
		}
	}
	byDate := func(a, b ReviewMove) int { return cmp.Or(cmp.Compare(a.Date, b.Date), cmp.Compare(a.Deal, b.Deal)) }
	slices.SortFunc(rv.Moves, byDate)
	slices.SortFunc(rv.Won, byDate)
	slices.SortFunc(rv.Lost, byDate)
	slices.Sort(rv.New)
	slices.SortFunc(rv.BecameStuck, func(a, b ReviewStuck) int { return cmp.Or(cmp.Compare(a.Since, b.Since), cmp.Compare(a.Deal, b.Deal)) })
	return rv
}

// ForOwner returns the report of one owner's deals: their KPIs, funnel and
// stages. Spend is not tied to owners, so spend-based numbers are left out,
// and only that owner's targets are kept.
func ForOwner(repo *model.Repo, opt Options, owner string) *Report {
	return forGroup(repo, opt, func(id string) bool { return id == owner },
		func(t model.Target) bool { return t.Owner == owner })
}

// ForTeam returns the report of the pooled deals of one team's owners, with
// the targets of the team and of its owners.
func ForTeam(repo *model.Repo, opt Options, team string) *Report {
	teamOf := repo.Pipeline.TeamOf()
	return forGroup(repo, opt, func(id string) bool { return teamOf[id] == team },
		func(t model.Target) bool { return t.Team == team || t.Owner != "" && teamOf[t.Owner] == team })
}

// forGroup returns the report of the deals whose owner is in the group,
// with the targets that keep: spend is left out, as it has no owner.
func forGroup(repo *model.Repo, opt Options, in func(owner string) bool, keep func(model.Target) bool) *Report {
	p := *repo.Pipeline
	p.Spend = nil
	p.Targets = nil
	for _, t := range repo.Pipeline.Targets {
		if keep(t) {
			p.Targets = append(p.Targets, t)
		}
	}
	sub := &model.Repo{Pipeline: &p}
	for _, d := range repo.Deals {
		if in(d.Owner) {
			sub.Deals = append(sub.Deals, d)
		}
	}
	return Compute(sub, opt)
}
