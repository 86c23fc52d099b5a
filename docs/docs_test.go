package docs

import (
	"regexp"
	"strings"
	"testing"
)

// anchorIDs are the ids that the dashboard links to (metrics.html#ID): every one
// must be defined exactly once in metrics.md.
var anchorIDs = []string{
	// time
	"as-of", "review-window", "rate-window", "funnel-cohort", "previous", "small-sample",
	// snapshot
	"open_deals", "open_value", "weighted_value", "stuck_deals", "overdue_deals",
	"overdue_value", "no_next_step", "overdue_next_step",
	// activity
	"leads", "new_value", "won_deals", "won_value", "lost_deals", "lost_value", "spend",
	"backward_moves",
	// rates
	"win_rate", "win_rate_by_value", "closed_deals", "avg_deal_size", "sales_cycle_days",
	"sales_cycle_mean_days", "won_deals_rated", "sales_velocity", "cost_per_lead",
	"leads_rated", "cac", "email_open_rate", "emails_sent", "churn_rate",
	"revenue_churn_rate", "customers_at_start", "onboarding_success_rate",
	"onboardings_ended", "qualification_rate", "lead_conversion_rate",
	// stages
	"reached", "reached_value", "conversion_to_next", "decided_conversion_to_next",
	"open_count", "time_in_stage", "stuck",
	// groups
	"sources", "owners", "teams",
	// targets
	"targets", "target_status", "attainment", "commit", "best_case", "pipeline",
	"forecast", "coverage",
	// movement
	"movement", "pushed", "pulled_in", "push_count",
	// json
	"json",
}

var (
	anchorRE     = regexp.MustCompile(`<a id="([^"]*)"></a>`)
	anchorLineRE = regexp.MustCompile(`^<a id="[^"]+"></a>$`)
	linkRE       = regexp.MustCompile(`\]\(#([^)]*)\)`)
)

// definedIDs counts every <a id="…"></a> in Metrics.
func definedIDs() map[string]int {
	ids := map[string]int{}
	for _, m := range anchorRE.FindAllStringSubmatch(Metrics, -1) {
		ids[m[1]]++
	}
	return ids
}

func TestAnchorsDefinedOnce(t *testing.T) {
	listed := map[string]bool{}
	for _, id := range anchorIDs {
		if listed[id] {
			t.Errorf("the test lists %q twice", id)
		}
		listed[id] = true
	}
	ids := definedIDs()
	for id, n := range ids {
		if n > 1 {
			t.Errorf("metrics.md defines anchor %q %d times", id, n)
		}
	}
	for _, id := range anchorIDs {
		if ids[id] == 0 {
			t.Errorf("metrics.md lacks anchor %q (<a id=%q></a>)", id, id)
		}
	}
}

// TestAnchorLines checks the layout the renderers rely on: each anchor on a line of
// its own, a group of anchor lines followed by a blank line and then the heading or
// paragraph that defines them.
func TestAnchorLines(t *testing.T) {
	lines := strings.Split(Metrics, "\n")
	for i, line := range lines {
		if !strings.Contains(line, "<a ") {
			continue
		}
		if !anchorLineRE.MatchString(line) {
			t.Errorf("line %d: an anchor must be alone on its line as <a id=\"…\"></a>: %q", i+1, line)
			continue
		}
		if i+1 < len(lines) && anchorLineRE.MatchString(lines[i+1]) {
			continue
		}
		if i+2 >= len(lines) || lines[i+1] != "" || strings.TrimSpace(lines[i+2]) == "" {
			t.Errorf("line %d: an anchor must be followed by a blank line and then its heading or paragraph", i+1)
		}
	}
}

// TestLinksResolve checks that every link within the page (](#id)) points at an
// anchor the page defines: the site renders headings without generated ids.
func TestLinksResolve(t *testing.T) {
	ids := definedIDs()
	for _, m := range linkRE.FindAllStringSubmatch(Metrics, -1) {
		if ids[m[1]] == 0 {
			t.Errorf("link to #%s, which metrics.md does not define", m[1])
		}
	}
}
