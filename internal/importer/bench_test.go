package importer

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/pipegen/pipegen/internal/load"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/project"
)

// pipedriveExport writes a Pipedrive export of n deals of the demo
// pipeline (this repository's pipeline.yaml): every stage and status, the
// owners by name, amounts written three ways, deterministic.
func pipedriveExport(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	owners := []string{"Sofia Lindqvist", "Marek Nowak", "Dana Whitfield", "Jamal Carter", "Kenji Watanabe"}
	stages := []string{"Prospecting", "Qualified", "Demo", "Proposal", "Negotiation"}
	sources := []string{"webinar", "referral", "outbound", "website", "event"}
	reasons := []string{"budget", "competitor", "timing", "no-decision", "fit"}
	var b bytes.Buffer
	b.WriteString("Deal - ID,Deal - Title,Deal - Organization,Deal - Owner,Deal - Value,Deal - Currency,Deal - Stage,Deal - Status," +
		"Deal - Deal created,Deal - Last stage change,Deal - Won time,Deal - Lost time,Deal - Lost reason,Deal - Expected close date,Deal - Source channel\n")
	start, _ := model.NewDate(2024, 1, 1)
	for i := range n {
		created := start.AddDays(r.IntN(900))
		changed := created.AddDays(r.IntN(30))
		closed := changed.AddDays(1 + r.IntN(30))
		stage := r.IntN(len(stages))
		status, won, lost, reason := "Open", "", "", ""
		switch r.IntN(3) {
		case 1:
			status, won, stage = "Won", closed.String()+" 16:00:00", len(stages)-1
		case 2:
			status, lost, reason = "Lost", closed.String()+" 11:30:00", reasons[r.IntN(len(reasons))]
		}
		value := 1000 + r.IntN(90000)
		amount := []string{fmt.Sprint(value), fmt.Sprintf("\"%d,%03d.00\"", value/1000, value%1000), fmt.Sprintf("%d.50", value)}[i%3]
		fmt.Fprintf(&b, "%d,Company %d — plan %d,Company %d,%s,%s,USD,%s,%s,%s 09:15:00,%s 10:00:00,%s,%s,%s,%s,%s\n",
			i+1, i, i%7, i, owners[r.IntN(len(owners))], amount, stages[stage], status,
			created, changed, won, lost, reason, closed.AddDays(20), sources[r.IntN(len(sources))])
	}
	return b.Bytes()
}

// BenchmarkImport imports a Pipedrive export of 100,000 deals: converted,
// checked and, unless dry, written to a new repository on the disk.
//
//	go test -run '^$' -bench Import -benchtime 3x ./internal/importer
func BenchmarkImport(b *testing.B) {
	p, pd := load.ReadPipeline("../..")
	if len(pd) > 0 {
		b.Fatal(pd)
	}
	const n = 100_000
	export := pipedriveExport(n)
	for _, dry := range []bool{true, false} {
		b.Run(fmt.Sprintf("rows=%d/dry=%v", n, dry), func(b *testing.B) {
			b.SetBytes(int64(len(export)))
			for b.Loop() {
				res, err := Import(Options{Kind: Pipedrive, CSV: bytes.NewReader(export), CSVName: "deals.csv",
					Pipeline: p, Dir: b.TempDir(), DryRun: dry, Limit: load.DefaultMaxFileSize, Check: project.Options{}})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Written) != n {
					b.Fatalf("%d deals written, want %d; first problems: %v", len(res.Written), n, res.Diagnostics[:min(3, len(res.Diagnostics))])
				}
			}
		})
	}
}

// TestWriteExportForBenchmarks writes the benchmark's export of 100,000
// deals to the file PIPEGEN_IMPORT_CSV names, for timing the whole command
// (scripts/bench); without it, it does nothing.
func TestWriteExportForBenchmarks(t *testing.T) {
	path := os.Getenv("PIPEGEN_IMPORT_CSV")
	if path == "" {
		t.Skip("PIPEGEN_IMPORT_CSV is not set")
	}
	if err := os.WriteFile(path, pipedriveExport(100_000), 0o644); err != nil {
		t.Fatal(err)
	}
}
