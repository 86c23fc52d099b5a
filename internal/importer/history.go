package importer

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pipegen/pipegen/internal/model"
)

// fact is a date a row gives, with the column it came from. inferred marks
// a date the export does not give for that move.
type fact struct {
	date     model.Date
	col      int
	inferred bool
}

// stageFact is the date a deal entered a stage.
type stageFact struct {
	stage string
	fact
}

// facts are what a row says of a deal's way through the stages.
type facts struct {
	created fact   // the first move
	final   string // the stage the deal is in now
	finalAt fact   // when it entered it; a zero date when unknown
	entered []stageFact
}

// step is one move of the history built for a deal.
type step struct {
	stage string
	fact
}

// history builds the moves a deal's file records from what the export
// says, so that they pass check's rules: the deal starts in the first
// stage (or in an entry stage it entered on the day it was created),
// passes each stage whose date the export gives, in the order of those
// dates, where the pipeline's moves allow it, and ends in its stage now.
// Where the pipeline's moves pass stages the export gives no date for,
// they are recorded on the date of the next move the export does date
// (or of the last one, for the moves at the end), and marked inferred.
// A stage date before the deal was created is taken as the day it was
// created; a stage date after a closed deal's close is left out.
func (pl *plan) history(f facts) ([]step, error) {
	p := pl.p
	final := p.Stage(f.final)
	closed := final.Type != model.Open
	if !f.finalAt.date.IsZero() && f.finalAt.date < f.created.date {
		return nil, errBeforeCreated
	}
	var known []stageFact
	for _, e := range f.entered {
		s := p.Stage(e.stage)
		switch {
		case s == nil || e.date.IsZero():
		case e.stage == f.final:
			if f.finalAt.date.IsZero() {
				f.finalAt = e.fact
			}
		case s.Type == model.Open:
			e.date = max(e.date, f.created.date)
			if closed && !f.finalAt.date.IsZero() && e.date > f.finalAt.date {
				continue
			}
			known = append(known, e)
		}
	}
	if closed && f.finalAt.date.IsZero() {
		return nil, errNoCloseDate
	}
	if !f.finalAt.date.IsZero() {
		f.finalAt.date = max(f.finalAt.date, f.created.date)
		if !closed {
			known = append(known, stageFact{stage: f.final, fact: f.finalAt})
		}
	}
	slices.SortStableFunc(known, func(a, b stageFact) int {
		if a.date != b.date {
			return int(a.date - b.date)
		}
		ia, _ := p.StageIndex(a.stage)
		ib, _ := p.StageIndex(b.stage)
		return ia - ib
	})

	start := p.Stages[0].ID
	if len(known) > 0 && known[0].date == f.created.date && p.IsEntry(known[0].stage) {
		start = known[0].stage
	}
	steps := []step{{stage: start, fact: f.created}}
	used := map[string]bool{start: true}
	add := func(way []string, at fact) {
		for i, s := range way {
			mv := at
			mv.inferred = at.inferred || i < len(way)-1
			steps = append(steps, step{stage: s, fact: mv})
			used[s] = true
		}
	}
	for _, k := range known {
		cur := steps[len(steps)-1].stage
		if used[k.stage] {
			continue
		}
		way := pl.path(cur, k.stage, used)
		if way == nil {
			continue // a move back, or one the pipeline does not allow
		}
		if k.stage != f.final {
			after := with(used, way)
			if pl.path(k.stage, f.final, after) == nil {
				continue // the deal could not reach its stage from there
			}
		}
		add(way, k.fact)
	}
	if cur := steps[len(steps)-1].stage; cur != f.final {
		way := pl.path(cur, f.final, used)
		if way == nil {
			return nil, fmt.Errorf("pipeline.yaml allows no way from stage %q to stage %q", cur, f.final)
		}
		at := f.finalAt
		if at.date.IsZero() {
			at = steps[len(steps)-1].fact
			at.inferred = true
		}
		add(way, at)
	}
	return steps, nil
}

var (
	errBeforeCreated = errors.New("is before the deal was created")
	errNoCloseDate   = errors.New("no date for the deal's close")
)

// with returns used with the stages of way added, as a new set.
func with(used map[string]bool, way []string) map[string]bool {
	out := make(map[string]bool, len(used)+len(way))
	for s := range used {
		out[s] = true
	}
	for _, s := range way {
		out[s] = true
	}
	return out
}

// path returns the shortest way from stage from to stage to by the moves
// the pipeline allows — the stages after from, ending with to — passing
// only open stages not used yet; nil when there is none.
func (pl *plan) path(from, to string, used map[string]bool) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, next := range pl.p.Allowed(cur) {
			if _, seen := prev[next]; seen {
				continue
			}
			prev[next] = cur
			if next == to {
				var way []string
				for s := to; s != from; s = prev[s] {
					way = append(way, s)
				}
				slices.Reverse(way)
				return way
			}
			if s := pl.p.Stage(next); s != nil && s.Type == model.Open && !used[next] {
				queue = append(queue, next)
			}
		}
	}
	return nil
}
