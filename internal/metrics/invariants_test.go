package metrics

import (
	"math"
	"reflect"
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

// Invariants that hold for any valid pipeline, on generated ones at several
// dates.
func TestInvariants(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		repo := generated(t, seed, 400)
		for _, asOf := range []string{"2026-03-15", "2026-09-30", "2026-11-27"} {
			r := Compute(repo, Options{AsOf: date(t, asOf)})
			k := r.Current

			for i := 1; i < len(r.Stages); i++ {
				if r.Stages[i].Reached > r.Stages[i-1].Reached {
					t.Errorf("seed %d %s: funnel grows from %s (%d) to %s (%d)", seed, asOf,
						r.Stages[i-1].ID, r.Stages[i-1].Reached, r.Stages[i].ID, r.Stages[i].Reached)
				}
			}
			var stageOpen, stageStuck int
			var stageValue model.Money
			for _, s := range r.Stages {
				stageOpen += s.OpenCount
				stageValue += s.OpenValue
				stageStuck += s.Stuck
			}
			if stageOpen != k.OpenDeals || stageValue != k.OpenValue {
				t.Errorf("seed %d %s: Σ stage open = %d (%s), want %d (%s)", seed, asOf, stageOpen, stageValue, k.OpenDeals, k.OpenValue)
			}
			if stageStuck != k.StuckDeals || len(r.Stuck) != k.StuckDeals {
				t.Errorf("seed %d %s: Σ stage stuck %d, stuck list %d, stuck_deals %d", seed, asOf, stageStuck, len(r.Stuck), k.StuckDeals)
			}
			var ownerOpen, ownerWon, ownerLeads int
			var ownerValue, ownerWonValue model.Money
			var ownerWeighted float64
			for _, o := range r.Owners {
				ownerOpen += o.OpenDeals
				ownerValue += o.OpenValue
				ownerWeighted += float64(o.WeightedValue)
				ownerWon += o.WonDeals
				ownerWonValue += o.WonValue
				ownerLeads += o.Leads
			}
			if ownerOpen != k.OpenDeals || ownerValue != k.OpenValue || ownerWon != k.WonDeals || ownerWonValue != k.WonValue || ownerLeads != k.Leads {
				t.Errorf("seed %d %s: per-owner sums differ from the totals", seed, asOf)
			}
			if math.Abs(ownerWeighted-float64(k.WeightedValue)) > float64(len(r.Owners)) {
				t.Errorf("seed %d %s: Σ owner weighted %v vs %v: more than rounding", seed, asOf, ownerWeighted, k.WeightedValue)
			}
			var srcLeads, srcWon int
			var srcSpend model.Money
			for _, s := range r.Sources {
				srcLeads += s.Leads
				srcWon += s.WonDeals
				srcSpend += s.Spend
			}
			if srcLeads != k.Leads || srcWon != k.WonDeals || srcSpend > k.Spend {
				t.Errorf("seed %d %s: per-source sums: leads %d/%d, won %d/%d, spend %s/%s", seed, asOf, srcLeads, k.Leads, srcWon, k.WonDeals, srcSpend, k.Spend)
			}
			if len(r.Stages) > 0 && r.Stages[0].Reached > 0 {
				won := r.Stages[len(r.Stages)-1].Reached
				if !k.LeadConversionRate.Valid || math.Abs(k.LeadConversionRate.V-float64(won)/float64(r.Stages[0].Reached)) > 1e-12 {
					t.Errorf("seed %d %s: lead conversion %v is not won reached ÷ cohort", seed, asOf, k.LeadConversionRate)
				}
			}
			for _, f := range k.Fields() {
				if f.Kind == Rate && f.Valid && (f.Value < 0 || f.Value > 1) {
					t.Errorf("seed %d %s: %s = %v, outside 0..1", seed, asOf, f.Key, f.Value)
				}
			}
		}
	}
}

// The current window computed as of T is the previous window computed as of
// T + n days, for every cadence and explicit windows.
func TestPreviousWindowIsEarlierCurrent(t *testing.T) {
	repo := generated(t, 7, 400)
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
	repo := generated(t, 3, 300)
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
