package site

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"slices"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// change is how a KPI moved against the previous window, as a tile shows
// it: its text, a class that colours it and a title that explains it.
type change struct{ Text, Class, Title string }

type tile struct {
	Label, Value, Prev string
	Change             change
}

// changeOf describes how a KPI moved against the previous window, and
// whether that is good news; the format package decides the words.
func (rd *renderer) changeOf(cur, prev metrics.Field) change {
	d, ok := format.Change(cur, prev, rd.cur, format.Short)
	switch {
	case !ok:
		return change{Text: format.None, Class: "flat", Title: "no comparison: one of the windows has no value"}
	case d.Sign == 0:
		return change{Text: "no change", Class: "flat"}
	case d.Good:
		return change{Text: d.Text, Class: "good", Title: "better than the previous window"}
	}
	return change{Text: d.Text, Class: "bad", Title: "worse than the previous window"}
}

type tileGroup struct {
	Title string
	Tiles []tile
}

// kpiGroups arranges the KPIs for reading: where the pipeline stands, what
// the window brought, how leads convert and cost, and how customers fare.
var kpiGroups = []struct {
	title string
	keys  []string
}{
	{"Pipeline now", []string{"open_deals", "open_value", "weighted_value", "stuck_deals", "overdue_deals"}},
	{"This window", []string{"leads", "won_deals", "lost_deals", "won_value", "win_rate", "avg_deal_size", "sales_cycle_days", "sales_velocity"}},
	{"Conversion and acquisition", []string{"qualification_rate", "lead_conversion_rate", "spend", "cost_per_lead", "cac", "email_open_rate"}},
	{"Customers", []string{"churn_rate", "onboarding_success_rate"}},
}

// tileGroups returns the KPI tiles by group; keep, when set, chooses which.
func (rd *renderer) tileGroups(cur, prev metrics.KPIs, keep func(string) bool) []tileGroup {
	byKey := map[string]tile{}
	pf := prev.Fields()
	for i, f := range cur.Fields() {
		byKey[f.Key] = tile{Label: f.Label, Value: format.Field(f, rd.cur, format.Short), Prev: format.Field(pf[i], rd.cur, format.Short),
			Change: rd.changeOf(f, pf[i])}
	}
	var out []tileGroup
	for _, g := range kpiGroups {
		grp := tileGroup{Title: g.title}
		for _, k := range g.keys {
			if keep == nil || keep(k) {
				grp.Tiles = append(grp.Tiles, byKey[k])
			}
		}
		if len(grp.Tiles) > 0 {
			out = append(out, grp)
		}
	}
	return out
}

type funnelRow struct{ Name, Reached, Value, FromPrev, FromTop string }

func (rd *renderer) funnelRows(stages []metrics.Stage) []funnelRow {
	var rows []funnelRow
	for i, s := range stages {
		rows = append(rows, funnelRow{Name: s.Name, Reached: format.Int(s.Reached), Value: rd.money(s.ReachedValue),
			FromPrev: format.Rate(fromPrevious(stages, i)), FromTop: format.Rate(s.FromTop)})
	}
	return rows
}

// fromPrevious is the share of the deals that reached the stage before
// stages[i] and went on to reach stages[i]: the report's conversion of
// that stage to the next. It is undefined for the first stage.
func fromPrevious(stages []metrics.Stage, i int) metrics.Ratio {
	if i == 0 || stages[i-1].ConversionToNext == nil {
		return metrics.Ratio{}
	}
	return *stages[i-1].ConversionToNext
}

// money writes an amount of the report in full, as tables show it.
func (rd *renderer) money(m model.Money) string { return format.Amount(m, rd.cur, format.Full) }

type targetRow struct {
	Period, Who, Revenue, Won, Attainment, Forecast, Coverage string
	AttainmentPct                                             int
}

func (rd *renderer) targetRows(targets []metrics.Target) []targetRow {
	var rows []targetRow
	for _, t := range targets {
		who := "Team"
		if t.Owner != nil {
			who = rd.ownerName(*t.Owner)
		}
		row := targetRow{Period: t.Period, Who: who, Revenue: rd.money(t.Revenue), Won: rd.money(t.WonValue),
			Attainment: format.Rate(t.Attainment), Forecast: rd.money(t.Forecast), Coverage: format.Times(t.Coverage)}
		if t.Attainment.Valid {
			row.AttainmentPct = int(math.Min(100, math.Max(0, math.Round(t.Attainment.V*100))))
		}
		rows = append(rows, row)
	}
	return rows
}

type stageRow struct {
	Name, Avg, Median, Rot, Stuck, OpenCount, OpenValue, Weighted string
	Open                                                          bool
}

type convRow struct{ From, To, Rate string }

type sourceRow struct{ ID, Leads, Spend, CPL, Conversion, Won, CAC string }

// listLimit is how many stuck and overdue deals the overview lists; the
// deals page has them all.
const listLimit = 25

type linkRow struct {
	Href, Title, Stage, Days, Over, Owner, Date, Value, Reason, From, To string
}

func (rd *renderer) index() ([]byte, error) {
	r := rd.r
	d := rd.in.Details
	data := struct {
		Subtitle                        string
		Tiles                           []tileGroup
		Funnel, Conversion, Time, Value chart
		Targets, Trend, Lost, Sources   chart
		FunnelRows                      []funnelRow
		ConversionRows                  []convRow
		StageRows                       []stageRow
		TargetRows                      []targetRow
		CurrentTargets                  int
		TrendRows                       []struct{ Month, Created, Won, Lost, WonValue string }
		LostRows                        []struct{ Reason, Count, Value string }
		SourceRows                      []sourceRow
		StuckRows, OverdueRows          []linkRow
		StuckTotal, OverdueTotal        int
		Limit                           int
	}{
		Limit: listLimit,
		Subtitle: fmt.Sprintf("As of %s. Tiles show the %s window %s – %s against the one before.",
			r.AsOf, rd.p.Review, r.Window.From, r.Window.To),
		Tiles:      rd.tileGroups(r.Current, r.Previous, nil),
		Funnel:     funnelChart("chart_funnel", r.Stages, rd.cur),
		Conversion: conversionChart("chart_conversion", r.Stages),
		Time:       timeChart("chart_time", r.Stages),
		Value:      valueChart("chart_value", r.Stages),
		Trend:      trendChart("chart_trend", d.Trend),
		Lost:       lostChart("chart_lost", d.LostReasons),
		Sources:    sourceChart("chart_sources", r.Sources),
		FunnelRows: rd.funnelRows(r.Stages),
		TargetRows: rd.targetRows(r.Targets),
	}
	// The chart shows the targets whose period is under way; the table has all.
	var nowRows []targetRow
	var nowTargets []metrics.Target
	for i, t := range r.Targets {
		if p, err := model.ParsePeriod(t.Period); err == nil && p.Contains(r.AsOf) {
			nowRows = append(nowRows, data.TargetRows[i])
			nowTargets = append(nowTargets, t)
		}
	}
	data.Targets = targetChart("chart_targets", nowRows, nowTargets)
	data.CurrentTargets = len(nowTargets)
	for i, s := range r.Stages {
		if s.ConversionToNext != nil && i+1 < len(r.Stages) {
			data.ConversionRows = append(data.ConversionRows, convRow{From: s.Name, To: r.Stages[i+1].Name, Rate: format.Rate(*s.ConversionToNext)})
		}
		row := stageRow{Name: s.Name, Avg: format.DaysOrNone(s.AvgDays), Median: format.DaysOrNone(s.MedianDays), Rot: format.None,
			Stuck: format.Int(s.Stuck), OpenCount: format.Int(s.OpenCount), OpenValue: rd.money(s.OpenValue),
			Weighted: rd.money(s.WeightedValue), Open: s.Type == model.Open}
		if s.RotAfter != nil {
			row.Rot = format.Int(*s.RotAfter) + " days"
		}
		if row.Open {
			data.StageRows = append(data.StageRows, row)
		}
	}
	for _, m := range d.Trend {
		data.TrendRows = append(data.TrendRows, struct{ Month, Created, Won, Lost, WonValue string }{
			m.Month, format.Int(m.Created), format.Int(m.Won), format.Int(m.Lost), rd.money(m.WonValue)})
	}
	for _, l := range d.LostReasons {
		data.LostRows = append(data.LostRows, struct{ Reason, Count, Value string }{l.Reason, format.Int(l.Count), rd.money(l.Value)})
	}
	for _, s := range r.Sources {
		data.SourceRows = append(data.SourceRows, sourceRow{ID: s.ID, Leads: format.Int(s.Leads), Spend: rd.money(s.Spend),
			CPL: format.MoneyOrNone(s.CostPerLead, rd.cur), Conversion: format.Rate(s.LeadConversionRate),
			Won: format.Int(s.WonDeals), CAC: format.MoneyOrNone(s.CAC, rd.cur)})
	}
	rows := rd.rowsByID()
	data.StuckTotal, data.OverdueTotal = len(r.Stuck), len(r.Overdue)
	for _, s := range r.Stuck[:min(len(r.Stuck), listLimit)] {
		row := rows[s.ID]
		data.StuckRows = append(data.StuckRows, linkRow{Href: dealPath(s.ID), Title: row.Title, Stage: rd.stageName(s.Stage),
			Days: format.Int(s.DaysInStage), Over: format.Int(s.DaysOver()) + " days", Owner: rd.ownerName(row.Owner)})
	}
	for _, o := range r.Overdue[:min(len(r.Overdue), listLimit)] {
		data.OverdueRows = append(data.OverdueRows, linkRow{Href: dealPath(o.ID), Title: rows[o.ID].Title, Stage: rd.stageName(o.Stage),
			Date: o.ExpectedClose.String(), Days: format.Int(o.DaysOverdue), Value: rd.money(o.Value)})
	}
	return rd.render("index.html", "index", "Overview", "overview", true, data)
}

func (rd *renderer) rowsByID() map[string]*metrics.DealRow {
	m := make(map[string]*metrics.DealRow, len(rd.in.Details.Deals))
	for i := range rd.in.Details.Deals {
		m[rd.in.Details.Deals[i].ID] = &rd.in.Details.Deals[i]
	}
	return m
}

// dealTable is the data of the "dealtable" template.
type dealTable struct {
	Rows   []dealTableRow
	Owners []struct{ ID, Name string }
	Stages []struct{ ID, Name string }
}

type dealTableRow struct {
	Href, Title, Company, Owner, OwnerName, Stage, StageName string
	Status                                                   model.StageType
	Value, Prob, ExpectedClose, Source                       string
	ValueSort, ProbSort, DaysText                            string
	DaysSort                                                 int
	Stuck, Overdue                                           bool
}

func (rd *renderer) dealTable(from string, deals []metrics.DealRow) dealTable {
	var t dealTable
	for _, d := range deals {
		row := dealTableRow{
			Href: rel(from, dealPath(d.ID)), Title: d.Title, Company: d.Company, Owner: d.Owner, OwnerName: rd.ownerName(d.Owner),
			Stage: d.Stage, StageName: d.StageName, Status: d.Status, Value: format.None, ValueSort: "-1",
			Prob: format.Percent(d.Probability), ProbSort: fmt.Sprint(d.Probability), ExpectedClose: d.ExpectedClose.String(),
			Source: d.Source, DaysText: format.Int(d.DaysInStage), DaysSort: d.DaysInStage, Stuck: d.Stuck, Overdue: d.Overdue,
		}
		if d.HasValue {
			row.Value, row.ValueSort = rd.money(d.Value), d.Value.String()
		}
		if d.Status != model.Open {
			row.Prob, row.ProbSort = format.None, "-1"
			row.DaysText, row.DaysSort = format.None, -1
		}
		t.Rows = append(t.Rows, row)
	}
	for _, o := range rd.r.Owners {
		t.Owners = append(t.Owners, struct{ ID, Name string }{o.ID, rd.ownerName(o.ID)})
	}
	for _, s := range rd.p.Stages {
		t.Stages = append(t.Stages, struct{ ID, Name string }{s.ID, s.Title()})
	}
	return t
}

// dealsIndex renders page n of pages of the deals table.
func (rd *renderer) dealsIndex(n, pages int) ([]byte, error) {
	p := dealsPagePath(n)
	all := rd.in.Details.Deals
	from := (n - 1) * DealsPerPage
	rows := all[from:min(len(all), from+DealsPerPage)]
	type pager struct {
		Page, Pages, From, To, Total int
		Prev, Next                   string
	}
	pg := pager{Page: n, Pages: pages, From: from + 1, To: from + len(rows), Total: len(all)}
	if n > 1 {
		pg.Prev = dealsPagePath(n - 1)
	}
	if n < pages {
		pg.Next = dealsPagePath(n + 1)
	}
	data := struct {
		dealTable
		Pager pager
	}{rd.dealTable(p, rows), pg}
	title := "Deals"
	if pages > 1 {
		title = fmt.Sprintf("Deals, page %d of %d", n, pages)
	}
	return rd.render(p, "deals", title, "deals", false, data)
}

func (rd *renderer) ownersIndex() ([]byte, error) {
	type ownerRow struct {
		Href, Name, Team, Leads, Open, OpenValue, Weighted, Won, WonValue, WinRate, Stuck string
		OpenValueSort, WeightedSort, WonValueSort, WinRateSort                            string
	}
	var rows []ownerRow
	for _, o := range rd.r.Owners {
		team := ""
		if ow, ok := rd.owner[o.ID]; ok {
			team = ow.Team
		}
		winSort := "-1"
		if o.WinRate.Valid {
			winSort = fmt.Sprint(o.WinRate.V)
		}
		rows = append(rows, ownerRow{
			Href: rel("owners.html", ownerPath(o.ID)), Name: rd.ownerName(o.ID), Team: team, Leads: format.Int(o.Leads),
			Open: format.Int(o.OpenDeals), OpenValue: rd.money(o.OpenValue), Weighted: rd.money(o.WeightedValue),
			Won: format.Int(o.WonDeals), WonValue: rd.money(o.WonValue), WinRate: format.Rate(o.WinRate), Stuck: format.Int(o.StuckDeals),
			OpenValueSort: o.OpenValue.String(), WeightedSort: o.WeightedValue.String(), WonValueSort: o.WonValue.String(), WinRateSort: winSort,
		})
	}
	return rd.render("owners.html", "owners", "Owners", "owners", false, struct{ Rows []ownerRow }{rows})
}

// ownerKPIs are the tiles of an owner's page: spend is not tied to owners.
var ownerKPIs = map[string]bool{
	"open_deals": true, "open_value": true, "weighted_value": true, "stuck_deals": true, "overdue_deals": true,
	"leads": true, "lead_conversion_rate": true, "won_deals": true, "lost_deals": true, "won_value": true,
	"win_rate": true, "avg_deal_size": true, "sales_cycle_days": true,
}

func (rd *renderer) ownerPage(o metrics.Owner) ([]byte, error) {
	p := ownerPath(o.ID)
	r := rd.in.Owner(o.ID)
	if r == nil {
		return nil, fmt.Errorf("render owner %s: no report", o.ID)
	}
	var deals []metrics.DealRow
	total := 0
	for _, d := range rd.in.Details.Deals {
		if d.Owner == o.ID {
			total++
			deals = append(deals, d)
		}
	}
	// A rep's page lists their open deals and their most recent closed
	// ones, at most DealsPerPage; the deals table has them all.
	if len(deals) > DealsPerPage {
		slices.SortStableFunc(deals, func(a, b metrics.DealRow) int {
			ao, bo := a.Status == model.Open, b.Status == model.Open
			if ao != bo {
				if ao {
					return -1
				}
				return 1
			}
			return cmp.Compare(b.Created, a.Created)
		})
		deals = deals[:DealsPerPage]
		slices.SortFunc(deals, func(a, b metrics.DealRow) int { return cmp.Compare(a.ID, b.ID) })
	}
	team := ""
	if ow, ok := rd.owner[o.ID]; ok {
		team = ow.Team
	}
	data := struct {
		ID, Name, Team string
		Tiles          []tileGroup
		Funnel         chart
		FunnelRows     []funnelRow
		TargetRows     []targetRow
		Deals          dealTable
		Total          int
	}{
		ID: o.ID, Name: rd.ownerName(o.ID), Team: team,
		Tiles:      rd.tileGroups(r.Current, r.Previous, func(k string) bool { return ownerKPIs[k] }),
		Funnel:     funnelChart("chart_owner_funnel", r.Stages, rd.cur),
		FunnelRows: rd.funnelRows(r.Stages),
		TargetRows: rd.targetRows(r.Targets),
		Deals:      rd.dealTable(p, deals),
		Total:      total,
	}
	return rd.render(p, "owner", data.Name, "owners", true, data)
}

func (rd *renderer) stages() ([]byte, error) {
	type next struct{ ID, Name string }
	type stageView struct {
		ID, Name, Probability, RotAfter string
		Type                            model.StageType
		Entry                           bool
		Requires                        []string
		Next                            []next
		Open                            string
		Guide                           template.HTML
	}
	open := map[string]int{}
	for _, s := range rd.r.Stages {
		open[s.ID] = s.OpenCount
	}
	var views []stageView
	for _, s := range rd.p.Stages {
		v := stageView{ID: s.ID, Name: s.Title(), Type: s.Type, Entry: s.Entry || s.ID == rd.p.Stages[0].ID, Open: format.Int(open[s.ID])}
		if s.Type == model.Open {
			v.Probability = format.Percent(s.Probability)
		}
		if s.HasRotAfter {
			v.RotAfter = format.Int(s.RotAfter) + " days"
		}
		for _, r := range s.Requires {
			v.Requires = append(v.Requires, r.ID)
		}
		for _, n := range rd.p.Allowed(s.ID) {
			v.Next = append(v.Next, next{ID: n, Name: rd.stageName(n)})
		}
		g, err := markdown(s.Guide)
		if err != nil {
			return nil, fmt.Errorf("render guide of stage %s: %w", s.ID, err)
		}
		v.Guide = g
		views = append(views, v)
	}
	return rd.render("stages.html", "stages", "Stages", "stages", false, struct{ Stages []stageView }{views})
}

func (rd *renderer) review() ([]byte, error) {
	rv := rd.in.Details.Review
	rows := rd.rowsByID()
	moveRows := func(ms []metrics.ReviewMove) []linkRow {
		var out []linkRow
		for _, m := range ms {
			out = append(out, linkRow{Href: dealPath(m.Deal), Title: m.Title, Date: m.Date.String(), From: rd.stageName(m.From),
				To: rd.stageName(m.To), Value: rd.money(m.Value), Reason: m.Reason})
		}
		return out
	}
	data := struct {
		New, Moves, Won, Lost, Stuck []linkRow
		WonValue, LostValue          string
	}{Moves: moveRows(rv.Moves), Won: moveRows(rv.Won), Lost: moveRows(rv.Lost), WonValue: rd.money(rv.WonValue), LostValue: rd.money(rv.LostValue)}
	for _, id := range rv.New {
		d := rows[id]
		data.New = append(data.New, linkRow{Href: dealPath(id), Title: d.Title, Date: d.Created.String(), Owner: rd.ownerName(d.Owner), Value: rd.money(d.Value)})
	}
	for _, s := range rv.BecameStuck {
		data.Stuck = append(data.Stuck, linkRow{Href: dealPath(s.Deal), Title: s.Title, Stage: rd.stageName(s.Stage), Date: s.Since.String(), Days: format.Int(s.DaysInStage)})
	}
	return rd.render("review.html", "review", "Review", "review", false, data)
}
