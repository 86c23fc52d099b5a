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
	Key, Href, Label, Value, Prev, Basis string
	Small                                bool
	Change                               change
}

// changeOf describes how a KPI moved against its previous value, and
// whether that is good news; the format package decides the words.
func (rd *renderer) changeOf(cur, prev metrics.Field) change {
	d, ok := format.Change(cur, prev, rd.cur)
	switch {
	case !ok:
		return change{Text: format.None, Class: "flat", Title: "no comparison: one of the two values is undefined"}
	case d.Sign == 0:
		return change{Text: "no change", Class: "flat"}
	case d.Good:
		return change{Text: d.Text, Class: "good", Title: "better than a review ago"}
	}
	return change{Text: d.Text, Class: "bad", Title: "worse than a review ago"}
}

type tileGroup struct {
	Title string
	Tiles []tile
}

// tileGroups returns the KPI tiles of a report for the page at p, in the
// sections of the metrics (now, this review, the rate window, the funnel
// cohort); keep, when set, chooses which. Each tile links to its
// definition.
func (rd *renderer) tileGroups(p string, r *metrics.Report, keep func(string) bool) []tileGroup {
	pf := r.Previous.Fields()
	var out []tileGroup
	for i, f := range r.Current.Fields() {
		if keep != nil && !keep(f.Key) {
			continue
		}
		title := format.Section(f.Section, r)
		if len(out) == 0 || out[len(out)-1].Title != title {
			out = append(out, tileGroup{Title: title})
		}
		t := tile{Key: f.Key, Href: definition(p, f.Key), Label: f.Label, Value: format.Field(f, rd.cur),
			Prev: format.Field(pf[i], rd.cur), Change: rd.changeOf(f, pf[i]), Small: f.Small()}
		if f.Counted {
			t.Basis = "over " + format.CountOf(f)
			if f.Kind == metrics.Rate {
				t.Basis = "of " + format.CountOf(f)
			}
		}
		g := &out[len(out)-1]
		g.Tiles = append(g.Tiles, t)
	}
	return out
}

// definition is the address, from the page at p, of a metric's definition
// on the site's copy of docs/metrics.md.
func definition(p, key string) string { return root(p) + DefinitionsPage + "#" + key }

// DefinitionsPage is the site's page of metric definitions: docs/metrics.md.
const DefinitionsPage = "metrics.html"

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
	if i == 0 {
		return metrics.Ratio{}
	}
	return stages[i-1].ConversionToNext
}

// money writes an amount of the report as every table, tile and chart
// shows it: in whole units.
func (rd *renderer) money(m model.Money) string { return format.Money(m, rd.cur) }

// targetTable is the data of the "targets" template: Who shows the column
// of whom each target is for.
type targetTable struct {
	Root string
	Rows []targetRow
	Who  bool
}

type targetRow struct {
	Period, Who, WhoHref, Status, Revenue, Won, Attainment  string
	Commit, BestCase, Pipeline, Forecast, Coverage, Overdue string
	AttainmentPct                                           int
	Past                                                    bool
}

// targetRows lays out the targets for the page at p. A past period shows
// only what was won: its forecast is what was won.
func (rd *renderer) targetRows(p string, targets []metrics.Target) []targetRow {
	var rows []targetRow
	for _, t := range targets {
		row := targetRow{Period: t.Period, Who: "Everyone", Status: t.Status, Revenue: rd.money(t.Revenue), Won: rd.money(t.WonValue),
			Attainment: format.Rate(t.Attainment), Commit: rd.money(t.Commit), BestCase: rd.money(t.BestCase),
			Pipeline: rd.money(t.Pipeline), Forecast: rd.money(t.Forecast), Coverage: format.Times(t.Coverage),
			Overdue: rd.money(t.OverdueValue), Past: t.Status == metrics.Past}
		switch {
		case t.Owner != nil:
			row.Who, row.WhoHref = rd.ownerName(*t.Owner), rel(p, ownerPath(*t.Owner))
		case t.Team != nil:
			row.Who, row.WhoHref = *t.Team, rel(p, rd.teamPath(*t.Team))
		}
		if row.Past {
			row.Commit, row.BestCase, row.Pipeline, row.Forecast, row.Coverage = "", "", "", "", ""
		}
		if t.Attainment.Valid {
			row.AttainmentPct = int(math.Min(100, math.Max(0, math.Round(t.Attainment.V*100))))
		}
		rows = append(rows, row)
	}
	return rows
}

// stepRow is an open deal that lacks a next step or is late on it.
type stepRow struct {
	Href, Title, Owner, OwnerHref, Stage, Step, Due, Days, Value string
}

// stepLists are the open deals of a report with no next step and those
// whose next step is overdue, at most listLimit of each, as the page at p
// links to them.
type stepLists struct {
	Root                 string
	AsOf                 model.Date
	None, Late           []stepRow
	NoneTotal, LateTotal int
	Limit                int
}

func (rd *renderer) stepLists(p string, r *metrics.Report) stepLists {
	rows := rd.rowsByID()
	l := stepLists{Root: root(p), AsOf: r.AsOf, NoneTotal: len(r.NoNextStep), LateTotal: len(r.OverdueNextStep), Limit: listLimit}
	row := func(s metrics.NextStep) stepRow {
		out := stepRow{Href: rel(p, dealPath(s.ID)), Title: rows[s.ID].Title, Owner: rd.ownerName(s.Owner), OwnerHref: rel(p, ownerPath(s.Owner)),
			Stage: rd.stageName(s.Stage), Step: s.Step, Due: format.None, Value: rd.money(s.Value)}
		if !s.Date.IsZero() {
			out.Due = s.Date.String()
		}
		if s.DaysOverdue > 0 {
			out.Days = format.Int(s.DaysOverdue)
		}
		return out
	}
	for _, s := range r.NoNextStep[:min(len(r.NoNextStep), listLimit)] {
		l.None = append(l.None, row(s))
	}
	for _, s := range r.OverdueNextStep[:min(len(r.OverdueNextStep), listLimit)] {
		l.Late = append(l.Late, row(s))
	}
	return l
}

type stageRow struct {
	Name, Avg, Median, Stays, Rot, Stuck, OpenCount, OpenValue, Weighted string
	Open                                                                 bool
}

type convRow struct{ From, To, Rate, Decided string }

type sourceRow struct{ ID, Leads, Spend, CPL, Conversion, Won, WonValue, CAC string }

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
		Trend, Lost, Sources            chart
		Targets                         []chart
		FunnelRows                      []funnelRow
		ConversionRows                  []convRow
		StageRows                       []stageRow
		TargetTable                     targetTable
		Steps                           stepLists
		TrendRows                       []struct{ Month, Created, Won, Lost, WonValue string }
		LostRows                        []struct{ Reason, Count, Value string }
		SourceRows                      []sourceRow
		StuckRows, OverdueRows          []linkRow
		StuckTotal, OverdueTotal        int
		Limit                           int
	}{
		Limit: listLimit,
		Subtitle: fmt.Sprintf("As of %s. The open pipeline now, what happened this review (%s – %s) and rates over the last %d days; "+
			"each number beside its value a review ago, on %s.", r.AsOf, r.Window.From, r.Window.To, r.RateWindow.Days(), r.PreviousWindow.To),
		Tiles:       rd.tileGroups("index.html", r, nil),
		Funnel:      rd.funnelChart("chart_funnel", r.Stages),
		Conversion:  conversionChart("chart_conversion", r.Stages),
		Time:        timeChart("chart_time", r.Stages),
		Value:       rd.valueChart("chart_value", r.Stages),
		Trend:       trendChart("chart_trend", d.Trend),
		Lost:        lostChart("chart_lost", d.LostReasons),
		Sources:     sourceChart("chart_sources", r.Sources),
		FunnelRows:  rd.funnelRows(r.Stages),
		TargetTable: targetTable{Rows: rd.targetRows("index.html", r.Targets), Who: true},
		Steps:       rd.stepLists("index.html", r),
	}
	// The chart shows the pipeline's own targets whose period is under way;
	// owners and teams have theirs on their pages, and the table has all.
	data.Targets = rd.targetCharts("chart_targets", r.Targets, func(t metrics.Target) bool {
		return t.Owner == nil && t.Team == nil
	})
	for i, s := range r.Stages {
		if s.Type != model.Won && i+1 < len(r.Stages) {
			data.ConversionRows = append(data.ConversionRows, convRow{From: s.Name, To: r.Stages[i+1].Name,
				Rate: format.Rate(s.ConversionToNext), Decided: format.Rate(s.DecidedConversionToNext)})
		}
		row := stageRow{Name: s.Name, Avg: format.DaysOrNone(s.AvgDays), Median: format.DaysOrNone(s.MedianDays), Stays: format.Int(s.Stays), Rot: format.None,
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
			Won: format.Int(s.WonDeals), WonValue: rd.money(s.WonValue), CAC: format.MoneyOrNone(s.CAC, rd.cur)})
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
	// Pushes shows the push-count column (with git history); OneOwner
	// leaves out the owner column of a table of one owner's deals.
	Pushes, OneOwner bool
	Rows             []dealTableRow
	Owners           []struct{ ID, Name string }
	Stages           []struct{ ID, Name string }
}

type dealTableRow struct {
	Href, Title, Company, Owner, OwnerName, Stage, StageName string
	Status                                                   model.StageType
	Value, Prob, ExpectedClose, Source, DaysText, Pushes     string
	// StageSort is the stage's place in the pipeline, so that the stage
	// column sorts in pipeline order. The other sort keys are empty for a
	// blank cell, which sorts last either way.
	StageSort                     int
	ValueSort, ProbSort, DaysSort string
	PushSort                      int
	Stuck, Overdue                bool
}

func (rd *renderer) dealTable(from string, deals []metrics.DealRow) dealTable {
	var t dealTable
	for _, d := range deals {
		stage, _ := rd.p.StageIndex(d.Stage)
		row := dealTableRow{
			Href: rel(from, dealPath(d.ID)), Title: d.Title, Company: orNone(d.Company), Owner: d.Owner, OwnerName: rd.ownerName(d.Owner),
			Stage: d.Stage, StageName: d.StageName, StageSort: stage, Status: d.Status, Value: format.None,
			Prob: format.Percent(d.Probability), ProbSort: fmt.Sprint(d.Probability), ExpectedClose: dateText(d.ExpectedClose),
			Source: orNone(d.Source), DaysText: format.Int(d.DaysInStage), DaysSort: fmt.Sprint(d.DaysInStage), Stuck: d.Stuck, Overdue: d.Overdue,
		}
		if d.HasValue {
			row.Value, row.ValueSort = rd.money(d.Value), d.Value.String()
			if d.Rate != 0 {
				row.Value += " (" + format.Money(d.Deal.Value, d.Deal.Currency) + ")"
			}
		}
		if n, ok := rd.pushCount(d.ID); ok {
			t.Pushes, row.Pushes, row.PushSort = true, format.Int(n), n
		}
		if d.Status != model.Open {
			row.Prob, row.ProbSort = format.None, ""
			row.DaysText, row.DaysSort = format.None, ""
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

// orNone is a text field of a deal as a cell shows it: None when blank.
func orNone(s string) string {
	if s == "" {
		return format.None
	}
	return s
}

// pushCount is how many commits pushed a deal's close date later; ok is
// false without git history.
func (rd *renderer) pushCount(id string) (n int, ok bool) {
	h := rd.in.History
	if h == nil || !h.Usable {
		return 0, false
	}
	if d := h.Deals[id]; d != nil {
		n = d.PushCount()
	}
	return n, true
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

// groupTable is a table of owners or teams, named by Label; Team shows the
// team column.
type groupTable struct {
	Root  string
	Label string
	Rows  []groupRow
	Team  bool
}

// groupRow is an owner or a team in the owners page's tables.
type groupRow struct {
	Href, Name, Team, Open, OpenValue, Weighted, Overdue, NoNext, LateNext string
	Leads, Won, WonValue, Lost, WinRate, Closed, Cycle                     string
	OpenValueSort, WeightedSort, WonValueSort, WinRateSort                 string
	Small                                                                  bool
}

func (rd *renderer) groupRow(href, name string, g metrics.Group) groupRow {
	return groupRow{
		Href: href, Name: name, Team: g.Team,
		Open: format.Int(g.OpenDeals), OpenValue: rd.money(g.OpenValue), Weighted: rd.money(g.WeightedValue),
		Overdue: format.Int(g.OverdueDeals), NoNext: format.Int(g.NoNextStep), LateNext: format.Int(g.OverdueNextStep),
		Leads: format.Int(g.Leads), Won: format.Int(g.WonDeals), WonValue: rd.money(g.WonValue), Lost: format.Int(g.LostDeals),
		WinRate: format.Rate(g.WinRate), Closed: format.Int(g.ClosedDeals), Cycle: format.DaysOrNone(g.SalesCycleDays),
		OpenValueSort: g.OpenValue.String(), WeightedSort: g.WeightedValue.String(), WonValueSort: g.WonValue.String(), WinRateSort: ratioSort(g.WinRate),
		Small: metrics.Small(g.ClosedDeals),
	}
}

// fieldTable is the breakdown of the deals by one enumerated field.
type fieldTable struct {
	ID, Name string
	Chart    chart
	Rows     []fieldRow
}

// fieldRow is one value of a field in its breakdown.
type fieldRow struct {
	Value, Open, OpenValue, Weighted, Won, WonValue, Lost, WinRate, Closed, AvgDeal string
	OpenValueSort, WeightedSort, WonValueSort, WinRateSort, AvgDealSort             string
	Small                                                                           bool
}

// fieldsPage is the page of the breakdowns by the enumerated fields, in
// the order pipeline.yaml declares them.
func (rd *renderer) fieldsPage() ([]byte, error) {
	var data struct{ Fields []fieldTable }
	for _, def := range rd.p.Fields {
		rows, ok := rd.r.Fields[def.ID]
		if !ok {
			continue
		}
		t := fieldTable{ID: def.ID, Name: def.Name(), Chart: rd.fieldChart(fmt.Sprintf("chart_field_%d", len(data.Fields)), def.Name(), rows)}
		for _, v := range rows {
			t.Rows = append(t.Rows, fieldRow{
				Value: v.Value, Open: format.Int(v.OpenDeals), OpenValue: rd.money(v.OpenValue), Weighted: rd.money(v.WeightedValue),
				Won: format.Int(v.WonDeals), WonValue: rd.money(v.WonValue), Lost: format.Int(v.LostDeals),
				WinRate: format.Rate(v.WinRate), Closed: format.Int(v.ClosedDeals), AvgDeal: format.MoneyOrNone(v.AvgDealSize, rd.cur),
				OpenValueSort: v.OpenValue.String(), WeightedSort: v.WeightedValue.String(), WonValueSort: v.WonValue.String(),
				WinRateSort: ratioSort(v.WinRate), AvgDealSort: moneySort(v.AvgDealSize),
				Small: metrics.Small(v.ClosedDeals),
			})
		}
		data.Fields = append(data.Fields, t)
	}
	return rd.render(FieldsPage, "fields", "Breakdowns", "fields", len(data.Fields) > 0, data)
}

// FieldsPage is the site's page of the breakdowns by field; the site has
// it when pipeline.yaml declares a field with values.
const FieldsPage = "fields.html"

// ratioSort is a rate as a table sorts it: blank, which sorts last, when
// there is none.
func ratioSort(r metrics.Ratio) string {
	if !r.Valid {
		return ""
	}
	return fmt.Sprint(r.V)
}

// moneySort is an amount as a table sorts it, blank when there is none.
func moneySort(m metrics.MoneyOrNull) string {
	if !m.Valid {
		return ""
	}
	return m.V.String()
}

func (rd *renderer) ownersIndex() ([]byte, error) {
	var data struct{ Owners, Teams []groupRow }
	for _, o := range rd.r.Owners {
		data.Owners = append(data.Owners, rd.groupRow(rel("owners.html", ownerPath(o.ID)), rd.ownerName(o.ID), o))
	}
	for _, t := range rd.r.Teams {
		data.Teams = append(data.Teams, rd.groupRow(rel("owners.html", rd.teamPath(t.ID)), t.ID, t))
	}
	return rd.render("owners.html", "owners", "Owners and teams", "owners", false, data)
}

// groupKPIs are the tiles of an owner's or a team's page: spend is not tied
// to owners, so the numbers that rest on it are left out.
var groupKPIs = map[string]bool{
	"open_deals": true, "open_value": true, "weighted_value": true, "stuck_deals": true, "overdue_deals": true,
	"overdue_value": true, "no_next_step": true, "overdue_next_step": true,
	"leads": true, "new_value": true, "won_deals": true, "won_value": true, "lost_deals": true, "lost_value": true, "backward_moves": true,
	"win_rate": true, "win_rate_by_value": true, "avg_deal_size": true, "sales_cycle_days": true,
	"lead_conversion_rate": true,
}

func (rd *renderer) ownerPage(o metrics.Group) ([]byte, error) {
	r := rd.in.Owner(o.ID)
	if r == nil {
		return nil, fmt.Errorf("render owner %s: no report", o.ID)
	}
	page := groupPage{Kind: "owner", Crumb: "Owners", ID: o.ID, Name: rd.ownerName(o.ID), Team: o.Team}
	if o.Team != "" {
		page.TeamHref = rel(ownerPath(o.ID), rd.teamPath(o.Team))
	}
	return rd.groupPage(ownerPath(o.ID), page, r, func(owner string) bool { return owner == o.ID })
}

func (rd *renderer) teamPage(t metrics.Group) ([]byte, error) {
	r := rd.in.Team(t.ID)
	if r == nil {
		return nil, fmt.Errorf("render team %s: no report", t.ID)
	}
	p := rd.teamPath(t.ID)
	page := groupPage{Kind: "team", Crumb: "Teams", ID: t.ID, Name: t.ID}
	in := map[string]bool{}
	for _, o := range t.Owners {
		in[o] = true
	}
	for _, o := range rd.r.Owners {
		if in[o.ID] {
			page.Members = append(page.Members, rd.groupRow(rel(p, ownerPath(o.ID)), rd.ownerName(o.ID), o))
		}
	}
	return rd.groupPage(p, page, r, func(owner string) bool { return in[owner] })
}

// groupPage is the data of an owner's or a team's page.
type groupPage struct {
	Kind, Crumb, ID, Name, Team, TeamHref string
	Members                               []groupRow // a team's owners
	Tiles                                 []tileGroup
	Funnel                                chart
	FunnelRows                            []funnelRow
	Targets                               []chart
	TargetTable                           targetTable
	Steps                                 stepLists
	Deals                                 dealTable
	Total                                 int
}

// groupPage renders the page at p of the deals of the owners that in
// keeps, from their report r.
func (rd *renderer) groupPage(p string, data groupPage, r *metrics.Report, in func(owner string) bool) ([]byte, error) {
	var deals []metrics.DealRow
	for _, d := range rd.in.Details.Deals {
		if in(d.Owner) {
			data.Total++
			deals = append(deals, d)
		}
	}
	// A page lists the open deals and the most recent closed ones, at most
	// DealsPerPage; the deals table has them all.
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
	data.Tiles = rd.tileGroups(p, r, func(k string) bool { return groupKPIs[k] })
	data.Funnel = rd.funnelChart("chart_group_funnel", r.Stages)
	data.FunnelRows = rd.funnelRows(r.Stages)
	data.TargetTable = targetTable{Root: root(p), Rows: rd.targetRows(p, r.Targets), Who: data.Kind == "team"}
	data.Targets = rd.targetCharts("chart_group_targets", r.Targets, func(metrics.Target) bool { return true })
	data.Steps = rd.stepLists(p, r)
	data.Deals = rd.dealTable(p, deals)
	data.Deals.OneOwner = data.Kind == "owner"
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
