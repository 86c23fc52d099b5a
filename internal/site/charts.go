package site

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// chart is one chart on a page: a container with a fixed id and the
// chart's options, which html/template escapes into a JSON block that the
// page's script reads. Options never reach the page as code.
type chart struct {
	ID      string // [A-Za-z0-9_] only: it is also used as an element id
	Label   string // what the chart shows, for screen readers and the no-JS note
	Height  int
	Options map[string]any
}

// palette is the series colours, readable on light and dark backgrounds.
var palette = []string{"#3d5afe", "#00bfa5", "#ff9100", "#e91e63", "#7c4dff", "#8d6e63", "#26a69a", "#ffca28"}

// echartsOptions finishes a go-echarts chart into plain options.
func echartsOptions(c interface {
	Validate()
	JSON() map[string]interface{}
}) map[string]any {
	c.Validate()
	o := c.JSON()
	o["color"] = palette
	o["textStyle"] = map[string]any{"fontFamily": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"}
	o["animationDuration"] = 400
	delete(o, "toolbox")
	return o
}

func baseOpts(legend bool) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Top: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "4%", Top: "40", Bottom: "3%", ContainLabel: opts.Bool(true)}),
	}
}

// countAxis ticks a value axis of counts at whole numbers: a chart of
// deals never reads 0.2, 0.4….
func countAxis() charts.GlobalOpts {
	return charts.WithYAxisOpts(opts.YAxis{Type: "value", MinInterval: 1})
}

// units turns cents into currency units for a chart axis.
func units(m model.Money) float64 { return m.Float() }

func pct(r metrics.Ratio) any {
	if !r.Valid {
		return nil
	}
	return math.Round(r.V*1000) / 10
}

func funnelChart(id string, stages []metrics.Stage, currency string) chart {
	f := charts.NewFunnel()
	f.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	data := make([]map[string]any, 0, len(stages))
	for i, s := range stages {
		label := fmt.Sprintf("%s · %s · %s", s.Name, format.Int(s.Reached), format.Amount(s.ReachedValue, currency, format.Short))
		if prev := fromPrevious(stages, i); prev.Valid && s.FromTop.Valid {
			label += fmt.Sprintf("\n%s prev · %s top", format.Rate(prev), format.Rate(s.FromTop))
		}
		data = append(data, map[string]any{
			"name":  s.Name,
			"value": s.Reached,
			"label": map[string]any{"formatter": label},
		})
	}
	f.AddSeries("Deals reached", nil, charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Sort = "none" }))
	o := echartsOptions(f)
	// go-echarts has no funnel sizes: the series is written out here. The
	// narrow end stays wide enough for its label.
	o["series"] = []map[string]any{{
		"name": "Deals reached", "type": "funnel", "sort": "none", "minSize": "50%", "maxSize": "100%", "gap": 2,
		"left": "1%", "right": "1%", "top": 4, "bottom": 4, "data": data,
		"label": map[string]any{"show": true, "position": "inside", "fontSize": 11, "color": "#fff", "lineHeight": 15},
	}}
	return chart{ID: id, Label: "Funnel: deals that reached each stage", Height: 40 + 50*len(stages), Options: o}
}

func conversionChart(id string, stages []metrics.Stage) chart {
	b := charts.NewBar()
	b.SetGlobalOptions(append(baseOpts(false),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Max: 100, AxisLabel: &opts.AxisLabel{Formatter: "{value}%"}}),
	)...)
	var names []string
	var data []opts.BarData
	for i := 0; i+1 < len(stages); i++ {
		s := stages[i]
		if s.Type == model.Won {
			continue
		}
		names = append(names, "→ "+stages[i+1].Name)
		data = append(data, opts.BarData{Value: pct(s.ConversionToNext)})
	}
	b.SetXAxis(names).AddSeries("Conversion to next stage (%)", data,
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Position: "top", Formatter: "{c}%"}),
		barWidth("48"))
	return chart{ID: id, Label: "Conversion from each stage to the next", Height: 300, Options: echartsOptions(b)}
}

func timeChart(id string, stages []metrics.Stage) chart {
	open := openStages(stages)
	b := charts.NewBar()
	b.SetGlobalOptions(append(baseOpts(true),
		charts.WithYAxisOpts(opts.YAxis{Type: "value"}))...)
	names := stageBars(b, open, "28",
		stageSeries{"Mean days", func(s metrics.Stage) any { return ratioValue(s.AvgDays) }},
		stageSeries{"Median days", func(s metrics.Stage) any { return ratioValue(s.MedianDays) }})
	var rot []opts.LineData
	for _, s := range open {
		var r any
		if s.RotAfter != nil {
			r = *s.RotAfter
		}
		rot = append(rot, opts.LineData{Value: r})
	}
	line := charts.NewLine()
	line.SetXAxis(names).AddSeries("Rot after", rot, charts.WithLineStyleOpts(opts.LineStyle{Type: "dashed", Width: 2}),
		charts.WithLineChartOpts(opts.LineChart{Symbol: "diamond"}))
	b.Overlap(line)
	return chart{ID: id, Label: "Mean and median days in each stage against rot after", Height: 300, Options: echartsOptions(b)}
}

func ratioValue(r metrics.Ratio) any {
	if !r.Valid {
		return nil
	}
	return math.Round(r.V*10) / 10
}

func valueChart(id string, stages []metrics.Stage) chart {
	b := charts.NewBar()
	b.SetGlobalOptions(baseOpts(true)...)
	stageBars(b, openStages(stages), "32",
		stageSeries{"Open value", func(s metrics.Stage) any { return units(s.OpenValue) }},
		stageSeries{"Weighted value", func(s metrics.Stage) any { return units(s.WeightedValue) }})
	return chart{ID: id, Label: "Open and weighted value by stage", Height: 300, Options: echartsOptions(b)}
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

// stageSeries is one series of a chart by stage: its name and each
// stage's value.
type stageSeries struct {
	name  string
	value func(metrics.Stage) any
}

// stageBars draws a bar series on b for each of series, one bar per stage,
// at most width pixels wide, and returns the stages' names.
func stageBars(b *charts.Bar, stages []metrics.Stage, width string, series ...stageSeries) []string {
	var names []string
	for _, s := range stages {
		names = append(names, s.Name)
	}
	b.SetXAxis(names)
	for _, ser := range series {
		var data []opts.BarData
		for _, s := range stages {
			data = append(data, opts.BarData{Value: ser.value(s)})
		}
		b.AddSeries(ser.name, data, barWidth(width))
	}
	return names
}

// targetChart draws the targets that keep and are under way: what was won,
// the forecast categories (cumulative, as forecasts are called), the
// weighted forecast and the target. It returns how many targets it shows.
func (rd *renderer) targetChart(id string, targets []metrics.Target, keep func(metrics.Target) bool) (chart, int) {
	b := charts.NewBar()
	b.SetGlobalOptions(baseOpts(true)...)
	var names []string
	series := make([][]opts.BarData, 6)
	for _, t := range targets {
		if t.Status != metrics.Current || !keep(t) {
			continue
		}
		name := t.Period
		switch {
		case t.Owner != nil:
			name += " " + rd.ownerName(*t.Owner)
		case t.Team != nil:
			name += " " + *t.Team
		}
		names = append(names, name)
		for k, v := range []model.Money{t.WonValue, t.Commit, t.BestCase, t.Pipeline, t.Forecast, t.Revenue} {
			series[k] = append(series[k], opts.BarData{Value: units(v)})
		}
	}
	b.SetXAxis(names)
	for k, name := range []string{"Won", "Commit", "Best case", "Pipeline", "Weighted forecast", "Target"} {
		var style []charts.SeriesOpts
		if name == "Target" {
			style = append(style, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#9aa5b8"}))
		}
		b.AddSeries(name, series[k], style...)
	}
	b.XYReversal()
	c := chart{ID: id, Label: "Won, forecast categories and weighted forecast against each target under way",
		Height: max(260, 60+110*len(names)), Options: echartsOptions(b)}
	return c, len(names)
}

func trendChart(id string, months []metrics.Month) chart {
	b := charts.NewBar()
	b.SetGlobalOptions(append(baseOpts(true), countAxis())...)
	var names []string
	var won, lost []opts.BarData
	var created []opts.LineData
	for _, m := range months {
		names = append(names, m.Month)
		won = append(won, opts.BarData{Value: m.Won})
		lost = append(lost, opts.BarData{Value: m.Lost})
		created = append(created, opts.LineData{Value: m.Created})
	}
	b.SetXAxis(names).
		AddSeries("Won", won, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#00bfa5"})).
		AddSeries("Lost", lost, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#9aa5b8"}))
	line := charts.NewLine()
	line.SetXAxis(names).AddSeries("Created", created, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#3d5afe"}),
		charts.WithLineChartOpts(opts.LineChart{Smooth: opts.Bool(true)}))
	b.Overlap(line)
	return chart{ID: id, Label: "Deals created, won and lost by month", Height: 300, Options: echartsOptions(b)}
}

func lostChart(id string, reasons []metrics.ReasonCount) chart {
	p := charts.NewPie()
	p.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
	)
	var data []opts.PieData
	other := 0
	for i, r := range reasons { // most first
		if i < topN-1 || len(reasons) <= topN {
			data = append(data, opts.PieData{Name: r.Reason, Value: r.Count})
		} else {
			other += r.Count
		}
	}
	if other > 0 {
		data = append(data, opts.PieData{Name: "other", Value: other})
	}
	p.AddSeries("Lost deals", data,
		charts.WithPieChartOpts(opts.PieChart{Radius: []string{"45%", "70%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}: {c}"}))
	return chart{ID: id, Label: "Lost deals by reason", Height: 280, Options: echartsOptions(p)}
}

// topN is how many categories a chart draws before it groups the rest
// under "other", so that a big pipeline's charts stay readable.
const topN = 8

func sourceChart(id string, sources []metrics.Source) chart {
	b := charts.NewBar()
	b.SetGlobalOptions(append(baseOpts(true), countAxis())...)
	var names []string
	var leads, won []opts.BarData
	if len(sources) > topN {
		sources = slices.Clone(sources)
		slices.SortStableFunc(sources, func(a, b metrics.Source) int { return cmp.Compare(b.Leads, a.Leads) })
		other := metrics.Source{ID: "other"}
		for _, s := range sources[topN-1:] {
			other.Leads += s.Leads
			other.WonDeals += s.WonDeals
		}
		sources = append(sources[:topN-1], other)
	}
	for _, s := range sources {
		names = append(names, s.ID)
		leads = append(leads, opts.BarData{Value: s.Leads})
		won = append(won, opts.BarData{Value: s.WonDeals})
	}
	b.SetXAxis(names).
		AddSeries("Leads", leads, barWidth("32")).
		AddSeries("Won", won, barWidth("32"))
	return chart{ID: id, Label: "Leads and won deals by source in this window", Height: 260, Options: echartsOptions(b)}
}

// barWidth caps the width of a series' bars, so few bars do not become slabs.
func barWidth(w string) charts.SeriesOpts {
	return charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.BarMaxWidth = w })
}
