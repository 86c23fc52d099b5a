package importer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
)

const testPipeline = `name: Test
currency: USD
owners:
  - {id: ann, name: Ann Smith}
  - {id: bob, name: Bob Jones}
sources: [webinar, referral]
lost_reasons: [budget, competitor]
stages:
  - {id: lead, name: Prospecting, probability: 0.1}
  - {id: qualified, entry: true, requires: [value], probability: 0.2}
  - {id: demo, probability: 0.3}
  - {id: proposal, requires: [value, expected_close], probability: 0.5}
  - {id: negotiation, probability: 0.8}
  - {id: won, type: won}
  - {id: lost, type: lost, requires: [reason]}
transitions:
  negotiation: [proposal, won, lost]
`

func testPlan(t testing.TB, src string) *plan {
	t.Helper()
	p, diags := load.ParsePipeline("pipeline.yaml", []byte(src))
	if diag.HasErrors(diags) {
		t.Fatal(diags)
	}
	pl, diags := newPlan(CSV, nil, nil, "map.yaml", "deals.csv", p)
	_ = diags // no columns: only the pipeline's part is used
	return pl
}

func day(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// steps writes a history as "stage date" pairs, an inferred date marked ~.
func steps(ss []step) string {
	var parts []string
	for _, s := range ss {
		mark := ""
		if s.inferred {
			mark = "~"
		}
		parts = append(parts, fmt.Sprintf("%s %s%s", s.stage, mark, s.date))
	}
	return strings.Join(parts, ", ")
}

func TestHistory(t *testing.T) {
	pl := testPlan(t, testPipeline)
	at := func(s string) fact { return fact{date: day(s)} }
	entered := func(pairs ...string) []stageFact {
		var out []stageFact
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, stageFact{stage: pairs[i], fact: at(pairs[i+1])})
		}
		return out
	}
	tests := []struct {
		name string
		f    facts
		want string
	}{
		{"created in the first stage",
			facts{created: at("2026-01-05"), final: "lead"},
			"lead 2026-01-05"},
		{"an open stage without a date: the stages before it on the created day",
			facts{created: at("2026-01-05"), final: "demo"},
			"lead 2026-01-05, qualified ~2026-01-05, demo ~2026-01-05"},
		{"the date of the stage now: the stages passed carry it",
			facts{created: at("2026-01-05"), final: "proposal", finalAt: at("2026-02-01")},
			"lead 2026-01-05, qualified ~2026-02-01, demo ~2026-02-01, proposal 2026-02-01"},
		{"won: every open stage to the last, then won",
			facts{created: at("2026-01-05"), final: "won", finalAt: at("2026-03-01")},
			"lead 2026-01-05, qualified ~2026-03-01, demo ~2026-03-01, proposal ~2026-03-01, negotiation ~2026-03-01, won 2026-03-01"},
		{"lost from the first stage: any open stage may be lost",
			facts{created: at("2026-01-05"), final: "lost", finalAt: at("2026-01-20")},
			"lead 2026-01-05, lost 2026-01-20"},
		{"lost after the stage the deal reached",
			facts{created: at("2026-01-05"), final: "lost", finalAt: at("2026-03-01"), entered: entered("demo", "2026-02-10")},
			"lead 2026-01-05, qualified ~2026-02-10, demo 2026-02-10, lost 2026-03-01"},
		{"stage dates of every stage (HubSpot's date entered columns)",
			facts{created: at("2026-01-05"), final: "won", finalAt: at("2026-04-01"),
				entered: entered("lead", "2026-01-05", "qualified", "2026-01-10", "demo", "2026-01-20", "proposal", "2026-02-01", "negotiation", "2026-03-01")},
			"lead 2026-01-05, qualified 2026-01-10, demo 2026-01-20, proposal 2026-02-01, negotiation 2026-03-01, won 2026-04-01"},
		{"created in an entry stage: it starts there",
			facts{created: at("2026-01-05"), final: "demo", finalAt: at("2026-01-20"), entered: entered("qualified", "2026-01-05")},
			"qualified 2026-01-05, demo 2026-01-20"},
		{"a stage date before the deal was created counts as the created day",
			facts{created: at("2026-01-05"), final: "demo", entered: entered("qualified", "2025-12-31")},
			"qualified 2026-01-05, demo ~2026-01-05"},
		{"a move back (entered proposal, then demo again): the deal ends in its stage now",
			facts{created: at("2026-01-05"), final: "demo", finalAt: at("2026-01-20"), entered: entered("proposal", "2026-02-01")},
			"lead 2026-01-05, qualified ~2026-01-20, demo 2026-01-20"},
		{"back from negotiation to proposal, a move transitions allow",
			facts{created: at("2026-01-05"), final: "proposal", finalAt: at("2026-03-01"), entered: entered("negotiation", "2026-02-01")},
			"lead 2026-01-05, qualified ~2026-02-01, demo ~2026-02-01, proposal ~2026-02-01, negotiation 2026-02-01, proposal 2026-03-01"},
		{"a stage date after the close is left out",
			facts{created: at("2026-01-05"), final: "lost", finalAt: at("2026-02-01"), entered: entered("demo", "2026-03-01")},
			"lead 2026-01-05, lost 2026-02-01"},
		{"dates on the same day keep the pipeline's order",
			facts{created: at("2026-01-05"), final: "proposal", entered: entered("demo", "2026-01-07", "qualified", "2026-01-07")},
			"lead 2026-01-05, qualified 2026-01-07, demo 2026-01-07, proposal ~2026-01-07"},
	}
	for _, tt := range tests {
		got, err := pl.history(tt.f)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if s := steps(got); s != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, s, tt.want)
		}
	}
}

func TestHistoryErrors(t *testing.T) {
	pl := testPlan(t, testPipeline)
	at := func(s string) fact { return fact{date: day(s)} }
	if _, err := pl.history(facts{created: at("2026-02-01"), final: "won", finalAt: at("2026-01-01")}); err != errBeforeCreated {
		t.Errorf("closed before created: %v", err)
	}
	if _, err := pl.history(facts{created: at("2026-02-01"), final: "lost"}); err != errNoCloseDate {
		t.Errorf("lost without a date: %v", err)
	}
	// A pipeline whose moves never reach won from the first stage.
	closed := testPlan(t, testPipeline+"  lead: [lost]\n")
	_, err := closed.history(facts{created: at("2026-01-01"), final: "won", finalAt: at("2026-02-01")})
	if err == nil || !strings.Contains(err.Error(), `allows no way from stage "lead" to stage "won"`) {
		t.Errorf("no way to won: %v", err)
	}
}
