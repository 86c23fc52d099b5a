// Package check applies pipegen's rules to a loaded repository: the
// pipeline's own consistency, each deal against the stages and lists that
// pipeline.yaml declares, and each deal's history against the move rules.
// Problems that the loader finds (syntax, types, unknown fields) are the
// loader's; check adds the rest, and never reports a value the loader
// already found broken.
package check

import (
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/unicode/norm"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/suggest"
)

// Options are the facts a check needs from outside the repository.
type Options struct {
	// Today is the real current date: history dated after it is an error.
	Today model.Date
	// AsOf is an explicit as-of date, or zero. With an as-of date later than
	// Today, dates up to it are accepted; an earlier one changes nothing
	// here, as later entries are simply not visible yet to the metrics.
	AsOf model.Date
	// Day is the day of the review: the as-of date, else today in the
	// pipeline's time zone. A next step due before it is overdue. Zero
	// skips the rules that need it.
	Day model.Date
}

// Check returns every problem the rules find in repo, sorted.
func Check(repo *model.Repo, opt Options) []diag.Diagnostic {
	p := repo.Pipeline
	lists := &lists{owners: set(len(p.Owners)), sources: set(len(p.Sources)), reasons: set(len(p.LostReasons))}
	for _, o := range p.Owners {
		lists.owners[o.ID] = true
	}
	for _, it := range p.Sources {
		lists.sources[it.ID] = true
	}
	for _, it := range p.LostReasons {
		lists.reasons[it.ID] = true
	}
	c := &checker{p: p, opt: opt, lists: lists}
	c.pipeline()
	c.caseConflicts(repo.Deals)
	c.duplicates(repo.Deals)

	// Deals are independent of one another: check them on every core.
	stagesOK := len(p.Stages) > 0
	workers := min(runtime.GOMAXPROCS(0), max(1, len(repo.Deals)/256))
	parts := make([]*checker, workers)
	var wg sync.WaitGroup
	for w := range workers {
		parts[w] = &checker{p: p, opt: opt, lists: lists}
		wg.Add(1)
		go func(pc *checker) {
			defer wg.Done()
			for i := w; i < len(repo.Deals); i += workers {
				pc.deal(repo.Deals[i], stagesOK)
			}
		}(parts[w])
	}
	wg.Wait()
	for _, pc := range parts {
		c.diags = append(c.diags, pc.diags...)
	}
	diag.Sort(c.diags)
	return c.diags
}

func set(n int) map[string]bool { return make(map[string]bool, n) }

// lists are pipeline.yaml's declared ids, for quick lookups.
type lists struct {
	owners, sources, reasons map[string]bool
}

type checker struct {
	p     *model.Pipeline
	opt   Options
	lists *lists
	diags []diag.Diagnostic
}

func (c *checker) report(sev diag.Severity, file string, p model.Pos, code, hint, format string, args ...any) {
	c.diags = append(c.diags, diag.Diagnostic{
		File: file, Line: p.Line, Column: p.Col, Severity: sev,
		Code: code, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

func (c *checker) errorf(file string, p model.Pos, code, hint, format string, args ...any) {
	c.report(diag.Error, file, p, code, hint, format, args...)
}

// orStart points at the start of a file when a position is unknown.
func orStart(p model.Pos) model.Pos {
	if p.Line == 0 {
		return model.Pos{Line: 1, Col: 1}
	}
	return p
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

func (c *checker) pipeline() {
	p := c.p
	file := p.File
	c.ids(file, "owner", func(yield func(string, model.Pos) bool) {
		for _, o := range p.Owners {
			if !yield(o.ID, o.IDPos) {
				return
			}
		}
	})
	c.ids(file, "source", items(p.Sources))
	c.ids(file, "lost reason", items(p.LostReasons))
	c.ids(file, "stage", func(yield func(string, model.Pos) bool) {
		for _, s := range p.Stages {
			if !yield(s.ID, s.IDPos) {
				return
			}
		}
	})

	var hasOpen, hasWon bool
	for _, s := range p.Stages {
		hasOpen = hasOpen || s.Type == model.Open
		hasWon = hasWon || s.Type == model.Won
		if s.Probability < 0 || s.Probability > 1 {
			c.errorf(file, s.ProbabilityPos, "bad-probability", "write a probability between 0 and 1, like 0.25 for 25%",
				"stage %q has probability %v, outside 0..1", s.ID, s.Probability)
		}
		if len(s.Guide) > model.MaxText {
			c.report(diag.Warning, file, s.IDPos, "long-text", "keep a guide to a page; link to longer documents",
				"the guide of stage %q is %d KiB; the dashboard shows the first %d KiB", s.ID, len(s.Guide)>>10, model.MaxText>>10)
		}
		for _, r := range s.Requires {
			if !contains(model.RequirableFields, r.ID) {
				c.errorf(file, r.Pos, "bad-requires", "a stage may require: "+strings.Join(model.RequirableFields, ", "),
					"stage %q requires %q, which is not a deal field%s", s.ID, r.ID, didYouMean(r.ID, model.RequirableFields))
			}
		}
	}
	if len(p.Stages) > 0 {
		if !hasOpen {
			c.errorf(file, orStart(p.Pos.Stages), "no-open-stage", "add at least one stage with type: open (the default)", "the pipeline has no open stage")
		}
		if !hasWon {
			c.errorf(file, orStart(p.Pos.Stages), "no-won-stage", "add a stage with type: won, like:\n  - id: won\n    type: won", "the pipeline has no won stage")
		}
	}

	for _, t := range p.Transitions {
		c.knownStage(file, t.From, t.FromPos, "transitions name")
		for _, to := range t.To {
			c.knownStage(file, to.ID, to.Pos, "transitions name")
		}
	}
	if p.QualifiedStage != "" {
		if s := c.knownStage(file, p.QualifiedStage, p.Pos.QualifiedStage, "qualified_stage names"); s != nil && s.Type == model.Lost {
			c.errorf(file, p.Pos.QualifiedStage, "bad-setting", "name an open or won stage, like qualified_stage: qualified", "qualified_stage %q is a lost stage", s.ID)
		}
	}

	c.targets(file)
	c.rates(file)
	c.fieldDefs(file)
	for _, s := range p.Spend {
		if s.Source != "" {
			c.knownSource(file, s.Source, s.SourcePos, "spend")
		}
		if s.Amount < 0 {
			c.errorf(file, s.AmountPos, "negative-value", "write the spend as a positive amount", "spend amount %s is negative", s.Amount)
		}
	}
}

func items(list []model.Item) func(yield func(string, model.Pos) bool) {
	return func(yield func(string, model.Pos) bool) {
		for _, it := range list {
			if !yield(it.ID, it.Pos) {
				return
			}
		}
	}
}

// ids checks that the ids of one kind are well-formed and unique.
func (c *checker) ids(file, what string, all func(yield func(string, model.Pos) bool)) {
	seen := map[string]int{}
	for id, pos := range all {
		if id == "" {
			continue
		}
		if !idPattern.MatchString(id) {
			hint := "ids are letters, digits, '-', '_' and '.', starting with a letter or digit"
			if what == "stage" || what == "owner" {
				hint += "; put the display name in name:"
			}
			c.errorf(file, pos, "bad-id", hint, "%s id %q is not a valid id", what, id)
		}
		if line, dup := seen[id]; dup {
			c.errorf(file, pos, "duplicate-id", fmt.Sprintf("ids must be unique; %q is first defined on line %d", id, line),
				"%s %q is defined twice", what, id)
			continue
		}
		seen[id] = pos.Line
	}
}

// stageIDs lists the distinct stage ids in pipeline order.
func (c *checker) stageIDs() []string {
	ids := make([]string, 0, len(c.p.Stages))
	for _, s := range c.p.Stages {
		if !contains(ids, s.ID) {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// knownStage reports an unknown stage id and returns the stage otherwise.
func (c *checker) knownStage(file, id string, pos model.Pos, what string) *model.Stage {
	if id == "" || len(c.p.Stages) == 0 {
		return nil
	}
	s := c.p.Stage(id)
	if s == nil {
		ids := c.stageIDs()
		names := make([]string, len(c.p.Stages))
		for i, st := range c.p.Stages {
			names[i] = st.Name
		}
		hint, mean := "the stages are "+suggest.Quoted(ids, "and"), didYouMean(id, ids)
		if named := suggest.Named(id, ids, names); named != "" {
			hint = fmt.Sprintf("%q is the name of stage %q: files name a stage by its id", id, named)
			mean = fmt.Sprintf(" — did you mean %q?", named)
		}
		c.errorf(file, pos, "unknown-stage", hint, "%s unknown stage %q%s", what, id, mean)
	}
	return s
}

func (c *checker) knownOwner(file, id string, pos model.Pos, what string) {
	if !c.p.HasOwners || c.lists.owners[id] {
		return
	}
	ids := make([]string, len(c.p.Owners))
	names := make([]string, len(c.p.Owners))
	for i, o := range c.p.Owners {
		ids[i], names[i] = o.ID, o.Name
	}
	hint, mean := listHint("owner", "owners", ids), didYouMean(id, ids)
	if named := suggest.Named(id, ids, names); named != "" {
		hint = fmt.Sprintf("%q is the name of owner %q: files name an owner by its id", id, named)
		mean = fmt.Sprintf(" — did you mean %q?", named)
	}
	c.errorf(file, pos, "unknown-owner", hint, "%s owner %q is not in the owners of pipeline.yaml%s", what, id, mean)
}

func (c *checker) knownSource(file, id string, pos model.Pos, what string) {
	if !c.p.HasSources || c.lists.sources[id] {
		return
	}
	ids := itemIDs(c.p.Sources)
	c.errorf(file, pos, "unknown-source", listHint("source", "sources", ids),
		"%s source %q is not in the sources of pipeline.yaml%s", what, id, didYouMean(id, ids))
}

func listHint(what, list string, ids []string) string {
	if len(ids) == 0 {
		return fmt.Sprintf("pipeline.yaml declares no %s: add it to %s there", list, list)
	}
	return fmt.Sprintf("use one of %s, or add it to %s in pipeline.yaml", suggest.Quoted(ids, "or"), list)
}

func itemIDs(list []model.Item) []string {
	ids := make([]string, len(list))
	for i, it := range list {
		ids[i] = it.ID
	}
	return ids
}

func didYouMean(s string, options []string) string {
	if c := suggest.Closest(s, options); c != "" && c != s {
		return fmt.Sprintf(" — did you mean %q?", c)
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// targets checks the revenue goals: known owners and teams, one goal per
// period and owner or team, a revenue above 0, and goals that add up — the
// owner targets of a team to the team's, the owner (or team) targets of a
// period to the period's overall target. Goals that do not add up are a
// warning: the dashboard would show two answers to "are we on track".
func (c *checker) targets(file string) {
	p := c.p
	teamOf := p.TeamOf()
	teams := map[string]bool{}
	for _, team := range teamOf {
		teams[team] = true
	}
	type key struct{ period, owner, team string }
	seen := map[key]int{}
	for _, t := range p.Targets {
		switch {
		case t.Owner != "" && t.Team != "":
			c.errorf(file, t.TeamPos, "bad-target", "a target is for the whole pipeline, one owner or one team: keep owner or team",
				"a target names both owner %q and team %q", t.Owner, t.Team)
		case t.Owner != "":
			c.knownOwner(file, t.Owner, t.OwnerPos, "target")
		case t.Team != "" && !teams[t.Team]:
			msg := fmt.Sprintf("team %q is not a team of the owners of pipeline.yaml", t.Team)
			names := slices.Sorted(maps.Keys(teams))
			if s := suggest.Closest(t.Team, names); s != "" {
				msg += fmt.Sprintf(" — did you mean %q?", s)
			}
			hint := "the teams are the team: values of owners: " + strings.Join(names, ", ")
			if len(names) == 0 {
				hint = "no owner has a team yet: give the owners of pipeline.yaml a team:, like team: EMEA"
			}
			c.errorf(file, t.TeamPos, "unknown-team", hint, "%s", msg)
		}
		switch {
		case t.Revenue < 0:
			c.errorf(file, t.RevPos, "negative-value", "write the goal as a positive amount", "target revenue %s is negative", t.Revenue)
		case t.Revenue == 0 && t.RevPos.Line > 0:
			c.errorf(file, t.RevPos, "bad-target", "write the goal as an amount above 0, or remove the target", "target revenue must be more than 0")
		}
		k := key{t.Period.Text, t.Owner, t.Team}
		if line, dup := seen[k]; dup {
			who := "the whole pipeline"
			switch {
			case t.Owner != "":
				who = fmt.Sprintf("owner %q", t.Owner)
			case t.Team != "":
				who = fmt.Sprintf("team %q", t.Team)
			}
			c.errorf(file, t.Pos, "duplicate-target", fmt.Sprintf("keep one target per period and owner or team; the other is on line %d", line),
				"a second target for %s in %s", who, t.Period.Text)
		}
		seen[k] = t.Pos.Line
	}
	c.targetsAddUp(file, teamOf)
}

// targetsAddUp warns where the targets of a period do not add up.
func (c *checker) targetsAddUp(file string, teamOf map[string]string) {
	// Sums of the owner and team targets, by period and by period and team.
	owners, teams, ownersOfTeam := map[string]model.Money{}, map[string]model.Money{}, map[string]model.Money{}
	var overall, ofTeams []*model.Target
	for i := range c.p.Targets {
		t := &c.p.Targets[i]
		switch {
		case t.Owner != "" && t.Team != "": // an error already
		case t.Owner != "":
			owners[t.Period.Text] += t.Revenue
			if tm := teamOf[t.Owner]; tm != "" {
				ownersOfTeam[t.Period.Text+"\x00"+tm] += t.Revenue
			}
		case t.Team != "":
			teams[t.Period.Text] += t.Revenue
			ofTeams = append(ofTeams, t)
		default:
			overall = append(overall, t)
		}
	}
	warn := func(t *model.Target, whose string, got model.Money, what string) {
		c.report(diag.Warning, c.p.File, t.RevPos, "targets-dont-add-up",
			"make the targets add up, or remove the ones that are not used",
			"the %s targets of %s add up to %s, not %s %s", whose, t.Period.Text, got, what, t.Revenue)
	}
	for _, t := range overall {
		if got, ok := owners[t.Period.Text]; ok && got != t.Revenue {
			warn(t, "owner", got, "the period's")
		}
		if got, ok := teams[t.Period.Text]; ok && got != t.Revenue {
			warn(t, "team", got, "the period's")
		}
	}
	for _, t := range ofTeams {
		if got, ok := ownersOfTeam[t.Period.Text+"\x00"+t.Team]; ok && got != t.Revenue {
			warn(t, "owner", got, "team "+t.Team+"'s")
		}
	}
}

// duplicates warns about two deal files that look like the same deal — the
// same title, or the same company and first history entry — as a copied
// file would: its value would count twice. It is a warning, since two deals
// with one customer can be real; the later file is named.
func (c *checker) duplicates(deals []*model.Deal) {
	byTitle := map[string]*model.Deal{}
	byStart := map[string]*model.Deal{}
	for _, d := range deals {
		var same *model.Deal
		if t := strings.ToLower(strings.TrimSpace(d.Title)); t != "" {
			if f, ok := byTitle[t]; ok {
				same = f
			} else {
				byTitle[t] = d
			}
		}
		if co := strings.ToLower(strings.TrimSpace(d.Company)); co != "" && len(d.History) > 0 && d.History[0].Stage != "" && !d.History[0].Date.IsZero() {
			k := co + "\x00" + d.History[0].Stage + "\x00" + d.History[0].Date.String()
			if f, ok := byStart[k]; ok && same == nil {
				same = f
			} else if !ok {
				byStart[k] = d
			}
		}
		if same != nil {
			c.report(diag.Warning, d.File, d.Pos.Title, "duplicate-deal", "if it is a copy, delete it before it is merged; if both are real deals, give them titles that tell them apart",
				"this deal looks like %s (%s): the same title, or the same company and first move", same.ID, same.File)
		}
	}
}

// caseConflicts reports deals whose ids differ only in case or in Unicode
// normalisation ("café" written with one code point for é or with two):
// they would collide on case-insensitive or normalising file systems
// (macOS, Windows) and in the site's URLs.
func (c *checker) caseConflicts(deals []*model.Deal) {
	first := make(map[string]*model.Deal, len(deals))
	for _, d := range deals {
		k := strings.ToLower(norm.NFC.String(d.ID))
		if f, ok := first[k]; ok {
			how := "only in case"
			if !strings.EqualFold(d.ID, f.ID) {
				how = "only in how its accented letters are encoded (Unicode NFC and NFD)"
			}
			c.errorf(d.File, model.Pos{}, "case-conflict", "rename one of the two files: on macOS and Windows they are the same file",
				"deal id %q differs from %q (%s) %s", d.ID, f.ID, f.File, how)
			continue
		}
		first[k] = d
	}
}
