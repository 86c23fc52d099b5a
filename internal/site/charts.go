package site

import (
	"cmp"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// chart is one chart on a page: a container with a fixed id and the
// chart's options, which html/template escapes into a JSON block that the
// page's script reads. Options never reach the page as code.
//
// Every chart is drawn with bars only, which keeps the charting library the
// site loads small: bars across, one row (or group of rows) per category,
// each bar's value written at its end, so no value axis is needed; a count
// by month stands up, over an axis of whole numbers. The legend is HTML
// beside the chart, and a chart with nothing to draw is a sentence.
type chart struct {
	ID     string // [A-Za-z0-9_] only: it is also used as an element id
	Label  string // what the chart shows, for screen readers and the no-JS note
	Title  string // a heading over the chart, when its section has several
	Height int
	Legend []legendItem
	// Empty, when set, is shown instead of the chart: it has nothing to
	// draw, and says so.
	Empty   string
	Options map[string]any
}

// legendItem is a series of a chart, named beside its colour.
type legendItem struct{ Name, Colour string }

// Colours of meanings: each means the same on every chart. They are bars,
// not text, and keep 3:1 against the page's surface in light and dark
// (WCAG's contrast for graphics); their values are written beside them in
// the text colour.
const (
	colourOpen     = "#5b74ff" // the open pipeline
	colourNew      = "#9b6bff" // created, added, grown
	colourWon      = "#12a17c"
	colourLost     = "#e0484f"
	colourForecast = "#c27c00" // forecast categories and weighted values
	colourTarget   = "#7b8798" // targets and limits: what is aimed at
	colourLess     = "#d66b9b" // value taken away, other than by a close
)

// barSeries is one series of a bar chart: a value for each category and
// the words written at the end of its bar (nil for no bar).
type barSeries struct {
	name   string
	colour string
	values []any    // float64 or int; nil for no bar
	labels []string // "" for no label
	// colours, when set, colours each bar on its own (a bar per meaning).
	colours []string
}

// fontFamily is the page's font, for the charts' text.
const fontFamily = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"

// finish turns a go-echarts chart into plain options.
func finish(c interface {
	Validate()
	JSON() map[string]interface{}
}) map[string]any {
	c.Validate()
	o := c.JSON()
	o["textStyle"] = map[string]any{"fontFamily": fontFamily}
	o["animationDuration"] = 400
	for _, k := range []string{"toolbox", "legend", "tooltip", "title", "color"} {
		delete(o, k)
	}
	return o
}

// addBars adds series to b, each bar with its label at its end (pos is
// "right" for bars across, "top" for bars that stand up).
func addBars(b *charts.Bar, pos string, series []barSeries, extra ...charts.SeriesOpts) {
	for _, s := range series {
		data := make([]opts.BarData, len(s.values))
		for i, v := range s.values {
			data[i] = opts.BarData{Value: v}
			if i < len(s.labels) && s.labels[i] != "" {
				data[i].Label = &opts.Label{Show: opts.Bool(true), Position: pos, Formatter: labelText(s.labels[i])}
			}
			if i < len(s.colours) {
				data[i].ItemStyle = &opts.ItemStyle{Color: s.colours[i]}
			}
		}
		b.AddSeries(s.name, data, append([]charts.SeriesOpts{charts.WithItemStyleOpts(opts.ItemStyle{Color: s.colour})}, extra...)...)
	}
}

// labelText makes words safe as an ECharts label formatter, which reads
// {a}, {b}, {c} and {style|text} as placeholders.
func labelText(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '{':
			r = '('
		case '}':
			r = ')'
		}
		out = append(out, r)
	}
	return string(out)
}

// acrossChart draws bars across: categories down the left in order from
// the top, a bar per series in each, and each value at its bar's end.
func acrossChart(id, label string, categories []string, series ...barSeries) chart {
	return across(id, label, categories, false, series)
}

// across is acrossChart; stacked puts the series' bars end to end in one
// row, the first of them invisible (a waterfall's floating steps).
func across(id, label string, categories []string, stacked bool, series []barSeries) chart {
	b := charts.NewBar()
	b.SetXAxis(categories)
	extra := []charts.SeriesOpts{barWidth("18")}
	bars := len(series)
	if stacked {
		extra = append(extra, charts.WithBarChartOpts(opts.BarChart{Stack: "row"}))
		bars = 1
	}
	addBars(b, "right", series, extra...)
	o := finish(b)
	longest := 0
	for _, s := range series {
		for _, l := range s.labels {
			longest = max(longest, utf8.RuneCountInString(l))
		}
	}
	o["grid"] = map[string]any{"left": 12, "right": 16 + 8*longest, "top": 4, "bottom": 4, "containLabel": true}
	o["yAxis"] = []map[string]any{{"type": "category", "data": categories, "inverse": true,
		"axisTick": map[string]any{"show": false}, "axisLabel": map[string]any{"interval": 0}}}
	o["xAxis"] = []map[string]any{{"type": "value", "show": false, "min": 0}}
	c := chart{ID: id, Label: label, Height: 16 + (10+22*bars)*len(categories), Options: o}
	if !stacked {
		c.Legend = legendOf(series)
	}
	return c
}

// legendOf names the series of a chart beside their colours, when there
// is more than one.
func legendOf(series []barSeries) []legendItem {
	if len(series) < 2 {
		return nil
	}
	var l []legendItem
	for _, s := range series {
		l = append(l, legendItem{s.name, s.colour})
	}
	return l
}

// barValue is a rate of the report scaled for a bar (100 for a
// percentage, 1 for days), nil when undefined: no bar.
func barValue(r metrics.Ratio, scale float64) any {
	if !r.Valid {
		return nil
	}
	return r.V * scale
}

// units turns cents into currency units for a bar.
func units(m model.Money) float64 { return m.Float() }

// funnelChart draws how many deals of the funnel cohort reached each
// stage: bars in proportion, the won stage in the colour of a win.
func (rd *renderer) funnelChart(id string, stages []metrics.Stage) chart {
	names := make([]string, len(stages))
	s := barSeries{name: "Deals reached", colour: colourOpen}
	for i, st := range stages {
		names[i] = st.Name
		s.values = append(s.values, st.Reached)
		s.labels = append(s.labels, format.Int(st.Reached)+" · "+rd.money(st.ReachedValue))
		c := colourOpen
		if st.Type == model.Won {
			c = colourWon
		}
		s.colours = append(s.colours, c)
	}
	c := acrossChart(id, "Funnel: deals that reached each stage, bars in proportion", names, s)
	if len(stages) == 0 || stages[0].Reached == 0 {
		c.Empty = "No deal was created in the funnel cohort's days, so there is no funnel to draw."
	}
	return c
}

// conversionChart draws the share of each stage's deals that reached the
// next, with the counts it comes from.
func conversionChart(id string, stages []metrics.Stage) chart {
	var names []string
	s := barSeries{name: "Conversion to the next stage", colour: colourOpen}
	drawn := false
	for i := 0; i+1 < len(stages); i++ {
		st := stages[i]
		if st.Type == model.Won {
			continue
		}
		names = append(names, st.Name+" → "+stages[i+1].Name)
		s.values = append(s.values, barValue(st.ConversionToNext, 100))
		label := format.Rate(st.ConversionToNext)
		if st.ConversionToNext.Valid {
			label += " · " + format.Int(stages[i+1].Reached) + " of " + format.Int(st.Reached)
			drawn = true
		}
		s.labels = append(s.labels, label)
	}
	c := acrossChart(id, "Conversion from each stage to the next", names, s)
	c.Options["xAxis"] = []map[string]any{{"type": "value", "show": false, "min": 0, "max": 100}}
	if !drawn {
		c.Empty = "No deal of the funnel cohort reached a stage, so there is no conversion to draw."
	}
	return c
}

// timeChart draws the mean and median days deals spent in each open stage
// against the days after which a deal there is stuck.
func timeChart(id string, stages []metrics.Stage) chart {
	open := openStages(stages)
	names := make([]string, len(open))
	mean := barSeries{name: "Mean days", colour: colourOpen}
	median := barSeries{name: "Median days", colour: colourNew}
	rot := barSeries{name: "Stuck after", colour: colourTarget}
	drawn := false
	for i, s := range open {
		names[i] = s.Name
		mean.values = append(mean.values, barValue(s.AvgDays, 1))
		mean.labels = append(mean.labels, daysLabel(s.AvgDays))
		median.values = append(median.values, barValue(s.MedianDays, 1))
		median.labels = append(median.labels, daysLabel(s.MedianDays))
		var r any
		label := ""
		if s.RotAfter != nil {
			r, label = *s.RotAfter, format.Int(*s.RotAfter)+" days"
		}
		rot.values = append(rot.values, r)
		rot.labels = append(rot.labels, label)
		drawn = drawn || s.AvgDays.Valid
	}
	c := acrossChart(id, "Mean and median days in each stage, against the days after which a deal is stuck", names, mean, median, rot)
	if !drawn {
		c.Empty = "No deal left an open stage in the rate window, so there is no time in stage to draw."
	}
	return c
}

// daysLabel writes a number of days of the report for a bar.
func daysLabel(r metrics.Ratio) string {
	if !r.Valid {
		return ""
	}
	return format.Days(r.V) + " days"
}

// fieldChart draws, for each value of an enumerated field, the open value
// and the value won in this review: the breakdown's two amounts.
func (rd *renderer) fieldChart(id, name string, rows []metrics.FieldValue) chart {
	names := make([]string, len(rows))
	open := barSeries{name: "Open value", colour: colourOpen}
	won := barSeries{name: "Won this review", colour: colourWon}
	var total model.Money
	for i, v := range rows {
		names[i] = v.Value
		rd.addAmount(&open, v.OpenValue)
		rd.addAmount(&won, v.WonValue)
		total += v.OpenValue + v.WonValue
	}
	c := acrossChart(id, "Open value and value won this review by "+name, names, open, won)
	if total == 0 {
		c.Empty = "No deal is open, and none was won this review."
	}
	return c
}

// valueChart draws the open and weighted value of each open stage.
func (rd *renderer) valueChart(id string, stages []metrics.Stage) chart {
	open := openStages(stages)
	names := make([]string, len(open))
	value := barSeries{name: "Open value", colour: colourOpen}
	weighted := barSeries{name: "Weighted value", colour: colourForecast}
	var total model.Money
	for i, s := range open {
		names[i] = s.Name
		rd.addAmount(&value, s.OpenValue)
		rd.addAmount(&weighted, s.WeightedValue)
		total += s.OpenValue
	}
	c := acrossChart(id, "Open and weighted value by stage", names, value, weighted)
	if total == 0 {
		c.Empty = "No open deal has a value, so there is no value by stage to draw."
	}
	return c
}

// addAmount adds a bar of an amount to a series, labelled as the tables
// write it.
func (rd *renderer) addAmount(s *barSeries, m model.Money) {
	s.values = append(s.values, units(m))
	s.labels = append(s.labels, rd.money(m))
}

// openStages returns the open stages: the charts of time and value in a
// stage leave out the won stage, where deals do not wait.
func openStages(stages []metrics.Stage) []metrics.Stage {
	var open []metrics.Stage
	for _, s := range stages {
		if s.Type == model.Open {
			open = append(open, s)
		}
	}
	return open
}

// targetCharts draws each target that keep and is under way on a chart of
// its own (a year's target and a month's do not share a scale): what was
// won, the forecast categories (cumulative, as forecasts are called), the
// weighted forecast, and the target.
func (rd *renderer) targetCharts(id string, targets []metrics.Target, keep func(metrics.Target) bool) []chart {
	var out []chart
	names := []string{"Won", "Commit", "Best case", "Pipeline", "Weighted forecast", "Target"}
	colours := []string{colourWon, colourForecast, colourForecast, colourForecast, colourForecast, colourTarget}
	for _, t := range targets {
		if t.Status != metrics.Current || !keep(t) {
			continue
		}
		who := ""
		switch {
		case t.Owner != nil:
			who = " for " + rd.ownerName(*t.Owner)
		case t.Team != nil:
			who = " for " + *t.Team
		}
		s := barSeries{name: "Target " + t.Period + who, colour: colourForecast, colours: colours}
		for _, v := range []model.Money{t.WonValue, t.Commit, t.BestCase, t.Pipeline, t.Forecast, t.Revenue} {
			s.values = append(s.values, units(v))
			s.labels = append(s.labels, rd.money(v))
		}
		c := acrossChart(fmt.Sprintf("%s_%d", id, len(out)+1), fmt.Sprintf("Target %s%s: won, forecast categories and weighted forecast against the target", t.Period, who), names, s)
		c.Title = t.Period + who
		out = append(out, c)
	}
	return out
}

// trendChart draws the deals created, won and lost in each month: bars
// that stand up over an axis of whole numbers of deals.
func trendChart(id string, months []metrics.Month) chart {
	names := make([]string, len(months))
	created := barSeries{name: "Created", colour: colourNew}
	won := barSeries{name: "Won", colour: colourWon}
	lost := barSeries{name: "Lost", colour: colourLost}
	total := 0
	for i, m := range months {
		names[i] = m.Month
		created.values = append(created.values, m.Created)
		won.values = append(won.values, m.Won)
		lost.values = append(lost.values, m.Lost)
		total += m.Created + m.Won + m.Lost
	}
	b := charts.NewBar()
	b.SetXAxis(names)
	series := []barSeries{created, won, lost}
	addBars(b, "top", series, barWidth("14"))
	o := finish(b)
	o["grid"] = map[string]any{"left": 4, "right": 8, "top": 28, "bottom": 4, "containLabel": true}
	o["xAxis"] = []map[string]any{{"type": "category", "data": names, "axisLabel": map[string]any{"interval": 0}}}
	o["yAxis"] = []map[string]any{{"type": "value", "minInterval": 1, "name": "deals", "nameTextStyle": map[string]any{"align": "left"}}}
	c := chart{ID: id, Label: "Deals created, won and lost by month", Height: 280, Legend: legendOf(series), Options: o}
	if total == 0 {
		c.Empty = "No deal was created, won or lost in these months."
	}
	return c
}

// lostChart draws the deals lost for each reason, most first; past the
// first few reasons, the rest are one bar.
func lostChart(id string, reasons []metrics.ReasonCount) chart {
	var names []string
	s := barSeries{name: "Lost deals", colour: colourLost}
	other := 0
	for i, r := range reasons { // most first
		if i < topN-1 || len(reasons) <= topN {
			names = append(names, r.Reason)
			s.values = append(s.values, r.Count)
			s.labels = append(s.labels, dealCount(r.Count))
		} else {
			other += r.Count
		}
	}
	if other > 0 {
		names = append(names, "other reasons")
		s.values = append(s.values, other)
		s.labels = append(s.labels, dealCount(other))
	}
	c := acrossChart(id, "Lost deals by reason", names, s)
	if len(names) == 0 {
		c.Empty = "No deal was lost in these days."
	}
	return c
}

// dealCount writes a number of deals: "1 deal", "12 deals".
func dealCount(n int) string {
	if n == 1 {
		return "1 deal"
	}
	return format.Int(n) + " deals"
}

// topN is how many categories a chart draws before it groups the rest
// under "other", so that a big pipeline's charts stay readable.
const topN = 8

// sourceChart draws the leads of each source in the funnel cohort and how
// many of them were won.
func sourceChart(id string, sources []metrics.Source) chart {
	if len(sources) > topN {
		sources = slices.Clone(sources)
		slices.SortStableFunc(sources, func(a, b metrics.Source) int { return cmp.Compare(b.Leads, a.Leads) })
		other := metrics.Source{ID: "other sources"}
		for _, s := range sources[topN-1:] {
			other.Leads += s.Leads
			other.WonDeals += s.WonDeals
		}
		sources = append(sources[:topN-1], other)
	}
	names := make([]string, len(sources))
	leads := barSeries{name: "Leads", colour: colourOpen}
	won := barSeries{name: "Won", colour: colourWon}
	for i, s := range sources {
		names[i] = s.ID
		leads.values = append(leads.values, s.Leads)
		leads.labels = append(leads.labels, format.Int(s.Leads))
		won.values = append(won.values, s.WonDeals)
		won.labels = append(won.labels, format.Int(s.WonDeals))
	}
	c := acrossChart(id, "Leads and won deals by source in the funnel cohort", names, leads, won)
	if len(sources) == 0 {
		c.Empty = "No deal was created in the funnel cohort's days."
	}
	return c
}

// barWidth caps the width of a series' bars, so few bars do not become slabs.
func barWidth(w string) charts.SeriesOpts {
	return charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.BarMaxWidth = w })
}
