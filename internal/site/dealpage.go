package site

import (
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/internal/format"
	"github.com/pipegen/pipegen/internal/history"
	"github.com/pipegen/pipegen/internal/metrics"
	"github.com/pipegen/pipegen/internal/model"
)

// dealView is what a deal page shows.
type dealView struct {
	ID, Title, Company, Source, OwnerName, OwnerHref, EditURL string
	StageName, Value, Weighted, Probability, ProbabilityFrom  string
	// Converted is a foreign value in the pipeline currency, and at which
	// rate: "$1,200 at 1.2 (rate of 2026-11-27)".
	Converted string
	// Fields are the deal's values of the pipeline's declared fields.
	Fields                                             []fieldText
	Created, Closed, ExpectedClose, Emails, Onboarding string
	NextStep, NextStepDate, Forecast                   string
	NextStepLate                                       bool
	Status                                             model.StageType
	DaysInStage, CycleDays                             string
	Stuck, Overdue                                     bool
	Timeline                                           []stay
	// Changes are the deal's changes from git, newest first; History
	// says whether git history was read at all.
	Changes  []changeRow
	History  bool
	Contacts []model.Contact
	Notes    template.HTML
}

// fieldText is a declared field of a deal and its value, for display.
type fieldText struct{ Name, Value string }

// forecastNames are the forecast categories as people say them.
var forecastNames = map[string]string{
	model.ForecastCommit: "Commit", model.ForecastBestCase: "Best case",
	model.ForecastPipeline: "Pipeline", model.ForecastOmitted: "Omitted",
}

// stay is one line of a deal's timeline.
type stay struct {
	From, StageName, Reason string
	Days                    string
	Current, Final          bool
}

// dealPage renders the page of a deal: templates/deal.html in the whole
// layout, like every other page. Deal pages are most of a big site; the
// parts of the layout that are the same on many pages are drawn once (the
// header once per folder depth and section, the footer's windows once per
// build), the rest by the template on each page. Pages written by hand
// were about three times faster, and a layout cut at marker strings was
// once fooled by a pipeline name: the templates stay the one way to draw
// HTML (BENCHMARKS.md has the figures).
func (rd *renderer) dealPage(d metrics.DealRow) ([]byte, error) {
	p := dealPath(d.ID)
	data, err := rd.dealView(p, d)
	if err != nil {
		return nil, err
	}
	return rd.render(p, "deal", d.Title, "deals", false, data)
}

// escapePath escapes each segment of a slash path for a URL: a file
// "deals/a#b.yaml" must not end its address at the "#".
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = url.PathEscape(part)
	}
	return strings.Join(parts, "/")
}

// dealView gathers what the page of a deal shows.
func (rd *renderer) dealView(p string, d metrics.DealRow) (*dealView, error) {
	data := &dealView{
		ID: d.ID, Title: d.Title, Company: d.Company, Source: d.Source, OwnerName: rd.ownerName(d.Owner),
		OwnerHref: rel(p, ownerPath(d.Owner)), StageName: d.StageName, Status: d.Status, DaysInStage: format.Int(d.DaysInStage),
		Value: format.None, Probability: format.Percent(d.Probability), ProbabilityFrom: "the stage's probability",
		Created: d.Created.String(), Closed: d.Closed.String(), ExpectedClose: d.ExpectedClose.String(),
		Stuck: d.Stuck, Overdue: d.Overdue, Contacts: d.Deal.Contacts,
		NextStep: d.Deal.NextStep, NextStepLate: d.NextStepLate, Forecast: forecastNames[d.Forecast],
	}
	if !d.Deal.NextStepDate.IsZero() {
		data.NextStepDate = d.Deal.NextStepDate.String()
	}
	if !d.Closed.IsZero() {
		data.CycleDays = format.Int(d.CycleDays())
	}
	if d.ExpectedClose.IsZero() {
		data.ExpectedClose = format.None
	}
	if d.HasValue {
		data.Value = format.Exact(d.Value, rd.cur) // the deal's own value, as written
		if d.Rate != 0 {
			data.Value = format.Exact(d.Deal.Value, d.Deal.Currency)
			data.Converted = fmt.Sprintf("%s at %s (rate of %s)", rd.money(d.Value), d.Rate, d.RateDay)
		}
	}
	for _, def := range rd.p.Fields {
		if v, ok := d.Deal.Field(def.ID); ok {
			data.Fields = append(data.Fields, fieldText{Name: def.Name(), Value: v})
		}
	}
	if d.Status == model.Open {
		data.Weighted = rd.money(d.Weighted)
	}
	if d.Deal.HasProb {
		data.ProbabilityFrom = "set on the deal"
	}
	switch d.Status {
	case model.Won:
		data.Probability, data.ProbabilityFrom = format.Percent(1), "won"
	case model.Lost:
		data.Probability, data.ProbabilityFrom = format.Percent(0), "lost"
	}
	if rd.opt.EditBase != "" {
		data.EditURL = rd.opt.EditBase + escapePath(d.File)
	}
	if e := d.Deal.Emails; e.Set {
		data.Emails = fmt.Sprintf("Emails: %s sent, %s opened.", format.Int(e.Sent), format.Int(e.Opened))
	}
	if o := d.Deal.Onboarding; o != nil && d.Status == model.Won {
		switch {
		case o.Status == model.OnboardingInProgress || o.Date > rd.r.AsOf:
			data.Onboarding = "Onboarding in progress."
		default:
			data.Onboarding = fmt.Sprintf("Onboarding %s on %s.", o.Status, o.Date)
		}
		if !d.Deal.Churned.IsZero() && d.Deal.Churned <= rd.r.AsOf {
			data.Onboarding += fmt.Sprintf(" Churned on %s.", d.Deal.Churned)
		}
	}
	for _, s := range d.Timeline {
		data.Timeline = append(data.Timeline, stay{From: s.From.String(), StageName: s.StageName, Reason: s.Reason, Days: format.Int(s.Days),
			Current: s.Current, Final: s.Current && d.Status != model.Open})
	}
	data.Changes, data.History = rd.changes(d.ID)
	notes, err := markdown(d.Deal.Notes)
	if err != nil {
		return nil, fmt.Errorf("render notes of %s: %w", d.ID, err)
	}
	data.Notes = notes
	return data, nil
}

// changeRow is a commit that changed what a deal is worth, when it should
// close, its stage or its owner.
type changeRow struct {
	Date, Commit, CommitURL string
	What                    []string
}

// changes lists the commits of HEAD's first-parent line that changed the
// deal's value, expected close, stage or owner, newest first, with what
// changed; ok is false without git history.
func (rd *renderer) changes(id string) (rows []changeRow, ok bool) {
	h := rd.in.History
	if h == nil || !h.Usable {
		return nil, false
	}
	d := h.Deals[id]
	if d == nil {
		return nil, true
	}
	var prev *history.Facts
	for _, v := range d.Versions {
		if v.Broken {
			continue
		}
		f := v.Facts
		var what []string
		if prev == nil {
			what = append(what, "file added")
		} else {
			if f.Value != prev.Value || f.HasValue != prev.HasValue || f.Currency != prev.Currency {
				what = append(what, "value "+rd.valueText(prev)+" → "+rd.valueText(&f))
			}
			if f.ExpectedClose != prev.ExpectedClose {
				what = append(what, "expected close "+dateText(prev.ExpectedClose)+" → "+dateText(f.ExpectedClose))
			}
			if f.Stage != prev.Stage {
				what = append(what, "stage "+rd.stageName(prev.Stage)+" → "+rd.stageName(f.Stage))
			}
			if f.Owner != prev.Owner {
				what = append(what, "owner "+rd.ownerName(prev.Owner)+" → "+rd.ownerName(f.Owner))
			}
		}
		prev = &f
		if len(what) == 0 {
			continue
		}
		row := changeRow{Date: model.DateOf(v.Commit.When.In(rd.p.Zone())).String(), Commit: v.Commit.Hash[:min(len(v.Commit.Hash), 10)], What: what}
		if rd.opt.CommitBase != "" {
			row.CommitURL = rd.opt.CommitBase + v.Commit.Hash
		}
		rows = append(rows, row)
	}
	slices.Reverse(rows)
	return rows, true
}

func (rd *renderer) valueText(f *history.Facts) string {
	if !f.HasValue {
		return format.None
	}
	return format.Exact(f.Value, cmp.Or(f.Currency, rd.cur)) // as the file had it
}

func dateText(d model.Date) string {
	if d.IsZero() {
		return format.None
	}
	return d.String()
}
