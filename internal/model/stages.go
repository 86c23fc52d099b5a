package model

// Stage returns the stage with the given id, or nil.
func (p *Pipeline) Stage(id string) *Stage {
	i, ok := p.StageIndex(id)
	if !ok {
		return nil
	}
	return &p.Stages[i]
}

// StageIndex returns the position of a stage in pipeline order (the first
// stage with that id, when ids repeat).
func (p *Pipeline) StageIndex(id string) (int, bool) {
	if p.index != nil {
		i, ok := p.index[id]
		return i, ok
	}
	// A pipeline built by hand rather than parsed.
	for i, s := range p.Stages {
		if s.ID == id {
			return i, true
		}
	}
	return 0, false
}

// Index builds the stage lookup and the rates of each currency once the
// stages and rates are known. The parser calls it when it has read
// pipeline.yaml, so that every later reader, on any goroutine, only reads
// the pipeline; code that changes Stages or Rates afterwards calls it
// again.
func (p *Pipeline) Index() {
	p.index = make(map[string]int, len(p.Stages))
	for i, s := range p.Stages {
		if _, dup := p.index[s.ID]; !dup {
			p.index[s.ID] = i
		}
	}
	p.indexRates()
}

// Transition returns the explicit transition rule for a stage, if any.
func (p *Pipeline) Transition(from string) (*Transition, bool) {
	for i := range p.Transitions {
		if p.Transitions[i].From == from {
			return &p.Transitions[i], true
		}
	}
	return nil, false
}

// Allowed returns the stages a deal in stage from may move to, in pipeline
// order for the default rule and as written for an explicit transition.
//
// The default rule: an open stage may move to the next open stage, the last
// open stage may move to a won stage, and any open stage may move to any lost
// stage. Won and lost stages are final.
func (p *Pipeline) Allowed(from string) []string {
	if t, ok := p.Transition(from); ok {
		to := make([]string, len(t.To))
		for i, it := range t.To {
			to[i] = it.ID
		}
		return to
	}
	s := p.Stage(from)
	if s == nil || s.Type != Open {
		return nil
	}
	var next string
	seen, last := false, true
	for _, o := range p.Stages {
		if o.Type != Open {
			continue
		}
		if seen {
			next, last = o.ID, false
			break
		}
		if o.ID == from {
			seen = true
		}
	}
	var to []string
	for _, o := range p.Stages {
		switch {
		case o.Type == Open && o.ID == next:
			to = append(to, o.ID)
		case o.Type == Won && last:
			to = append(to, o.ID)
		case o.Type == Lost:
			to = append(to, o.ID)
		}
	}
	return to
}

// IsEntry reports whether a deal may start in the stage: the first stage, or
// one marked entry.
func (p *Pipeline) IsEntry(id string) bool {
	if len(p.Stages) > 0 && p.Stages[0].ID == id {
		return true
	}
	s := p.Stage(id)
	return s != nil && s.Entry
}

// EntryStages lists the stages a deal may start in.
func (p *Pipeline) EntryStages() []string {
	var ids []string
	for i, s := range p.Stages {
		if i == 0 || s.Entry {
			ids = append(ids, s.ID)
		}
	}
	return ids
}

// Qualified returns the stage that counts as "qualified": the setting, or
// else the second open stage.
func (p *Pipeline) Qualified() string {
	if p.QualifiedStage != "" {
		return p.QualifiedStage
	}
	n := 0
	for _, s := range p.Stages {
		if s.Type == Open {
			n++
			if n == 2 {
				return s.ID
			}
		}
	}
	return ""
}

// OwnerByID returns the declared owner with that id, or nil.
func (p *Pipeline) OwnerByID(id string) *Owner {
	for i := range p.Owners {
		if p.Owners[i].ID == id {
			return &p.Owners[i]
		}
	}
	return nil
}

// Team is a team of the owners list and its owners, in the order
// pipeline.yaml lists them.
type Team struct {
	ID     string
	Owners []string
}

// Teams returns the teams of the owners list in the order they first
// appear.
func (p *Pipeline) Teams() []Team {
	var teams []Team
	at := map[string]int{}
	for _, o := range p.Owners {
		if o.Team == "" {
			continue
		}
		k, ok := at[o.Team]
		if !ok {
			k = len(teams)
			at[o.Team] = k
			teams = append(teams, Team{ID: o.Team})
		}
		teams[k].Owners = append(teams[k].Owners, o.ID)
	}
	return teams
}

// TeamOf maps each owner that has a team to it.
func (p *Pipeline) TeamOf() map[string]string {
	teamOf := map[string]string{}
	for _, o := range p.Owners {
		if o.Team != "" {
			teamOf[o.ID] = o.Team
		}
	}
	return teamOf
}
