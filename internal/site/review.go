package site

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// flowRow is one step of the movement: its name, deals and value ("—"
// when git history is needed to know it).
type flowRow struct {
	Name, Deals, Value string
}

// moveRow is an owner's part of the movement.
type moveRow struct {
	Href, Name                                         string
	Start, Added, Increased, Decreased, Won, Lost, End string
}

// dateRow is a deal whose expected close moved, or is near.
type dateRow struct {
	Href, Title, Owner, OwnerHref, Stage, From, To, Pushes, Value string
}

// closingList is a list of deals due to close, with its heading.
type closingList struct {
	ID, Title string
	Rows      []dateRow
}

// forecastRow is a target under way, now and at the last review.
type forecastRow struct {
	Period, WonThen, WonNow, ForecastThen, ForecastNow, CommitThen, CommitNow string
	Change                                                                    change
}

// review renders the page of the weekly meeting: how the open pipeline got
// from the last review to now, which close dates moved, what is due to
// close, the forecast against the last review, each rep's part, and the
// next steps to chase.
func (rd *renderer) review() ([]byte, error) {
	const p = "review.html"
	r := rd.r
	rv := rd.in.Details.Review
	rows := rd.rowsByID()
	data := struct {
		Git                      bool
		Why, Fix                 string
		Review                   string
		Flows                    []flowRow
		Waterfall                chart
		Owners                   []moveRow
		Pushed, Pulled           []dateRow
		ThisWeek, NextWeek       []dateRow
		ThisFrom, ThisTo, NextTo string
		Backward, Won, Lost, New []linkRow
		Forecast                 []forecastRow
		Steps                    stepLists
		WonValue, LostValue      string
		ReviewDate               string
	}{
		Git: r.History == metrics.HistoryGit, ReviewDate: r.PreviousWindow.To.String(),
		WonValue: rd.money(rv.WonValue), LostValue: rd.money(rv.LostValue),
		Steps: rd.stepLists(p, r),
	}
	if h := rd.in.History; h != nil {
		data.Why, data.Fix = sentence(h.Why), sentence(h.Fix)
		if h.Usable {
			data.Review = h.Review.Hash
		}
	}
	m := r.Movement
	flow := func(name string, f *metrics.Flow) flowRow {
		if f == nil {
			return flowRow{Name: name, Deals: format.None, Value: format.None}
		}
		return flowRow{Name: name, Deals: format.Int(f.Deals), Value: rd.money(f.Value)}
	}
	data.Flows = []flowRow{
		flow("Open at the last review", &m.Start),
		flow("Added", &m.Added),
		flow("Increased", m.Increased),
		flow("Decreased", m.Decreased),
		flow("Won", &m.Won),
		flow("Lost", &m.Lost),
		flow("Open now", &m.End),
	}
	data.Waterfall = rd.waterfallChart("chart_waterfall", m)
	for _, o := range r.MovementByOwner {
		v := func(f *metrics.Flow) string {
			if f == nil {
				return format.None
			}
			return rd.money(f.Value)
		}
		data.Owners = append(data.Owners, moveRow{Href: ownerPath(o.Owner), Name: rd.ownerName(o.Owner),
			Start: v(&o.Start), Added: v(&o.Added), Increased: v(o.Increased), Decreased: v(o.Decreased),
			Won: v(&o.Won), Lost: v(&o.Lost), End: v(&o.End)})
	}
	moved := func(list []metrics.Pushed) []dateRow {
		var out []dateRow
		for _, x := range list {
			d := rows[x.ID]
			out = append(out, dateRow{Href: dealPath(x.ID), Title: d.Title, Owner: rd.ownerName(d.Owner), OwnerHref: ownerPath(d.Owner),
				Stage: d.StageName, From: x.From.String(), To: x.To.String(), Pushes: format.Int(x.PushCount), Value: rd.money(x.Value)})
		}
		return out
	}
	data.Pushed, data.Pulled = moved(r.Pushed), moved(r.PulledIn)
	// Deals due to close in the coming review period and the one after.
	n := r.Window.Days()
	thisTo, nextTo := r.AsOf.AddDays(n), r.AsOf.AddDays(2*n)
	data.ThisFrom, data.ThisTo, data.NextTo = r.AsOf.AddDays(1).String(), thisTo.String(), nextTo.String()
	for _, d := range rd.in.Details.Deals {
		if d.Status != model.Open || d.ExpectedClose <= r.AsOf || d.ExpectedClose > nextTo {
			continue
		}
		row := dateRow{Href: dealPath(d.ID), Title: d.Title, Owner: rd.ownerName(d.Owner), OwnerHref: ownerPath(d.Owner),
			Stage: d.StageName, To: d.ExpectedClose.String(), Value: rd.money(d.Value)}
		if d.ExpectedClose <= thisTo {
			data.ThisWeek = append(data.ThisWeek, row)
		} else {
			data.NextWeek = append(data.NextWeek, row)
		}
	}
	moveRows := func(ms []metrics.ReviewMove) []linkRow {
		var out []linkRow
		for _, mv := range ms {
			out = append(out, linkRow{Href: dealPath(mv.Deal), Title: mv.Title, Date: mv.Date.String(), From: rd.stageName(mv.From),
				To: rd.stageName(mv.To), Value: rd.money(mv.Value), Reason: mv.Reason})
		}
		return out
	}
	data.Won, data.Lost = moveRows(rv.Won), moveRows(rv.Lost)
	var backward []metrics.ReviewMove
	for _, mv := range rv.Moves {
		from, okFrom := rd.p.StageIndex(mv.From)
		to, okTo := rd.p.StageIndex(mv.To)
		if okFrom && okTo && to < from && rd.p.Stages[to].Type == model.Open {
			backward = append(backward, mv)
		}
	}
	data.Backward = moveRows(backward)
	for _, id := range rv.New {
		d := rows[id]
		data.New = append(data.New, linkRow{Href: dealPath(id), Title: d.Title, Date: d.Created.String(), Owner: rd.ownerName(d.Owner), Value: rd.money(d.Value)})
	}
	// The pipeline's own targets under way; owners and teams have theirs
	// on their pages.
	for i, t := range r.Targets {
		if t.Status != metrics.Current || i >= len(r.PreviousTargets) || t.Owner != nil || t.Team != nil {
			continue
		}
		then := r.PreviousTargets[i]
		row := forecastRow{Period: t.Period, WonThen: rd.money(then.WonValue), WonNow: rd.money(t.WonValue),
			ForecastThen: rd.money(then.Forecast), ForecastNow: rd.money(t.Forecast), CommitThen: rd.money(then.Commit), CommitNow: rd.money(t.Commit)}
		cur := metrics.Field{Kind: metrics.Amount, Value: float64(t.Forecast), Valid: true, HigherIsBetter: true}
		prev := metrics.Field{Kind: metrics.Amount, Value: float64(then.Forecast), Valid: true, HigherIsBetter: true}
		row.Change = rd.changeOf(cur, prev)
		data.Forecast = append(data.Forecast, row)
	}
	return rd.render(p, "review", "Review", "review", true, data)
}

// waterfallChart draws the movement from the open pipeline at the last
// review to now, across: each step floats where the one before it ended,
// so the bars read as one walk from the start to the end.
func (rd *renderer) waterfallChart(id string, m *metrics.Movement) chart {
	type step struct {
		name   string
		value  model.Money
		sign   int // +1 adds, -1 takes away, 0 is a total
		colour string
	}
	known := func(f *metrics.Flow) model.Money {
		if f == nil {
			return 0
		}
		return f.Value
	}
	steps := []step{
		{"Last review", m.Start.Value, 0, colourOpen},
		{"Added", m.Added.Value, 1, colourNew},
		{"Increased", known(m.Increased), 1, colourNew},
		{"Decreased", known(m.Decreased), -1, colourLess},
		{"Won", m.Won.Value, -1, colourWon},
		{"Lost", m.Lost.Value, -1, colourLost},
		{"Now", m.End.Value, 0, colourOpen},
	}
	if m.Increased == nil {
		// Without git the changes of value are unknown: no bar says 0.
		steps = slices.DeleteFunc(steps, func(s step) bool { return s.name == "Increased" || s.name == "Decreased" })
	}
	var names []string
	base := barSeries{name: "base", colour: "transparent"}
	bars := barSeries{name: "Value", colour: colourOpen}
	level := model.Money(0)
	for _, s := range steps {
		names = append(names, s.name)
		var bottom model.Money
		label := rd.money(s.value)
		switch s.sign {
		case 0:
			bottom, level = 0, s.value
		case 1:
			bottom, level = level, level+s.value
			if s.value != 0 {
				label = "+" + label
			}
		default:
			level -= s.value
			bottom = level
			if s.value != 0 {
				label = "−" + label
			}
		}
		base.values = append(base.values, units(bottom))
		bars.values = append(bars.values, units(s.value))
		bars.labels = append(bars.labels, label)
		bars.colours = append(bars.colours, s.colour)
	}
	return across(id, "The open pipeline from the last review to now: added, increased, decreased, won and lost", names, true, []barSeries{base, bars})
}

// sentence writes a phrase as a sentence: a capital first letter and a
// full stop.
func sentence(s string) string {
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
