package metrics

import (
	"fmt"
	"hash/fnv"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/pipegen/pipegen/internal/gen"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

func generated(t testing.TB, seed uint64, n int) *model.Repo {
	t.Helper()
	end := date(t, "2026-12-31")
	opt := gen.Options{Seed: seed, Deals: n, End: end, Months: 18}
	p, diags := load.ParsePipeline("pipeline.yaml", gen.Pipeline(opt))
	if len(diags) > 0 {
		t.Fatalf("generated pipeline: %v", diags)
	}
	r := &model.Repo{Pipeline: p}
	for rel, src := range gen.Deals(opt) {
		d, _ := load.ParseDeal("deals/"+rel, load.DealID("deals/"+rel), src)
		r.Deals = append(r.Deals, d)
	}
	return r
}

// withV2Fields adds to a generated repository what gen does not write (yet):
// forecast categories of stages and deals, next steps, team targets and an
// owner target for every owner in 2026-Q4 (so that the targets of a period
// can be added up). With teamless, the last owner of pipeline.yaml loses
// its team. Every choice depends on the deal's id only, so the result does
// not depend on the order of the deals.
func withV2Fields(t testing.TB, r *model.Repo, teamless bool) *model.Repo {
	t.Helper()
	p := r.Pipeline
	for i := range p.Stages {
		switch p.Stages[i].ID {
		case "qualified":
			p.Stages[i].Forecast = model.ForecastPipeline
		case "proposal":
			p.Stages[i].Forecast = model.ForecastBestCase
		case "negotiation":
			p.Stages[i].Forecast = model.ForecastCommit
		}
	}
	for _, d := range r.Deals {
		h := fnv.New32a()
		h.Write([]byte(d.ID))
		x := int(h.Sum32())
		switch x % 6 {
		case 0:
			d.Forecast = model.ForecastOmitted
		case 1:
			d.Forecast = model.ForecastCommit
		case 2:
			d.Forecast = model.ForecastBestCase
		}
		created := d.History[0].Date
		switch x / 6 % 4 {
		case 1:
			d.NextStep = "call"
		case 2:
			d.NextStep, d.NextStepDate = "demo", created.AddDays(x/24%120)
		case 3:
			d.NextStep, d.NextStepDate = "send", date(t, "2026-09-30")
		}
	}
	if teamless {
		p.Owners[len(p.Owners)-1].Team = ""
	}
	period := func(s string) model.Period {
		pp, err := model.ParsePeriod(s)
		if err != nil {
			t.Fatal(err)
		}
		return pp
	}
	for _, team := range p.Teams() {
		for _, per := range []string{"2026-Q4", "2026-Q1", "2026-11", "2026"} {
			p.Targets = append(p.Targets, model.Target{Period: period(per), Team: team.ID, Revenue: 100000 * 100})
		}
	}
	has := map[string]bool{}
	for _, tg := range p.Targets {
		if tg.Owner != "" && tg.Period.Text == "2026-Q4" {
			has[tg.Owner] = true
		}
	}
	for _, o := range p.Owners {
		if !has[o.ID] {
			p.Targets = append(p.Targets, model.Target{Period: period("2026-Q4"), Owner: o.ID, Revenue: 30000 * 100})
		}
	}
	return r
}

// additive are the numbers of a group (or of the whole pipeline) that add
// up over owners and teams.
type additive struct {
	OpenDeals, StuckDeals, OverdueDeals, NoNextStep, OverdueNextStep      int
	Leads, WonDeals, LostDeals, BackwardMoves, ClosedDeals, WonDealsRated int
	OpenValue, OverdueValue, NewValue, WonValue, LostValue                model.Money
}

func additiveOf(g Group) additive {
	return additive{
		OpenDeals: g.OpenDeals, StuckDeals: g.StuckDeals, OverdueDeals: g.OverdueDeals, NoNextStep: g.NoNextStep, OverdueNextStep: g.OverdueNextStep,
		Leads: g.Leads, WonDeals: g.WonDeals, LostDeals: g.LostDeals, BackwardMoves: g.BackwardMoves, ClosedDeals: g.ClosedDeals, WonDealsRated: g.WonDealsRated,
		OpenValue: g.OpenValue, OverdueValue: g.OverdueValue, NewValue: g.NewValue, WonValue: g.WonValue, LostValue: g.LostValue,
	}
}

func additiveOfKPIs(k KPIs) additive {
	return additive{
		OpenDeals: k.OpenDeals, StuckDeals: k.StuckDeals, OverdueDeals: k.OverdueDeals, NoNextStep: k.NoNextStep, OverdueNextStep: k.OverdueNextStep,
		Leads: k.Leads, WonDeals: k.WonDeals, LostDeals: k.LostDeals, BackwardMoves: k.BackwardMoves, ClosedDeals: k.ClosedDeals, WonDealsRated: k.WonDealsRated,
		OpenValue: k.OpenValue, OverdueValue: k.OverdueValue, NewValue: k.NewValue, WonValue: k.WonValue, LostValue: k.LostValue,
	}
}

// sum adds up groups: the additive numbers, the weighted value (each
// group's is rounded to the cent), and Σ avg_deal_size × won_deals_rated,
// the won value of the rate window to within half a cent per group.
func sum(gs []Group) (a additive, weighted, ratedWon float64) {
	for _, g := range gs {
		b := additiveOf(g)
		a.OpenDeals += b.OpenDeals
		a.StuckDeals += b.StuckDeals
		a.OverdueDeals += b.OverdueDeals
		a.NoNextStep += b.NoNextStep
		a.OverdueNextStep += b.OverdueNextStep
		a.Leads += b.Leads
		a.WonDeals += b.WonDeals
		a.LostDeals += b.LostDeals
		a.BackwardMoves += b.BackwardMoves
		a.ClosedDeals += b.ClosedDeals
		a.WonDealsRated += b.WonDealsRated
		a.OpenValue += b.OpenValue
		a.OverdueValue += b.OverdueValue
		a.NewValue += b.NewValue
		a.WonValue += b.WonValue
		a.LostValue += b.LostValue
		weighted += float64(g.WeightedValue)
		ratedWon += float64(g.AvgDealSize.V) * float64(g.WonDealsRated)
	}
	return a, weighted, ratedWon
}

func inUnit(r Ratio) bool { return !r.Valid || (r.V >= 0 && r.V <= 1) }

// checkInvariants asserts what holds for any valid pipeline. rateDays is
// the rate window's length by rate_days (option or pipeline.yaml).
func checkInvariants(t *testing.T, label string, p *model.Pipeline, r *Report, opt Options, rateDays int) {
	t.Helper()
	k := r.Current
	tt := opt.AsOf
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf(label+": "+format, args...)
	}

	// Windows.
	n := r.Window.Days()
	if r.Window.To != tt || r.RateWindow.To != tt || r.FunnelWindow.To != tt {
		errorf("windows %v %v %v do not end on %s", r.Window, r.RateWindow, r.FunnelWindow, tt)
	}
	wantRate := rateDays
	if !opt.From.IsZero() {
		wantRate = max(rateDays, n)
	}
	if r.RateWindow.Days() != wantRate {
		errorf("rate window of %d days, want %d", r.RateWindow.Days(), wantRate)
	}
	if r.PreviousWindow.To != r.Window.From-1 || r.PreviousWindow.Days() != n {
		errorf("previous window %v for window %v", r.PreviousWindow, r.Window)
	}
	wider := r.RateWindow.From <= r.Window.From

	// Counts and rates.
	for _, f := range k.Fields() {
		if f.Kind == Rate && f.Valid && (f.Value < 0 || f.Value > 1) {
			errorf("%s = %v, outside 0..1", f.Key, f.Value)
		}
		if f.Counted && f.Kind != Amount && f.Valid != (f.Count > 0) && f.Key != "qualification_rate" {
			errorf("%s valid %v resting on %d", f.Key, f.Valid, f.Count)
		}
	}
	if k.ClosedDeals < k.WonDealsRated {
		errorf("closed_deals %d < won_deals_rated %d", k.ClosedDeals, k.WonDealsRated)
	}
	if want := ratio(float64(k.WonDealsRated), float64(k.ClosedDeals)); !sameRatio(k.WinRate, want) {
		errorf("win_rate %v, want won_deals_rated ÷ closed_deals = %v", k.WinRate, want)
	}
	if k.AvgDealSize.Valid != (k.WonDealsRated > 0) || k.SalesCycleDays.Valid != (k.WonDealsRated > 0) ||
		k.SalesCycleMeanDays.Valid != (k.WonDealsRated > 0) || k.CAC.Valid != (k.WonDealsRated > 0) {
		errorf("rates of won deals: avg %v cycle %v mean %v cac %v over %d won", k.AvgDealSize, k.SalesCycleDays, k.SalesCycleMeanDays, k.CAC, k.WonDealsRated)
	}
	if k.CostPerLead.Valid != (k.LeadsRated > 0) || !sameRatio(k.WinRateByValue, k.WinRateByValue) || !inUnit(k.WinRateByValue) {
		errorf("cost per lead %v over %d leads; win rate by value %v", k.CostPerLead, k.LeadsRated, k.WinRateByValue)
	}
	if k.WinRateByValue.Valid && k.ClosedDeals == 0 {
		errorf("win rate by value %v over no closed deal", k.WinRateByValue)
	}
	if k.SalesVelocity.Valid {
		// open × win rate × average ÷ mean cycle, from the rounded average:
		// within the rounding of the average (half a cent) times open × win
		// rate ÷ cycle, and a cent.
		want := float64(k.OpenDeals) * k.WinRate.V * float64(k.AvgDealSize.V) / k.SalesCycleMeanDays.V
		if tol := 1 + 0.5*float64(k.OpenDeals)/k.SalesCycleMeanDays.V; math.Abs(float64(k.SalesVelocity.V)-want) > tol {
			errorf("sales velocity %v, want ≈ %v", k.SalesVelocity, want/100)
		}
	} else if k.WonDealsRated > 0 && k.SalesCycleMeanDays.V > 0 {
		errorf("sales velocity null with %d won over a mean cycle of %v", k.WonDealsRated, k.SalesCycleMeanDays)
	}
	if wider && (k.LeadsRated < k.Leads || k.WonDealsRated < k.WonDeals || k.ClosedDeals < k.WonDeals+k.LostDeals) {
		errorf("the rate window holds the review window, yet leads %d/%d, won %d/%d, closed %d/%d",
			k.LeadsRated, k.Leads, k.WonDealsRated, k.WonDeals, k.ClosedDeals, k.WonDeals+k.LostDeals)
	}

	// Stages.
	var stageOpen, stageStuck int
	var stageValue model.Money
	var stageWeighted float64
	for i, s := range r.Stages {
		stageOpen += s.OpenCount
		stageValue += s.OpenValue
		stageStuck += s.Stuck
		stageWeighted += float64(s.WeightedValue)
		if i > 0 && s.Reached > r.Stages[i-1].Reached {
			errorf("funnel grows from %s (%d) to %s (%d)", r.Stages[i-1].ID, r.Stages[i-1].Reached, s.ID, s.Reached)
		}
		if s.AvgDays.Valid != (s.Stays > 0) || s.MedianDays.Valid != (s.Stays > 0) {
			errorf("stage %s: avg %v median %v over %d stays", s.ID, s.AvgDays, s.MedianDays, s.Stays)
		}
		if !inUnit(s.ConversionToNext) || !inUnit(s.DecidedConversionToNext) {
			errorf("stage %s: conversion %v, decided %v", s.ID, s.ConversionToNext, s.DecidedConversionToNext)
		}
		if s.Type == model.Won || i+1 == len(r.Stages) {
			if s.ConversionToNext.Valid || s.DecidedConversionToNext.Valid {
				errorf("stage %s has a conversion to next", s.ID)
			}
		} else if want := ratio(float64(r.Stages[i+1].Reached), float64(s.Reached)); !sameRatio(s.ConversionToNext, want) {
			errorf("stage %s: conversion %v, want %v", s.ID, s.ConversionToNext, want)
		}
	}
	if stageOpen != k.OpenDeals || stageValue != k.OpenValue {
		errorf("Σ stage open = %d (%s), want %d (%s)", stageOpen, stageValue, k.OpenDeals, k.OpenValue)
	}
	if math.Abs(stageWeighted-float64(k.WeightedValue)) > float64(len(r.Stages)) {
		errorf("Σ stage weighted %v vs %v: more than rounding", stageWeighted, k.WeightedValue)
	}
	if stageStuck != k.StuckDeals || len(r.Stuck) != k.StuckDeals {
		errorf("Σ stage stuck %d, stuck list %d, stuck_deals %d", stageStuck, len(r.Stuck), k.StuckDeals)
	}
	var wonStage Stage
	for _, s := range r.Stages {
		if s.Type == model.Won {
			wonStage = s
		}
	}
	if len(r.Stages) > 0 {
		if r.Stages[0].Reached != k.CohortDeals {
			errorf("first stage reached %d, cohort %d", r.Stages[0].Reached, k.CohortDeals)
		}
		if want := ratio(float64(wonStage.Reached), float64(k.CohortDeals)); !sameRatio(k.LeadConversionRate, want) {
			errorf("lead conversion %v is not won reached ÷ cohort = %v", k.LeadConversionRate, want)
		}
		for _, s := range r.Stages {
			if s.ID == p.Qualified() && !sameRatio(k.QualificationRate, ratio(float64(s.Reached), float64(k.CohortDeals))) {
				errorf("qualification rate %v is not %s reached %d ÷ cohort %d", k.QualificationRate, s.ID, s.Reached, k.CohortDeals)
			}
		}
	}

	// Lists.
	var overdueValue model.Money
	for i, o := range r.Overdue {
		overdueValue += o.Value
		if i > 0 && (o.DaysOverdue > r.Overdue[i-1].DaysOverdue || o.DaysOverdue == r.Overdue[i-1].DaysOverdue && o.ID < r.Overdue[i-1].ID) {
			errorf("overdue list out of order at %d", i)
		}
	}
	if len(r.Overdue) != k.OverdueDeals || overdueValue != k.OverdueValue {
		errorf("overdue list %d (%s), overdue %d (%s)", len(r.Overdue), overdueValue, k.OverdueDeals, k.OverdueValue)
	}
	if len(r.NoNextStep) != k.NoNextStep || len(r.OverdueNextStep) != k.OverdueNextStep {
		errorf("next step lists %d, %d; keys %d, %d", len(r.NoNextStep), len(r.OverdueNextStep), k.NoNextStep, k.OverdueNextStep)
	}
	if !slices.IsSortedFunc(r.NoNextStep, func(a, b NextStep) int { return cmpString(a.ID, b.ID) }) {
		errorf("no next step list not by id")
	}
	for i, s := range r.OverdueNextStep {
		if int(tt-s.Date) != s.DaysOverdue || s.DaysOverdue <= 0 || s.Date.IsZero() {
			errorf("next step of %s due %s: %d days overdue", s.ID, s.Date, s.DaysOverdue)
		}
		if i > 0 && (s.DaysOverdue > r.OverdueNextStep[i-1].DaysOverdue || s.DaysOverdue == r.OverdueNextStep[i-1].DaysOverdue && s.ID < r.OverdueNextStep[i-1].ID) {
			errorf("next step overdue list out of order at %d", i)
		}
	}
	for i, s := range r.Stuck {
		if i > 0 && (s.DaysOver() > r.Stuck[i-1].DaysOver() || s.DaysOver() == r.Stuck[i-1].DaysOver() && s.ID < r.Stuck[i-1].ID) {
			errorf("stuck list out of order at %d", i)
		}
	}

	// Owners add up to the total.
	total := additiveOfKPIs(k)
	owners, ownersWeighted, _ := sum(r.Owners)
	if owners != total {
		errorf("Σ owners\n%+v\nwant the total\n%+v", owners, total)
	}
	if math.Abs(ownersWeighted-float64(k.WeightedValue)) > float64(len(r.Owners)) {
		errorf("Σ owner weighted %v vs %v: more than rounding", ownersWeighted, k.WeightedValue)
	}
	var ids []string
	for _, o := range p.Owners {
		ids = append(ids, o.ID)
	}
	for i, o := range r.Owners {
		if i < len(ids) && o.ID != ids[i] {
			errorf("owner %d is %s, want %s (the declared order)", i, o.ID, ids[i])
		}
		if want := ratio(float64(o.WonDealsRated), float64(o.ClosedDeals)); !sameRatio(o.WinRate, want) || !inUnit(o.WinRate) {
			errorf("owner %s: win rate %v, want %v", o.ID, o.WinRate, want)
		}
		if o.AvgDealSize.Valid != (o.WonDealsRated > 0) || o.SalesCycleDays.Valid != (o.WonDealsRated > 0) {
			errorf("owner %s: avg %v, cycle %v over %d won", o.ID, o.AvgDealSize, o.SalesCycleDays, o.WonDealsRated)
		}
	}

	// Each team is the sum of its owners, its rates over their pooled deals;
	// the teams in the order they first appear in the owners list.
	byID := map[string]Group{}
	for _, o := range r.Owners {
		byID[o.ID] = o
	}
	wantTeams := p.Teams()
	if len(r.Teams) != len(wantTeams) {
		errorf("%d teams, want %d", len(r.Teams), len(wantTeams))
	}
	var withTeam []Group
	for i, team := range r.Teams {
		if i >= len(wantTeams) || team.ID != wantTeams[i].ID || !slices.Equal(team.Owners, wantTeams[i].Owners) {
			errorf("team %d = %s %v", i, team.ID, team.Owners)
			continue
		}
		var members []Group
		for _, id := range team.Owners {
			members = append(members, byID[id])
		}
		withTeam = append(withTeam, members...)
		a, w, won := sum(members)
		if a != additiveOf(team) {
			errorf("team %s\n%+v\nwant Σ its owners\n%+v", team.ID, additiveOf(team), a)
		}
		if math.Abs(w-float64(team.WeightedValue)) > float64(len(members)) {
			errorf("team %s weighted %s, Σ owners %v", team.ID, team.WeightedValue, w)
		}
		if want := ratio(float64(a.WonDealsRated), float64(a.ClosedDeals)); !sameRatio(team.WinRate, want) {
			errorf("team %s win rate %v, want pooled %v", team.ID, team.WinRate, want)
		}
		if team.AvgDealSize.Valid != (a.WonDealsRated > 0) || team.SalesCycleDays.Valid != (a.WonDealsRated > 0) {
			errorf("team %s avg %v cycle %v over %d won", team.ID, team.AvgDealSize, team.SalesCycleDays, a.WonDealsRated)
		} else if a.WonDealsRated > 0 && math.Abs(float64(team.AvgDealSize.V)-won/float64(a.WonDealsRated)) > 1 {
			errorf("team %s avg deal size %v, pooled %v", team.ID, team.AvgDealSize, won/float64(a.WonDealsRated)/100)
		}
	}
	teams, _, _ := sum(r.Teams)
	if mine, _, _ := sum(withTeam); teams != mine {
		errorf("Σ teams\n%+v\nwant Σ owners with a team\n%+v", teams, mine)
	}
	if len(withTeam) == len(r.Owners) && teams != total {
		errorf("every owner has a team, yet Σ teams\n%+v\n≠ total\n%+v", teams, total)
	}

	// Sources: the funnel cohort.
	var srcLeads, srcWon int
	var srcWonValue, srcSpend, allSpend model.Money
	for _, s := range r.Sources {
		srcLeads += s.Leads
		srcWon += s.WonDeals
		srcWonValue += s.WonValue
		srcSpend += s.Spend
		if want := ratio(float64(s.WonDeals), float64(s.Leads)); !sameRatio(s.LeadConversionRate, want) {
			errorf("source %s: conversion %v, want %v", s.ID, s.LeadConversionRate, want)
		}
		if tracked := len(p.Spend) > 0; s.CostPerLead.Valid != (tracked && s.Leads > 0) || s.CAC.Valid != (tracked && s.WonDeals > 0) {
			errorf("source %s: cost per lead %v over %d, cac %v over %d", s.ID, s.CostPerLead, s.Leads, s.CAC, s.WonDeals)
		}
	}
	for _, e := range p.Spend {
		allSpend += e.Amount
	}
	if srcLeads != k.CohortDeals || srcWon != wonStage.Reached || srcWonValue != wonStage.ReachedValue || srcSpend > allSpend {
		errorf("Σ sources: leads %d/%d, won %d/%d (%s/%s), spend %s of %s",
			srcLeads, k.CohortDeals, srcWon, wonStage.Reached, srcWonValue, wonStage.ReachedValue, srcSpend, allSpend)
	}

	// Targets.
	teamOf := p.TeamOf()
	type key struct{ period, team string }
	byOwners := map[key]Target{}
	for i, tg := range r.Targets {
		def := p.Targets[i]
		what := fmt.Sprintf("target %s owner %q team %q", tg.Period, def.Owner, def.Team)
		if !(tg.WonValue <= tg.Commit && tg.Commit <= tg.BestCase && tg.BestCase <= tg.Pipeline) {
			errorf("%s: won %s commit %s best case %s pipeline %s: not ascending", what, tg.WonValue, tg.Commit, tg.BestCase, tg.Pipeline)
		}
		if tg.Forecast < tg.WonValue || tg.Forecast > tg.Pipeline {
			errorf("%s: forecast %s outside won %s .. pipeline %s", what, tg.Forecast, tg.WonValue, tg.Pipeline)
		}
		status := Current
		switch {
		case def.Period.End < tt:
			status = Past
		case def.Period.Start > tt:
			status = Future
		}
		if tg.Status != status {
			errorf("%s: status %s, want %s", what, tg.Status, status)
		}
		if status == Past && (tg.Forecast != tg.WonValue || tg.Pipeline != tg.WonValue || tg.Coverage.Valid) {
			errorf("%s: past, yet forecast %s pipeline %s coverage %v (won %s)", what, tg.Forecast, tg.Pipeline, tg.Coverage, tg.WonValue)
		}
		if status != Past {
			remaining := tg.Revenue - tg.WonValue
			if want := ratio(float64(tg.Pipeline-tg.WonValue), float64(remaining)); remaining > 0 && !sameRatio(tg.Coverage, want) || remaining <= 0 && tg.Coverage.Valid {
				errorf("%s: coverage %v, want (pipeline − won) ÷ (revenue − won) = %v", what, tg.Coverage, want)
			}
		}
		if want := ratio(float64(tg.WonValue), float64(tg.Revenue)); !sameRatio(tg.Attainment, want) {
			errorf("%s: attainment %v, want %v", what, tg.Attainment, want)
		}
		// Σ of the owner targets of 2026-Q4 (withV2Fields gives every owner
		// one) per team and overall.
		if def.Owner != "" && def.Period.Text == "2026-Q4" {
			buckets := []string{""} // the overall target
			if team := teamOf[def.Owner]; team != "" {
				buckets = append(buckets, team)
			}
			for _, team := range buckets {
				s := byOwners[key{def.Period.Text, team}]
				s.WonValue += tg.WonValue
				s.Commit += tg.Commit
				s.BestCase += tg.BestCase
				s.Pipeline += tg.Pipeline
				s.OverdueValue += tg.OverdueValue
				s.Forecast += tg.Forecast
				byOwners[key{def.Period.Text, team}] = s
			}
		}
	}
	for i, tg := range r.Targets {
		def := p.Targets[i]
		s, ok := byOwners[key{def.Period.Text, def.Team}]
		if !ok || def.Owner != "" {
			continue
		}
		got := [5]model.Money{tg.WonValue, tg.Commit, tg.BestCase, tg.Pipeline, tg.OverdueValue}
		want := [5]model.Money{s.WonValue, s.Commit, s.BestCase, s.Pipeline, s.OverdueValue}
		if got != want || math.Abs(float64(tg.Forecast-s.Forecast)) > float64(len(r.Owners)) {
			errorf("target %s team %q: won, commit, best case, pipeline, overdue %v, forecast %s; Σ owner targets %v, %s",
				tg.Period, def.Team, got, tg.Forecast, want, s.Forecast)
		}
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Invariants that hold for any valid pipeline, on generated ones at several
// dates, review windows and rate windows.
func TestInvariants(t *testing.T) {
	// What the generated data must exercise, or the invariants prove little.
	seen := map[string]bool{}
	defer func() {
		for _, what := range []string{"no next step", "next step overdue", "commit < best case < pipeline", "omitted or overdue left out",
			"past target", "future target", "team target", "coverage null", "owner without a team", "backward move", "churn", "onboarding",
			"decided ≠ conversion", "second stay"} {
			if !seen[what] {
				t.Errorf("the generated pipelines never have: %s", what)
			}
		}
	}()
	for seed := uint64(1); seed <= 4; seed++ {
		teamless := seed%2 == 0
		rp := withV2Fields(t, generated(t, seed, 400), teamless)
		for _, asOf := range []string{"2026-03-15", "2026-09-30", "2026-11-27"} {
			tt := date(t, asOf)
			for _, opt := range []Options{
				{AsOf: tt},
				{AsOf: tt, RateDays: 30},
				{AsOf: tt, RateDays: 30, From: tt.AddDays(-44)}, // a 45-day window: the rate window
				{AsOf: tt, From: tt.AddDays(-13), FunnelDays: 120},
				{AsOf: tt, RateDays: 365, FunnelDays: 30},
			} {
				rateDays := cmpOr(opt.RateDays, rp.Pipeline.RateDays, DefaultRateDays)
				label := fmt.Sprintf("seed %d teamless %v as of %s from %s rate %d funnel %d", seed, teamless, asOf, opt.From, opt.RateDays, opt.FunnelDays)
				r := Compute(rp, opt)
				checkInvariants(t, label, rp.Pipeline, r, opt, rateDays)
				k := r.Current
				seen["no next step"] = seen["no next step"] || k.NoNextStep > 0
				seen["next step overdue"] = seen["next step overdue"] || k.OverdueNextStep > 0
				seen["backward move"] = seen["backward move"] || k.BackwardMoves > 0
				seen["churn"] = seen["churn"] || k.ChurnRate.Valid && k.ChurnRate.V > 0
				seen["onboarding"] = seen["onboarding"] || k.OnboardingsEnded > 0
				seen["owner without a team"] = seen["owner without a team"] || len(r.Owners) > 0 && r.Owners[len(r.Owners)-1].Team == "" && r.Owners[len(r.Owners)-1].OpenDeals > 0
				for _, tg := range r.Targets {
					seen["commit < best case < pipeline"] = seen["commit < best case < pipeline"] || tg.WonValue < tg.Commit && tg.Commit < tg.BestCase && tg.BestCase < tg.Pipeline
					seen["past target"] = seen["past target"] || tg.Status == Past && tg.WonValue > 0
					seen["future target"] = seen["future target"] || tg.Status == Future && tg.Pipeline > 0
					seen["team target"] = seen["team target"] || tg.Team != nil && tg.Status == Current && tg.WonValue > 0
					seen["coverage null"] = seen["coverage null"] || tg.Status != Past && !tg.Coverage.Valid
				}
				for _, st := range r.Stages {
					seen["decided ≠ conversion"] = seen["decided ≠ conversion"] || st.DecidedConversionToNext.Valid && !sameRatio(st.DecidedConversionToNext, st.ConversionToNext)
				}
				seen["omitted or overdue left out"] = seen["omitted or overdue left out"] || leftOut(rp, opt.AsOf)
				seen["second stay"] = seen["second stay"] || secondStay(rp, opt.AsOf)
			}
		}
	}
}

// leftOut reports whether an open deal as of T is omitted or overdue with
// an expected close in 2026-Q4: left out of the categories of a target.
func leftOut(r *model.Repo, tt model.Date) bool {
	q4, _ := model.ParsePeriod("2026-Q4")
	for _, d := range r.Deals {
		var last model.Move
		for _, m := range d.History {
			if m.Date <= tt {
				last = m
			}
		}
		if s := r.Pipeline.Stage(last.Stage); s != nil && s.Type == model.Open && q4.Contains(d.ExpectedClose) &&
			(d.Forecast == model.ForecastOmitted || d.ExpectedClose < tt) {
			return true
		}
	}
	return false
}

// secondStay reports whether a deal entered a stage a second time by T.
func secondStay(r *model.Repo, tt model.Date) bool {
	for _, d := range r.Deals {
		in := map[string]bool{}
		for _, m := range d.History {
			if m.Date > tt {
				break
			}
			if in[m.Stage] {
				return true
			}
			in[m.Stage] = true
		}
	}
	return false
}

func cmpOr(xs ...int) int {
	for _, x := range xs {
		if x != 0 {
			return x
		}
	}
	return 0
}

// METRICS.md: "every figure's previous value is the same figure computed as
// of F − 1, with every window ending there": Compute(T).Previous is
// Compute(F − 1, the window of the same length ending there).Current.
func TestPreviousIsCurrentAsOfFMinus1(t *testing.T) {
	rp := withV2Fields(t, generated(t, 7, 400), true)
	for _, review := range []string{"weekly", "biweekly", "monthly"} {
		rp.Pipeline.Review = review
		for _, asOf := range []string{"2026-02-01", "2026-06-30", "2026-11-27"} {
			tt := date(t, asOf)
			for _, opt := range []Options{
				{AsOf: tt},
				{AsOf: tt, RateDays: 45},
				{AsOf: tt, FunnelDays: 90},
				{AsOf: tt, From: tt.AddDays(-39)},               // 40 days, within the 90-day rate window
				{AsOf: tt, From: tt.AddDays(-39), RateDays: 20}, // 40 days: the rate window too
			} {
				r := Compute(rp, opt)
				n := r.Window.Days()
				end := r.Window.From.AddDays(-1)
				prev := Compute(rp, Options{AsOf: end, From: end.AddDays(1 - n), RateDays: opt.RateDays, FunnelDays: opt.FunnelDays})
				label := fmt.Sprintf("%s as of %s from %s rate %d funnel %d", review, asOf, opt.From, opt.RateDays, opt.FunnelDays)
				if r.PreviousWindow != prev.Window {
					t.Errorf("%s: previous window %v, want %v", label, r.PreviousWindow, prev.Window)
				}
				if !reflect.DeepEqual(r.Previous, prev.Current) {
					t.Errorf("%s: previous\n%+v\ndiffers from current as of %s\n%+v", label, r.Previous, end, prev.Current)
				}
			}
		}
	}
}

// The current window computed as of T is the previous window computed as of
// T + n days, for every cadence and explicit windows.
func TestPreviousWindowIsEarlierCurrent(t *testing.T) {
	repo := withV2Fields(t, generated(t, 7, 400), false)
	for _, review := range []string{"weekly", "biweekly", "monthly"} {
		repo.Pipeline.Review = review
		n := ReviewDays(review)
		for _, asOf := range []string{"2026-02-01", "2026-06-30", "2026-11-27"} {
			tt := date(t, asOf)
			now := Compute(repo, Options{AsOf: tt})
			later := Compute(repo, Options{AsOf: tt.AddDays(n)})
			if later.PreviousWindow != now.Window {
				t.Errorf("%s %s: previous window %v, want %v", review, asOf, later.PreviousWindow, now.Window)
			}
			if !reflect.DeepEqual(later.Previous, now.Current) {
				t.Errorf("%s %s: previous KPIs as of T+%d\n%+v\ndiffer from current as of T\n%+v", review, asOf, n, later.Previous, now.Current)
			}
		}
	}
	tt := date(t, "2026-10-20")
	now := Compute(repo, Options{AsOf: tt, From: tt.AddDays(-9)})
	later := Compute(repo, Options{AsOf: tt.AddDays(10), From: tt.AddDays(1)})
	if !reflect.DeepEqual(later.Previous, now.Current) {
		t.Errorf("explicit 10-day windows: previous differs from the earlier current")
	}
}

// Time travel: entries after the as-of date are invisible, so computing
// as of T on the full repository equals computing on a copy cut at T.
func TestAsOfHidesLaterEntries(t *testing.T) {
	repo := withV2Fields(t, generated(t, 3, 300), false)
	tt := date(t, "2026-08-15")
	cut := &model.Repo{Pipeline: repo.Pipeline}
	for _, d := range repo.Deals {
		c := *d
		c.History = nil
		for _, m := range d.History {
			if m.Date <= tt {
				c.History = append(c.History, m)
			}
		}
		if len(c.History) == 0 {
			continue
		}
		if c.Churned > tt {
			c.Churned = 0
		}
		if c.Onboarding != nil && c.Onboarding.Date > tt {
			o := *c.Onboarding
			o.Status, o.Date = model.OnboardingInProgress, 0
			c.Onboarding = &o
		}
		cut.Deals = append(cut.Deals, &c)
	}
	a := Compute(repo, Options{AsOf: tt})
	b := Compute(cut, Options{AsOf: tt})
	if !reflect.DeepEqual(a, b) {
		t.Errorf("as of %s, later entries change the report", tt)
	}
}

// The movement reconciles on generated pipelines, with and without a last
// review from git: start + added + increased − decreased − won − lost =
// end in value, start + added − won − lost = end in deals; the start is the
// previous open pipeline and the end the current one; the owners' parts
// add up to the whole.
func TestMovementReconciles(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		repo := generated(t, seed, 400)
		if seed == 3 {
			oInCurrencies(repo) // and every seventh deal was in dollars then
		}
		// A last review where every third deal had another value and every
		// fourth another close date.
		past := &LastReview{At: map[string]Then{}, PushCount: map[string]int{}}
		for i, d := range repo.Deals {
			then := Then{Value: d.Value, Currency: d.Currency, ExpectedClose: d.ExpectedClose}
			if i%7 == 0 {
				then.Currency = ""
			}
			if i%3 == 0 {
				then.Value = d.Value/2 + model.Money(i*100)
			}
			if i%4 == 0 && !d.ExpectedClose.IsZero() {
				then.ExpectedClose = d.ExpectedClose.AddDays(i%15 - 7)
			}
			past.At[d.ID] = then
		}
		for _, asOf := range []string{"2026-03-15", "2026-11-27"} {
			for _, p := range []*LastReview{nil, past} {
				r := Compute(repo, Options{AsOf: date(t, asOf), Past: p})
				m := r.Movement
				inc, dec := model.Money(0), model.Money(0)
				if p != nil {
					inc, dec = m.Increased.Value, m.Decreased.Value
				}
				if got := m.Start.Value + m.Added.Value + inc - dec - m.Won.Value - m.Lost.Value; got != m.End.Value {
					t.Errorf("seed %d %s git %v: start + flows = %s, end %s", seed, asOf, p != nil, got, m.End.Value)
				}
				if got := m.Start.Deals + m.Added.Deals - m.Won.Deals - m.Lost.Deals; got != m.End.Deals {
					t.Errorf("seed %d %s git %v: start + added − won − lost = %d deals, end %d", seed, asOf, p != nil, got, m.End.Deals)
				}
				if m.Start.Value != r.Previous.OpenValue || m.Start.Deals != r.Previous.OpenDeals ||
					m.End.Value != r.Current.OpenValue || m.End.Deals != r.Current.OpenDeals {
					t.Errorf("seed %d %s git %v: start %+v end %+v, previous open %d %s, current %d %s", seed, asOf, p != nil,
						m.Start, m.End, r.Previous.OpenDeals, r.Previous.OpenValue, r.Current.OpenDeals, r.Current.OpenValue)
				}
				var sum Movement
				for _, o := range r.MovementByOwner {
					sum.Start.Value += o.Start.Value
					sum.Added.Value += o.Added.Value
					sum.End.Value += o.End.Value
					sum.Won.Deals += o.Won.Deals
				}
				if sum.Start.Value != m.Start.Value || sum.Added.Value != m.Added.Value || sum.End.Value != m.End.Value || sum.Won.Deals != m.Won.Deals {
					t.Errorf("seed %d %s: the owners' movements do not add up: %+v vs %+v", seed, asOf, sum, *m)
				}
				if p != nil && (m.Increased.Deals == 0 || m.PushedOut.Deals+m.PulledIn.Deals == 0 || len(r.Pushed) != m.PushedOut.Deals) {
					t.Errorf("seed %d %s: the generated review exercises nothing: %+v, %d pushed", seed, asOf, *m, len(r.Pushed))
				}
			}
		}
	}
}
