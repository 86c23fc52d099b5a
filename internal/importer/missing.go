package importer

import (
	"fmt"
	"strings"

	"github.com/pipegen/pipegen/internal/edit"
	"github.com/pipegen/pipegen/internal/model"
)

// PipelineLines returns the YAML to add to pipeline.yaml for the owners,
// sources and lost reasons of the export that it lacks, or "" when it
// lacks none. Stages are left out: a stage is a decision about the
// pipeline, and the export's stages are mapped instead (see MapLines).
func PipelineLines(ms []Missing) string {
	var b strings.Builder
	for _, list := range []struct{ what, key string }{{"owner", "owners"}, {"source", "sources"}, {"lost reason", "lost_reasons"}} {
		seen := map[string]bool{}
		head := false
		for _, m := range ms {
			if m.What != list.what || seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			if !head {
				b.WriteString(list.key + ":\n")
				head = true
			}
			if m.What != "owner" {
				fmt.Fprintf(&b, "  - %s\n", edit.Scalar(m.ID))
				continue
			}
			fmt.Fprintf(&b, "  - id: %s\n", edit.Scalar(m.ID))
			if !strings.Contains(m.Value, "@") {
				fmt.Fprintf(&b, "    name: %s\n", edit.Scalar(m.Value))
			}
		}
	}
	return b.String()
}

// MapLines returns the lines of a mapping file that would map each value
// of the export that pipeline.yaml lacks to one of its ids, left for the
// user to fill in, with the ids to choose from.
func MapLines(ms []Missing, p *model.Pipeline) string {
	var b strings.Builder
	for _, list := range []struct {
		what, key string
		ids       []string
	}{
		{"stage", "stages", stageIDs(p)},
		{"owner", "owners", ownerIDs(p)},
		{"source", "sources", itemIDs(p.Sources)},
		{"lost reason", "lost_reasons", itemIDs(p.LostReasons)},
	} {
		head := false
		for _, m := range ms {
			if m.What != list.what {
				continue
			}
			if !head {
				b.WriteString(list.key + ":\n")
				head = true
			}
			fmt.Fprintf(&b, "  %s:", edit.Scalar(m.Value))
			if len(list.ids) > 0 {
				fmt.Fprintf(&b, "   # one of %s", strings.Join(list.ids, ", "))
			}
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func stageIDs(p *model.Pipeline) []string {
	ids := make([]string, len(p.Stages))
	for i, s := range p.Stages {
		ids[i] = s.ID
	}
	return ids
}

func ownerIDs(p *model.Pipeline) []string {
	ids := make([]string, len(p.Owners))
	for i, o := range p.Owners {
		ids[i] = o.ID
	}
	return ids
}

func itemIDs(list []model.Item) []string {
	ids := make([]string, len(list))
	for i, it := range list {
		ids[i] = it.ID
	}
	return ids
}
