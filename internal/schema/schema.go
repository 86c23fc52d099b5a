// Package schema writes the JSON Schemas (draft 2020-12) of pipegen's two
// file formats, a deal and pipeline.yaml, so that editors can check and
// complete the files while people type, long before pipegen check runs.
//
// The schemas follow the loader: the same fields, types, enums, date and
// amount forms. Rules that need the whole repository (transitions, dates in
// order, required fields per reached stage) stay with pipegen check.
package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pipegen/pipegen/internal/model"
)

const (
	draft = "https://json-schema.org/draft/2020-12/schema"

	// The $ids name the schemas without pointing at a place that would have
	// to serve them: editors read the schema from a file in the repository.
	dealID     = "urn:pipegen:schema:deal"
	pipelineID = "urn:pipegen:schema:pipeline"

	datePattern     = `^\d{4}-\d{2}-\d{2}$`
	idPattern       = `^[A-Za-z0-9][A-Za-z0-9._-]*$`
	periodPattern   = `^\d{4}(-Q[1-4]|-(0[1-9]|1[0-2]))?$`
	monthPattern    = `^\d{4}-(0[1-9]|1[0-2])$`
	currencyPattern = `^[A-Z]{3}$`
	emailPattern    = `^[^@ \t<>,;]+@[^@ \t<>,;]+$`
	webPattern      = `^https?://`

	// maxAmount is the largest amount the loader reads, in currency units.
	maxAmount = 1e12
)

var (
	reviews      = []string{"weekly", "biweekly", "monthly"}
	stageTypes   = []string{string(model.Open), string(model.Won), string(model.Lost)}
	onboardings  = []string{model.OnboardingInProgress, model.OnboardingSucceeded, model.OnboardingFailed}
	onboardingsD = []string{model.OnboardingSucceeded, model.OnboardingFailed} // need a date
)

// Deal returns the JSON Schema of a deal file. With a pipeline, the stages,
// and the owners, sources and lost reasons it declares, become lists of the
// values a deal may use, which editors offer as completions; with nil, they
// are plain text.
func Deal(p *model.Pipeline) ([]byte, error) {
	desc := "A deal: one file under deals/ of a pipegen pipeline repository, which pipegen check validates. See docs/reference.md."
	if p != nil {
		name := p.Name
		if name == "" {
			name = "this repository"
		}
		desc = fmt.Sprintf("A deal of %q: one file under deals/, which pipegen check validates. "+
			"The stages, owners, sources and lost reasons are those of its pipeline.yaml. See docs/reference.md.", name)
	}
	root := object(desc, []string{"title", "owner", "history"},
		field("title", nonBlank("What the deal is, in a few words. Required; spaces around it are removed.")),
		field("company", text("The customer's name.")),
		field("owner", owner(p)),
		field("source", source(p)),
		field("value", amount("Expected contract value in the deal's currency (currency:, else the pipeline's): 0 or more, at most two decimals, no currency sign. An open deal should have one, and stages may require it.")),
		field("currency", currency(p)),
		field("expected_close", date("When the deal is expected to close, YYYY-MM-DD. May be in the future.")),
		field("probability", fraction("This deal's own win probability, from 0 to 1 (0.6 is 60%). It overrides the current stage's probability in the weighted forecast.")),
		field("forecast", oneOf("This deal's forecast category, overriding its stage's: commit, best_case, pipeline or omitted.", model.ForecastCategories)),
		field("next_step", text("The next action on an open deal, like: Security review with their IT lead.")),
		field("next_step_date", date("When the next step is due, YYYY-MM-DD. check warns when it has passed on an open deal.")),
		field("fields", customFields(p)),
		field("contacts", list("People at the customer.",
			object("A person at the customer.", []string{"name"},
				field("name", nonBlank("The contact's name. Required.")),
				field("email", &node{Type: "string", Description: "The contact's email address: just the address, not Name <address>.", Pattern: emailPattern}),
				field("role", text("The contact's role, like CFO.")),
			))),
		field("history", history(p)),
		field("emails", object("Outreach email counts, for the email open rate.", nil,
			field("sent", whole("How many outreach emails were sent.", 0)),
			field("opened", whole("How many of the emails sent were opened: at most sent.", 0)),
		)),
		field("onboarding", onboarding()),
		field("churned", date("The day the customer left, YYYY-MM-DD. Only on a won deal, and not before the win.")),
		field("notes", text("Markdown, shown on the deal's page. Write notes: | for several lines.")),
	)
	root.Schema, root.ID, root.Title = draft, dealID, "pipegen deal"
	return encode(root)
}

// currency is a deal's currency: with a pipeline, its own or one that
// pipeline.yaml gives rates for.
func currency(p *model.Pipeline) *node {
	const desc = "The currency of the deal's value, three capital letters like EUR; without it, the pipeline's. The dashboard converts it at the rates of pipeline.yaml."
	if p == nil || p.Currency == "" {
		return &node{Type: "string", Description: desc, Pattern: currencyPattern}
	}
	codes := []string{p.Currency}
	for _, r := range p.Rates {
		if !slices.Contains(codes, r.Currency) {
			codes = append(codes, r.Currency)
		}
	}
	return oneOf(desc+" One of "+listing(codes)+".", codes)
}

// customFields are the extra fields pipeline.yaml declares: with a
// pipeline, exactly those, each with its values or as a number.
func customFields(p *model.Pipeline) *node {
	const desc = "Values of the extra fields that pipeline.yaml declares under fields:, like industry: retail."
	if p == nil {
		return &node{Type: "object", Description: desc, PropertyNames: &node{Pattern: idPattern},
			AdditionalProperties: &node{Type: []string{"string", "number"}}}
	}
	var props []prop
	for _, f := range p.Fields {
		name := f.Name()
		switch {
		case f.Number:
			props = append(props, field(f.ID, &node{Type: "number", Description: name + ": a number."}))
		case f.Enumerated():
			ids := itemIDs(f.Values)
			props = append(props, field(f.ID, oneOf(name+": one of "+listing(ids)+".", ids)))
		}
	}
	return object(desc, nil, props...)
}

func owner(p *model.Pipeline) *node {
	const desc = "The sales rep who owns the deal."
	if p == nil || !p.HasOwners {
		return nonBlank(desc + " When pipeline.yaml declares owners, one of their ids.")
	}
	var ids, named []string
	for _, o := range p.Owners {
		if o.ID != "" && !slices.Contains(ids, o.ID) {
			ids = append(ids, o.ID)
			named = append(named, withName(o.ID, o.Name))
		}
	}
	return oneOf(desc+" One of the owners of pipeline.yaml: "+listing(named)+".", ids)
}

func source(p *model.Pipeline) *node {
	const desc = "Where the lead came from."
	if p == nil || !p.HasSources {
		return text(desc + " When pipeline.yaml declares sources, one of them.")
	}
	ids := itemIDs(p.Sources)
	return oneOf(desc+" One of the sources of pipeline.yaml: "+listing(ids)+".", ids)
}

func history(p *model.Pipeline) *node {
	stage := id("The stage the deal entered: a stage id from pipeline.yaml.")
	reason := text("Why the deal moved. Required on a move into a stage whose requires lists reason. On a move into a lost stage, one of the lost_reasons of pipeline.yaml when it declares them.")
	var rules []*node
	if p != nil {
		var ids, named, lost, needReason []string
		for _, s := range p.Stages {
			if s.ID == "" || slices.Contains(ids, s.ID) {
				continue
			}
			ids = append(ids, s.ID)
			named = append(named, withName(s.ID, s.Name))
			if s.Type == model.Lost {
				lost = append(lost, s.ID)
			}
			if slices.ContainsFunc(s.Requires, func(it model.Item) bool { return it.ID == "reason" }) {
				needReason = append(needReason, s.ID)
			}
		}
		if len(ids) > 0 {
			stage = oneOf("The stage the deal entered, one of: "+listing(named)+".", ids)
		}
		// A move into a stage that requires a reason must give one, and a
		// move into a lost stage must give a listed one. When those are the
		// same stages, as they usually are, one rule says both.
		var required *node
		if len(needReason) > 0 {
			required = &node{If: stageIn(needReason), Then: &node{Required: []string{"reason"}}}
			rules = append(rules, required)
		}
		if p.HasLostReasons && len(lost) > 0 {
			reasons := itemIDs(p.LostReasons)
			reason.Examples = reasons
			listed := required
			if !slices.Equal(needReason, lost) {
				listed = &node{If: stageIn(lost), Then: &node{}}
				rules = append(rules, listed)
			}
			listed.Then.Properties = props{field("reason",
				oneOf("Why the deal was lost, one of: "+listing(reasons)+".", reasons))}
		}
	}
	move := object("One stage move: the deal entered stage on date.", []string{"stage", "date"},
		field("stage", stage),
		field("date", date("The day the deal entered the stage, YYYY-MM-DD: not before the move before it, and not in the future.")),
		field("reason", reason),
	)
	move.AllOf = rules
	h := list("The deal's stage moves, oldest first; the last one is its current stage. A deal is never deleted: end it with a move to a won or lost stage.", move)
	h.MinItems = atLeast(1)
	return h
}

// stageIn matches a history entry into one of the stages.
func stageIn(stages []string) *node {
	return &node{Required: []string{"stage"}, Properties: props{field("stage", &node{Description: "The stages this rule applies to.", Enum: stages})}}
}

func onboarding() *node {
	o := object("How the customer's onboarding went, recorded by customer success after the win. Only on a won deal.", []string{"status"},
		field("status", oneOf("in_progress, succeeded or failed.", onboardings)),
		field("date", date("When onboarding ended, YYYY-MM-DD: required once it succeeded or failed, and not before the win.")),
	)
	o.If = &node{Required: []string{"status"}, Properties: props{field("status", &node{Description: "A finished onboarding.", Enum: onboardingsD})}}
	o.Then = &node{Required: []string{"date"}}
	return o
}

// Pipeline returns the JSON Schema of pipeline.yaml.
func Pipeline() ([]byte, error) {
	stageID := id("A stage id.")
	transitions := &node{
		Type:          "object",
		Description:   "Which moves are allowed out of the stages it names, replacing the default rule for them entirely: a stage id, then the list of stage ids a deal may move to from there.",
		PropertyNames: &node{Pattern: idPattern},
		AdditionalProperties: &node{Type: "array", Description: "The stages a deal may move to from this stage; [] allows none.",
			Items: stageID},
	}
	period := &node{
		Type:        []string{"string", "integer"},
		Description: "A year, a quarter or a month: 2026, 2026-Q4 or 2026-10.",
		Pattern:     periodPattern, Minimum: num(1), Maximum: num(9999),
	}
	sources := list("Lead sources. When present, every deal's and spend entry's source must be one of them (an empty list accepts none).",
		id("A lead source id, like webinar or referral."))
	sources.UniqueItems = true
	reasons := list("Reasons a deal can be lost for. When present, a move into a lost stage that gives a reason must give one of them (an empty list accepts none).",
		id("A lost reason id, like budget or no-decision."))
	reasons.UniqueItems = true
	requires := list("Fields a deal must have once it has reached this stage. reason applies to the move into this stage instead, which must give one.",
		oneOf("A deal field, or reason.", model.RequirableFields))
	requires.UniqueItems = true

	root := object("pipeline.yaml: the stages a deal goes through and the team's settings, for pipegen. See docs/reference.md.",
		[]string{"name", "currency", "stages"},
		field("name", nonBlank("The pipeline's name, shown in the site header. Required.")),
		field("currency", &node{Type: "string", Description: "The one currency of every amount in the repository: three capital letters, like USD or EUR. Required.", Pattern: currencyPattern}),
		field("review", &node{Type: "string", Description: "The review cadence, the length of the dashboard's current window: weekly (7 days), biweekly (14) or monthly (30).", Enum: reviews, Default: "weekly"}),
		field("as_of", date("Pins the dashboard date, YYYY-MM-DD, for demos and reproducible reports; pipegen check uses it as its as-of date too. Default: today.")),
		field("timezone", &node{Type: "string", Description: "An IANA time zone name, like Europe/Kyiv: what today means for the dashboard. Default: UTC."}),
		field("rate_days", &node{Type: "integer", Description: "The trailing window of the rates (win rate, cycle, CAC…), in days.", Minimum: num(1), Maximum: num(model.MaxDays), Default: 90}),
		field("repository", &node{Type: "string", Description: "The repository's web address, starting with https:// or http://, for \"edit this file\" links.", Format: "uri", Pattern: webPattern}),
		field("qualified_stage", id("The stage that counts as qualified for the qualification rate: an open or won stage. Default: the second open stage.")),
		field("funnel_days", &node{Type: "integer", Description: "The funnel cohort: conversion metrics use the deals created in the last this many days.", Minimum: num(1), Maximum: num(model.MaxDays), Default: 365}),
		field("owners", list("The sales reps. When present, every deal's and target's owner must be one of their ids (an empty list accepts none).",
			object("A sales rep.", []string{"id"},
				field("id", id("What deals write in owner: letters, digits, -, _ and ., starting with a letter or digit. Required.")),
				field("name", text("Display name, like Olena Kovalenko.")),
				field("team", text("Team, for grouping, like EMEA.")),
			))),
		field("sources", sources),
		field("lost_reasons", reasons),
		field("stages", list("The pipeline's stages, in pipeline order: the order decides the default moves, the first stage and which stages a deal has reached. At least one open and one won stage. Required.",
			object("One stage of the pipeline.", []string{"id"},
				field("id", id("What deals write in history as stage: letters, digits, -, _ and ., starting with a letter or digit. Unique. Required.")),
				field("name", text("Display name on the dashboard. Default: the id.")),
				field("type", &node{Type: "string", Description: "open: the deal is in progress; won or lost: the deal is closed.", Enum: stageTypes, Default: string(model.Open)}),
				field("probability", fraction("Win probability for the weighted forecast, from 0 to 1. Default: 1 for won, 0 for lost; an open stage without one counts its deals as 0.")),
				field("rot_after", days("Days in this stage after which an open deal is stuck. Without it, deals here are never stuck.")),
				field("forecast", oneOf("The forecast category of deals in this stage: commit, best_case, pipeline or omitted.", model.ForecastCategories)),
				field("entry", &node{Type: "boolean", Description: "Deals may also start in this stage, like referrals that arrive qualified. The first stage always may.", Default: false}),
				field("requires", requires),
				field("guide", text("Markdown: what the stage means, its exit criteria, the playbook. Shown on the site's stages page.")),
			))),
		field("transitions", transitions),
		field("targets", list("Revenue goals that the dashboard tracks: one per period for the whole pipeline, and one per period and owner or team.",
			object("A revenue goal for a period.", []string{"period", "revenue"},
				field("period", period),
				field("owner", text("An owner id, for one rep's goal; without owner or team, the whole pipeline's goal.")),
				field("team", text("A team of the owners list, for that team's goal; never with owner.")),
				field("revenue", amount("The goal, in the pipeline currency: more than 0, at most two decimals.")),
			))),
		field("spend", list("Acquisition spend per month, for cost per lead and customer acquisition cost.",
			object("What was spent in one month.", []string{"month", "amount"},
				field("month", &node{Type: "string", Description: "The month, YYYY-MM, like 2026-10 (not a quarter or a year).", Pattern: monthPattern}),
				field("source", text("The lead source it was spent on; without it the spend is not tied to a source.")),
				field("amount", amount("The spend, in the pipeline currency: 0 or more, at most two decimals.")),
			))),
		field("rates", list("Exchange rates, for deals whose currency: is not the pipeline's: what one unit of a currency is worth in the pipeline currency, from a day on until that currency's next rate.",
			object("One currency's rate from a day on.", []string{"currency", "rate", "from"},
				field("currency", &node{Type: "string", Description: "The deals' currency, three capital letters like EUR; not the pipeline's own.", Pattern: currencyPattern}),
				field("rate", &node{Type: "number", Description: "What one unit of the currency is worth in the pipeline currency, like 1.08: more than 0, at most 8 decimals.", ExclusiveMinimum: num(0), Maximum: num(model.MaxRate)}),
				field("from", date("The first day the rate applies, YYYY-MM-DD. A deal in the currency needs a rate in force on the day it was created.")),
			))),
		field("fields", list("Extra deal fields. Each with values is a breakdown on the dashboard; deals set them under fields:.",
			object("An extra deal field: with values (enumerated) or type: number.", []string{"id"},
				field("id", id("What deals write under fields:, like industry. Unique. Required.")),
				field("title", text("Display name on the dashboard. Default: the id.")),
				field("values", &node{Type: "array", Description: "What deals may write, like [retail, health, finance]; not with type.", Items: text("A value."), MinItems: atLeast(1), UniqueItems: true}),
				field("type", &node{Type: "string", Description: "number: deals write a number; not with values.", Enum: []string{"number"}}),
			))),
	)
	root.Schema, root.ID, root.Title = draft, pipelineID, "pipegen pipeline.yaml"
	return encode(root)
}

func itemIDs(items []model.Item) []string {
	ids := []string{}
	for _, it := range items {
		if it.ID != "" && !slices.Contains(ids, it.ID) {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// withName writes an id with its display name, when that says more.
func withName(id, name string) string {
	if name == "" || name == id {
		return id
	}
	return id + " (" + name + ")"
}

func listing(items []string) string {
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ", ")
}
