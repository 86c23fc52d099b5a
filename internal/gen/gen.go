// Package gen writes realistic generated pipeline repositories — any number
// of deals with believable histories, owners, sources, values, notes, spend
// and targets — deterministic for a seed. Tests use it for invariants and
// scale, benchmarks for speed.
package gen

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/pipegen/pipegen/internal/model"
)

// Options describe the repository to generate.
type Options struct {
	Seed  uint64
	Deals int
	// End is the last day anything may happen; deals are created over the
	// Months before it.
	End    model.Date
	Months int
}

var (
	owners  = []string{"ana", "ben", "chen", "dara", "eli", "fatima", "goran", "hana"}
	teams   = []string{"EMEA", "EMEA", "Americas", "Americas", "Americas", "APAC", "EMEA", "APAC"}
	sources = []string{"webinar", "referral", "outbound", "website", "event"}
	reasons = []string{"budget", "competitor", "timing", "no-decision", "fit"}
	words   = []string{"analytics", "platform", "rollout", "renewal", "pilot", "expansion", "suite", "integration", "migration", "seats"}
	firms   = []string{"Northwind", "Contoso", "Fabrikam", "Tailspin", "Wingtip", "Litware", "Adventure", "Proseware", "Lucerne", "Humongous", "Alpine", "Coho", "Margie", "Trey", "Woodgrove", "Fourth"}
)

// Stages of generated pipelines, in order.
var stageIDs = []string{"lead", "qualified", "demo", "proposal", "negotiation", "won", "lost"}

// Pipeline returns the text of a pipeline.yaml for generated deals.
func Pipeline(opt Options) []byte {
	var b strings.Builder
	b.WriteString("name: Generated Sales\ncurrency: USD\nreview: weekly\nfunnel_days: 365\n")
	b.WriteString("owners:\n")
	for i, o := range owners {
		fmt.Fprintf(&b, "  - {id: %s, name: %s, team: %s}\n", o, strings.ToUpper(o[:1])+o[1:], teams[i])
	}
	fmt.Fprintf(&b, "sources: [%s]\nlost_reasons: [%s]\n", strings.Join(sources, ", "), strings.Join(reasons, ", "))
	b.WriteString(`stages:
  - {id: lead, name: Prospecting, probability: 0.05, rot_after: 14, forecast: omitted, guide: "Find the **budget holder**."}
  - {id: qualified, probability: 0.2, rot_after: 21, entry: true, requires: [value]}
  - {id: demo, probability: 0.35, rot_after: 21, requires: [value]}
  - {id: proposal, probability: 0.5, rot_after: 21, forecast: best_case, requires: [value, expected_close]}
  - {id: negotiation, probability: 0.8, rot_after: 30, forecast: commit, requires: [value, expected_close]}
  - {id: won, name: Closed won, type: won}
  - {id: lost, name: Closed lost, type: lost, requires: [reason]}
transitions:
  negotiation: [proposal, won, lost]
targets:
`)
	y, m, _ := opt.End.YMD()
	fmt.Fprintf(&b, "  - {period: %d, revenue: %d}\n", y, 400*opt.Deals+100000)
	for q := 1; q <= 4; q++ {
		fmt.Fprintf(&b, "  - {period: %d-Q%d, revenue: %d}\n", y, q, 100*opt.Deals+25000)
	}
	ownerTarget := 15*opt.Deals + 5000
	for _, o := range owners[:3] {
		fmt.Fprintf(&b, "  - {period: %d-Q%d, owner: %s, revenue: %d}\n", y, (m-1)/3+1, o, ownerTarget)
	}
	// The team targets add up with their owners' (ana and ben of EMEA,
	// chen of the Americas).
	fmt.Fprintf(&b, "  - {period: %d-Q%d, team: EMEA, revenue: %d}\n", y, (m-1)/3+1, 2*ownerTarget)
	fmt.Fprintf(&b, "  - {period: %d-Q%d, team: Americas, revenue: %d}\n", y, (m-1)/3+1, ownerTarget)
	b.WriteString("spend:\n")
	for k := opt.Months; k >= 0; k-- {
		yy, mm := y, m-k
		for mm < 1 {
			mm += 12
			yy--
		}
		for i, s := range sources {
			fmt.Fprintf(&b, "  - {month: %04d-%02d, source: %s, amount: %d}\n", yy, mm, s, 1000+(i*1300+k*700)%9000)
		}
		fmt.Fprintf(&b, "  - {month: %04d-%02d, amount: 1500}\n", yy, mm)
	}
	return []byte(b.String())
}

// Deals returns the deal files, by path under deals/.
func Deals(opt Options) map[string][]byte {
	r := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	files := make(map[string][]byte, opt.Deals)
	span := opt.Months * 30
	for i := range opt.Deals {
		// More deals in recent months: the square root skews towards the end.
		created := opt.End.AddDays(-int(float64(span) * (1 - sqrt(r.Float64()))))
		name := fmt.Sprintf("%s-%s-%05d", strings.ToLower(firms[r.IntN(len(firms))]), words[r.IntN(len(words))], i)
		dir := owners[i%len(owners)]
		files[dir+"/"+name+".yaml"] = deal(r, i, created, opt.End)
	}
	return files
}

func sqrt(f float64) float64 {
	// Newton's method is plenty for [0, 1].
	if f == 0 {
		return 0
	}
	x := f
	for range 20 {
		x = (x + f/x) / 2
	}
	return x
}

func deal(r *rand.Rand, i int, created, end model.Date) []byte {
	var b strings.Builder
	firm := firms[r.IntN(len(firms))]
	fmt.Fprintf(&b, "title: %s — %s %s\ncompany: %s Ltd\nowner: %s\n", firm, words[r.IntN(len(words))], words[r.IntN(len(words))], firm, owners[i%len(owners)])
	if r.IntN(20) > 0 {
		fmt.Fprintf(&b, "source: %s\n", sources[r.IntN(len(sources))])
	}
	value := model.Money((r.IntN(200) + 5) * 50000)
	if r.IntN(4) == 0 {
		value += model.Money(r.IntN(100))
	}
	fmt.Fprintf(&b, "value: %s\n", value)
	fmt.Fprintf(&b, "expected_close: %s\n", created.AddDays(30+r.IntN(120)))
	if r.IntN(10) == 0 {
		fmt.Fprintf(&b, "probability: 0.%d\n", 1+r.IntN(9))
	}
	fmt.Fprintf(&b, "contacts:\n  - name: Contact %d\n    email: c%d@%s.example\n    role: CFO\n", i, i, strings.ToLower(firm))

	b.WriteString("history:\n")
	day := created
	stage := 0 // index in stageIDs
	if r.IntN(7) == 0 {
		stage = 1
	}
	fmt.Fprintf(&b, "  - stage: %s\n    date: %s\n", stageIDs[stage], day)
	var wonOn model.Date
	for {
		day = day.AddDays(1 + r.IntN(25))
		if day > end {
			break
		}
		p := r.IntN(100)
		switch {
		case p < 22:
			fmt.Fprintf(&b, "  - {stage: lost, date: %s, reason: %s}\n", day, reasons[r.IntN(len(reasons))])
			stage = -1
		case stage == 4 && p < 70:
			fmt.Fprintf(&b, "  - stage: won\n    date: %s\n", day)
			wonOn, stage = day, -1
		case stage == 4 && p < 80:
			stage = 3
			fmt.Fprintf(&b, "  - stage: proposal\n    date: %s\n", day)
		case stage < 4 && p < 80:
			stage++
			fmt.Fprintf(&b, "  - stage: %s\n    date: %s\n", stageIDs[stage], day)
		default:
			stage = -2 // stays open where it is
		}
		if stage < 0 {
			break
		}
	}
	if stage != -1 {
		nextStep(&b, i, created)
	}
	if sent := r.IntN(30); sent > 0 {
		fmt.Fprintf(&b, "emails:\n  sent: %d\n  opened: %d\n", sent, r.IntN(sent+1))
	}
	if !wonOn.IsZero() {
		done := wonOn.AddDays(10 + r.IntN(50))
		switch {
		case done > end:
			b.WriteString("onboarding:\n  status: in_progress\n")
		case r.IntN(8) == 0:
			fmt.Fprintf(&b, "onboarding:\n  status: failed\n  date: %s\n", done)
		default:
			fmt.Fprintf(&b, "onboarding:\n  status: succeeded\n  date: %s\n", done)
			if churn := done.AddDays(30 + r.IntN(300)); churn <= end && r.IntN(6) == 0 {
				fmt.Fprintf(&b, "churned: %s\n", churn)
			}
		}
	}
	fmt.Fprintf(&b, "notes: |\n  Met the team at %s. **Champion:** the CFO.\n\n  - follow up on pricing\n  - send the security questionnaire\n", firm)
	return []byte(b.String())
}

// nextStep writes an open deal's next step, its date and, now and then,
// its own forecast category, as reps keep them: most deals have a next
// step, some none, some late. It draws from its own source, so the rest
// of a generated deal does not depend on it.
func nextStep(b *strings.Builder, i int, created model.Date) {
	r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	if r.IntN(8) > 0 {
		fmt.Fprintf(b, "next_step: Call the CFO about %s\nnext_step_date: %s\n", words[r.IntN(len(words))], created.AddDays(14+r.IntN(180)))
	}
	if r.IntN(12) == 0 {
		fmt.Fprintf(b, "forecast: %s\n", model.ForecastCategories[r.IntN(len(model.ForecastCategories))])
	}
}

// Write writes a generated repository into dir.
func Write(dir string, opt Options) error {
	if err := os.WriteFile(filepath.Join(dir, "pipeline.yaml"), Pipeline(opt), 0o644); err != nil {
		return err
	}
	for rel, src := range Deals(opt) {
		p := filepath.Join(dir, "deals", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, src, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// BenchSizes returns the pipeline sizes a benchmark runs at: sizes, and
// 100,000 deals too when the environment variable BENCH_100K is set (it
// takes minutes).
func BenchSizes(sizes ...int) []int {
	if os.Getenv("BENCH_100K") != "" {
		sizes = append(sizes, 100000)
	}
	return sizes
}
