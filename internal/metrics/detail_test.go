package metrics

import (
	"fmt"
	"strings"
	"testing"
)

func TestDetails(t *testing.T) {
	d := ComputeDetails(repo(t, fixturePipeline, fixtureDeals), Options{AsOf: date(t, "2026-11-27")})

	// h does not exist yet; rows are sorted by id.
	var ids []string
	for _, r := range d.Deals {
		ids = append(ids, r.ID)
	}
	if got := strings.Join(ids, " "); got != "a b c d e f g i j k l" {
		t.Errorf("deal rows = %s", got)
	}
	var b, g, i DealRow
	for _, r := range d.Deals {
		switch r.ID {
		case "b":
			b = r
		case "g":
			g = r
		case "i":
			i = r
		}
	}
	// b: qual 11-20 (1 day), nego 11-21 (2), prop 11-23 (2), nego since 11-25 (2 days to T).
	var stays []string
	for _, s := range b.Timeline {
		stays = append(stays, fmt.Sprintf("%s:%d:%v", s.Stage, s.Days, s.Current))
	}
	if got := strings.Join(stays, " "); got != "qual:1:false nego:2:false prop:2:false nego:2:true" {
		t.Errorf("b timeline = %s", got)
	}
	if b.Weighted != cents(1000) || b.DaysInStage != 2 || b.Stuck || b.Overdue {
		t.Errorf("b row = %+v", b)
	}
	// g's move to qual on 11-28 is not visible.
	if len(g.Timeline) != 1 || g.Stage != "lead" {
		t.Errorf("g timeline = %+v", g.Timeline)
	}
	if !i.Stuck || !i.Overdue || i.DaysInStage != 43 {
		t.Errorf("i row = %+v", i)
	}

	// Trend: the 12 months ending with November 2026.
	if len(d.Trend) != 12 || d.Trend[0].Month != "2025-12" || d.Trend[11].Month != "2026-11" {
		t.Fatalf("trend months = %+v", d.Trend)
	}
	want := map[string][3]int{"2026-08": {1, 1, 0}, "2026-09": {1, 0, 0}, "2026-10": {3, 1, 0}, "2026-11": {6, 2, 3}}
	for _, m := range d.Trend {
		w := want[m.Month]
		if [3]int{m.Created, m.Won, m.Lost} != w {
			t.Errorf("trend %s = created %d won %d lost %d, want %v", m.Month, m.Created, m.Won, m.Lost, w)
		}
	}
	if d.Trend[11].WonValue != cents(1700) {
		t.Errorf("November won value = %s, want 1700", d.Trend[11].WonValue)
	}

	// Lost in the funnel window: d, e, l, all for budget.
	if len(d.LostReasons) != 1 || d.LostReasons[0] != (ReasonCount{Reason: "budget", Count: 3, Value: cents(8200)}) {
		t.Errorf("lost reasons = %+v", d.LostReasons)
	}

	rv := d.Review
	if strings.Join(rv.New, " ") != "c g" {
		t.Errorf("new = %v", rv.New)
	}
	var moves []string
	for _, m := range rv.Moves {
		moves = append(moves, fmt.Sprintf("%s %s %s>%s", m.Date.String()[5:], m.Deal, m.From, m.To))
	}
	wantMoves := "11-21 b qual>nego, 11-21 d lead>lost, 11-22 a nego>won, 11-23 b nego>prop, 11-25 b prop>nego, 11-27 l nego>lost"
	if got := strings.Join(moves, ", "); got != wantMoves {
		t.Errorf("moves = %s\nwant %s", got, wantMoves)
	}
	if len(rv.Won) != 1 || rv.Won[0].Deal != "a" || len(rv.Lost) != 2 || rv.Lost[0].Reason != "budget" {
		t.Errorf("won %+v lost %+v", rv.Won, rv.Lost)
	}
	if want := rv.Won[0].Value; rv.WonValue != want {
		t.Errorf("won value = %v, want %v", rv.WonValue, want)
	}
	if want := rv.Lost[0].Value + rv.Lost[1].Value; rv.LostValue != want || want == 0 {
		t.Errorf("lost value = %v, want %v (the two lost deals)", rv.LostValue, want)
	}
	if len(rv.BecameStuck) != 0 {
		t.Errorf("became stuck = %+v, want none (i has been stuck since 10-21)", rv.BecameStuck)
	}
	// In the week of 10-16..10-22, e (qual since 10-05, rot_after 10) became
	// stuck on 10-16 and i (prop since 10-15, rot_after 5) on 10-21.
	early := ComputeDetails(repo(t, fixturePipeline, fixtureDeals), Options{AsOf: date(t, "2026-10-22")})
	if st := early.Review.BecameStuck; len(st) != 2 || st[0].Deal != "e" || st[0].Since.String() != "2026-10-16" ||
		st[1].Deal != "i" || st[1].Since.String() != "2026-10-21" || st[1].DaysInStage != 7 {
		t.Errorf("became stuck as of 10-22 = %+v", st)
	}
}

func TestForOwner(t *testing.T) {
	r := ForOwner(repo(t, fixturePipeline, fixtureDeals), Options{AsOf: date(t, "2026-11-27")}, "ann")
	// ann: a b f g j.
	k := r.Current
	if k.OpenDeals != 2 || k.OpenValue != cents(2800) || k.Leads != 1 || k.WonDeals != 1 || k.Spend != 0 {
		t.Errorf("ann KPIs = %+v", k)
	}
	if len(r.Targets) != 1 || r.Targets[0].Owner == nil || *r.Targets[0].Owner != "ann" {
		t.Errorf("ann targets = %+v", r.Targets)
	}
	if len(r.Owners) != 2 || r.Owners[0].ID != "ann" || r.Owners[0].OpenDeals != 2 || r.Owners[1].OpenDeals != 0 {
		t.Errorf("owners = %+v", r.Owners)
	}
	// ann's funnel (cohort 09-29..11-27): a b g j reached lead... b entered at qual.
	if r.Stages[0].Reached != 4 || r.Stages[len(r.Stages)-1].Reached != 2 {
		t.Errorf("ann funnel = %+v", r.Stages)
	}
}
